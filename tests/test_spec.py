"""spec/bpe.md and the code say the same thing: the function index, the named patterns, the
pinned Unicode table and its generated copies."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given

import bytebpe
from bytebpe import _unicode_data, checks, reference
from strategies import corpora, vocab_sizes

ROOT = Path(__file__).resolve().parents[1]
SPEC = (ROOT / "spec" / "bpe.md").read_text(encoding="utf-8")


def spec_index() -> list[tuple[str, str, list[str]]]:
    """(module, function, parameters) of every entry of §11; `checks.f(...)` is in bytebpe.checks."""
    section = SPEC.split("## 11. Index of the reference implementation", 1)[1]
    calls = re.findall(r"`(?:(checks)\.)?(\w+)\(([^)]*)\)`", section.split("The pattern language", 1)[0])
    return [
        (module or "reference", name, [p.strip() for p in params.split(",") if p.strip()])
        for module, name, params in calls
    ]


def test_every_function_in_the_spec_index_exists_with_its_parameters():
    index = spec_index()
    assert len(index) >= 18
    modules = {"reference": reference, "checks": checks}
    for module, name, params in index:
        function = getattr(modules[module], name, None)
        assert function is not None, f"spec §11 names {module}.{name}, which does not exist"
        assert list(inspect.signature(function).parameters) == params, name


def test_the_spec_index_lists_every_function_of_the_reference():
    # The executable spec holds the sections and their checks, nothing more.
    listed = {(module, name) for module, name, _ in spec_index()}
    for module in (reference, checks):
        short = module.__name__.rsplit(".", 1)[1]
        defined = {
            name
            for name, value in vars(module).items()
            if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_")
        }
        assert {(short, name) for name in defined} <= listed, sorted(defined - {n for m, n in listed if m == short})


def test_the_reference_follows_the_order_of_the_spec():
    # "Read it top to bottom": the functions of reference.py come in the order of the index.
    in_index = [name for module, name, _ in spec_index() if module == "reference"]
    source = inspect.getsource(reference)
    in_source = sorted(in_index, key=lambda name: source.index(f"\ndef {name}("))
    sections = {name: row for row, (module, name, _) in enumerate(spec_index()) if module == "reference"}
    assert in_source == sorted(in_index, key=sections.get)


def test_named_patterns_equal_the_spec_table():
    section = SPEC.split("### 2.1. Named patterns", 1)[1].split("### 2.2.", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| `(.+?)` \| ", section, flags=re.M))
    for name in ("gpt4", "cl100k", "gpt2"):
        assert rows[name].replace(r"\|", "|") == bytebpe.PATTERNS[name]
    branches = SPEC.split("The branches of `o200k`, in order:", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert "|".join(branches.strip("\n").split("\n")) == bytebpe.PATTERNS["o200k"]
    assert bytebpe.PATTERNS["nanochat"] == bytebpe.PATTERNS["gpt4"].replace(r"\p{N}{1,3}", r"\p{N}{1,2}")
    assert sorted(bytebpe.PATTERNS) == sorted(re.findall(r"^\| `(\w+)` \|", section, flags=re.M))


def test_generated_unicode_tables_are_fresh():
    result = subprocess.run(
        [sys.executable, str(ROOT / "spec/unicode/generate_code.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_pinned_general_categories_equal_unicodedata2_16():
    # A second, independent source of Unicode 16.0.0 (the Rust tests check a third).
    unicodedata2 = pytest.importorskip("unicodedata2")
    if unicodedata2.unidata_version != "16.0.0":
        pytest.fail(f"the test environment must pin unicodedata2==16.0.0, not {unicodedata2.unidata_version}")
    table = ["Cn"] * 0x110000
    for first, last, category in _unicode_data.GENERAL_CATEGORY:
        table[first : last + 1] = [category] * (last - first + 1)
    differing = [cp for cp in range(0x110000) if unicodedata2.category(chr(cp)) != table[cp]]
    assert not differing, [hex(cp) for cp in differing[:10]]


def test_docs_include_the_spec_rather_than_copy_it():
    page = (ROOT / "docs" / "spec.md").read_text(encoding="utf-8")
    assert '--8<-- "spec/bpe.md"' in page
    assert len(page) < len(SPEC) / 4


@given(corpus=corpora(), vocab_size=vocab_sizes())
def test_trained_tokens_are_distinct(corpus, vocab_size):
    # The note of §5.1: no two tokens of a trained vocabulary have the same bytes.
    vocab = reference.vocabulary_from_merges(reference.train(corpus, vocab_size))
    assert len(set(vocab.values())) == len(vocab)
