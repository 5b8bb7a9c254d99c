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
        (lambda text: text.replace('"format_version": 1', '"format_version": true'), r"bytebpe.json:3: format version"),
        (lambda text: text.replace('"format_version": 1', '"format_version": 1.0'), r"bytebpe.json:3: format version"),
        (lambda text: text.replace('"tokenizer.tiktoken"', '""'), r"'ranks_file' must name a file"),
        (lambda text: text.replace('"tokenizer.tiktoken"', '".."'), r"'ranks_file' must name a file"),
        (lambda text: text.replace('"pattern_name": "gpt4"', '"pattern_name": "gpt2"'), r"'pattern_name' is 'gpt2'"),
        (lambda text: "[" * 100_000 + "]" * 100_000, r"bytebpe.json:1: .*nested too deeply"),
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


# -- replacing: overwrite=True, only what bytebpe wrote, links followed, leftovers cleared --------


def test_replacing_a_save_needs_overwrite(tmp_path, trained):
    target = tmp_path / "tok"
    trained.save(target)
    other = bytebpe.Tokenizer.train(["a different corpus"], 280)
    with pytest.raises(FileExistsError, match=r"tok already holds a saved tokenizer.*overwrite=True"):
        other.save(target)
    assert bytebpe.Tokenizer.load(target) == trained
    other.save(target, overwrite=True)
    assert bytebpe.Tokenizer.load(target) == other


def test_a_junk_bytebpe_json_does_not_make_a_directory_replaceable(tmp_path, trained):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "bytebpe.json").write_text("not json at all")
    (project / "thesis.tex").write_text("precious")
    for overwrite in (False, True):
        with pytest.raises(FileExistsError, match=r"proj holds files that bytebpe did not write \(thesis\.tex\)"):
            trained.save(project, overwrite=overwrite)
    assert sorted(p.name for p in project.iterdir()) == ["bytebpe.json", "thesis.tex"]
    (project / "thesis.tex").unlink()
    with pytest.raises(FileExistsError, match=r"holds a bytebpe\.json that is not a saved tokenizer"):
        trained.save(project, overwrite=True)
    assert (project / "bytebpe.json").read_text() == "not json at all"


def test_a_save_with_extra_files_is_never_replaced(tmp_path, trained):
    target = tmp_path / "tok"
    trained.save(target)
    (target / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match=r"did not write \(notes\.txt\)"):
        trained.save(target, overwrite=True)
    assert (target / "notes.txt").read_text() == "mine"


def test_save_through_a_symlink_replaces_what_it_names(tmp_path, trained):
    real = tmp_path / "real"
    trained.save(real)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    other = bytebpe.Tokenizer.train(["a different corpus"], 280)
    assert other.save(link, overwrite=True) == link
    assert link.is_symlink() and bytebpe.Tokenizer.load(real) == other
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_the_next_save_clears_what_a_killed_save_left(tmp_path, trained):
    import subprocess
    import sys

    # A process that has ended: its pid is free, so what it left is no one's.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    target = tmp_path / "tok"
    trained.save(target)
    (tmp_path / f".tok.tmp-{pid}-0123456789ab").mkdir()
    (tmp_path / f".tok.tmp-{pid}-0123456789ab" / "bytebpe.json").write_text("half")
    trained.save(target, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tok"]
    # Killed between the two renames of a replacement: the previous save is put back.
    target.rename(tmp_path / f".tok.old-{pid}-0123456789ab")
    trained.save(target, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tok"] and bytebpe.Tokenizer.load(target) == trained


@pytest.mark.parametrize("length", [220, 255])
def test_a_target_name_of_up_to_255_characters_can_be_saved(tmp_path, trained, length):
    target = tmp_path / ("t" * length)
    trained.save(target)
    trained.save(target, overwrite=True)
    assert bytebpe.Tokenizer.load(target) == trained
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_write_file_replaces_only_with_overwrite(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("the training corpus")
    with pytest.raises(FileExistsError, match=r"a\.txt exists; pass overwrite=True"):
        atomic.write_file(path, b"ranks")
    assert path.read_text() == "the training corpus"
    atomic.write_file(path, b"ranks", overwrite=True)
    assert path.read_bytes() == b"ranks"


def test_replacing_a_hugging_face_export_needs_overwrite(tmp_path, trained):
    target = trained.save_huggingface(tmp_path / "hf")
    (target / "model.safetensors").write_bytes(b"weights")
    with pytest.raises(FileExistsError, match=r"hf already holds tokenizer\.json.*overwrite=True"):
        trained.save_huggingface(target)
    trained.save_huggingface(target, overwrite=True)
    assert (target / "model.safetensors").read_bytes() == b"weights"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hf"]


def test_metadata_that_is_not_utf8_is_named_with_its_line(tmp_path, trained):
    target = tmp_path / "tok"
    trained.save(target)
    meta = target / "bytebpe.json"
    meta.write_bytes(meta.read_bytes().replace(b'"gpt4"', b'"gpt\xff"'))
    with pytest.raises(files.FormatError, match=r"bytebpe\.json:\d+: not UTF-8: byte 0xff"):
        bytebpe.Tokenizer.load(target)
