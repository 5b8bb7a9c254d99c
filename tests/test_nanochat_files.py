"""nanochat's files, both ways: bytebpe.nanochat saves what nanochat loads, bytebpe loads what
nanochat saves, a damaged or hostile tokenizer.pkl is refused with a clear error, and
tok_train.py's recipe (parquet shards in, tokenizer.pkl and token_bytes.pt out) runs in one call
and in one command."""

from __future__ import annotations

import copyreg
import importlib.util
import io
import json
import os
import pickle
import sys

import pytest
import tiktoken
import tiktoken.registry
from nanochat_oracle import Oracle

import bytebpe
from bytebpe.cli import main
from bytebpe.nanochat import NanochatTokenizer, TokenBytesWarning, tok_train
from bytebpe.nanochat.pretrained import cache_directory

CORPUS = ["hello world, hello nanochat!", "12 + 30 = 42\n", "<|bos|> is plain text here", "naïve café 你好"] * 5
PROBES = [*CORPUS, "unseen: zqxj 😀", "<|user_start|>hi<|user_end|>"]
HAS_TORCH = importlib.util.find_spec("torch") is not None


@pytest.fixture(scope="module")
def ours():
    return NanochatTokenizer.train_from_iterator(CORPUS, 256 + 9 + 60)


def without(monkeypatch, module):
    """Make ``import module`` fail, as where it is not installed."""
    monkeypatch.setitem(sys.modules, module, None)


def test_bytebpe_saves_what_nanochat_loads(ours, tmp_path, monkeypatch):
    without(monkeypatch, "torch")
    with pytest.warns(TokenBytesWarning, match="torch is not installed"):
        ours.save(tmp_path / "tok")
    saved = sorted(p.name for p in (tmp_path / "tok").iterdir())
    assert saved == ["bytebpe.json", "tokenizer.pkl", "tokenizer.tiktoken"]
    theirs = Oracle.load(tmp_path / "tok")  # pickle.load, as nanochat's from_directory
    assert isinstance(theirs.enc, tiktoken.Encoding) and theirs.enc.name == "rustbpe"
    assert theirs.enc._mergeable_ranks == ours.enc.mergeable_ranks
    assert theirs.enc._special_tokens == ours.enc.special_tokens
    assert theirs.enc._pat_str == bytebpe.PATTERNS["nanochat"]
    for text in PROBES:
        assert theirs.encode(text) == ours.encode(text)
    # And bytebpe reads the same directory from its own files, merge counts included.
    again = bytebpe.Tokenizer.load(tmp_path / "tok")
    assert again == ours.enc and again.merge_counts == ours.enc.merge_counts is not None


def test_nanochat_saves_what_bytebpe_loads(ours, tmp_path, impl):
    theirs = Oracle.train(CORPUS, 256 + 9 + 60)
    theirs.save(tmp_path / "nanochat")
    for path in (tmp_path / "nanochat", tmp_path / "nanochat" / "tokenizer.pkl"):
        loaded = bytebpe.Tokenizer.load(path, implementation=impl.NAME)
        assert loaded == ours.enc and loaded.merge_counts is None and loaded.trained_by is None
        assert [loaded.encode_ordinary(text) for text in PROBES] == [theirs.encode(text) for text in PROBES]
    wrapped = NanochatTokenizer.from_directory(tmp_path / "nanochat")
    assert wrapped.get_bos_token_id() == theirs.bos
    assert [wrapped.encode(text) for text in PROBES] == [theirs.encode(text) for text in PROBES]


def test_a_pickle_is_told_from_a_rank_file_by_its_content(ours, tmp_path):
    theirs = Oracle.train(CORPUS, 300)
    renamed = tmp_path / "encoding.bin"
    renamed.write_bytes(pickle.dumps(theirs.enc))
    assert bytebpe.Tokenizer.load(renamed).mergeable_ranks == theirs.enc._mergeable_ranks
    with pytest.raises(TypeError, match="holds its pattern"):
        bytebpe.Tokenizer.load(renamed, pattern="nanochat")
    ours.enc.save(tmp_path / "saved")
    with pytest.raises(TypeError, match="bare rank file"):
        bytebpe.Tokenizer.load(tmp_path / "saved" / "tokenizer.tiktoken")


def test_a_registered_encoding_pickled_by_name_is_looked_up_in_tiktoken(tmp_path, monkeypatch):
    enc = Oracle.train(CORPUS, 300).enc
    monkeypatch.setitem(tiktoken.registry.ENCODINGS, "rustbpe", enc)  # pickled by name from now on
    data = pickle.dumps(enc)
    assert b"mergeable_ranks" not in data
    (tmp_path / "tokenizer.pkl").write_bytes(data)
    assert bytebpe.Tokenizer.load(tmp_path).mergeable_ranks == enc._mergeable_ranks


