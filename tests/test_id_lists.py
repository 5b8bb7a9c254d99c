"""The lists of ids the fast implementation returns are plain lists that Python's cycle collector
does not walk (a list of ints is in no cycle, and walking every id of every list of a batch is a
fifth of a batch's time): encodings of one text and of a batch, framed by prepend/append or a
post-processor, and offsets' ids. They behave as any list, and a cycle a caller makes through one
is freed once broken. The batch itself, a list of lists, stays tracked."""

from __future__ import annotations

import gc
import weakref

import pytest
import tokenizers
from tokenizers import models, pre_tokenizers, processors, trainers

import bytebpe

TEXTS = ["hello world", "hello <|end|> there", "", "héllo wörld 🙂 123"]


@pytest.fixture(scope="module")
def tok() -> bytebpe.Tokenizer:
    return bytebpe.Tokenizer.train(["hello world, hello there"] * 50, 300, special_tokens=["<|end|>"])


@pytest.fixture(scope="module")
def imported() -> bytebpe.Tokenizer:
    """A Hugging Face model with a BOS and EOS around every encoding, imported."""
    hf = tokenizers.Tokenizer(models.BPE())
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=300, special_tokens=["<s>", "</s>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    hf.train_from_iterator(["hello world, hello there"] * 50, trainer)
    hf.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", hf.token_to_id("<s>")), ("</s>", hf.token_to_id("</s>"))]
    )
    return bytebpe.Tokenizer.from_huggingface(hf)


def _id_lists(tok: bytebpe.Tokenizer) -> list[list[int]]:
    batch = tok.encode_ordinary_batch(TEXTS)
    framed = tok.encode(TEXTS, allowed_special="all", prepend="<|end|>", append="<|end|>")
    return [
        tok.encode_ordinary(TEXTS[0]),
        tok.encode(TEXTS[1], allowed_special="all"),
        tok.encode(TEXTS[0], prepend="<|end|>", append="<|end|>"),
        *batch,
        *tok.encode_batch(TEXTS, allowed_special="all"),
        *framed,
        tok.encode_with_offsets(TEXTS[3]).ids,
    ]


def test_the_fast_lists_of_ids_are_not_tracked(tok):
    lists = _id_lists(tok)
    assert [gc.is_tracked(ids) for ids in lists] == [False] * len(lists)


def test_an_imported_pipelines_lists_are_not_tracked(imported):
    with_specials = [imported.encode_huggingface(TEXTS[0]), *imported.encode_huggingface_batch(TEXTS)]
    assert all(ids[0] == imported.encode_special("<s>") for ids in with_specials)
    without = [imported.encode_huggingface(TEXTS[0], add_special_tokens=False)]
    lists = with_specials + without + imported.encode_huggingface_batch(TEXTS, add_special_tokens=False)
    assert [gc.is_tracked(ids) for ids in lists] == [False] * len(lists)


def test_a_batch_stays_tracked(tok):
    assert gc.is_tracked(tok.encode_ordinary_batch(TEXTS))
    assert gc.is_tracked(tok.encode_batch(TEXTS, allowed_special="all"))


def test_untracked_lists_are_ordinary_lists(tok):
    reference = tok.with_implementation("reference")
    assert _id_lists(tok) == _id_lists(reference)
    ids = tok.encode_ordinary("hello world")
    copy = list(ids)
    ids.append(7)
    ids[0] = 1
    ids.sort()
    assert type(ids) is list and len(ids) == len(copy) + 1
    assert tok.decode(tok.encode_ordinary("hello world")) == "hello world"
    gc.collect()
    assert tok.decode(copy) == "hello world"


def test_a_cycle_through_an_untracked_list_is_freed_once_broken(tok):
    class Holder:
        pass

    ids = tok.encode_ordinary("hello world")
    holder = Holder()
    holder.ids = ids
    ids.append(holder)  # type: ignore[arg-type]
    gone = weakref.ref(holder)
    ids.pop()
    del holder, ids
    assert gone() is None


def _many_texts(count: int) -> list[str]:
    words = ["hello", "world", "<|end|>", "héllo", "🙂", " ", "\n", "123", "there,"]
    return [" ".join(words[(i * 7 + j) % len(words)] for j in range(i % 300)) for i in range(count)]


@pytest.mark.parametrize("num_threads", [None, 1, 2, 3])
def test_a_batch_of_many_runs_keeps_its_order(tok, num_threads):
    # About 1.6 MB: the pool encodes it in runs while the lists of the runs before are made.
    texts = _many_texts(3000)
    assert sum(map(len, texts)) > 1 << 20
    one_by_one = [tok.encode_ordinary(text) for text in texts]
    assert tok.encode_ordinary_batch(texts, num_threads=num_threads) == one_by_one
    specials = [tok.encode(text, allowed_special="all") for text in texts]
    assert tok.encode_batch(texts, allowed_special="all", num_threads=num_threads) == specials
    batch = tok.encode_ordinary_batch(texts, num_threads=num_threads)
    assert not any(gc.is_tracked(ids) for ids in batch)


def test_a_bad_text_deep_in_a_large_batch_is_named(tok):
    texts = _many_texts(3000)
    texts[2500] = "bad \ud800 text"
    with pytest.raises(ValueError, match=r"texts\[2500\] holds the surrogate code point U\+D800"):
        tok.encode_ordinary_batch(texts)
    texts[2500] = 7  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"texts\[2500\] is int, expected str"):
        tok.encode_batch(texts)
