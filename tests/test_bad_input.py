"""Bad input gets a clear ValueError/TypeError/KeyError from both implementations (spec §9),
never a Rust panic (a PanicException is a BaseException, so these assertions would not catch one)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe.pattern_language import parse

BYTES = {bytes([b]): b for b in range(256)}


@pytest.mark.parametrize("vocab_size", [255, 0, -1])
def test_vocab_size_too_small(impl, vocab_size):
    with pytest.raises(ValueError, match="vocab_size"):
        impl.train(["ab"], vocab_size)


@pytest.mark.parametrize("vocab_size", [300.0, "300", None, True])
def test_vocab_size_not_an_int(impl, vocab_size):
    with pytest.raises(TypeError, match="vocab_size must be an int"):
        impl.train(["ab"], vocab_size)


@pytest.mark.parametrize("vocab_size", [2**32, 2**40, 10**100])
def test_vocab_size_too_large_for_ids(impl, vocab_size):
    with pytest.raises(ValueError, match="vocab_size must be at most 4294967295"):
        impl.train(["ab"], vocab_size)


@pytest.mark.parametrize(("min_frequency", "error"), [(-1, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_bad_min_frequency(impl, min_frequency, error):
    with pytest.raises(error, match="min_frequency"):
        impl.train(["ab"], 300, min_frequency=min_frequency)


@pytest.mark.parametrize(("item", "type_name"), [(3, "int"), (b"ab", "bytes"), (None, "NoneType"), (["a"], "list")])
def test_non_str_text_names_its_index_and_type(impl, item, type_name):
    with pytest.raises(TypeError, match=rf"texts\[2\] is {type_name}, expected str"):
        impl.train(iter(["ok", "fine", item]), 300)


@pytest.mark.parametrize("texts", ["a lone string", b"bytes", 42])
def test_texts_must_be_an_iterable_of_str(impl, texts):
    with pytest.raises(TypeError, match="texts must be an iterable of str"):
        impl.train(texts, 300)


def test_a_non_str_far_into_a_long_stream_is_named(fast):
    stream = (("x " * 50) if i != 100_000 else 7 for i in range(100_001))
    with pytest.raises(TypeError, match=r"texts\[100000\] is int"):
        fast.train(stream, 300)


def test_surrogates_are_rejected_everywhere(impl):
    bad = "ok \ud800 no"
    with pytest.raises(ValueError, match="U\\+D800 at index 3"):
        impl.train(["fine", bad], 300)
    with pytest.raises(ValueError, match="surrogate"):
        impl.split(bad)
    encoder = impl.Encoder(BYTES)
    with pytest.raises(ValueError, match="surrogate"):
        encoder.encode_ordinary(bad)
    with pytest.raises(ValueError, match=r"texts\[1\]"):
        encoder.encode_ordinary_batch(["x", bad])


INVALID_PATTERNS = {
    "(": "missing '\\)'",
    "a)": "unbalanced",
    "[a": "missing '\\]'",
    "a{2,1}": "n <= m",
    "a{1001}": "above 1000",
    "*a": "nothing to repeat",
    "a**": "multiple repeat",
    r"\w+": r"\\w depends on Unicode word tables",
    r"\bx": r"\\b depends",
    r"\p{Greek}": "unknown Unicode property",
    r"(?<=a+)b": "fixed number of characters",
    r"(?x)a": "unknown flag",
    r"(a)\1": "backreferences",
    r"[[:alpha:]]": "nested and POSIX",
    r"[a&&b]": "ambiguous",
    r"(?:a*)*": "empty string",
    r"\q": "unknown escape",
    r"\x{110000}": "scalar value",
    r"\ud800": "scalar value",
}


@pytest.mark.parametrize("pattern", sorted(INVALID_PATTERNS))
def test_invalid_patterns_say_what_is_wrong(impl, pattern):
    for call in (lambda: impl.split("text", pattern), lambda: impl.train([], 300, pattern=pattern)):
        with pytest.raises(ValueError, match=INVALID_PATTERNS[pattern]):
            call()
    with pytest.raises(ValueError, match="position"):
        impl.Encoder(BYTES, pattern)


@pytest.mark.parametrize("pattern", [None, 3, b"gpt4"])
def test_pattern_must_be_a_str(impl, pattern):
    with pytest.raises(TypeError, match="pattern must be a str"):
        impl.split("text", pattern)


@given(pattern=st.text(st.sampled_from("ab()[]{}^$.*+?|\\-,0123:!=<>&~pPsSdDxuAzZim"), max_size=16))
def test_any_string_as_a_pattern_is_parsed_or_rejected_alike(fast, reference, pattern):
    # Both compilers accept the same strings, and fast never panics on any of them.
    from bytebpe import _fast

    try:
        expected = parse(pattern)
    except ValueError:
        with pytest.raises(ValueError):
            _fast.parse_pattern(pattern)
        return
    assert _fast.parse_pattern(pattern) == expected
    assert fast.split("ab ba\n", pattern) == reference.split("ab ba\n", pattern)


@pytest.mark.parametrize(
    ("ranks", "error", "message"),
    [
        ({k: v for k, v in BYTES.items() if v != 65}, ValueError, "lacks 1 single-byte token"),
        ({**BYTES, b"ab": 5}, ValueError, "rank 5 is given to two tokens"),
        ({**BYTES, b"": 300}, ValueError, "empty byte string"),
        ({**BYTES, b"ab": -1}, ValueError, "out of range"),
        ({**BYTES, b"ab": 2**32}, ValueError, "out of range"),
        ({**BYTES, b"ab": 2**32 - 1}, ValueError, "out of range"),
        ({**BYTES, "ab": 300}, TypeError, "must map bytes to int"),
        ({**BYTES, b"ab": 3.0}, TypeError, "must map bytes to int"),
        ([(b"a", 0)], TypeError, "dict of bytes to int"),
    ],
)
def test_bad_rank_tables(impl, ranks, error, message):
    with pytest.raises(error, match=message):
        impl.Encoder(ranks)
    with pytest.raises(error, match=message):
        bytebpe.Tokenizer.from_ranks(ranks, implementation=impl.NAME)


@pytest.mark.parametrize(
    ("ids", "error"),
    [
        ([104, 9999], KeyError),
        ([-1], KeyError),
        ([2**70], KeyError),
        (["a"], TypeError),
        ([1.0], TypeError),
        ([104, True], TypeError),
        # Not a list: read through the iterator protocol.
        ((104, 9999), KeyError),
        ((104, "a"), TypeError),
        (range(-1, 3), KeyError),
    ],
)
def test_bad_ids_in_decode(impl, ids, error):
    tok = bytebpe.Tokenizer.train(["hi"], 256, implementation=impl.NAME)
    with pytest.raises(error):
        tok.decode(ids)


def test_unknown_id_message_names_it(impl):
    tok = bytebpe.Tokenizer.train(["hi"], 256, implementation=impl.NAME)
    with pytest.raises(KeyError, match=r"unknown token id 9999 at ids\[1\]"):
        tok.decode_bytes([104, 9999])


@pytest.mark.parametrize("implementation", ["fast", "reference"])
def test_a_special_token_with_a_surrogate_is_refused_when_training(implementation):
    # It used to train, and then every encode, decode and pickle load of the model failed.
    with pytest.raises(ValueError, match=r"special token '\\ud800' holds the surrogate code point U\+D800"):
        bytebpe.Tokenizer.train(["hello world"] * 3, 300, special_tokens=["\ud800"], implementation=implementation)


def test_piece_counts_refuse_a_pattern_that_could_not_be_loaded(tmp_path):
    # Training from such counts saved a tokenizer that load() then refused.
    with pytest.raises(ValueError, match="pattern"):
        bytebpe.PieceCounts({b"ab": 5}, pattern="(")


@pytest.fixture(scope="module", params=[[], ["<|e|>"]], ids=["no specials", "specials"])
def small_tokenizers(request):
    return [
        bytebpe.Tokenizer.train(["hello world"] * 3, 300, special_tokens=request.param, implementation=name)
        for name in ("fast", "reference")
    ]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda tok: tok.encode(None), TypeError, "text must be a str or a list of str, not NoneType"),
        (lambda tok: tok.encode(b"hi"), TypeError, "text must be a str or a list of str, not bytes"),
        (lambda tok: tok.encode_batch("hello"), TypeError, "not a single str"),
        (lambda tok: tok.decode(b"hi"), TypeError, "tokens must be an iterable of int ids, not bytes"),
        (lambda tok: tok.decode_batch([[1], [2**40]]), KeyError, r"batch\[1\]: unknown token id 1099511627776"),
    ],
)
def test_wrong_arguments_to_encode_and_decode_are_named(small_tokenizers, call, error, message):
    # With special tokens defined, encode_batch("hello") used to encode each character.
    for tok in small_tokenizers:
        with pytest.raises(error, match=message):
            call(tok)


@pytest.mark.parametrize("depth", [60, 61, 64, 100])
def test_both_implementations_draw_the_nesting_line_in_the_same_place(depth):
    # The fast core's engine used to refuse 64 to 100 levels that the reference accepted.
    pattern = "(?:" * depth + "a" + ")" * depth
    for name in ("fast", "reference"):
        if depth <= 60:
            assert bytebpe.implementation(name).split("aa", pattern) == ["a", "a"]
        else:
            with pytest.raises(ValueError, match="groups nest deeper than 60"):
                bytebpe.implementation(name).split("aa", pattern)
