"""The self-checks of done topics as an Anki deck (``.apkg``), written with ``genanki``
(the only module that imports it; ~200 ms, so only ``review export`` loads it).

Ids are stable: the model and deck ids are fixed numbers, and each note's guid is
derived from its topic id and the check's position, so importing a newer export into
Anki updates the notes it already has instead of adding copies.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Sequence
from pathlib import Path

import genanki

from studyplan.adapters.files import write_atomic
from studyplan.domain.catalog import Catalog

MODEL_ID = 1_607_392_319  # fixed forever: Anki matches notes to their model by it
DECK_ID = 2_059_400_110
DECK_NAME = "studyplan self-checks"


def _model() -> genanki.Model:
    return genanki.Model(
        MODEL_ID,
        "studyplan self-check",
        fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Topic"}],
        templates=[
            {
                "name": "Check",
                "qfmt": "<div class=topic>{{Topic}}</div>{{Question}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}",
            }
        ],
        css=".card { font-family: sans-serif; font-size: 20px; } .topic { color: #666; "
        "font-size: 14px; }",
    )


def note_guid(topic_id: str, index: int) -> str:
    """The stable id of a topic's ``index``-th self-check."""
    return str(genanki.guid_for("studyplan", topic_id, index))


def write_deck(catalog: Catalog, topic_ids: Sequence[str], path: Path) -> int:
    """Write the deck for ``topic_ids`` (done topics) to ``path``; returns how many notes."""
    model = _model()
    deck = genanki.Deck(DECK_ID, DECK_NAME)
    count = 0
    for tid in topic_ids:
        topic = catalog.topics[tid]
        label = html.escape(f"{topic.title} · {topic.title_zh} [{tid}]")
        tags = [topic.curriculum.replace(" ", "_"), "studyplan"]
        for k, check in enumerate(topic.checks):
            deck.add_note(
                genanki.Note(
                    model=model,
                    fields=[html.escape(check.q), html.escape(check.answer), label],
                    guid=note_guid(tid, k),
                    tags=tags,
                )
            )
            count += 1
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "deck.apkg"
        # genanki builds the collection in a mkstemp() file it never deletes: point the
        # temp folder at ours for that call, so every export cleans up after itself.
        default_tmp = tempfile.tempdir
        tempfile.tempdir = tmp
        try:
            genanki.Package(deck).write_to_file(str(staged), timestamp=0)
        finally:
            tempfile.tempdir = default_tmp
        write_atomic(path, staged.read_bytes(), stdout_dash=False)
    return count
