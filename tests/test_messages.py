"""One set of messages for bad input (spec §9): the same exception, with the same text, from both
implementations.

The reference checks its arguments in Python (bytebpe.checks and the reference implementation's
interface); the fast core checks them in Rust, for its own callers too. Nothing makes the two
agree but this table: every row is a bad input, run through both, and the exception type and the
message must be equal, character for character.
"""

from __future__ import annotations

import pytest

import bytebpe
from bytebpe import _fast

BYTES = {bytes([b]): b for b in range(256)}


def without(byte: int) -> dict[bytes, int]:
    return {token: rank for token, rank in BYTES.items() if token != bytes([byte])}


def encoder(module, specials=None):
    return module.Encoder({**BYTES, b"it's": 300}, "gpt4", specials or {"<|bos|>": 301})


CASES = {
    # §1: texts and corpora.
    "surrogate in a text": lambda m: m.split("ok \ud800 no"),
    "surrogate in a corpus": lambda m: m.train(["fine", "ok \udfff"], 300),
    "text not a str": lambda m: m.split(5),
    "text is bytes": lambda m: m.split(b"abc"),
    "corpus item not a str": lambda m: m.train(iter(["ok", "fine", 3]), 300),
    "corpus item is None": lambda m: m.count(["ok", None]),
    "lone str as a corpus": lambda m: m.train("a lone string", 300),
    "lone bytes as a corpus": lambda m: m.count(b"bytes"),
    "corpus not iterable": lambda m: m.train(42, 300),
    "encode a non-str": lambda m: encoder(m).encode_ordinary(["a"]),
    "encode a surrogate": lambda m: encoder(m).encode("x\ud800", []),
    "batch of a lone str": lambda m: encoder(m).encode_ordinary_batch("x"),
    "batch with a non-str": lambda m: encoder(m).encode_batch(["a", 3], []),
    "batch with a surrogate": lambda m: encoder(m).encode_ordinary_batch(["a", "\ud800"]),
    # §2: patterns.
    "pattern None": lambda m: m.split("text", None),
    "pattern bytes": lambda m: m.train([], 300, pattern=b"gpt4"),
    "encoder pattern int": lambda m: m.Encoder(BYTES, 3),
    "unclosed group": lambda m: m.split("text", "("),
    "unbalanced": lambda m: m.train([], 300, pattern="a)"),
    "repeat bounds": lambda m: m.split("text", "a{2,1}"),
    "repeat above 1000": lambda m: m.split("text", "a{1001}"),
    "nothing to repeat": lambda m: m.split("text", "*a"),
    r"\w": lambda m: m.split("text", r"\w+"),
    "unknown property": lambda m: m.split("text", r"\p{Greek}"),
    "unknown flag": lambda m: m.split("text", "(?x)a"),
    "ambiguous class": lambda m: m.split("text", "[a&&b]"),
    "lookbehind": lambda m: m.Encoder(BYTES, r"(?<=a+)b"),
    "empty repeat": lambda m: m.count(["a"], "(?:a*)*"),
    "pattern with a quote": lambda m: m.split("text", "it's("),
    "pattern with both quotes": lambda m: m.split("text", "'\"("),
    "pattern with a newline": lambda m: m.split("text", "a\n("),
    "pattern with a surrogate": lambda m: m.split("text", "a|\ud800"),
    "encoder pattern with a surrogate": lambda m: m.Encoder(BYTES, "\udfff"),
    # §4.5: vocab_size and min_frequency.
    "vocab_size 255": lambda m: m.train(["ab"], 255),
    "vocab_size -1": lambda m: m.train(["ab"], -1),
    "vocab_size float": lambda m: m.train(["ab"], 300.0),
    "vocab_size str": lambda m: m.train(["ab"], "300"),
    "vocab_size None": lambda m: m.train(["ab"], None),
    "vocab_size bool": lambda m: m.train(["ab"], True),
    "vocab_size 2**32": lambda m: m.train(["ab"], 2**32),
    "vocab_size 10**100": lambda m: m.train(["ab"], 10**100),
    "counts, vocab_size 2**40": lambda m: m.train_from_counts(bytebpe.PieceCounts({b"ab": 2}), 2**40),
    "min_frequency -1": lambda m: m.train(["ab"], 300, min_frequency=-1),
    "min_frequency float": lambda m: m.train(["ab"], 300, min_frequency=1.5),
    "min_frequency bool": lambda m: m.train(["ab"], 300, min_frequency=True),
    "min_frequency 2**64": lambda m: m.train(["ab"], 300, min_frequency=2**64),
    "max_token_length 2**32": lambda m: m.train(["ab"], 300, max_token_length=2**32),
    "counts not PieceCounts": lambda m: m.train_from_counts({b"ab": 2}, 300),
    "counts None": lambda m: m.train_from_counts(None, 300),
    "counts, vocab_size 100": lambda m: m.train_from_counts(bytebpe.PieceCounts({b"ab": 2}), 100),
    "counts, min_frequency -2": lambda m: m.train_from_counts(bytebpe.PieceCounts(), 300, min_frequency=-2),
    # §5.2: rank tables.
    "ranks lack a byte": lambda m: m.Encoder(without(65)),
    "ranks lack the quote byte": lambda m: m.Encoder(without(39)),
    "ranks lack many bytes": lambda m: m.Encoder({b"a": 0}),
    "rank given twice": lambda m: m.Encoder({**BYTES, b"ab": 5}),
    "rank given twice, quotes": lambda m: m.Encoder({**BYTES, b"it's": 39}),
    "empty token": lambda m: m.Encoder({**BYTES, b"": 300}),
    "rank -1": lambda m: m.Encoder({**BYTES, b"ab": -1}),
    "rank 2**32-1": lambda m: m.Encoder({**BYTES, b"ab": 2**32 - 1}),
    "rank 2**40": lambda m: m.Encoder({**BYTES, b"ab": 2**40}),
    "token not bytes": lambda m: m.Encoder({**BYTES, "ab": 300}),
    "rank not int": lambda m: m.Encoder({**BYTES, b"ab": 3.0}),
    "rank bool": lambda m: m.Encoder({**BYTES, b"ab": True}),
    "ranks a list": lambda m: m.Encoder([(b"a", 0)]),
    # §5.4: special tokens.
    "specials a list": lambda m: m.Encoder(BYTES, "gpt4", [("<|a|>", 300)]),
    "special not a str": lambda m: m.Encoder(BYTES, "gpt4", {1: 300}),
    "special id not an int": lambda m: m.Encoder(BYTES, "gpt4", {"<|a|>": "300"}),
    "special id bool": lambda m: m.Encoder(BYTES, "gpt4", {"<|a|>": True}),
    "special empty": lambda m: m.Encoder(BYTES, "gpt4", {"": 300}),
    "special id -1": lambda m: m.Encoder(BYTES, "gpt4", {"<|a|>": -1}),
    "special id 2**32": lambda m: m.Encoder(BYTES, "gpt4", {"<|a|>": 2**32}),
    "special id of a rank": lambda m: m.Encoder(BYTES, "gpt4", {"<|a|>": 65}),
    "special id of a quote rank": lambda m: m.Encoder(BYTES, "gpt4", {"<|a|>": 39}),
    "special id twice": lambda m: m.Encoder(BYTES, "gpt4", {"<|a|>": 300, "<|b|>": 300}),
    "special with a quote": lambda m: m.Encoder(BYTES, "gpt4", {"<|b|>": 300, "it's": 300}),
    "special with a newline": lambda m: m.Encoder(BYTES, "gpt4", {"a\nb": 10}),
    "special with both quotes": lambda m: m.Encoder(BYTES, "gpt4", {"'\"": 10}),
    # §6.5: tiktoken's allowed_special, and the thread count of a batch.
    "allowed_special a str": lambda m: encoder(m).encode("x", "<|bos|>"),
    "allowed_special an int": lambda m: encoder(m).encode_batch(["x"], 5),
    "allowed_special holds an int": lambda m: encoder(m).encode("x", [3]),
    "allowed_special None": lambda m: encoder(m).encode("x", None),
    "num_threads 0": lambda m: encoder(m).encode_ordinary_batch(["a"], 0),
    "num_threads 2000": lambda m: encoder(m).encode_batch(["a"], [], 2000),
    "num_threads float": lambda m: encoder(m).encode_ordinary_batch(["a"], 1.5),
    "num_threads bool": lambda m: encoder(m).encode_batch(["a"], [], True),
    # §7: decoding.
    "unknown id": lambda m: encoder(m).decode_bytes([104, 9999]),
    "negative id": lambda m: encoder(m).decode_bytes([-1]),
    "huge id": lambda m: encoder(m).decode_bytes((104, 2**70)),
    "id not an int": lambda m: encoder(m).decode_bytes([104, "a"]),
    "id float": lambda m: encoder(m).decode_bytes([1.0]),
    "id bool": lambda m: encoder(m).decode_bytes(iter([104, True])),
    "ids not iterable": lambda m: encoder(m).decode_bytes(5),
    "ids None": lambda m: encoder(m).decode_bytes(None),
    "unknown id in a range": lambda m: encoder(m).decode_bytes(range(-1, 3)),
    "unknown id before a non-int": lambda m: encoder(m).decode_bytes([9999, None]),
    "unknown id before a huge id": lambda m: encoder(m).decode_bytes([9999, 2**40]),
}

