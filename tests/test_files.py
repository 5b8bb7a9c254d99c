"""Saving and loading (bytebpe.files): round trips, tiktoken's format, damaged input named by file
and line, atomic replacement, pickling."""

from __future__ import annotations

import base64
import json
import pickle

import pytest
import tiktoken.load

import bytebpe
from bytebpe import atomic, files

SPECIALS = ["<|endoftext|>", "<|bos|>"]


@pytest.fixture(scope="module")
def trained():
    corpus = ["the cat sat on the mat, the end", " ".join(f"w{i} x{i * 7} y{i % 13}" for i in range(400))]
    tok = bytebpe.Tokenizer.train(corpus, 300, special_tokens=SPECIALS)
    assert tok.n_vocab == 300
    return tok


def test_save_and_load_round_trip(tmp_path, trained, impl):
    trained.save(tmp_path / "tok")
    assert sorted(p.name for p in (tmp_path / "tok").iterdir()) == ["bytebpe.json", "tokenizer.tiktoken"]
    loaded = bytebpe.Tokenizer.load(tmp_path / "tok", implementation=impl.NAME)
    assert loaded == trained and loaded.implementation == impl.NAME
    assert loaded.trained_by == trained.trained_by and loaded.trained_by["vocab_size"] == 300
    text = "the cat <|bos|> sat"
    assert loaded.encode(text, allowed_special="all") == trained.encode(text, allowed_special="all")


def test_the_rank_file_is_tiktoken_format(tmp_path, trained):
    trained.save(tmp_path / "tok")
    assert tiktoken.load.load_tiktoken_bpe(str(tmp_path / "tok" / "tokenizer.tiktoken")) == trained.mergeable_ranks
    lines = (tmp_path / "tok" / "tokenizer.tiktoken").read_text().splitlines()
    assert lines[0] == f"{base64.b64encode(bytes([0])).decode()} 0" and len(lines) == len(trained.mergeable_ranks)


def test_a_bare_rank_file_loads_with_a_pattern(tmp_path, trained):
    trained.save(tmp_path / "tok")
    bare = tmp_path / "tok" / "tokenizer.tiktoken"
    loaded = bytebpe.Tokenizer.load(bare, pattern="gpt4", special_tokens=trained.special_tokens)
    assert loaded == trained
    with pytest.raises(TypeError, match="pass pattern="):
        bytebpe.Tokenizer.load(bare)


def test_hand_written_ranks_round_trip(tmp_path):
    ranks = {bytes([b]): 255 - b for b in range(256)} | {b"ab": 1000, b"xyz": 5000}
    tok = bytebpe.Tokenizer.from_ranks(ranks, r"[a-z]+|[\s\S]", special_tokens={"<|x|>": 7000})
    tok.save(tmp_path / "t")
    assert bytebpe.Tokenizer.load(tmp_path / "t") == tok


def write_ranks(path, lines):
    path.write_text("".join(line + "\n" for line in lines))
    return path


BYTE_LINES = [f"{base64.b64encode(bytes([b])).decode()} {b}" for b in range(256)]


@pytest.mark.parametrize(
    ("lines", "where", "message"),
    [
        ([*BYTE_LINES[:10], "not*base64 10", *BYTE_LINES[10:]], ":11:", "not valid base64"),
        (BYTE_LINES[:100] + BYTE_LINES[101:], "tokenizer.tiktoken:", "1 of the 256 single-byte tokens are missing"),
        ([*BYTE_LINES, "YWI= 5"], ":257:", "rank 5 appears again \\(first on line 6\\)"),
        ([*BYTE_LINES, "YQ== 300"], ":257:", "token b'a' appears again \\(first on line 98\\)"),
        # Blank lines count, and a token written another way (base64 with stray low bits) is the same.
        (["", " ", *BYTE_LINES, "\t", "YR== 300"], ":260:", "token b'a' appears again \\(first on line 100\\)"),
        (["", *BYTE_LINES[:5], " \r", *BYTE_LINES[5:], "YWI= 5"], ":259:", r"rank 5 appears again \(first on line 8\)"),
        ([*BYTE_LINES, "YWI="], ":257:", "two fields"),
        ([*BYTE_LINES, "YWI= -3"], ":257:", "not a non-negative integer"),
        ([*BYTE_LINES, "YWI= 99999999999"], ":257:", "above"),
    ],
)
def test_damaged_rank_files_name_file_and_line(tmp_path, lines, where, message):
    path = write_ranks(tmp_path / "tokenizer.tiktoken", lines)
    with pytest.raises(files.FormatError, match=f"{where}.*{message}"):
        bytebpe.Tokenizer.load(path, pattern="gpt4")


