"""Hostile arguments to every public entry point, drawn by Hypothesis: both implementations raise
the same exception type (one of those bad input may raise), its message names the argument, and
nothing panics, aborts or hangs.

tests/test_messages.py pins the message of each hand-picked case character for character, and
tests/test_bad_input.py the rules behind them; this file draws the values nobody picked: wrong
types, numbers far out of range, strings with lone surrogates, containers of the wrong things.
The command line's counterpart is tests/test_cli_bad_input.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe import Corpus, PieceCounts, Tokenizer

TEXTS = ["the cat sat on the mat", "the dog sat on the log", "it's a cat's hat"] * 5
ALLOWED = (ValueError, TypeError, KeyError, OSError, MemoryError)
BYTES = {bytes([b]): b for b in range(256)}

# Values a hostile or careless caller passes: wrong types, extreme numbers, odd strings.
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 255, 256, 2**31, 2**32 - 1, 2**32, 2**63, 2**64, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
STRINGS = st.one_of(
    st.text(st.sampled_from("ab \n<|>e\x00\ud800\udfff\u00e9"), max_size=8),
    st.sampled_from(["", "all", "gpt4", "(", "\ud800", "<|e|>", "..", "strict", "replace"]),
)
OTHERS = st.one_of(
    st.none(),
    st.binary(max_size=6),
    st.builds(object),
    st.just(math.nan),
    st.just({"a": 1}),
    st.just({b"a": 1}),
)
SCALARS = st.one_of(NUMBERS, STRINGS, OTHERS)
HOSTILE = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.lists(st.lists(SCALARS, max_size=2), max_size=2),
    st.sets(st.sampled_from(["<|e|>", "x", "\ud800"]), max_size=2),
)
# Paths: wrong types only, so that no drawn string becomes a file or folder in the working directory.
NOT_PATHS = st.one_of(NUMBERS, OTHERS.filter(lambda value: not isinstance(value, bytes)), st.lists(NUMBERS, max_size=2))


@pytest.fixture(scope="module")
def tokenizers() -> dict[str, Tokenizer]:
    return {
        name: Tokenizer.train(TEXTS, 300, special_tokens=["<|e|>"], implementation=name)
        for name in bytebpe.IMPLEMENTATIONS
    }


def _counts() -> PieceCounts:
    return PieceCounts({b"the": 5, b" cat": 3, b" sat": 2})


# (entry point, argument it hands the hostile value to, call(implementation name, tokenizer, value)).
Call = Callable[[str, Tokenizer, Any], Any]
ENTRY_POINTS: dict[str, tuple[str, Call]] = {
    "train texts": ("texts", lambda i, t, v: Tokenizer.train(v, 300, implementation=i)),
    "train vocab_size": ("vocab_size", lambda i, t, v: Tokenizer.train(TEXTS, v, implementation=i)),
    "train pattern": ("pattern", lambda i, t, v: Tokenizer.train(TEXTS, 300, pattern=v, implementation=i)),
    "train special_tokens": (
        "special_tokens",
        lambda i, t, v: Tokenizer.train(TEXTS, 300, special_tokens=v, implementation=i),
    ),
    "train min_frequency": (
        "min_frequency",
        lambda i, t, v: Tokenizer.train(TEXTS, 300, min_frequency=v, implementation=i),
    ),
    "train max_token_length": (
        "max_token_length",
        lambda i, t, v: Tokenizer.train(TEXTS, 300, max_token_length=v, implementation=i),
    ),
    "train_from_counts counts": ("counts", lambda i, t, v: Tokenizer.train_from_counts(v, 300, implementation=i)),
    "train_from_counts vocab_size": (
        "vocab_size",
        lambda i, t, v: Tokenizer.train_from_counts(_counts(), v, implementation=i),
    ),
    "train_from_counts min_frequency": (
        "min_frequency",
        lambda i, t, v: Tokenizer.train_from_counts(_counts(), 300, min_frequency=v, implementation=i),
    ),
    "from_ranks ranks": ("ranks", lambda i, t, v: Tokenizer.from_ranks(v, implementation=i)),
    "from_ranks pattern": ("pattern", lambda i, t, v: Tokenizer.from_ranks(BYTES, v, implementation=i)),
    "from_ranks special_tokens": (
        "special_tokens",
        lambda i, t, v: Tokenizer.from_ranks(BYTES, special_tokens=v, implementation=i),
    ),
    "encode text": ("text", lambda i, t, v: t.encode(v)),
    "encode allowed_special": ("allowed_special", lambda i, t, v: t.encode("a <|e|>", allowed_special=v)),
    "encode disallowed_special": ("disallowed_special", lambda i, t, v: t.encode("a <|e|>", disallowed_special=v)),
    "encode prepend": ("prepend", lambda i, t, v: t.encode("a", prepend=v)),
    "encode append": ("append", lambda i, t, v: t.encode("a", append=v)),
    "encode num_threads": ("num_threads", lambda i, t, v: t.encode(["a", "b"], num_threads=v)),
    "encode_ordinary text": ("text", lambda i, t, v: t.encode_ordinary(v)),
    "encode_ordinary_batch texts": ("texts", lambda i, t, v: t.encode_ordinary_batch(v)),
    "encode_ordinary_batch num_threads": ("num_threads", lambda i, t, v: t.encode_ordinary_batch(["a"], num_threads=v)),
    "encode_batch texts": ("texts", lambda i, t, v: t.encode_batch(v)),
    "encode_batch num_threads": ("num_threads", lambda i, t, v: t.encode_batch(["a"], num_threads=v)),
    "encode_special text": ("text", lambda i, t, v: t.encode_special(v)),
    "encode_single_token": ("text_or_bytes", lambda i, t, v: t.encode_single_token(v)),
    "decode tokens": ("tokens", lambda i, t, v: t.decode(v)),
    "decode errors": ("errors", lambda i, t, v: t.decode([97, 98], errors=v)),
    "decode_bytes tokens": ("tokens", lambda i, t, v: t.decode_bytes(v)),
    "decode_single_token_bytes": ("token", lambda i, t, v: t.decode_single_token_bytes(v)),
    "decode_tokens_bytes tokens": ("tokens", lambda i, t, v: t.decode_tokens_bytes(v)),
    "decode_batch batch": ("batch", lambda i, t, v: t.decode_batch(v)),
    "decode_bytes_batch batch": ("batch", lambda i, t, v: t.decode_bytes_batch(v)),
    "truncated vocab_size": ("vocab_size", lambda i, t, v: t.truncated(v)),
    "is_special_token": ("token", lambda i, t, v: t.is_special_token(v)),
    "with_implementation": ("implementation", lambda i, t, v: t.with_implementation(v)),
}


def outcome(call: Call, implementation: str, tokenizer: Tokenizer, value: object) -> tuple[str, str]:
    """("ok", "") or (exception type, message); an exception bad input must never raise fails the test."""
    try:
        call(implementation, tokenizer, value)
    except ALLOWED as error:
        return type(error).__name__, str(error)
    return "ok", ""


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@given(value=HOSTILE)
def test_both_implementations_refuse_a_hostile_argument_alike(tokenizers, entry, value):
    argument, call = ENTRY_POINTS[entry]
    fast = outcome(call, "fast", tokenizers["fast"], value)
    reference = outcome(call, "reference", tokenizers["reference"], value)
    assert fast[0] == reference[0], (entry, value, fast, reference)
    if fast[0] in ("TypeError", "ValueError"):
        for message in (fast[1], reference[1]):
            assert _names(message, argument), (entry, value, message)


def _names(message: str, argument: str) -> bool:
    """Whether ``message`` names ``argument``, or the item of it that was wrong (``texts[2]``,
    "special token"); the decoders' messages call their tokens ids, as the spec does."""
    words = message.replace("_", " ")
    names = [argument, *ALIASES.get(argument, ())]
    return any(name.replace("_", " ").rstrip("s") in words for name in names)


