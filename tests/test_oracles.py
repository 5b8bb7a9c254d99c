"""Outside oracles: tiktoken encodes like bytebpe (spec §6), and rustbpe trains like it (§4)."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest
import rustbpe
import tiktoken
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from strategies import NAMED_PATTERNS, corpora, hand_written_ranks, texts, vocab_sizes

STDLIB = Path(sysconfig.get_paths()["stdlib"])


def as_tiktoken(tok: bytebpe.Tokenizer) -> tiktoken.Encoding:
    return tiktoken.Encoding(
        "bytebpe-test", pat_str=tok.pattern, mergeable_ranks=tok.mergeable_ranks, special_tokens={}
    )


@given(
    corpus=corpora(),
    vocab_size=vocab_sizes(),
    pattern=st.sampled_from(NAMED_PATTERNS),
    probes=st.lists(texts(80), max_size=5),
)
def test_trained_vocabularies_encode_like_tiktoken(impl, corpus, vocab_size, pattern, probes):
    tok = bytebpe.Tokenizer.train(corpus, vocab_size, pattern=pattern, implementation=impl.NAME)
    enc = as_tiktoken(tok)
    for text in [*corpus, *probes]:
        assert tok.encode_ordinary(text) == enc.encode_ordinary(text)


@given(
    ranks=hand_written_ranks(),
    pattern=st.sampled_from(NAMED_PATTERNS),
    probes=st.lists(texts(40) | st.text("bcd ", max_size=40), max_size=5),
)
def test_hand_written_ranks_encode_like_tiktoken(impl, ranks, pattern, probes):
    tok = bytebpe.Tokenizer.from_ranks(ranks, pattern, implementation=impl.NAME)
    enc = as_tiktoken(tok)
    for text in probes:
        assert tok.encode_ordinary(text) == enc.encode_ordinary(text)


def stdlib_text(*names: str) -> list[str]:
    return [(STDLIB / name).read_text(encoding="utf-8") for name in names]


@pytest.mark.parametrize("pattern", NAMED_PATTERNS)
def test_real_text_encodes_like_tiktoken(pattern):
    # Real text nobody on this project wrote: the running Python's standard library.
    tok = bytebpe.Tokenizer.train(stdlib_text("os.py", "textwrap.py", "heapq.py"), 2000, pattern=pattern)
    enc = as_tiktoken(tok)
    held_out = stdlib_text("argparse.py", "difflib.py", "tokenize.py")
    assert tok.encode_ordinary_batch(held_out) == enc.encode_ordinary_batch(held_out)
    assert tok.with_implementation("reference").encode_ordinary(held_out[2][:5000]) == enc.encode_ordinary(
        held_out[2][:5000]
    )


def rustbpe_ranks(corpus: list[str], vocab_size: int) -> dict[bytes, int]:
    trainer = rustbpe.Tokenizer()
    trainer.train_from_iterator(iter(corpus), vocab_size)
    return dict(trainer.get_mergeable_ranks())


@given(corpus=corpora(), vocab_size=vocab_sizes())
def test_merges_equal_rustbpe(impl, corpus, vocab_size):
    tok = bytebpe.Tokenizer.train(corpus, vocab_size, pattern="gpt4", implementation=impl.NAME)
    assert tok.mergeable_ranks == rustbpe_ranks(corpus, vocab_size)


def test_real_text_trains_like_rustbpe():
    corpus = stdlib_text("os.py", "textwrap.py", "heapq.py", "argparse.py")
    tok = bytebpe.Tokenizer.train(corpus, 3000)
    assert tok.mergeable_ranks == rustbpe_ranks(corpus, 3000)


def hugging_face_tokens(pieces: list[str], vocab_size: int, max_token_length: int) -> list[bytes]:
    """The tokens Hugging Face's BpeTrainer learns, in merge order, from ``pieces`` (each a word)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
        max_token_length=max_token_length,
        min_frequency=0,
    )
    tok.train_from_iterator(pieces, trainer)
    learned = sorted((token_id, token) for token, token_id in tok.get_vocab().items() if token_id >= 256)
    # Printable ASCII maps to itself in GPT-2's byte-to-character table.
    return [token.encode("ascii") for _, token in learned]


@given(
    corpus=st.lists(st.text("ab!", min_size=1, max_size=14), min_size=1, max_size=8),
    merges=st.integers(1, 24),
    max_token_length=st.integers(2, 6),
)
def test_max_token_length_selects_as_hugging_face_does(impl, corpus, merges, max_token_length):
    # Printable ASCII only: there Hugging Face's initial ids are in byte order, so its ties are
    # broken as here. Its limit leaves out a token of max_token_length characters or more (spec
    # §4.3.1 note), so its limit L + 1 is this one's L. Each text is one piece.
    pattern = r"[^\n]+"
    learned = impl.train(corpus, 256 + merges, pattern=pattern, max_token_length=max_token_length)
    vocab = bytebpe.reference.vocabulary_from_merges(learned)
    ours = [vocab[256 + i] for i in range(len(learned))]
    assert ours == hugging_face_tokens(corpus, 256 + merges, max_token_length + 1)