@pytest.mark.parametrize("cut", [1, 2, 10, 100, -200, -1])
def test_a_damaged_pickle_is_a_clear_error(tmp_path, cut):
    data = pickle.dumps(Oracle.train(CORPUS, 300).enc)
    (tmp_path / "tokenizer.pkl").write_bytes(data[:cut])
    with pytest.raises(bytebpe.FormatError, match=r"tokenizer\.pkl: not a complete pickle .*truncated"):
        bytebpe.Tokenizer.load(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (pickle.dumps({"name": "x"}), "holds a dict, not a tiktoken Encoding"),
        (b"\x80\x04garbage", "not a complete pickle"),
        (b"", "not a complete pickle"),
    ],
)
def test_a_pickle_of_something_else_is_a_clear_error(tmp_path, content, message):
    (tmp_path / "tokenizer.pkl").write_bytes(content)
    with pytest.raises(bytebpe.FormatError, match=message):
        bytebpe.Tokenizer.load(tmp_path)


class Hostile:
    def __init__(self, command) -> None:
        self.command = command

    def __reduce__(self) -> tuple:
        return (os.system, (self.command,))


class Disguised:
    """Asks for eval, the other way a pickle runs code."""

    def __reduce__(self) -> tuple:
        return (eval, ("__import__('os').system('true')",))


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_a_pickle_that_would_run_code_is_refused_and_runs_nothing(tmp_path, protocol):
    marker = tmp_path / "ran"
    path = tmp_path / "tokenizer.pkl"
    path.write_bytes(pickle.dumps(Hostile(f"touch {marker}"), protocol=protocol))
    with pytest.raises(bytebpe.FormatError, match=r"refused: it asks for (posix|os|nt)\.system") as caught:
        bytebpe.Tokenizer.load(path)
    assert "nothing in it ran" in str(caught.value)
    with pytest.raises(bytebpe.FormatError, match="refused"):
        NanochatTokenizer.from_directory(tmp_path)
    path.write_bytes(pickle.dumps([1, Disguised()], protocol=protocol))
    with pytest.raises(bytebpe.FormatError, match=r"refused: it asks for (__builtin__|builtins)\.eval"):
        bytebpe.Tokenizer.load(path)
    assert not marker.exists()


class _StatePickler(pickle.Pickler):
    """Pickles the object it is given as tiktoken pickles an Encoding, with ``state`` as its state."""

    def __init__(self, file, state) -> None:
        super().__init__(file, protocol=4)
        self.state = state

    def reducer_override(self, obj):
        return (copyreg.__newobj__, (tiktoken.Encoding,), self.state) if obj is _STAND_IN else NotImplemented


# An Encoding never initialised: the pickler requires the object to be of the class it names.
_STAND_IN = tiktoken.Encoding.__new__(tiktoken.Encoding)


def pickled_state(state) -> bytes:
    buffer = io.BytesIO()
    _StatePickler(buffer, state).dump(_STAND_IN)
    return buffer.getvalue()


def test_an_encoding_state_of_the_wrong_shape_is_refused(tmp_path):
    state = Oracle.train(CORPUS, 300).enc.__getstate__()
    assert pickled_state(state) == pickle.dumps(Oracle.train(CORPUS, 300).enc, protocol=4)
    for broken, message in [
        ({**state, "mergeable_ranks": {"a": 1}}, "must map bytes to int"),
        ({**state, "special_tokens": {b"x": 1}}, "must map str to int"),
        ({k: v for k, v in state.items() if k != "pat_str"}, "lacks"),
        ({**state, "surprise": 1}, "does not know"),
        ({**state, "mergeable_ranks": {b"a": 0}}, "all 256 bytes must have a rank"),
        ([1, 2], "state is a list"),
    ]:
        (tmp_path / "tokenizer.pkl").write_bytes(pickled_state(broken))
        with pytest.raises(bytebpe.FormatError, match=message):
            bytebpe.Tokenizer.load(tmp_path)


def test_save_refuses_a_directory_that_nanochat_wrote(ours, tmp_path):
    theirs = Oracle.train(CORPUS, 300)
    theirs.save(tmp_path / "tok")
    before = (tmp_path / "tok" / "tokenizer.pkl").read_bytes()
    with pytest.raises(FileExistsError):
        ours.save(tmp_path / "tok")
    assert (tmp_path / "tok" / "tokenizer.pkl").read_bytes() == before


