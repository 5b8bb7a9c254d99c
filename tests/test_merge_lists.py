"""Encoding by a merge list (spec §6.8-§6.11): the two implementations agree with each other and
with Hugging Face's BPE, on generated rank tables whose merge lists leave tokens out, list several
splits of one token, repeat pairs and come in any order; with and without ``ignore_merges``.

The Hugging Face side is a tokenizer.json built in the test from the same table and list, its
merges written in both of the forms Hugging Face reads. Nothing is downloaded or filtered out.
"""

from __future__ import annotations

import json

import pytest
import tokenizers
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe import reference
from bytebpe.huggingface import bytes_to_unicode, tokenizer_json
from strategies import corpora, hand_written_ranks, texts, vocab_sizes

BYTE_CHARS = bytes_to_unicode()
PATTERNS = [r"\S+|\s+", r"[^\n]+", "gpt4", r"[\s\S]"]


def token_string(token: bytes) -> str:
    return "".join(BYTE_CHARS[b] for b in token)


def splits(ranks: dict[bytes, int]) -> list[tuple[int, int]]:
    """Every (left, right) pair of ranks that joins into a token of the table."""
    return sorted(
        (ranks[token[:cut]], ranks[token[cut:]])
        for token in ranks
        for cut in range(1, len(token))
        if token[:cut] in ranks and token[cut:] in ranks
    )


@st.composite
def dense_ranks(draw: st.DrawFn) -> dict[bytes, int]:
    """All substrings of a few words over a tiny alphabet, in random rank order: most tokens have
    several splits, so a merge list can reach each of them in several ways, or not at all."""
    byte_order = draw(st.permutations(range(256)))
    ranks = {bytes([b]): rank for rank, b in enumerate(byte_order)}
    words = draw(st.lists(st.text("abc", min_size=2, max_size=6), min_size=1, max_size=3))
    tokens = sorted({w[i:j].encode() for w in words for i in range(len(w)) for j in range(i + 2, len(w) + 1)})
    for offset, token in enumerate(draw(st.permutations(tokens))):
        ranks[token] = 256 + 3 * offset + draw(st.integers(0, 2))
    return ranks


@st.composite
def merge_list_models(draw: st.DrawFn) -> tuple[dict[bytes, int], list[tuple[int, int]], bool]:
    """A rank table, a merge list drawn from its splits (a subset, in any order, pairs repeated),
    and ignore_merges."""
    ranks = draw(hand_written_ranks() | dense_ranks())
    candidates = splits(ranks)
    merges = draw(st.lists(st.sampled_from(candidates), max_size=len(candidates) + 3)) if candidates else []
    return ranks, merges, draw(st.booleans())


def probes() -> st.SearchStrategy[list[str]]:
    # Short pieces (the scan), pieces of 64 bytes and more (the heap), and any text.
    return st.lists(
        st.text("abcd ", max_size=40) | st.text("abc", min_size=60, max_size=400) | texts(40), max_size=6
    )


def hugging_face(ranks, merges, ignore_merges, pattern, *, as_lists=False) -> tokenizers.Tokenizer:
    """Hugging Face's BPE over the same table and list, splitting as bytebpe does."""
    content = tokenizer_json(ranks, pattern)
    token_of = {rank: token for token, rank in ranks.items()}
    pairs = [(token_string(token_of[left]), token_string(token_of[right])) for left, right in merges]
    content["model"]["merges"] = [list(pair) for pair in pairs] if as_lists else [" ".join(pair) for pair in pairs]
    content["model"]["ignore_merges"] = ignore_merges
    return tokenizers.Tokenizer.from_str(json.dumps(content))


@given(model=merge_list_models(), pattern=st.sampled_from(PATTERNS), samples=probes(), as_lists=st.booleans())
def test_merge_lists_encode_as_hugging_face_does(impl, model, pattern, samples, as_lists):
    ranks, merges, ignore_merges = model
    encoder = impl.Encoder(ranks, pattern, None, merges, ignore_merges)
    hf = hugging_face(ranks, merges, ignore_merges, pattern, as_lists=as_lists)
    for text in samples:
        ids = encoder.encode_ordinary(text)
        assert ids == hf.encode(text).ids
        assert encoder.decode_bytes(ids) == "".join(reference.split(text, pattern)).encode()
    assert encoder.encode_ordinary_batch(samples) == [hf.encode(text).ids for text in samples]


