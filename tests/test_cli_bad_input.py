"""The command line never shows a traceback for bad input: hostile arguments, damaged tokenizer
directories and damaged corpora are each one line ``bytebpe: error: ...`` that names what was wrong,
with exit status 1 (or 2 for a usage error), and nothing is left behind.

The table runs in the test process (``main([...])``, where a traceback would be an exception that
escapes); a sample of it runs as ``python -m bytebpe`` too, to see what a shell sees.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bytebpe.cli import main

TEXT = "the cat sat on the mat; the dog sat on the log.\n\n" * 40


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bad-input")
    (root / "a.txt").write_text(TEXT, encoding="utf-8")
    out = root / "tok"
    assert (
        main(
            ["train", str(root / "a.txt"), "--vocab-size", "300", "--special-token", "<|eot|>", "--out", str(out), "-q"]
        )
        == 0
    )
    return out


def copy_of(
    saved: Path, where: Path, *, metadata: bytes | None = None, edit: Callable[[dict], None] | None = None
) -> Path:
    """A copy of the saved tokenizer with its bytebpe.json replaced by ``metadata`` or edited by ``edit``."""
    copy = where / "copy"
    copy.mkdir()
    (copy / "tokenizer.tiktoken").write_bytes((saved / "tokenizer.tiktoken").read_bytes())
    if edit is not None:
        record = json.loads((saved / "bytebpe.json").read_text(encoding="utf-8"))
        edit(record)
        metadata = json.dumps(record).encode()
    (copy / "bytebpe.json").write_bytes(metadata if metadata is not None else (saved / "bytebpe.json").read_bytes())
    return copy


def corpus_file(where: Path, name: str, data: bytes) -> Path:
    path = where / name
    path.write_bytes(data)
    return path


def set_field(name: str, value: object) -> Callable[[dict], None]:
    return lambda record: record.__setitem__(name, value)


def train(path: object, where: Path, *extra: object, vocab_size: object = 300) -> list[object]:
    return ["train", path, "--vocab-size", vocab_size, "--out", where / "out", *extra]


# (argv from (saved, tmp_path), stdin, exit status, what the message names)
CASES: dict[str, tuple[Callable[[Path, Path], list[object]], bytes, int, str]] = {
    # damaged tokenizer directories, for each command that loads one
    "bytebpe.json nested deeply": (
        lambda s, t: ["encode", copy_of(s, t, metadata=b"[" * 100_000)],
        b"hi",
        1,
        "nested too deeply",
    ),
    "bytebpe.json not UTF-8": (lambda s, t: ["decode", copy_of(s, t, metadata=b"\xff{}")], b"1", 1, "not UTF-8"),
    "bytebpe.json empty": (lambda s, t: ["inspect", copy_of(s, t, metadata=b"")], b"", 1, "bytebpe.json"),
    "bytebpe.json a list": (lambda s, t: ["encode", copy_of(s, t, metadata=b"[]")], b"hi", 1, "bytebpe.json"),
    "ranks_file empty": (lambda s, t: ["encode", copy_of(s, t, edit=set_field("ranks_file", ""))], b"x", 1, "copy"),
    "ranks_file ..": (lambda s, t: ["encode", copy_of(s, t, edit=set_field("ranks_file", ".."))], b"x", 1, "copy"),
    "format_version 1.0": (
        lambda s, t: [
            "export",
            copy_of(s, t, edit=set_field("format_version", "1")),
            "--to",
            "tiktoken",
            "--out",
            t / "x",
        ],
        b"",
        1,
        "format version '1'",
    ),
    "n_vocab a string": (
        lambda s, t: ["inspect", copy_of(s, t, edit=set_field("n_vocab", "300"))],
        b"",
        1,
        "n_vocab",
    ),
    "special_tokens a list": (
        lambda s, t: ["encode", copy_of(s, t, edit=set_field("special_tokens", ["<|eot|>"]))],
        b"x",
        1,
        "special_tokens",
    ),
    "tokenizer is a plain text file": (
        lambda s, t: ["encode", corpus_file(t, "notes.txt", b"hello"), "--pattern", "gpt4"],
        b"x",
        1,
        "notes.txt",
    ),
    # damaged corpora
    "gzip that is not gzip": (lambda s, t: train(corpus_file(t, "a.jsonl.gz", b"garbage"), t), b"", 1, "a.jsonl.gz"),
    "gzip cut short": (
        lambda s, t: train(corpus_file(t, "a.jsonl.gz", gzip.compress(b'{"text": "hi"}\n' * 50)[:-20]), t),
        b"",
        1,
        "a.jsonl.gz",
    ),
    "parquet that is not parquet": (lambda s, t: train(corpus_file(t, "a.parquet", b"PAR1xx"), t), b"", 1, "a.parquet"),
    "jsonl nested deeply": (
        lambda s, t: train(corpus_file(t, "a.jsonl", b'{"text": ' + b"[" * 100_000 + b"\n"), t),
        b"",
        1,
        "a.jsonl:1",
    ),
    "jsonl text not a string": (
        lambda s, t: train(corpus_file(t, "a.jsonl", b'{"text": 5}\n'), t),
        b"",
        1,
        "a.jsonl:1",
    ),
    "plain text not UTF-8": (
        lambda s, t: train(corpus_file(t, "a.py", b"ok\n\xff\xfe\n"), t),
        b"",
        1,
        "--errors replace",
    ),
    "a directory with nothing to read": (
        lambda s, t: train(corpus_file(t, "a.txt", b"hi").parent, t, "--include", "*.md"),
        b"",
        1,
        "1 not included (",
    ),
    # hostile arguments
    "vocab size beyond ids": (
        lambda s, t: train(s.parent / "a.txt", t, vocab_size=2**32),
        b"",
        1,
        "--vocab-size",
    ),
    "vocab size 1e100": (
        lambda s, t: train(s.parent / "a.txt", t, vocab_size="1e100"),
        b"",
        2,
        "--vocab-size",
    ),
    "max chars 1e30": (lambda s, t: train(s.parent / "a.txt", t, "--max-chars", "1e30"), b"", 2, "--max-chars"),
    "doc cap 1e30": (lambda s, t: train(s.parent / "a.txt", t, "--doc-cap", "1e30"), b"", 2, "--doc-cap"),
    "min frequency nan": (
        lambda s, t: train(s.parent / "a.txt", t, "--min-frequency", "nan"),
        b"",
        2,
        "--min-frequency",
    ),
    "pattern that does not compile": (lambda s, t: train(s.parent / "a.txt", t, "--pattern", "(?<"), b"", 1, "pattern"),
    "pattern not UTF-8": (
        lambda s, t: train(s.parent / "a.txt", t, "--pattern", os.fsdecode(b"\xff")),
        b"",
        2,
        "--pattern",
    ),
    "special token a lone surrogate": (
        lambda s, t: train(s.parent / "a.txt", t, "--special-token", os.fsdecode(b"\xed\xa0\x80")),
        b"",
        2,
        "--special-token",
    ),
    "text field not UTF-8": (
        lambda s, t: train(s.parent / "a.txt", t, "--text-field", os.fsdecode(b"\xff")),
        b"",
        2,
        "--text-field",
    ),
    "special token id beyond ids": (
        lambda s, t: ["encode", s / "tokenizer.tiktoken", "--pattern", "gpt4", "--special-token", f"<|x|>={2**40}"],
        b"x",
        1,
        "special token id",
    ),
    "decode an id beyond ids": (lambda s, t: ["decode", s], f"1 {2**64}".encode(), 1, str(2**64)),
    "decode a negative id": (lambda s, t: ["decode", s], b"-1", 1, "-1"),
    "decode JSON nested deeply": (lambda s, t: ["decode", s], b"[" * 100_000, 1, "stdin"),
    "inspect a text file not UTF-8": (
        lambda s, t: ["inspect", s, "--text", corpus_file(t, "x.txt", b"\xff")],
        b"",
        1,
        "x.txt",
    ),
}


def error_line(err: str) -> str:
    assert "Traceback" not in err, err
    last = err.splitlines()[-1]
    assert last.startswith("bytebpe: error: ") and [line for line in err.splitlines() if "error" in line] == [last], err
    return last


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_that_names_it(cli, saved, tmp_path, case):
    make_argv, stdin, status, named = CASES[case]
    code, out, err = cli(*make_argv(saved, tmp_path), stdin=stdin)
    assert (code, out) == (status, b""), err
    assert named in error_line(err)
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging directory left


# Only a real process has a stdin that the core's reader could read.
SHELL_CASES = {
    **{
        case: CASES[case]
        for case in ("bytebpe.json nested deeply", "gzip cut short", "max chars 1e30", "pattern not UTF-8")
    },
    # A pipe cannot be read again, so the core counts its lines as it reads: the same line as Python's.
    "stdin not UTF-8": (lambda s, t: train("-", t), b"ok\n\xff\n", 1, "stdin:2: invalid UTF-8 at byte offset 3"),
    "stdin not UTF-8, by the reference": (
        lambda s, t: train("-", t, "--implementation", "reference"),
        b"ok\n\xff\n",
        1,
        "stdin:2: invalid UTF-8 at byte offset 3",
    ),
}


@pytest.mark.parametrize("case", SHELL_CASES)
def test_a_shell_sees_no_traceback(saved, tmp_path, case):
    make_argv, stdin, status, named = SHELL_CASES[case]
    argv = [os.fsencode(str(arg)) for arg in make_argv(saved, tmp_path)]
    done = subprocess.run([sys.executable, "-m", "bytebpe", *argv], input=stdin, capture_output=True, timeout=120)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == status and done.stdout == b"", err
    assert named in error_line(err)
