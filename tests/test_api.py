"""The public surface: names, signatures, and no silent fallback."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import pytest

import bytebpe


def test_implementations_are_named():
    assert bytebpe.IMPLEMENTATIONS == ("reference", "fast")
    assert bytebpe.implementation("reference") is sys.modules["bytebpe.reference_implementation"]
    assert bytebpe.implementation("fast") is sys.modules["bytebpe.fast"]


def test_unknown_implementation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="'reference', 'fast'"):
        bytebpe.implementation("turbo")
    with pytest.raises(ValueError, match="'reference', 'fast'"):
        bytebpe.Tokenizer.train(["ab"], 257, implementation="turbo")


def test_the_compiled_core_is_the_real_one():
    from bytebpe import _fast

    assert _fast.__name__ == "bytebpe._fast"
    assert bytebpe.implementation("fast").split is not bytebpe.implementation("reference").split
    assert dict(_fast.PATTERNS) == dict(bytebpe.PATTERNS)
    assert _fast.DEFAULT_PATTERN == bytebpe.DEFAULT_PATTERN == "gpt4"
    assert _fast.UNICODE_VERSION == "16.0.0"


def test_the_version_is_the_same_everywhere():
    import re
    from importlib import metadata
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    pyproject = re.search(r'^version = "([^"]+)"', (root / "pyproject.toml").read_text(), re.M)
    cargo = re.search(r'^version = "([^"]+)"', (root / "fast" / "Cargo.toml").read_text(), re.M)
    assert pyproject and cargo
    assert bytebpe.__version__ == pyproject[1] == cargo[1] == metadata.version("bytebpe")


def test_missing_core_raises_import_error_not_a_fallback():
    script = textwrap.dedent(
        """
        import importlib.abc, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "bytebpe._fast":
                    raise ImportError("blocked by the test")
        sys.meta_path.insert(0, Block())
        import bytebpe
        assert bytebpe.implementation("reference").train(["abab"], 257) == [(97, 98, 2)]
        for attempt in (lambda: bytebpe.implementation("fast"), lambda: bytebpe.Tokenizer.train(["ab"], 257)):
            try:
                attempt()
            except ImportError as err:
                assert "make build" in str(err), err
            else:
                raise SystemExit("no ImportError")
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


@pytest.mark.parametrize("name", bytebpe.IMPLEMENTATIONS)
def test_contract_signatures(name):
    module = bytebpe.implementation(name)
    split = inspect.signature(module.split)
    assert list(split.parameters) == ["text", "pattern"] and split.parameters["pattern"].default == "gpt4"
    train = inspect.signature(module.train).parameters
    assert list(train)[:4] == ["texts", "vocab_size", "pattern", "min_frequency"]
    assert train["pattern"].kind is inspect.Parameter.KEYWORD_ONLY and train["pattern"].default == "gpt4"
    assert train["min_frequency"].kind is inspect.Parameter.KEYWORD_ONLY and train["min_frequency"].default == 1
    for method in ("encode_ordinary", "encode_ordinary_batch", "decode_bytes", "merges"):
        assert callable(getattr(module.Encoder, method))


def test_tokenizer_contract():
    tok = bytebpe.Tokenizer.train(["hello hello world"], 262, pattern="gpt4", min_frequency=1, implementation="fast")
    assert tok.implementation == "fast"
    assert tok.pattern == bytebpe.PATTERNS["gpt4"] and tok.pattern_name == "gpt4"
    assert isinstance(tok.merges, list) and all(isinstance(m, tuple) and len(m) == 2 for m in tok.merges)
    ranks = tok.mergeable_ranks
    assert len(ranks) == 256 + len(tok.merges) and tok.n_vocab == len(ranks)
    ids = tok.encode_ordinary("hello world")
    assert tok.decode(ids) == "hello world" and tok.decode_bytes(ids) == b"hello world"
    assert tok.encode_ordinary_batch(["hello", "world"]) == [tok.encode_ordinary("hello"), tok.encode_ordinary("world")]
    same = bytebpe.Tokenizer.from_ranks(ranks, bytebpe.PATTERNS["gpt4"], implementation="reference")
    assert same.merges == tok.merges and same.pattern_name == "gpt4"
    assert same.with_implementation("fast").encode_ordinary("hello world") == ids
    assert "n_vocab=" in repr(tok)


def test_stub_names_match_the_module():
    from pathlib import Path

    from bytebpe import _fast

    stub = (Path(bytebpe.__file__).parent / "_fast.pyi").read_text()
    declared = {
        line.split()[1].split("(")[0].split(":")[0] for line in stub.splitlines() if line.startswith(("def ", "class "))
    }
    declared |= {line.split(":")[0] for line in stub.splitlines() if line and line[0].isupper() and ":" in line}
    public = {name for name in dir(_fast) if not name.startswith("_")}
    assert declared == public
