"""Decoding undoes encoding (spec §7), and the corollaries of §5.3 and §6.3 hold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe import reference
from strategies import NAMED_PATTERNS, corpora, texts, unicode_texts, vocab_sizes


@given(corpus=corpora(max_texts=4), vocab_size=vocab_sizes(), pattern=st.sampled_from(NAMED_PATTERNS), text=texts(80))
def test_decode_undoes_encode_for_any_str(impl, corpus, vocab_size, pattern, text):
    # Every named pattern matches every character, so nothing is dropped.
    tok = bytebpe.Tokenizer.train(corpus, vocab_size, pattern=pattern, implementation=impl.NAME)
    assert tok.decode(tok.encode_ordinary(text)) == text
    assert tok.decode_bytes(tok.encode_ordinary(text)) == text.encode("utf-8")


@given(corpus=corpora(max_texts=4), vocab_size=vocab_sizes(), data=st.data())
def test_decode_bytes_is_the_concatenation(impl, corpus, vocab_size, data):
    tok = bytebpe.Tokenizer.train(corpus, vocab_size, implementation=impl.NAME)
    vocab = {rank: token for token, rank in tok.mergeable_ranks.items()}
    ids = data.draw(st.lists(st.sampled_from(sorted(vocab)), max_size=30))
    assert tok.decode_bytes(ids) == b"".join(vocab[i] for i in ids)
    assert tok.decode(ids) == b"".join(vocab[i] for i in ids).decode("utf-8", errors="replace")


@given(
    corpus=corpora(max_texts=4),
    vocab_size=vocab_sizes(),
    shift=st.sampled_from([0, 1000, 2**20, 2**31]),
    special_ids=st.lists(st.sampled_from([0, 1, 2**17, 2**31 - 1, 2**32 - 1]), unique=True, max_size=3),
    data=st.data(),
)
def test_decode_bytes_of_any_ids_is_the_concatenation(impl, corpus, vocab_size, shift, special_ids, data):
    # Ranks spread out or moved far up, special tokens after them or at far ids, and id lists
    # long enough to be decoded with the GIL released: decoding is by id, however ids lie.
    ranks = bytebpe.Tokenizer.train(corpus, vocab_size, implementation=impl.NAME).mergeable_ranks
    ranks = {token: rank * 3 + shift for token, rank in ranks.items()}
    used = set(ranks.values())
    specials = {f"<|s{i}|>": i for i in special_ids if i not in used}
    tok = bytebpe.Tokenizer.from_ranks(ranks, special_tokens=specials, implementation=impl.NAME)
    vocab = {rank: token for token, rank in ranks.items()} | {i: s.encode() for s, i in specials.items()}
    ids = data.draw(st.lists(st.sampled_from(sorted(vocab)), max_size=40))
    repeat = data.draw(st.sampled_from([1, 3000]))
    want = b"".join(vocab[i] for i in ids) * repeat
    assert tok.decode_bytes(ids * repeat) == want
    assert tok.decode_bytes(iter(ids * repeat)) == want
    for i in ids:
        assert tok.decode_single_token_bytes(i) == vocab[i]


def test_decode_errors_argument(impl):
    tok = bytebpe.Tokenizer.train([], 256, implementation=impl.NAME)
    assert tok.decode([0xE6, 0x97]) == "\ufffd"
    assert tok.decode([0xE6, 0x97], errors="ignore") == ""
    try:
        tok.decode([0xE6, 0x97], errors="strict")
    except UnicodeDecodeError:
        pass
    else:
        raise AssertionError("strict decoding of a partial character must raise")


def replay(piece: bytes, merges: list[tuple[int, int]]) -> list[int]:
    """Encode by replaying the merge list in training order (§4.4 applied to one piece)."""
    ids: tuple[int, ...] = tuple(piece)
    for i, pair in enumerate(merges):
        ids = reference.apply_merge(ids, pair, 256 + i)
    return list(ids)


@given(
    corpus=corpora(),
    vocab_size=vocab_sizes(),
    pattern=st.sampled_from(NAMED_PATTERNS),
    probes=st.lists(texts(60), max_size=6),
)
def test_rank_encoding_equals_merge_replay_for_trained_vocabularies(corpus, vocab_size, pattern, probes):
    # §6.3: for a trained vocabulary, tiktoken's rule gives what replaying the merges gives,
    # on the training texts and on any other text.
    tok = bytebpe.Tokenizer.train(corpus, vocab_size, pattern=pattern, implementation="reference")
    for text in [*corpus, *probes]:
        expected = [i for piece in reference.split(text, pattern) for i in replay(piece.encode("utf-8"), tok.merges)]
        assert tok.encode_ordinary(text) == expected


@given(corpus=corpora(), vocab_size=vocab_sizes(), pattern=st.sampled_from(NAMED_PATTERNS))
def test_merges_are_recovered_from_trained_ranks(impl, corpus, vocab_size, pattern):
    # §5.3: a trained vocabulary's ranks alone give back its merges.
    trained = bytebpe.Tokenizer.train(corpus, vocab_size, pattern=pattern, implementation="reference")
    recovered = bytebpe.Tokenizer.from_ranks(trained.mergeable_ranks, pattern, implementation=impl.NAME)
    assert recovered.merges == trained.merges


@given(text=unicode_texts(200))
def test_byte_level_vocabulary_is_utf8(impl, text):
    tok = bytebpe.Tokenizer.train([], 256, implementation=impl.NAME)
    assert tok.encode_ordinary(text) == list(text.encode("utf-8"))
