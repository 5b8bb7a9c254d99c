"""Token health (spec §6.7): unreachable tokens, decided exactly, against tables whose answer is known
by construction and against the encodings of every short text; the other lists of the report."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import bytebpe
from bytebpe import Tokenizer
from bytebpe.evaluation.health import NEVER_IN_A_PIECE, NOT_UTF8, token_health
from bytebpe.evaluation.reachability import piece_factors, whole_characters
from strategies import hand_written_ranks, patterns, tiny_texts

BYTES = {bytes([b]): b for b in range(256)}
NOT_UTF8_BYTES = {bytes([b]) for b in (0xC0, 0xC1, *range(0xF5, 0x100))}


def table(*tokens: bytes) -> dict[bytes, int]:
    return {**BYTES, **{token: 256 + index for index, token in enumerate(tokens)}}


def test_a_table_whose_unreachable_tokens_are_known_by_construction():
    tokens = [b"ab", b"a1", b"  x", b"hello", b"hello ", b"\xe4\xb8", b"\x80\x80\x80\x80", b"a\xc0", b"12345", b" 1"]
    health = token_health(Tokenizer.from_ranks(table(*tokens), "gpt2"))
    expected = {token: NOT_UTF8 for token in NOT_UTF8_BYTES}
    expected |= {b"a1": NEVER_IN_A_PIECE, b"  x": NEVER_IN_A_PIECE, b"hello ": NEVER_IN_A_PIECE}
    expected |= {b"\x80\x80\x80\x80": NOT_UTF8, b"a\xc0": NOT_UTF8}
    assert {token: reason for token, (_, reason) in health.unreachable.items()} == expected
    assert health.unreachable[b"a1"][0] == 257
    # cl100k takes digits three at a time: "12345" is in no piece there, but is one under gpt2.
    cl100k = token_health(Tokenizer.from_ranks(table(*tokens), "cl100k"))
    assert cl100k.unreachable[b"12345"] == (264, NEVER_IN_A_PIECE)


def test_a_token_the_pattern_splits_off_is_not_its_own_encoding():
    # "a" before "b" is always matched by the first alternative, so "ab" is never one piece; the
    # relaxed lookahead keeps it in the language, so it is reported apart, not as unreachable.
    health = token_health(Tokenizer.from_ranks(table(b"ab", b"cc"), r"a(?=b)|ab|a|b|c+"))
    assert health.not_own_encoding == {b"ab": (256, [97, 98])}
    assert b"ab" not in health.unreachable and b"cc" not in health.unreachable


def test_whole_characters_of_token_bytes():
    assert whole_characters(b"abc") == "abc"
    assert whole_characters("日本".encode()[1:]) == "本"
    assert whole_characters("日本".encode()[:-1]) == "日"
    assert whole_characters(b"\xf0\x9f\x98") == ""
    assert whole_characters(b"\x80\x80\x80") == ""
    for bad in (b"\x80\x80\x80\x80", b"\xc0", b"a\xffb", b"\xed\xa0", b"\xe0\x80", b"\xf4\x90", b"a\x80b"):
        assert whole_characters(bad) is None, bad


@pytest.mark.parametrize("pattern", [*sorted(bytebpe.PATTERNS), r"a(?=b)|ab|a|b|\s+", r"[ab]{1,2}|1+|\s"])
def test_no_short_text_produces_a_token_called_unreachable(pattern):
    # Every token of two or three characters over the alphabet, ranked in a shuffled order, and
    # every text of up to five characters over it: the texts cover every context of those tokens.
    alphabet = "ab1 \n"
    tokens = ["".join(chars).encode() for size in (2, 3) for chars in itertools.product(alphabet, repeat=size)]
    random.Random(pattern).shuffle(tokens)
    tokenizer = Tokenizer.from_ranks(table(*tokens), pattern)
    texts = ["".join(chars) for size in range(1, 6) for chars in itertools.product(alphabet, repeat=size)]
    produced = {token for ids in tokenizer.encode_ordinary_batch(texts) for token in ids}
    health = token_health(tokenizer)
    unreachable = {rank for rank, _ in health.unreachable.values()}
    assert not produced & unreachable
    own = {rank for token, rank in tokenizer.mergeable_ranks.items() if len(token) <= 3}
    own -= unreachable | {rank for rank, _ in health.not_own_encoding.values()}
    own -= {rank for token, rank in tokenizer.mergeable_ranks.items() if token.decode("latin-1") not in texts}
    assert own <= produced


@given(ranks=hand_written_ranks(), pattern=patterns(), probes=st.lists(tiny_texts(40), max_size=6))
def test_no_text_ever_produces_an_unreachable_token(ranks, pattern, probes):
    try:
        tokenizer = Tokenizer.from_ranks(ranks, pattern)
    except ValueError:  # a generated pattern outside the language of §2.2
        assume(False)
    unreachable = {rank for rank, _ in token_health(tokenizer).unreachable.values()}
    for probe in probes:
        assert not set(tokenizer.encode_ordinary(probe)) & unreachable


@given(text=st.text(st.sampled_from("ab1 \n'é"), max_size=12), pattern=st.sampled_from(sorted(bytebpe.PATTERNS)))
def test_every_piece_is_in_the_relaxed_language(text, pattern):
    factors = piece_factors(bytebpe.PATTERNS[pattern])
    for piece in bytebpe.implementation("fast").split(text, bytebpe.PATTERNS[pattern]):
        assert factors.holds(piece)
        assert all(factors.holds(piece[i:j]) for i in range(len(piece)) for j in range(i, len(piece) + 1))


def test_the_other_lists_of_the_report():
    tokens = [b"  ", b"\n\n", b"==", b"===", b"ab", b"abab", b"   \n"]
    tokenizer = Tokenizer.from_ranks(table(*tokens), "gpt2")
    health = token_health(tokenizer, {"held out": "ab == abab"}, top=2)
    assert health.repeated == {b"  ": 256, b"\n\n": 257, b"==": 258, b"===": 259}
    assert health.whitespace == {b"  ": 256, b"\n\n": 257, b"   \n": 262}
    assert health.longest == {b"abab": 261, b"   \n": 262}
    produced = set(tokenizer.encode_ordinary("ab == abab"))
    assert health.produced == len(produced)
    assert set(health.never_produced.values()) == set(tokenizer.mergeable_ranks.values()) - produced - {
        rank for rank, _ in health.unreachable.values()
    }
    assert list(health.never_produced)[:4] == [b"  ", b"\n\n", b"===", b"   \n"]
    assert health.least_merged is None  # no training counts in a rank table
    figures = health.as_dict()
    assert figures["unreachable"][0] == {"text": None, "hex": "c0", "id": 192, "reason": NOT_UTF8}


def test_the_least_merged_tokens_come_from_the_training_counts():
    class Counted(Tokenizer):
        merge_counts = (5, 1, 3)

    counted = Counted(table(b"ab", b"cd", b"abcd"))
    assert token_health(counted, top=2).least_merged == {b"cd": (257, 1), b"abcd": (258, 3)}


def test_an_imported_hugging_face_tokenizer_has_the_health_report_of_its_model(word_level_tokenizer):
    tok = Tokenizer.train(["hello hello help"], 262)
    assert token_health(tok.to_huggingface()).longest == token_health(tok).longest
    with pytest.raises(ValueError, match="Hugging Face"):
        token_health(word_level_tokenizer)
