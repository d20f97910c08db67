"""The fast YAML parser (rapidyaml) gives exactly what PyYAML's safe loader gives, or
declines (``None``) and PyYAML parses the file; problems keep their line numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from helpers import ROOT
from studyplan.adapters.curriculum.loader import Source, parse_exact, parse_one
from studyplan.adapters.curriculum.yaml_lines import fast_data

BUILTIN = sorted((ROOT / "curricula").rglob("*.yaml")) + sorted((ROOT / "tests").rglob("*.yaml"))


def _pyyaml(text: str) -> object:
    return yaml.load(text, Loader=yaml.CSafeLoader)


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_data_as_pyyaml_on_every_builtin_file(path: Path) -> None:
    text = path.read_text("utf-8")
    try:
        expected = _pyyaml(text)
    except yaml.YAMLError:
        assert fast_data(text) is None or not isinstance(fast_data(text), dict)
        return
    got = fast_data(text)
    assert got is None or got == expected


def test_the_fast_parser_takes_most_builtin_curricula() -> None:
    taken = [p for p in sorted((ROOT / "curricula").rglob("*.yaml")) if fast_data(p.read_text())]
    assert len(taken) >= 0.7 * len(list((ROOT / "curricula").rglob("*.yaml")))


AWKWARD = [
    "yes", "no", "Yes", "NO", "on", "Off", "true", "False", "TRUE", "null", "Null", "~", "",
    "1e3", "1.5e3", "1.0e+3", "1.5", ".5", "5.", "-.inf", ".NaN", "0x1f", "0o17", "017", "0b101",
    "1_000", "12:30", "1:20:30.5", "-7", "+3", "0", "-0", "00", "2024-01-02",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "=", "<<", "abc", "a b",
    "Topic 1", "title", "主题", "x: y", "a#b", "trailing ", "it's", 'say "hi"', "back\\slash",
]  # fmt: skip


def _render(value: str, style: str, indent: str) -> str | None:
    if style == "plain":
        return value
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return json.dumps(value, ensure_ascii=False)
    if not value or value != value.strip() or "\\" in value:
        return None
    block = "\n".join(f"{indent}  {word}" for word in value.split(" "))
    return (">" if style == "folded" else "|") + "\n" + block


scalars = st.one_of(st.sampled_from(AWKWARD), st.text("abc019 .:-_", max_size=8))
styles = st.sampled_from(["plain", "single", "double", "folded", "literal"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for n in range(draw(st.integers(1, 6))):
        key = draw(st.sampled_from([f"k{n}", *AWKWARD[:12]]))
        value = _render(draw(scalars), draw(styles), "")
        if value is None:
            continue
        if draw(st.booleans()):
            items = [_render(draw(scalars), "double", "  ") for _ in range(draw(st.integers(1, 3)))]
            lines.append(f"{key}:\n" + "\n".join(f"  - {i}" for i in items))
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


@given(documents())
def test_same_data_as_pyyaml_on_generated_documents(text: str) -> None:
    try:
        expected = _pyyaml(text)
    except yaml.YAMLError:
        return
    got = fast_data(text)
    assert got is None or got == expected, text


@given(st.lists(st.text("abcdefgh ", min_size=1, max_size=12).map(str.strip), min_size=1))
def test_plain_words_take_the_fast_path(words: list[str]) -> None:
    text = "".join(f"k{i}: {w or 'x'}\n" for i, w in enumerate(words))
    assert fast_data(text) == _pyyaml(text)


def test_a_bad_file_keeps_its_line_numbers() -> None:
    text = (ROOT / "tests/fixtures/data/curricula/mini.yaml").read_text("utf-8")
    broken = text.replace("hours:", "hourz:", 1)
    source = Source(Path("mini.yaml"), "mini.yaml", "x", _data=broken.encode())
    assert fast_data(broken) is not None  # the fast parser takes it; the checks fail
    _, problems = parse_one(source)
    assert problems and all(p.line is not None for p in problems)
    assert parse_exact(source)[1] == problems


def test_a_good_file_gives_the_same_topics_without_lines() -> None:
    text = (ROOT / "tests/fixtures/data/curricula/mini.yaml").read_text("utf-8")
    good = Source(Path("mini.yaml"), "mini.yaml", "x", _data=text.encode())
    fast, exact = parse_one(good)[0], parse_exact(good)[0]
    assert fast is not None and exact is not None
    assert fast.curriculum == exact.curriculum
    assert [t.id for t in fast.topics] == [t.id for t in exact.topics]
    assert all(t.line is None for t in fast.topics)
    assert all(t.line for t in exact.topics)
