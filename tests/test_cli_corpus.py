"""`bytebpe train` on any text: every kind of text file, stdin, directories with what they skip
said on stderr, --include/--exclude, --format; and plain text of any name read by the core."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import bytebpe
from bytebpe.cli import main

STDLIB = Path(sysconfig.get_paths()["stdlib"])

# Text files as a source tree holds them: none is a .txt.
TEXT_FILES = {
    "textwrap.py": (STDLIB / "textwrap.py").read_text(encoding="utf-8"),
    "README.md": "# Notes\n\nSome *Markdown* text.\n\n- a list\n- of items\n",
    "src/lib.rs": 'fn main() {\n    println!("hello");\n}\n',
    "Makefile": "all:\n\techo done\n",
    "data.json": '{"not": "read as JSON Lines, only text"}\n',
    "table.csv": "a,b,c\n1,2,3\n",
    "UPPER.TXT": "upper case suffix\n",
    "notes": "a file with no suffix at all\n\n",
    "unicode.txt": "héllo wörld 你好 🎉\r\n",
}


@pytest.fixture
def cli(capsysbinary, monkeypatch):
    def run(*argv: object, stdin: bytes = b"") -> tuple[int, str]:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        code = main([str(arg) for arg in argv])
        return code, capsysbinary.readouterr().err.decode()

    return run


@pytest.fixture
def source_tree(tmp_path) -> Path:
    root = tmp_path / "tree"
    for name, text in TEXT_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(text.encode("utf-8"))
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".env").write_text("SECRET=1\n")
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "textwrap.cpython-311.pyc").write_bytes(b"\xa7\r\r\n\0\0\0\0" + bytes(range(256)))
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    return root


@pytest.mark.parametrize("name", TEXT_FILES)
def test_any_text_file_trains_as_plain_text(cli, tmp_path, source_tree, name):
    code, err = cli("train", source_tree / name, "--vocab-size", 300, "--out", tmp_path / "tok", "--no-progress")
    assert code == 0, err
    expected = bytebpe.Tokenizer.train(bytebpe.Corpus(source_tree / name), 300)
    assert bytebpe.Tokenizer.load(tmp_path / "tok") == expected
    assert list(bytebpe.Corpus(source_tree / name)) == list(bytebpe.Corpus(source_tree / name, format="text"))


def test_a_directory_takes_every_text_file_and_says_what_it_skipped(cli, tmp_path, source_tree):
    code, err = cli("train", source_tree, "--vocab-size", 400, "--out", tmp_path / "tok", "--no-progress")
    assert code == 0, err
    corpus = bytebpe.Corpus(source_tree)
    assert sorted(path.relative_to(source_tree).as_posix() for path in corpus.files) == sorted(TEXT_FILES)
    [report] = [line for line in err.splitlines() if line.startswith("skipped ")]
    assert report.startswith("skipped 4: 2 hidden (") and "2 binary (" in report
    for name in (".git", ".env", "logo.png", "textwrap.cpython-311.pyc"):
        assert name in report
    assert "from 9 files" in err
    assert bytebpe.Tokenizer.load(tmp_path / "tok") == bytebpe.Tokenizer.train(corpus, 400)


def test_include_and_exclude_choose_the_files(cli, tmp_path, source_tree):
    code, err = cli(
        "train", source_tree, "--include", "*.py", "--include", "*.rs", "--exclude", "src/*",
        "--vocab-size", 300, "--out", tmp_path / "tok", "--no-progress",
    )  # fmt: skip
    assert code == 0, err
    assert "from 1 file" in err and "not included" in err and "excluded (" in err
    record = bytebpe.Tokenizer.load(tmp_path / "tok").trained_by["corpus"]
    assert record["include"] == ["*.py", "*.rs"] and record["exclude"] == ["src/*"]
    code, err = cli("train", source_tree, "--include", "*.zig", "--vocab-size", 300, "--out", tmp_path / "t2")
    assert code == 1 and "holds no file to read (skipped " in err.splitlines()[-1]


def test_format_reads_every_file_one_way(cli, tmp_path):
    rows = tmp_path / "rows.json"
    rows.write_text("".join(json.dumps({"text": f"row {i}"}) + "\n" for i in range(50)), encoding="utf-8")
    code, err = cli("train", rows, "--format", "jsonl", "--vocab-size", 270, "--out", tmp_path / "tok", "-q")
    assert code == 0, err
    expected = bytebpe.Tokenizer.train([f"row {i}" for i in range(50)], 270)
    assert bytebpe.Tokenizer.load(tmp_path / "tok").mergeable_ranks == expected.mergeable_ranks


def test_stdin_is_dash(tmp_path):
    text = (STDLIB / "textwrap.py").read_bytes()
    command = [sys.executable, "-m", "bytebpe", "train", "-", "--vocab-size", "400", "--out", str(tmp_path / "tok")]
    result = subprocess.run(command, input=text, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    expected = bytebpe.Tokenizer.train(bytebpe.Corpus(STDLIB / "textwrap.py"), 400)
    assert bytebpe.Tokenizer.load(tmp_path / "tok") == expected
    # stdin with files, and from a file (whose size then gives the bar a total)
    with open(STDLIB / "textwrap.py", "rb") as stdin:
        result = subprocess.run(
            [*command[:4], "-", str(STDLIB / "heapq.py"), *command[5:], "--force"],
            stdin=stdin,
            capture_output=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    both = bytebpe.Corpus([STDLIB / "textwrap.py", STDLIB / "heapq.py"])
    assert bytebpe.Tokenizer.load(tmp_path / "tok") == bytebpe.Tokenizer.train(both, 400)


def test_stdin_that_is_a_terminal_is_an_error_not_a_wait(tmp_path):
    import os
    import pty

    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "bytebpe", "train", "-", "--vocab-size", "300", "--out", str(tmp_path / "t")]
    result = subprocess.run(command, stdin=follower, capture_output=True, timeout=60)
    os.close(follower)
    os.close(leader)
    assert result.returncode == 1
    assert b"- reads stdin, which is a terminal here" in result.stderr and b"Traceback" not in result.stderr


def test_plain_text_of_any_name_is_read_by_the_core(tmp_path, source_tree, monkeypatch):
    from bytebpe import fast

    called = []
    real = fast._fast.train_txt
    monkeypatch.setattr(fast._fast, "train_txt", lambda *a, **k: called.append(a[0]) or real(*a, **k))
    corpus = bytebpe.Corpus(source_tree)  # .py, .md, .rs, .json, Makefile, ...: all plain text
    bytebpe.Tokenizer.train(corpus, 300)
    assert called == [[str(path) for path in corpus.files]]
    monkeypatch.undo()
    # ... and reads the documents Python reads.
    reference = bytebpe.Tokenizer.train(list(corpus), 400, implementation="reference")
    assert bytebpe.Tokenizer.train(corpus, 400).mergeable_ranks == reference.mergeable_ranks
