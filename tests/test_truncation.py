"""Truncation (spec §5.5): the first k merges of a training are the training to 256 + k.

Both implementations are held to the corollary on generated corpora over small alphabets (so
that counts tie), with and without special tokens and ``min_frequency``; truncating a rank table
that no training made keeps its lowest ranks and the first of its §5.3 merges.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe import Tokenizer
from strategies import NAMED_PATTERNS, corpora, hand_written_ranks, texts

SPECIALS = ["<|endoftext|>", "<|bos|>", "<s>"]


@given(
    data=st.data(),
    corpus=corpora(),
    extra=st.integers(min_value=0, max_value=60),
    pattern=st.sampled_from(NAMED_PATTERNS),
    n_specials=st.integers(min_value=0, max_value=3),
    min_frequency=st.integers(min_value=0, max_value=3),
    implementation=st.sampled_from(bytebpe.IMPLEMENTATIONS),
)
def test_truncating_a_training_equals_training_to_the_smaller_size(
    data, corpus, extra, pattern, n_specials, min_frequency, implementation
):
    specials = SPECIALS[:n_specials]
    settings = {
        "pattern": pattern,
        "special_tokens": specials,
        "min_frequency": min_frequency,
        "implementation": implementation,
    }
    full = Tokenizer.train(corpus, 256 + n_specials + extra, **settings)
    made = len(full.merges)
    smaller = data.draw(st.integers(min_value=256 + n_specials, max_value=256 + made + n_specials), "vocab_size")
    truncated = full.truncated(smaller)
    trained = Tokenizer.train(corpus, smaller, **settings)
    assert truncated == trained
    assert truncated.special_tokens == trained.special_tokens
    assert truncated.merges == trained.merges == full.merges[: smaller - 256 - n_specials]
    assert truncated.n_vocab == smaller
    assert truncated.implementation == implementation


@given(corpus=corpora(), extra=st.integers(min_value=0, max_value=40), probes=st.lists(texts(40), max_size=4))
def test_both_implementations_truncate_alike(corpus, extra, probes):
    full = Tokenizer.train(corpus, 256 + 1 + extra, special_tokens=["<|endoftext|>"])
    for size in range(257, full.n_vocab + 1, 7):
        fast = full.truncated(size)
        reference = fast.with_implementation("reference")
        assert fast.merges == reference.merges
        for probe in probes:
            assert fast.encode_ordinary(probe) == reference.encode_ordinary(probe)


@given(ranks=hand_written_ranks(), data=st.data())
def test_truncating_a_rank_table_keeps_its_lowest_ranks(ranks, data):
    specials = {"<|endoftext|>": max(ranks.values()) + 5}
    full = Tokenizer.from_ranks(ranks, special_tokens=specials)
    longer = sorted(rank for token, rank in ranks.items() if len(token) > 1)
    keep = data.draw(st.integers(min_value=0, max_value=len(longer)), "keep")
    for implementation in bytebpe.IMPLEMENTATIONS:
        truncated = full.with_implementation(implementation).truncated(256 + keep + 1)
        kept = truncated.mergeable_ranks
        assert {token: ranks[token] for token in kept} == kept
        assert sorted(rank for token, rank in kept.items() if len(token) > 1) == longer[:keep]
        assert truncated.special_tokens == {"<|endoftext|>": max(kept.values()) + 1}
        # §5.3 joins each token with lower ranks only, so the kept tokens keep their merges.
        assert truncated.merges == full.merges[: len(truncated.merges)]


def test_the_full_size_gives_the_same_tokenizer():
    full = Tokenizer.train(["aaabdaaabac"] * 3, 262, special_tokens=["<|endoftext|>"])
    assert full.truncated(full.n_vocab) == full
    assert full.truncated(257).mergeable_ranks == {bytes([b]): b for b in range(256)}
    assert full.truncated(257).special_tokens == {"<|endoftext|>": 256}


def test_the_training_record_says_what_was_truncated():
    full = Tokenizer.train(["aaabdaaabac"] * 3, 262)
    record = full.truncated(258).trained_by
    assert record is not None
    assert record["vocab_size"] == 258
    assert record["truncated_from"] == full.n_vocab


@pytest.mark.parametrize(
    ("size", "error", "message"),
    [
        (255, ValueError, "at least 257"),
        (256, ValueError, "at least 257"),
        (10_000, ValueError, "at most"),
        (True, TypeError, "vocab_size"),
        ("300", TypeError, "vocab_size"),
    ],
)
def test_a_size_the_tokenizer_cannot_give_is_refused(size, error, message):
    full = Tokenizer.train(["aaabdaaabac"] * 3, 262, special_tokens=["<|endoftext|>"])
    with pytest.raises(error, match=message):
        full.truncated(size)