# The same, handed to the compiled core directly rather than through bytebpe.fast: the core's own
# checks, which Rust callers and bytebpe.fast's callers share.
CORE_CASES = {
    "pattern not a str": (lambda m: m.split("text", 3), lambda m: m.split("text", 3)),
    "train pattern None": (
        lambda m: m.train([], 300, pattern=None, min_frequency=1),
        lambda m: m.train([], 300, pattern=None, min_frequency=1),
    ),
    "encoder pattern bytes": (lambda m: m.Encoder(BYTES, b"gpt4"), lambda m: m.Encoder(BYTES, b"gpt4")),
    "unknown flag": (lambda m: m.split("text", "(?x)a"), lambda m: m.split("text", "(?x)a")),
    "count vocab_size": (
        lambda m: m.train_from_counts(m.count([], pattern="gpt4"), 255, min_frequency=1),
        lambda m: m.train_from_counts(m.count([], "gpt4"), 255, min_frequency=1),
    ),
}


def failure(call) -> tuple[type, str]:
    try:
        call()
    except Exception as error:  # whatever comes: a panic would be a BaseException and fail the test
        return type(error), str(error)
    pytest.fail("no exception for a bad input")


@pytest.mark.parametrize("case", sorted(CASES))
def test_both_implementations_give_the_same_error(case):
    reference, fast = bytebpe.implementation("reference"), bytebpe.implementation("fast")
    call = CASES[case]
    assert failure(lambda: call(fast)) == failure(lambda: call(reference))


@pytest.mark.parametrize("case", sorted(CORE_CASES))
def test_the_core_gives_the_reference_errors(case):
    on_core, on_reference = CORE_CASES[case]
    reference = bytebpe.implementation("reference")
    assert failure(lambda: on_core(_fast)) == failure(lambda: on_reference(reference))


def test_the_errors_are_the_ones_spec_section_9_names():
    # The table holds each exception type of §9 that bad input can raise here.
    reference = bytebpe.implementation("reference")
    kinds = {failure(lambda call=call: call(reference))[0] for call in CASES.values()}
    assert kinds == {TypeError, ValueError, KeyError}