def test_without_tiktoken_saving_for_nanochat_writes_nothing(ours, tmp_path, monkeypatch):
    without(monkeypatch, "tiktoken")
    with pytest.raises(ImportError, match="pip install tiktoken"):
        ours.save(tmp_path / "tok")
    assert not (tmp_path / "tok").exists()


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed: token_bytes.pt is not written (tested above)")
def test_token_bytes_pt_is_what_tok_train_writes(ours, tmp_path):
    import torch

    ours.save(tmp_path / "tok")
    with open(tmp_path / "tok" / "token_bytes.pt", "rb") as file:
        token_bytes = torch.load(file, map_location="cpu")
    assert token_bytes.dtype == torch.int32 and token_bytes.tolist() == Oracle.load(tmp_path / "tok").token_bytes()


def test_token_bytes_count_what_nanochat_counts(ours):
    theirs = Oracle.train(CORPUS, 256 + 9 + 60)
    assert ours.token_bytes() == theirs.token_bytes()
    # A byte that is only part of a character counts as U+FFFD does, three bytes, as in nanochat.
    assert ours.token_bytes()[0x80] == 3 and ours.token_bytes()[ord("a")] == 1
    assert ours.token_bytes()[ours.get_bos_token_id()] == 0


def test_from_pretrained_offline_says_where_tiktoken_looks(monkeypatch, tmp_path):
    import requests

    def offline(name):
        raise requests.ConnectionError("no network")

    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(tiktoken, "get_encoding", offline)
    assert cache_directory() == str(tmp_path / "cache")
    with pytest.raises(OSError, match="its cache") as caught:
        NanochatTokenizer.from_pretrained("cl100k_base")
    assert str(tmp_path / "cache") in str(caught.value) and "TIKTOKEN_CACHE_DIR" in str(caught.value)


def test_from_pretrained_uses_endoftext_as_bos(monkeypatch):
    ranks = {bytes([b]): b for b in range(256)}
    enc = tiktoken.Encoding("tiny", pat_str=r"\S+|\s+", mergeable_ranks=ranks, special_tokens={"<|endoftext|>": 256})
    monkeypatch.setattr(tiktoken, "get_encoding", lambda name: enc)
    tok = NanochatTokenizer.from_pretrained("tiny")
    assert tok.get_bos_token_id() == 256 and tok.encode("hi", prepend=tok.get_bos_token_id()) == [256, 104, 105]


# -- tok_train.py ---------------------------------------------------------------------------------


