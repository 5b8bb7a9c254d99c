"""bytebpe.evaluation.diff: where two vocabularies part, what each has alone, and what a text uses."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bytebpe import Tokenizer
from bytebpe.evaluation.diff import vocabulary_diff
from strategies import corpora

BYTES = {bytes([b]): b for b in range(256)}


def table(*tokens: bytes) -> dict[bytes, int]:
    return {**BYTES, **{token: 256 + index for index, token in enumerate(tokens)}}


def test_a_hand_written_pair_of_tables():
    a = Tokenizer.from_ranks(table(b"ab", b"abc", b"cd"), special_tokens={"<a>": 300, "<s>": 301})
    b = Tokenizer.from_ranks(table(b"ab", b"cd", b"abc", b"xy"), special_tokens={"<s>": 400, "<b>": 401})
    diff = vocabulary_diff(("A", a), ("B", b))
    assert (diff.divergence.merge, diff.divergence.a, diff.divergence.b) == (1, b"abc", b"cd")
    assert diff.only_a == {}
    assert diff.only_b == {b"xy": 259}
    assert diff.moved == {b"abc": (257, 258), b"cd": (258, 257)}
    assert diff.shared == 259
    assert diff.special_only_a == {"<a>": 300}
    assert diff.special_only_b == {"<b>": 401}
    assert diff.special_moved == {"<s>": (301, 400)}
    figures = json.loads(json.dumps(diff.as_dict()))
    assert figures["first_difference"] == {
        "merge": 1,
        "a": {"text": "abc", "hex": "616263"},
        "b": {"text": "cd", "hex": "6364"},
    }


def test_one_training_against_a_longer_one_parts_where_the_shorter_ends():
    corpus = ["the cat sat on the mat with the hat"] * 5
    full = Tokenizer.train(corpus, 290)
    diff = vocabulary_diff(("short", full.truncated(270)), ("long", full))
    assert diff.divergence.merge == 14
    assert diff.divergence.a is None
    assert diff.only_a == {} and len(diff.only_b) == full.n_vocab - 270
    assert vocabulary_diff(full, full.truncated(full.n_vocab)).divergence is None


@given(corpus_a=corpora(), corpus_b=corpora(), probe=st.text("ab \n", max_size=60))
def test_the_used_tokens_are_counted_from_each_sides_encoding(corpus_a, corpus_b, probe):
    a = Tokenizer.train(corpus_a, 300)
    b = Tokenizer.train(corpus_b, 300)
    diff = vocabulary_diff(("a", a), ("b", b), texts={"probe": probe})
    assert set(diff.only_a).isdisjoint(b.mergeable_ranks)
    assert set(diff.only_b).isdisjoint(a.mergeable_ranks)
    for side, tokenizer, used, own in (("a", a, diff.used_a, diff.only_a), ("b", b, diff.used_b, diff.only_b)):
        counts = Counter(tokenizer.encode_ordinary(probe))
        assert used == {token: counts[rank] for token, rank in own.items() if counts[rank]}, side
        assert list(used.values()) == sorted(used.values(), reverse=True)


def test_an_imported_hugging_face_tokenizer_is_compared_and_one_bytebpe_cannot_read_is_not(word_level_tokenizer):
    tok = Tokenizer.train(["hello hello help"], 262)
    same = vocabulary_diff(tok, tok.to_huggingface())
    assert same.divergence is None and same.shared == len(tok.mergeable_ranks) and not same.moved
    with pytest.raises(ValueError, match="Hugging Face"):
        vocabulary_diff(tok, word_level_tokenizer)