def damaged_metadata(tmp_path, trained, change):
    trained.save(tmp_path / "tok")
    meta_path = tmp_path / "tok" / "bytebpe.json"
    meta_path.write_text(change(meta_path.read_text()))
    return tmp_path / "tok"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text[: len(text) // 2], r"bytebpe.json:\d+: not valid JSON.*truncated"),
        (lambda text: text.replace('"format_version": 1', '"format_version": 2'), r"bytebpe.json:3: format version 2"),
        (
            lambda text: text.replace('"n_vocab": 300', '"n_vocab": "300"'),
            r"bytebpe.json:\d+: field 'n_vocab' must be a int",
        ),
        (lambda text: text.replace('"<|bos|>": 299', '"<|bos|>": 65'), "rank table gives to"),
        (lambda text: text.replace("bytebpe-tokenizer", "something-else"), "not a bytebpe tokenizer"),
        (lambda text: text.replace('"n_vocab": 300', '"n_vocab": 301'), "n_vocab is 301"),
    ],
)
def test_damaged_metadata_is_named(tmp_path, trained, change, message):
    with pytest.raises(files.FormatError, match=message):
        bytebpe.Tokenizer.load(damaged_metadata(tmp_path, trained, change))


def test_files_that_do_not_belong_together_are_caught(tmp_path, trained):
    trained.save(tmp_path / "a")
    bytebpe.Tokenizer.train(["other text entirely"], 270).save(tmp_path / "b")
    (tmp_path / "a" / "tokenizer.tiktoken").write_bytes((tmp_path / "b" / "tokenizer.tiktoken").read_bytes())
    with pytest.raises(files.FormatError, match="checksum"):
        bytebpe.Tokenizer.load(tmp_path / "a")


def test_missing_things_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError):
        bytebpe.Tokenizer.load(tmp_path / "nothing-here.tiktoken", pattern="gpt4")
    (tmp_path / "empty").mkdir()
    with pytest.raises(files.FormatError, match=r"no bytebpe\.json"):
        bytebpe.Tokenizer.load(tmp_path / "empty")


def test_a_failed_save_leaves_the_previous_tokenizer_intact(tmp_path, trained, monkeypatch):
    target = tmp_path / "tok"
    trained.save(target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    other = bytebpe.Tokenizer.train(["a different corpus"], 280)
    calls = []

    def failing_write(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as if Ctrl-C arrived half way through the save
        path.write_bytes(data)

    monkeypatch.setattr(atomic, "_write_file", failing_write)
    with pytest.raises(KeyboardInterrupt):
        other.save(target, overwrite=True)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tok"]  # no staging directory left behind
    monkeypatch.undo()
    with pytest.raises(FileExistsError, match="pass overwrite=True to replace it"):
        other.save(target)
    other.save(target, overwrite=True)
    assert bytebpe.Tokenizer.load(target) == other


def test_save_never_replaces_an_unrelated_directory(tmp_path, trained):
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "notes.txt").write_text("precious")
    with pytest.raises(FileExistsError, match="refusing"):
        trained.save(tmp_path / "project")
    assert (tmp_path / "project" / "notes.txt").read_text() == "precious"
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileExistsError):
        trained.save(tmp_path / "file")


def test_pickle_round_trips_on_both_implementations(trained, impl):
    tok = trained.with_implementation(impl.NAME)
    back = pickle.loads(pickle.dumps(tok))
    assert back == tok and back.implementation == impl.NAME and back.merges == tok.merges
    assert back.encode("the cat <|bos|>", allowed_special="all") == tok.encode("the cat <|bos|>", allowed_special="all")


def test_metadata_is_readable_json(tmp_path, trained):
    trained.save(tmp_path / "tok")
    meta = json.loads((tmp_path / "tok" / "bytebpe.json").read_text())
    assert meta["format_version"] == 1 and meta["pattern_name"] == "gpt4" and meta["n_vocab"] == 300
    assert meta["special_tokens"] == trained.special_tokens and meta["trained_by"]["implementation"] == "fast"