def write_shards(directory, shards: list[list[list[str]]]) -> None:
    """One parquet file per shard, one row group per inner list, in nanochat's layout."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    for index, row_groups in enumerate(shards):
        with pq.ParquetWriter(directory / f"shard_{index:05d}.parquet", pa.schema([("text", pa.string())])) as out:
            for rows in row_groups:
                out.write_table(pa.table({"text": rows}))


def tok_train_texts(directory, max_chars, doc_cap):
    """tok_train.py's text_iterator over nanochat's parquets_iter_batched("train"), as it documents it."""
    import pyarrow.parquet as pq

    paths = sorted(p for p in os.listdir(directory) if p.endswith(".parquet"))[:-1]
    seen = 0
    for name in paths:
        parquet = pq.ParquetFile(directory / name)
        for group in range(parquet.num_row_groups):
            for text in parquet.read_row_group(group).column("text").to_pylist():
                text = text[:doc_cap]
                seen += len(text)
                yield text
                if seen > max_chars:
                    return


SHARDS = [
    [["hello world " * 30, "short one"], ["numbers 123 456 789 " * 10]],
    [["the cat sat on the mat " * 20], ["abcabcabc " * 40, "x"]],
    [["validation text that training never reads: qqqq zzzz"]],
]


@pytest.mark.parametrize(("max_chars", "doc_cap"), [(10**10, 10_000), (700, 10_000), (50, 37), (1, 5)])
def test_tok_train_reads_and_trains_as_tok_train_py(tmp_path, monkeypatch, max_chars, doc_cap):
    without(monkeypatch, "torch")
    write_shards(tmp_path / "base_data", SHARDS)
    texts = list(tok_train_texts(tmp_path / "base_data", max_chars, doc_cap))
    theirs = Oracle.train(texts, 256 + 9 + 50)
    with pytest.warns(TokenBytesWarning):
        ours = tok_train(tmp_path / "base_data", tmp_path / "tokenizer", vocab_size=256 + 9 + 50, max_chars=max_chars,
                         doc_cap=doc_cap)  # fmt: skip
    assert ours.enc.mergeable_ranks == theirs.enc._mergeable_ranks
    assert Oracle.load(tmp_path / "tokenizer").enc._mergeable_ranks == theirs.enc._mergeable_ranks
    assert b"qqqq" not in b"".join(ours.enc.mergeable_ranks)


def test_tok_train_defaults_to_nanochats_directories(tmp_path, monkeypatch):
    without(monkeypatch, "torch")
    monkeypatch.setenv("NANOCHAT_BASE_DIR", str(tmp_path))
    write_shards(tmp_path / "base_data", SHARDS)
    with pytest.warns(TokenBytesWarning):
        tok = tok_train(vocab_size=300)
    assert NanochatTokenizer.from_directory(tmp_path / "tokenizer").encode("hello") == tok.encode("hello")


def test_tok_train_needs_a_validation_shard(tmp_path):
    write_shards(tmp_path / "base_data", SHARDS[:1])
    with pytest.raises(ValueError, match="keeps the last one for validation"):
        tok_train(tmp_path / "base_data", tmp_path / "tokenizer")
    with pytest.raises(FileNotFoundError, match="no data directory"):
        tok_train(tmp_path / "missing", tmp_path / "tokenizer")


def test_the_command_line_trains_for_nanochat_in_one_command(tmp_path, monkeypatch, capsys):
    without(monkeypatch, "torch")
    write_shards(tmp_path / "base_data", SHARDS)
    out = tmp_path / "tokenizer"
    args = ["train", str(tmp_path / "base_data"), "--nanochat", "--vocab-size", "1000", "--out", str(out)]
    assert main([*args, "--max-chars", "700", "--doc-cap", "100"]) == 0
    err = capsys.readouterr().err
    assert "bytebpe: warning: token_bytes.pt was not written" in err
    assert "bytebpe: warning: training made" in err and "9 special tokens" in err
    theirs = Oracle.train(list(tok_train_texts(tmp_path / "base_data", 700, 100)), 1000)
    assert Oracle.load(out).enc._mergeable_ranks == theirs.enc._mergeable_ranks
    record = json.loads((out / "bytebpe.json").read_text())
    assert len(record["merge_counts"]) == len(theirs.enc._mergeable_ranks) - 256
    assert main([*args, "--special-tokens", "<|x|>", "--force"]) == 1
    assert "leave out --special-token" in capsys.readouterr().err
    assert main([*args, "--max-chars", "700", "--doc-cap", "100"]) == 1
    assert "pass --force to replace it" in capsys.readouterr().err
    assert main([*args, "--max-chars", "700", "--doc-cap", "100", "--force"]) == 0


def test_running_out_of_pairs_warns_at_the_caller():
    with pytest.warns(bytebpe.FewerMergesWarning, match="made 1 of the 35 merges") as caught:
        NanochatTokenizer.train_from_iterator(["ab"], 300)
    assert [warning.filename for warning in caught] == [__file__]


def test_the_command_line_reads_a_directory_that_nanochat_wrote(tmp_path, capsysbinary, monkeypatch):
    theirs = Oracle.train(CORPUS, 300)
    theirs.save(tmp_path / "nano")
    text = "hello <|bos|> nanochat 42"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8"))
    assert main(["encode", str(tmp_path / "nano"), "--special-as-text"]) == 0
    out, _ = capsysbinary.readouterr()
    assert [int(i) for i in out.split()] == theirs.encode(text)
    (tmp_path / "nano" / "tokenizer.pkl").write_bytes(pickle.dumps(Hostile("true")))
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"x"), encoding="utf-8"))
    assert main(["encode", str(tmp_path / "nano")]) == 1
    _, err = capsysbinary.readouterr()
    lines = err.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bytebpe: error: ") and "refused" in lines[0]


@pytest.mark.parametrize("max_chars", [10**10, 700])
def test_tok_train_reports_characters_read_of_a_known_total(tmp_path, monkeypatch, max_chars):
    from bytebpe.nanochat.training import text_size, training_shards

    without(monkeypatch, "torch")
    write_shards(tmp_path / "base_data", SHARDS)
    events = []
    with pytest.warns(TokenBytesWarning):
        tok_train(tmp_path / "base_data", tmp_path / "tok", vocab_size=300, max_chars=max_chars,
                  progress=lambda *event: events.append(event))  # fmt: skip
    reading = [(done, total) for stage, done, total in events if stage == "reading"]
    assert reading and "counting" not in {stage for stage, _, _ in events}
    expected_total = min(max_chars, text_size(training_shards(tmp_path / "base_data")))
    assert {total for _, total in reading} == {expected_total}
    assert [done for done, _ in reading] == sorted(done for done, _ in reading)
    assert reading[-1] == (expected_total, expected_total)  # done reading: the bar is full
    assert all(done <= expected_total for done, _ in reading)
    assert events[-1][0] == "merging"


def test_the_command_line_shows_reading_progress_for_nanochat(tmp_path, monkeypatch, capsys):
    without(monkeypatch, "torch")
    write_shards(tmp_path / "base_data", SHARDS)
    args = ["train", str(tmp_path / "base_data"), "--nanochat", "--vocab-size", "300", "--out", str(tmp_path / "t")]
    assert main([*args, "--progress"]) == 0
    err = capsys.readouterr().err
    assert "reading" in err and "characters" in err and "merging" in err and "Traceback" not in err
