"""Extending a vocabulary (spec §4.7): every token and id is kept, new ids follow n_vocab, no new
token repeats the bytes of one already there, and extending a training equals one training whose
first merges are forced (the corollary of §4.7), checked against an oracle written here from the
spec's steps. Both implementations give the same tokenizer. Nothing is downloaded or filtered out.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe import reference
from strategies import corpora, hand_written_ranks, vocab_sizes


def quietly(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bytebpe.FewerMergesWarning)
        return call(*args, **kwargs)


def forced_training(first: list[tuple[int, int]], corpus: list[str], pattern: str, vocab_size: int) -> list:
    """Training on ``corpus`` from bytes whose first merges are ``first`` (each applied by §4.4
    whatever its count), the rest selected by §4.3, passing over pairs whose bytes are a token."""
    words = {tuple(piece): n for piece, n in reference.count_pieces(corpus, pattern).items()}
    tokens = {i: bytes([i]) for i in range(256)}
    for i, pair in enumerate(first):
        words = {reference.apply_merge(ids, pair, 256 + i): n for ids, n in words.items()}
        tokens[256 + i] = tokens[pair[0]] + tokens[pair[1]]
    learned = []
    for new_id in range(256 + len(first), vocab_size):
        counts = {
            pair: n
            for pair, n in reference.count_pairs(words).items()
            if tokens[pair[0]] + tokens[pair[1]] not in tokens.values()
        }
        if not counts:
            break
        pair, n = reference.select_pair(counts)
        words = {reference.apply_merge(ids, pair, new_id): k for ids, k in words.items()}
        tokens[new_id] = tokens[pair[0]] + tokens[pair[1]]
        learned.append((*pair, n))
    return learned


@given(
    first=corpora(),
    second=corpora(),
    size=vocab_sizes(),
    more=st.integers(0, 40),
    pattern=st.sampled_from(["gpt4", r"\S+|\s+"]),
)
def test_extending_equals_training_with_forced_first_merges(impl, first, second, size, more, pattern):
    base = quietly(bytebpe.Tokenizer.train, first, size, pattern=pattern, implementation=impl.NAME)
    extended = quietly(base.extend, second, base.n_vocab + more)
    expected = forced_training(base.merges, second, pattern, base.n_vocab + more)
    assert extended.n_vocab == base.n_vocab + len(expected)
    vocab = reference.vocabulary_from_merges([*base.merges, *expected])
    assert extended.mergeable_ranks == {token: rank for rank, token in vocab.items()}


@given(
    ranks=hand_written_ranks(),
    corpus=corpora(),
    more=st.integers(0, 40),
    merge_list=st.sampled_from([None, False, True]),
    min_frequency=st.integers(0, 3),
    max_token_length=st.sampled_from([None, 2, 3, 5]),
)
def test_both_implementations_extend_alike_and_keep_every_id(
    ranks, corpus, more, merge_list, min_frequency, max_token_length
):
    specials = {"<|a|>": max(ranks.values()) + 1, "<|b|>": max(ranks.values()) + 9}
    options = {} if merge_list is None else {"merges": reference.merges_from_ranks(ranks), "ignore_merges": merge_list}
    slow = bytebpe.Tokenizer(ranks, r"\S+|\s+", special_tokens=specials, implementation="reference", **options)
    limits = {"min_frequency": min_frequency, "max_token_length": max_token_length}
    extended = quietly(slow.extend, corpus, slow.n_vocab + more, **limits)
    fast = quietly(slow.with_implementation("fast").extend, corpus, slow.n_vocab + more, **limits)
    assert fast == extended.with_implementation("fast")
    new = extended.mergeable_ranks
    assert all(new[token] == rank for token, rank in ranks.items())
    assert extended.special_tokens == specials
    made = len(new) - len(ranks)
    assert sorted(new.values())[len(ranks) :] == list(range(slow.n_vocab, slow.n_vocab + made))
    if merge_list is not None:
        assert extended.merges[: len(options["merges"])] == options["merges"]
    for text in corpus:
        assert extended.decode(extended.encode_ordinary(text)) == text


def test_a_pair_whose_bytes_are_a_token_is_passed_over(impl):
    # "abc" is a token no pair of the table reaches: "abcd" encodes as its bytes. After (a, b),
    # (ab, c) would make "abc" again; it is passed over for (c, d), then (ab, cd).
    ranks = {bytes([b]): b for b in range(256)} | {b"abc": 256}
    tok = bytebpe.Tokenizer.from_ranks(ranks, r"\S+", implementation=impl.NAME)
    extended = quietly(tok.extend, ["abcd"] * 5, 270)
    assert [extended.decode_single_token_bytes(i) for i in range(256, extended.n_vocab)] == [
        b"abc",
        b"ab",
        b"cd",
        b"abcd",
    ]


def test_an_imported_hugging_face_model_extends_and_exports(tmp_path):
    from test_huggingface_import import gpt2_style

    hf = gpt2_style()
    tok = bytebpe.Tokenizer.from_huggingface(hf)
    extended = quietly(tok.extend, ["Größe und Maße, Straße! " * 20], tok.n_vocab + 20)
    assert extended.n_vocab > tok.n_vocab
    assert all(extended.mergeable_ranks[token] == rank for token, rank in tok.mergeable_ranks.items())
    back = bytebpe.Tokenizer.from_huggingface(extended.to_huggingface())
    text = "Größe und Maße, the cat"
    assert back.encode_huggingface(text, add_special_tokens=False) == extended.encode_ordinary(text)


def test_bad_arguments_are_refused():
    tok = bytebpe.Tokenizer.train(["ab ab"], 260)
    with pytest.raises(ValueError, match="at least n_vocab"):
        tok.extend(["ab"], tok.n_vocab - 1)
    with pytest.raises(TypeError, match="vocab_size"):
        tok.extend(["ab"], "300")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        tok.extend("ab ab", 300)
    with pytest.warns(bytebpe.FewerMergesWarning):
        tok.extend(["ab"], 400)