@given(model=merge_list_models(), pattern=st.sampled_from(PATTERNS), samples=probes())
def test_both_implementations_agree_on_merge_lists(reference, fast, model, pattern, samples):
    ranks, merges, ignore_merges = model
    slow = reference.Encoder(ranks, pattern, None, merges, ignore_merges)
    quick = fast.Encoder(ranks, pattern, None, merges, ignore_merges)
    assert quick.merges() == slow.merges()
    assert quick.encode_ordinary_batch(samples) == slow.encode_ordinary_batch(samples)


@given(model=merge_list_models(), data=st.data())
def test_special_tokens_around_merge_list_encoding(impl, model, data):
    ranks, merges, ignore_merges = model
    specials = {"<|a|>": max(ranks.values()) + 1, "<|ab|>": max(ranks.values()) + 7}
    encoder = impl.Encoder(ranks, r"\S+|\s+", specials, merges, ignore_merges)
    text = data.draw(st.lists(st.sampled_from(["ab", "c", " ", *specials]), max_size=8).map("".join))
    expected = reference.encode(
        text, ranks, r"\S+|\s+", specials, ["<|a|>", "<|ab|>"], reference.merge_list(merges, ignore_merges)
    )
    assert encoder.encode(text, ["<|a|>", "<|ab|>"]) == expected


@given(corpus=corpora(), vocab_size=vocab_sizes(), samples=st.lists(texts(60), max_size=5), ignore=st.booleans())
def test_training_merges_as_a_list_give_the_rank_ids(impl, corpus, vocab_size, samples, ignore):
    # The first agreement of the note in §6.10: a trained vocabulary's own merges, replayed.
    tok = bytebpe.Tokenizer.train(corpus, vocab_size, implementation=impl.NAME)
    encoder = impl.Encoder(tok.mergeable_ranks, tok.pattern, None, tok.merges, ignore)
    for text in [*corpus, *samples]:
        assert encoder.encode_ordinary(text) == tok.encode_ordinary(text)


@given(ranks=hand_written_ranks() | dense_ranks(), samples=probes())
def test_every_split_in_rank_order_gives_the_rank_ids(impl, ranks, samples):
    # The second agreement of the note in §6.10, which the Hugging Face export relies on.
    every_split = sorted(splits(ranks), key=lambda pair: (ranks[b"".join(_tokens(ranks, pair))], pair))
    by_list = impl.Encoder(ranks, r"\S+|\s+", None, every_split, True)
    by_rank = impl.Encoder(ranks, r"\S+|\s+")
    assert by_list.encode_ordinary_batch(samples) == by_rank.encode_ordinary_batch(samples)


def _tokens(ranks: dict[bytes, int], pair: tuple[int, int]) -> tuple[bytes, bytes]:
    token_of = {rank: token for token, rank in ranks.items()}
    return token_of[pair[0]], token_of[pair[1]]


def test_a_pathologically_long_piece(impl):
    # A long piece goes through the heap, and the list decides, not the ranks. The reference
    # rescans the piece after every merge (spec order, not speed), so it gets a shorter one.
    ranks = {bytes([b]): b for b in range(256)} | {b"ab": 256, b"ba": 257, b"abab": 258}
    encoder = impl.Encoder(ranks, r"[\s\S]+", None, [(98, 97), (97, 98), (256, 256)], False)
    pairs = 100_000 if impl is bytebpe.implementation("fast") else 1_000
    text = "ab" * pairs
    ids = encoder.encode_ordinary(text)
    assert ids == [97] + [257] * (pairs - 1) + [98]
    assert encoder.decode_bytes(ids) == text.encode()


BAD_MERGES = [
    ("not a list", TypeError, "merges must be a list"),
    ([(97,)], TypeError, r"merges\[0\] must be a pair of int ranks"),
    ([(97, 98), (97, "b")], TypeError, r"merges\[1\] must be a pair of int ranks"),
    ([(97, True)], TypeError, r"merges\[0\] must be a pair"),
    ([(97, 999)], ValueError, r"merges\[0\] names rank 999, which the rank table does not hold"),
    ([(2**40, 97)], ValueError, r"merges\[0\] names rank 1099511627776"),
    ([(97, 98), (98, 97)], ValueError, r"merges\[1\] joins 98 and 97 into b'ba', which is not a token"),
]


@pytest.mark.parametrize("merges, error, message", BAD_MERGES)
def test_bad_merge_lists_are_refused_alike(impl, merges, error, message):
    ranks = {bytes([b]): b for b in range(256)} | {b"ab": 256}
    with pytest.raises(error, match=message):
        impl.Encoder(ranks, "gpt4", None, merges, False)


def test_ignore_merges_must_be_a_bool(impl):
    with pytest.raises(TypeError, match="ignore_merges must be a bool, not int"):
        impl.Encoder({bytes([b]): b for b in range(256)}, "gpt4", None, [], 1)
