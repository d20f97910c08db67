"""Plain output helpers: JSON written item by item, a line each, reads back whole."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from studyplan.cli.output import print_json

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=6), values, min_size=1, max_size=4), st.data())
def test_streamed_json_is_the_same_text(document: dict[str, Any], data: st.DataObject) -> None:
    lists = [k for k, v in document.items() if isinstance(v, list)]
    streamed = {k: iter(v) if k in lists else v for k, v in document.items()}
    if not lists:
        streamed["extra"] = iter(data.draw(st.lists(values, max_size=3)))
        document = {**document, "extra": list(streamed["extra"])}
        streamed["extra"] = iter(document["extra"])
    out = io.StringIO()
    with redirect_stdout(out):
        print_json(streamed)
    text = out.getvalue()
    assert json.loads(text) == document
    lines = text.split("\n")  # not splitlines(): U+0085 and U+2028 are not line ends here
    for key in lists or ["extra"]:
        items = document[key]
        if items:  # one line per item, right after the key's line
            start = lines.index(f"  {json.dumps(key, ensure_ascii=False)}: [")
            body = lines[start + 1 : start + 1 + len(items)]
            assert [json.loads(line.strip().rstrip(",")) for line in body] == items


def test_nested_iterators_stream_too() -> None:
    document = {"name": "p", "plan": {"goals": ["g"], "steps": [{"id": 1}, {"id": 2}], "n": 2}}
    streamed = {"name": "p", "plan": {**document["plan"], "steps": iter(document["plan"]["steps"])}}
    out = io.StringIO()
    with redirect_stdout(out):
        print_json(streamed)
    text = out.getvalue()
    assert json.loads(text) == document
    assert '\n      {"id": 1},\n      {"id": 2}\n    ],' in text