ALIASES = {"tokens": ("ids",), "token": ("id",), "batch": ("ids",), "text_or_bytes": ("text", "bytes", "token")}


CORPUS_ARGUMENTS = ["max_chars", "doc_cap", "txt_split", "text_field", "errors"]


@pytest.mark.parametrize("argument", CORPUS_ARGUMENTS)
@given(value=HOSTILE)
def test_a_corpus_refuses_a_hostile_option_by_name(tmp_path_factory, argument, value):
    folder = tmp_path_factory.mktemp("corpus", numbered=True)
    (folder / "a.txt").write_text("the cat sat\n\non the mat\n", encoding="utf-8")
    try:
        corpus = Corpus([folder / "a.txt"], **{argument: value})
    except ALLOWED as error:
        assert argument in str(error), (argument, value, error)
        return
    # Accepted: both implementations read it to the same documents and merges.
    trained = [Tokenizer.train(corpus, 280, implementation=name).merges for name in bytebpe.IMPLEMENTATIONS]
    assert trained[0] == trained[1]


@pytest.mark.parametrize("limit", [2**63, 2**64, 10**30])
@pytest.mark.parametrize("argument", ["max_chars", "doc_cap"])
def test_a_corpus_limit_beyond_64_bits_is_a_value_error_naming_it(tmp_path, argument, limit):
    (tmp_path / "a.txt").write_text("hello world\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"^{argument} must be at most 2\\*\\*63-1, not {limit}$"):
        Corpus([tmp_path / "a.txt"], **{argument: limit})


@pytest.mark.parametrize("argument", ["max_chars", "doc_cap"])
def test_the_largest_corpus_limit_reads_everything_in_both_implementations(tmp_path, argument):
    (tmp_path / "a.txt").write_text("hello world\n\nhello there\n", encoding="utf-8")
    corpus = Corpus([tmp_path / "a.txt"], **{argument: 2**63 - 1})
    assert list(corpus) == ["hello world\n\n", "hello there\n"]
    merges = [Tokenizer.train(corpus, 270, implementation=name).merges for name in bytebpe.IMPLEMENTATIONS]
    assert merges[0] == merges[1]


@pytest.mark.parametrize("flag", ["--max-chars", "--doc-cap"])
def test_the_cli_refuses_a_corpus_limit_beyond_64_bits_by_its_flag(cli, tmp_path, flag):
    (tmp_path / "a.txt").write_text("hello world\n", encoding="utf-8")
    code, _, err = cli("train", tmp_path / "a.txt", "--vocab-size", "260", flag, "1e30", "--out", tmp_path / "tok")
    assert code == 2
    assert flag in err and "Traceback" not in err
    assert not (tmp_path / "tok").exists()


@pytest.mark.parametrize("method", ["save", "load"])
@given(value=NOT_PATHS)
def test_save_and_load_refuse_a_path_of_the_wrong_type(tokenizers, method, value):
    for tokenizer in tokenizers.values():
        call = tokenizer.save if method == "save" else Tokenizer.load
        with pytest.raises(TypeError, match="path"):
            call(value)
