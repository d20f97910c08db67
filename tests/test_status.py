"""The one status vocabulary: its words are the stored ones, and every view knows each."""

from __future__ import annotations

import json

from studyplan.domain.status import MARKS, RECORDED, SATISFIED, SATISFIED_SHOWN, Status


def test_statuses_are_the_stored_words() -> None:
    assert [str(s) for s in RECORDED] == ["started", "done", "skipped", "known", "not-known"]
    assert (*RECORDED, "reset") == MARKS
    assert json.dumps({Status.DONE: [Status.KNOWN]}) == '{"done": ["known"]}'
    assert f"{Status.COVERED}" == "covered" and Status("todo") is Status.TODO
    assert {"done", "known"} == SATISFIED and SATISFIED | {"covered"} == SATISFIED_SHOWN


def test_every_status_has_a_label_a_help_a_colour_and_a_mark() -> None:
    from studyplan.views.model import PALETTE, STATUS_HELP, STATUS_LABEL, STATUSES
    from studyplan.views.render import STATUS_MARK, STATUS_STYLE

    assert set(STATUSES) == set(Status)
    for status in Status:
        assert status in STATUS_LABEL and status in STATUS_HELP and status in PALETTE
    for status in (*RECORDED, Status.TODO):
        assert status in STATUS_MARK and status in STATUS_STYLE
