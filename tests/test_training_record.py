"""What training leaves on record: the count of every merge (spec §12.2 ``merge_counts``) and a
FewerMergesWarning when the corpus runs out of pairs before ``vocab_size``, in Python and on the
command line."""

from __future__ import annotations

import json
import pickle
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe.cli import main
from strategies import corpora, vocab_sizes

CORPUS = ["the cat sat on the mat, the cat ate the rat"] * 3


@given(corpus=corpora(), vocab_size=vocab_sizes(), max_token_length=st.one_of(st.none(), st.integers(1, 4)))
def test_merge_counts_are_the_counts_training_selected(impl, corpus, vocab_size, max_token_length):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bytebpe.FewerMergesWarning)
        tok = bytebpe.Tokenizer.train(corpus, vocab_size, max_token_length=max_token_length, implementation=impl.NAME)
    learned = impl.train(corpus, vocab_size, max_token_length=max_token_length)
    assert tok.merge_counts == [count for _, _, count in learned]
    assert tok.trained_by is not None and tok.trained_by["max_token_length"] == max_token_length
    assert tok.with_implementation("reference").merge_counts == tok.merge_counts
    assert pickle.loads(pickle.dumps(tok)).merge_counts == tok.merge_counts


def test_merge_counts_survive_save_and_load_on_one_line(tmp_path):
    tok = bytebpe.Tokenizer.train(CORPUS, 272)
    assert tok.merge_counts is not None and len(tok.merge_counts) == len(tok.merges)
    assert tok.merge_counts == sorted(tok.merge_counts, reverse=True)  # a selected count never rises
    tok.save(tmp_path / "tok")
    text = (tmp_path / "tok" / "bytebpe.json").read_text()
    assert f'"merge_counts": {json.dumps(tok.merge_counts)}' in text
    assert json.loads(text)["merge_counts"] == tok.merge_counts
    assert bytebpe.Tokenizer.load(tmp_path / "tok").merge_counts == tok.merge_counts


def test_tokenizers_not_trained_here_have_no_merge_counts(tmp_path):
    tok = bytebpe.Tokenizer.train(CORPUS, 272)
    assert bytebpe.Tokenizer.from_ranks(tok.mergeable_ranks).merge_counts is None
    assert bytebpe.Tokenizer.from_tiktoken(tok.to_tiktoken()).merge_counts is None
    # A bytebpe.json written before merge_counts existed (no such field) loads, with None.
    tok.save(tmp_path / "tok")
    meta_path = tmp_path / "tok" / "bytebpe.json"
    meta = json.loads(meta_path.read_text())
    del meta["merge_counts"]
    meta_path.write_text(json.dumps(meta, indent=2))
    loaded = bytebpe.Tokenizer.load(tmp_path / "tok")
    assert loaded == tok and loaded.merge_counts is None


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ("many", "must be a list of integers of at least 1"),
        ([0] * 16, "must be a list of integers of at least 1"),
        ([True] * 16, "must be a list of integers of at least 1"),
        ([2.5] * 16, "must be a list of integers of at least 1"),
        ([3] * 5, "merge_counts holds 5 counts, but the rank file 16 merged tokens"),
    ],
)
def test_damaged_merge_counts_are_refused_with_the_line(tmp_path, counts, message):
    tok = bytebpe.Tokenizer.train(CORPUS, 272)
    assert len(tok.merges) == 16
    tok.save(tmp_path / "tok")
    meta_path = tmp_path / "tok" / "bytebpe.json"
    meta = json.loads(meta_path.read_text())
    meta["merge_counts"] = counts
    meta_path.write_text(json.dumps(meta, indent=2))
    line = next(n for n, text in enumerate(meta_path.read_text().splitlines(), 1) if '"merge_counts"' in text)
    with pytest.raises(bytebpe.FormatError, match=f"bytebpe.json:{line}: .*{message}"):
        bytebpe.Tokenizer.load(tmp_path / "tok")


def test_running_out_of_pairs_warns_with_what_stopped_it(impl):
    with pytest.warns(bytebpe.FewerMergesWarning, match=r"made 1 of the 53 merges .*\(no pair was left\)") as caught:
        tok = bytebpe.Tokenizer.train(["ab"], 310, special_tokens=["<|end|>"], implementation=impl.NAME)
    assert "n_vocab is 258, not 310" in str(caught[0].message)
    assert caught[0].filename == __file__  # it points at the caller, not at bytebpe
    assert tok.n_vocab == 258
    with pytest.warns(bytebpe.FewerMergesWarning, match="that makes a token of at most 2 bytes"):
        bytebpe.Tokenizer.train(["abc abc"], 300, max_token_length=2, implementation=impl.NAME)
    with pytest.warns(bytebpe.FewerMergesWarning, match="fewer than 3 times"):
        bytebpe.Tokenizer.train(["abc abc"], 300, min_frequency=3, implementation=impl.NAME)
    counts = impl.count(["ab"], "gpt4")
    with pytest.warns(bytebpe.FewerMergesWarning, match="made 1 of the 10 merges"):
        bytebpe.Tokenizer.train_from_counts(counts, 266, implementation=impl.NAME)


def test_no_warning_when_every_merge_is_made(impl):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tok = bytebpe.Tokenizer.train(CORPUS, 270, special_tokens=["<|end|>"], implementation=impl.NAME)
    assert len(tok.merges) == 13


def test_the_command_line_warns_once_and_records_the_settings(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("hello world hello\n\nab ab ab\n")
    out = tmp_path / "tok"
    args = ["train", str(tmp_path / "a.txt"), "--vocab-size", "400", "--max-token-length", "3", "--out", str(out)]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert err.count("bytebpe: warning:") == 1  # the dry run that checks the settings says nothing
    assert "bytebpe: warning: training made 9 of the 144 merges" in err and "at most 3 bytes" in err
    assert "Traceback" not in err
    meta = json.loads((out / "bytebpe.json").read_text())
    assert meta["trained_by"]["max_token_length"] == 3 and len(meta["merge_counts"]) == 9
    assert all(len(token) <= 3 for token in bytebpe.Tokenizer.load(out).mergeable_ranks)
    assert main([*args[:-2], "--max-token-length", "0", "--out", str(tmp_path / "other")]) == 2
    assert "--max-token-length" in capsys.readouterr().err


def test_a_truncated_tokenizer_keeps_the_counts_of_the_merges_it_keeps(impl):
    full = bytebpe.Tokenizer.train(CORPUS, 272, special_tokens=["<|end|>"], implementation=impl.NAME)
    smaller = bytebpe.Tokenizer.train(CORPUS, 265, special_tokens=["<|end|>"], implementation=impl.NAME)
    assert full.truncated(265) == smaller and full.truncated(265).merge_counts == smaller.merge_counts
