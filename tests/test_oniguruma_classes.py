r"""The exported split regex keeps Unicode classes (``\p{L}``) readable, and still splits as the
spec in every Oniguruma build Hugging Face has shipped: Unicode 14.0.0 (tokenizers 0.19-0.21)
to 16.0.0. Hugging Face itself runs it in tests/test_huggingface.py (the installed engine, every
scalar value); here each older engine's tables stand in for that engine: the rendered regex is
parsed once with the pinned table and once with the tables an older engine carries, and every
set must come out the same."""

from __future__ import annotations

import functools
import unicodedata

import pytest
import tokenizers
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe import pattern_language
from bytebpe.huggingface import _oniguruma_unicode, oniguruma_pattern
from bytebpe.huggingface.export import tokenizer_json
from bytebpe.huggingface.importer import import_model
from bytebpe.pattern_language import UnicodeTables, complement, normalize
from strategies import CUSTOM_PATTERNS, NAMED_PATTERNS, patterns

ENGINE_VERSIONS = sorted(_oniguruma_unicode.CHANGED)


@functools.cache
def tables_of(version: str) -> UnicodeTables:
    """The pinned tables with ``version``'s General_Category where it differs."""
    pinned = pattern_language.unicode_tables()
    changed = _oniguruma_unicode.CHANGED[version]
    moved = normalize((first, last) for first, last, _ in changed)
    categories = {}
    for name, ranges in pinned.categories.items():
        if len(name) != 2 or name in ("LC", "Cn"):
            continue
        kept = complement(normalize([*complement(ranges), *moved]))
        categories[name] = normalize([*kept, *((first, last) for first, last, cat in changed if cat == name)])
    categories["Cn"] = complement(normalize(run for ranges in categories.values() for run in ranges))
    for group in "LMNPSZC":
        categories[group] = normalize(run for n, r in categories.items() if n[0] == group for run in r)
    categories["LC"] = normalize([*categories["Lu"], *categories["Ll"], *categories["Lt"]])
    return UnicodeTables(categories, pinned.white_space, pinned.case_orbits)


def sets_of(node: tuple) -> list:
    if node[0] == "set":
        return [node[1]]
    children = {"seq": lambda: node[1], "alt": lambda: node[1], "group": lambda: [node[2]], "repeat": lambda: [node[1]]}
    return [found for child in children.get(node[0], list)() for found in sets_of(child)]


def sets_in_engine(regex: str, version: str | None, monkeypatch) -> list:
    with monkeypatch.context() as patch:
        if version is not None:
            tables = tables_of(version)
            patch.setattr(pattern_language, "unicode_tables", lambda: tables)
        return sets_of(pattern_language.parse(regex))


def assert_same_sets_everywhere(pattern: str, monkeypatch) -> None:
    try:
        rendered = oniguruma_pattern(pattern)
    except ValueError:
        return  # outside what Oniguruma can run: tests/test_huggingface.py holds the message
    expected = sets_in_engine(rendered, None, monkeypatch)
    for version in ENGINE_VERSIONS:
        assert sets_in_engine(rendered, version, monkeypatch) == expected, (pattern, version)


def test_older_tables_are_what_older_engines_carry():
    # The tables must make a difference, or the test below checks nothing: Unicode 14.0.0 lacks
    # Garay (16.0.0) and Kawi (15.0.0), and U+1171E moved from Mn to Mc.
    old = tables_of("14.0.0").categories
    pinned = pattern_language.unicode_tables().categories
    for cp, now in ((0x10D50, "Lu"), (0x11F04, "Lo"), (0x1171E, "Mc")):
        assert pattern_language.contains(pinned[now], cp)
        assert not pattern_language.contains(old[now], cp)
    assert pattern_language.contains(old["Mn"], 0x1171E)


@pytest.mark.skipif(unicodedata.unidata_version != "14.0.0", reason="this Python's unicodedata is not 14.0.0")
def test_the_unicode_14_table_agrees_with_pythons_own():
    old = tables_of("14.0.0").categories
    for cp in range(0x110000):
        if not 0xD800 <= cp <= 0xDFFF:
            category = unicodedata.category(chr(cp))
            assert pattern_language.contains(old[category], cp), (hex(cp), category)


@pytest.mark.parametrize("pattern", NAMED_PATTERNS + CUSTOM_PATTERNS)
def test_every_set_is_the_same_in_every_engine(pattern, monkeypatch):
    assert_same_sets_everywhere(pattern, monkeypatch)


# Classes of every category escape, negated or not, mixed with ranges and case folding.
_ITEMS = [
    *(f"\\p{{{name}}}" for name in sorted(pattern_language.unicode_tables().categories)),
    r"\P{L}", r"\P{Cn}", r"\s", r"\S", r"\d", r"\D", "a-z", r"\x{10d40}-\x{10d4f}", r"\x{1171e}", r"\r\n",
]  # fmt: skip
_classes = st.tuples(st.booleans(), st.lists(st.sampled_from(_ITEMS), min_size=1, max_size=4), st.booleans()).map(
    lambda t: ("(?i)" if t[2] else "") + "[" + ("^" if t[0] else "") + "".join(t[1]) + "]"
)


@given(pattern=st.one_of(_classes, patterns()))
def test_random_classes_are_the_same_in_every_engine(pattern):
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert_same_sets_everywhere(pattern, monkeypatch)


def test_the_readable_form_keeps_the_classes_and_is_short():
    rendered = oniguruma_pattern("gpt4")
    assert rendered.startswith("'(?:[DMS-Tdms-t\\x{17f}]|[Ll][Ll]|[Vv][Ee]|[Rr][Ee])|(?>[^\\n\\r\\p{L}\\p{N}")
    assert len(rendered) < 2_500 < 36_000 < len(oniguruma_pattern("gpt4", unicode_classes=False))
    letters, not_numbers = oniguruma_pattern(r"\p{L}"), oniguruma_pattern(r"\P{N}")
    assert letters.startswith(r"[\p{L}\x{") and not_numbers.startswith(r"[^\p{N}\x{")
    assert oniguruma_pattern(r"\s+|\S|\p{L}|\P{N}") == rf"\s+|\S|{letters}|{not_numbers}"
    # \p{Cn} shrinks with every Unicode version, so it is never written as a class.
    assert r"\p{Cn}" not in oniguruma_pattern(r"\p{Cn}") and r"\p{C}" not in oniguruma_pattern(r"\p{C}")


@pytest.mark.parametrize("pattern", NAMED_PATTERNS)
def test_both_forms_run_in_the_installed_engine(pattern):
    for classes in (True, False):
        tokenizers.Regex(oniguruma_pattern(pattern, unicode_classes=classes))


@pytest.mark.parametrize("pattern", NAMED_PATTERNS)
@pytest.mark.parametrize("classes", [True, False])
def test_an_export_in_either_form_imports_as_the_named_pattern(pattern, classes):
    content = tokenizer_json({bytes([b]): b for b in range(256)}, pattern)
    content["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = oniguruma_pattern(
        pattern, unicode_classes=classes
    )
    assert import_model(content).pattern == bytebpe.patterns.SplitPattern.of(pattern)
