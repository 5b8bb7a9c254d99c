"""The flat batch encode (one array of ids plus offsets) and encode_to_numpy, on both
implementations and against tiktoken's encode_to_numpy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bytebpe
from strategies import TINY_ALPHABETS


@pytest.fixture(scope="module")
def tokenizers():
    corpus = ["ab ab abc aab ba\n", "aB1 '\r\n\t ab", "é日a 😀\n ab"] * 5
    base = bytebpe.Tokenizer.train(corpus, 290, special_tokens=["<|endoftext|>"], implementation="reference")
    return [base.with_implementation(name) for name in bytebpe.IMPLEMENTATIONS]


texts_strategy = st.lists(st.sampled_from(TINY_ALPHABETS).flatmap(lambda a: st.text(a, max_size=30)), max_size=8)


@settings(max_examples=80, deadline=None)
@given(texts=texts_strategy, dtype=st.sampled_from(["uint16", "uint32"]), around=st.booleans())
def test_the_flat_batch_is_the_batch_flattened(tokenizers, texts, dtype, around):
    reference = tokenizers[0]
    extra = {"prepend": "<|endoftext|>", "append": 65} if around else {}
    results = [tokenizer.encode_ordinary_batch_to_numpy(texts, dtype=dtype, **extra) for tokenizer in tokenizers]
    for ids, offsets in results:
        assert ids.dtype == np.dtype(dtype) and offsets.dtype == np.int64 and len(offsets) == len(texts) + 1
        for index, text in enumerate(texts):
            expected = reference.encode_ordinary(text)
            if around:
                expected = [reference.eot_token, *expected, 65]
            assert ids[offsets[index] : offsets[index + 1]].tolist() == expected
    assert results[0][0].tobytes() == results[1][0].tobytes()
    assert results[0][1].tolist() == results[1][1].tolist()


def test_an_id_too_big_for_uint16_is_a_value_error():
    big = bytebpe.Tokenizer.from_ranks({bytes([i]): i for i in range(256)}, special_tokens={"<|x|>": 70000})
    for tokenizer in (big, big.with_implementation("reference")):
        with pytest.raises(ValueError, match="70000 does not fit in uint16"):
            tokenizer.encode_ordinary_batch_to_numpy(["a"], append="<|x|>", dtype="uint16")
        assert tokenizer.encode_ordinary_batch_to_numpy(["a"], append="<|x|>")[0].tolist() == [97, 70000]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda t: t.encode_ordinary_batch_to_numpy("ab"), TypeError),
        (lambda t: t.encode_ordinary_batch_to_numpy([b"ab"]), TypeError),
        (lambda t: t.encode_ordinary_batch_to_numpy(["ab"], dtype="int8"), ValueError),
        (lambda t: t.encode_ordinary_batch_to_numpy(["ab"], append=99999), KeyError),
        (lambda t: t.encode_ordinary_batch_to_numpy(["ab"], num_threads=0), ValueError),
        (lambda t: t.encode_to_numpy(b"ab"), TypeError),
        (lambda t: t.encode_to_numpy("<|endoftext|>"), ValueError),
    ],
)
def test_bad_input_is_the_same_error_on_both(tokenizers, call, error):
    messages = []
    for tokenizer in tokenizers:
        with pytest.raises(error) as raised:
            call(tokenizer)
        messages.append(str(raised.value))
    assert messages[0] == messages[1]


def test_encode_to_numpy_matches_tiktoken():
    tiktoken = pytest.importorskip("tiktoken")
    corpus = ["ab ab abc aab ba\n", "é日a 😀\n ab"] * 5
    tokenizer = bytebpe.Tokenizer.train(corpus, 290, special_tokens=["<|endoftext|>"])
    theirs = tokenizer.to_tiktoken()
    for text in ["ab abc é日", "", "a<|endoftext|>b"]:
        for options in ({"disallowed_special": ()}, {"allowed_special": "all"}):
            ours = tokenizer.encode_to_numpy(text, **options)
            assert ours.dtype == np.uint32
            assert ours.tolist() == theirs.encode_to_numpy(text, **options).tolist()
    with pytest.raises(ValueError):
        tokenizer.encode_to_numpy("a<|endoftext|>b")
    assert tiktoken is not None
