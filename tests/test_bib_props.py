"""Property tests: generated entries survive import and export field for field; keys follow
the documented rule; the value checker agrees with how BibTeX reads values."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from helpers.bib import entries, strings
from studyplan.adapters import bibliography
from studyplan.adapters.bibtex import keys
from studyplan.adapters.bibtex.export import Corpus, export
from studyplan.adapters.bibtex.merge import plan_import
from studyplan.adapters.bibtex.model import Item
from studyplan.adapters.bibtex.values import ValueSyntaxError, check_value, pieces

KEY_CHARS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789:/-_.+"))
ENTRY_KEYS = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(list("abcdefghijklmnopqrstuvwxyz")),
    st.text(KEY_CHARS, min_size=0, max_size=20),
)
WORD = st.sampled_from(
    [
        "Müller",
        'M{\\"u}ller',
        "{GPU}",
        "{{BERT}}",
        "$\\omega$",
        "$x^{2}_{i}$",
        "\\&",
        "50\\%",
        "Åström",
        '{\\AA}str{\\"o}m',
        "信息",
        "rate--distortion",
        "O'Neil",
        "{van der Berg}",
        "\\textit{italic}",
        "@home",
        "a,b",
        "(paren)",
    ]
)
TEXT = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
# A name list with commas in it can be one BibTeX rejects ("too many commas in name"),
# which the importer rightly reports; names here are drawn without them.
NAME_TEXT = st.lists(WORD.filter(lambda w: "," not in w), min_size=1, max_size=6).map(" ".join)
URL = st.builds(
    lambda path, q: f"https://example.org/{path}?q={q}&x=%20#frag",
    st.text(st.sampled_from(list("abc%20/_~-.")), min_size=1, max_size=15),
    st.integers(0, 999),
)
MACROS = ["jmlr", "ieee"]
BRACED = TEXT.map(lambda t: "{" + t + "}")
QUOTED = TEXT.filter(lambda t: '"' not in t).map(lambda t: '"' + t + '"')
BARE = st.one_of(st.integers(0, 3000).map(str), st.sampled_from(["jan", "dec", *MACROS]))
VALUE = st.one_of(
    BRACED,
    QUOTED,
    BARE,
    st.lists(st.one_of(BRACED, QUOTED, BARE), min_size=2, max_size=4).map(" # ".join),
)
NAME_VALUE = st.one_of(
    NAME_TEXT.map(lambda t: "{" + t + "}"),
    st.lists(NAME_TEXT.map(lambda t: "{" + t + "}"), min_size=2, max_size=3).map(" # ".join),
)
FIELD_NAMES = ["author", "title", "journal", "year", "note", "pages", "Title2", "x-custom"]


@st.composite
def entry_texts(draw: st.DrawFn) -> str:
    key = draw(ENTRY_KEYS)
    names = draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=6, unique=True))
    fields = [(name, draw(NAME_VALUE if name == "author" else VALUE)) for name in names]
    fields.append(("url", "{" + draw(URL) + "}"))
    etype = draw(st.sampled_from(["article", "Book", "misc", "INPROCEEDINGS"]))
    body = ",\n".join(f"  {n} = {v}" for n, v in fields)
    return f"@{etype}{{{key},\n{body}\n}}"


HEADER = '@string{jmlr = "J. Mach. Learn. Res."}\n@string{ieee = {IEEE} # " Press"}\n\n'


@given(st.lists(entry_texts(), min_size=1, max_size=6))
def test_generated_entries_round_trip(texts: list[str]) -> None:
    seen: set[str] = set()
    unique = []
    for text in texts:
        key = text.split("{", 1)[1].split(",", 1)[0].casefold()
        if key not in seen:
            seen.add(key)
            unique.append(text)
    source = HEADER + "\n\n".join(unique) + "\n"
    parsed = bibliography.parse_text(source, "generated.bib")
    plan = plan_import([parsed], [], [], bibliography.parse_items)
    assert not plan.bad, [p.render() for p in plan.bad]
    library = [Item(r.kind, r.key, r.text, "library", r.source) for r in plan.rows]
    exported = export(Corpus([], library), bibliography.parse_items, None).text
    assert entries(exported) == entries(source)
    assert strings(exported) == strings(source)


@given(VALUE)
def test_valid_values_pass_the_checker(value: str) -> None:
    macros = check_value(value)
    assert set(macros) <= {"jan", "dec", *MACROS}
    assert "".join(kind[0] for kind, _ in pieces(value))  # never empty


@given(st.lists(st.one_of(BRACED, QUOTED), min_size=2, max_size=3))
def test_pieces_without_hash_are_rejected(parts: list[str]) -> None:
    try:
        check_value(" ".join(parts))
    except ValueSyntaxError as exc:
        assert "not joined by '#'" in str(exc)
    else:
        raise AssertionError("two pieces without '#' must be rejected")


@given(
    st.sampled_from(["Müller, Jörg", 'M{\\"u}ller, J.', "Jörg Müller", "{van der Berg}, Jan"]),
    st.integers(1900, 2030),
    st.sampled_from(["The Deep Net", "On Entropy", "A {GPU} Study", "$\\omega$-Nets"]),
    st.sets(st.sampled_from(["muller2019deep", "vanderberg2001entropy", "muller2019deepb"])),
)
def test_new_keys_follow_the_rule_and_never_clash(
    author: str, year: int, title: str, taken: set[str]
) -> None:
    base = keys.base_key(author, str(year), title)
    assert base.isascii() and base.isalnum() and str(year) in base
    assert base == keys.base_key(author, str(year), title)  # deterministic
    key = keys.unique_key(base, {t.casefold() for t in taken})
    assert key.startswith(base) and key not in taken
    suffix = key[len(base) :]
    assert suffix == "" or suffix in list(keys.suffixes())[:30]


def test_key_rule_examples() -> None:
    assert keys.base_key('M{\\"u}ller, J{\\"o}rg and Smith, Ann', "2019", "The Deep Net") == (
        "muller2019deep"
    )
    assert keys.base_key("{van der Berg}, Jan", "c. 2001", "On the Theory") == (
        "vanderberg2001theory"
    )
    assert keys.base_key("van der Berg, Jan", "2001", "") == "berg2001"
    assert keys.base_key("Ludwig van Beethoven", "1808", "Symphony") == "beethoven1808symphony"
    assert keys.base_key("{AMANDA Collaboration}", "2005", "Neutrinos") == (
        "amandacollaboration2005neutrinos"
    )
    assert keys.base_key("", "", "") == "anon"
    assert keys.unique_key("doe2020x", {"doe2020x", "doe2020xb"}) == "doe2020xc"
    assert keys.unique_key("Doe2020X", {"doe2020x"}) == "Doe2020Xb"
