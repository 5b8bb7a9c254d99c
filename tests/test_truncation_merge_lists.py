"""Truncating a merge-list model (spec §5.5.1): a Hugging Face tokenizer trained to V, imported and
truncated to V', is the same tokenizer Hugging Face's trainer makes at V' — the same tokens and ids,
the same merge list, the same ids for every text — on both implementations.

The tokenizers are trained here by Hugging Face's BpeTrainer on generated corpora (tiny alphabets,
so that counts tie); nothing is downloaded.
"""

from __future__ import annotations

import pytest
import tokenizers
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import decoders, models, pre_tokenizers, processors, trainers

import bytebpe
from strategies import corpora, texts

SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>"]
REGEX = r"[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"


def trained(corpus: list[str], vocab_size: int, style: str) -> tokenizers.Tokenizer:
    """Hugging Face's BPE trained to ``vocab_size``: GPT-2's ByteLevel regex, or Llama 3's Split,
    ignore_merges and a BOS template."""
    hf = tokenizers.Tokenizer(models.BPE(ignore_merges=style == "llama3"))
    hf.decoder = decoders.ByteLevel()
    if style == "llama3":
        hf.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(tokenizers.Regex(REGEX), "isolated"),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )
    else:
        hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    hf.train_from_iterator(corpus, trainer)
    if style == "llama3":
        bos = hf.token_to_id(SPECIALS[0])
        hf.post_processor = processors.TemplateProcessing(
            single=f"{SPECIALS[0]} $A", special_tokens=[(SPECIALS[0], bos)]
        )
    return hf


@pytest.mark.parametrize("implementation", bytebpe.IMPLEMENTATIONS)
@pytest.mark.parametrize("style", ["gpt2", "llama3"])
@settings(max_examples=25, deadline=None)
@given(
    corpus=corpora(),
    sizes=st.tuples(st.integers(258, 330), st.integers(258, 330)),
    probes=st.lists(texts(), max_size=4),
)
def test_a_truncated_import_is_hugging_faces_training_to_that_size(implementation, style, corpus, sizes, probes):
    smaller, larger = sorted(sizes)
    big = trained(corpus, larger, style)
    small = trained(corpus, smaller, style)
    imported = bytebpe.Tokenizer.from_huggingface(big, implementation=implementation)
    # Hugging Face stops where the corpus runs out of pairs: truncate only to what was made.
    size = min(smaller, imported.n_vocab)
    truncated = imported.truncated(size)
    expected = bytebpe.Tokenizer.from_huggingface(small if size == smaller else big, implementation=implementation)
    assert truncated.mergeable_ranks == expected.mergeable_ranks
    assert truncated.special_tokens == expected.special_tokens
    assert truncated.merges == expected.merges
    oracle = small if size == smaller else big
    for text in [*corpus, *probes]:
        for add in (True, False):
            assert (
                truncated.encode_huggingface(text, add_special_tokens=add)
                == oracle.encode(text, add_special_tokens=add).ids
            )


def test_special_tokens_after_the_tokens_move_and_an_added_id_follows_them():
    ranks = {bytes([b]): b for b in range(256)} | {b"ab": 256, b"abab": 257}
    merges = [(97, 98), (256, 256)]
    tok = bytebpe.Tokenizer(ranks, "gpt4", special_tokens={"<s>": 258}, merges=merges, ignore_merges=False)
    cut = tok.truncated(258)
    assert cut.mergeable_ranks == {bytes([b]): b for b in range(256)} | {b"ab": 256}
    assert cut.special_tokens == {"<s>": 257}
    assert cut.merges == [(97, 98)]
    assert cut.encode_ordinary("abab") == [256, 256]
