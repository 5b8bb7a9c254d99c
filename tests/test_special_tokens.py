"""Special tokens (spec §5.4, §6.5, §6.6) and the tiktoken / nanochat surface of the Tokenizer."""

from __future__ import annotations

import pytest
import tiktoken
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from strategies import NAMED_PATTERNS, corpora, texts, vocab_sizes

SPECIALS = ["<|endoftext|>", "<|bos|>", "<|user_start|>", "<|user_end|>", "<|end|>"]


@st.composite
def texts_with_specials(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(texts(20), st.sampled_from([*SPECIALS, "<|", "|>", "<|bos"])), max_size=8))
    return "".join(parts)


@st.composite
def special_sets(draw: st.DrawFn) -> object:
    return draw(st.one_of(st.just("all"), st.frozensets(st.sampled_from([*SPECIALS, "<|unknown|>"]))))


def outcome(function, *args, **kwargs):
    try:
        return "ok", function(*args, **kwargs)
    except ValueError:
        return "error", ValueError


@given(
    corpus=corpora(max_texts=4),
    vocab_size=vocab_sizes(),
    pattern=st.sampled_from(NAMED_PATTERNS),
    text=texts_with_specials(),
    allowed=special_sets(),
    disallowed=st.one_of(st.just("all"), st.just(()), st.frozensets(st.sampled_from(SPECIALS))),
)
def test_encode_behaves_like_tiktoken(impl, corpus, vocab_size, pattern, text, allowed, disallowed):
    tok = bytebpe.Tokenizer.train(
        corpus, vocab_size + len(SPECIALS), pattern=pattern, special_tokens=SPECIALS, implementation=impl.NAME
    )
    enc = tok.to_tiktoken()
    ours = outcome(tok.encode, text, allowed_special=allowed, disallowed_special=disallowed)
    theirs = outcome(enc.encode, text, allowed_special=allowed, disallowed_special=disallowed)
    assert ours == theirs
    if ours[0] == "ok":
        assert tok.decode(ours[1]) == text


@given(corpus=corpora(max_texts=4), vocab_size=vocab_sizes(), batch=st.lists(texts_with_specials(), max_size=5))
def test_both_implementations_agree_with_specials(corpus, vocab_size, batch):
    ref = bytebpe.Tokenizer.train(corpus, vocab_size + 5, special_tokens=SPECIALS, implementation="reference")
    fast = ref.with_implementation("fast")
    for allowed in ("all", {"<|bos|>"}, set()):
        assert fast.encode_batch(batch, allowed_special=allowed, disallowed_special=()) == ref.encode_batch(
            batch, allowed_special=allowed, disallowed_special=()
        )


# Many special tokens over three characters: prefixes, suffixes and overlaps of one another, as
# a model's hundreds of reserved tokens are ("<|reserved_special_token_1|>", "..._10|>").
MANY = st.lists(st.text("ab<", min_size=1, max_size=4), min_size=1, max_size=40, unique=True)


@given(specials=MANY, data=st.data())
def test_many_overlapping_specials_are_found_leftmost_then_longest(specials, data):
    text = data.draw(st.lists(st.sampled_from([*specials, "a", "b", "<", " ", "é"]), max_size=20).map("".join))
    subset = data.draw(st.frozensets(st.sampled_from(specials)))
    ranks = {bytes([b]): b for b in range(256)}
    fast = bytebpe.Tokenizer.from_ranks(ranks, "gpt2", special_tokens={s: 256 + k for k, s in enumerate(specials)})
    reference = fast.with_implementation("reference")
    # Every one allowed ("all", or all of them named: the core's one search over all of them),
    # some (each looked for on its own), none. The reference is the oracle: tiktoken picks among
    # specials that start at one place in its hash order, not the longest.
    for allowed in ("all", frozenset(specials), subset, frozenset()):
        want = reference.encode(text, allowed_special=allowed, disallowed_special=())
        assert fast.encode(text, allowed_special=allowed, disallowed_special=()) == want
        assert fast.encode_batch([text, text], allowed_special=allowed, disallowed_special=()) == [want, want]
        assert fast.decode(want) == text
    assert outcome(fast.encode, text) == outcome(reference.encode, text)
    assert fast.encode_huggingface(text) == reference.encode(text, allowed_special="all")
    if all(len(special) > 1 for special in specials):
        # Hugging Face finds added tokens by the same rule (it cannot hold a one-character one:
        # that is the name of a byte's token there).
        assert fast.to_huggingface().encode(text).ids == fast.encode_huggingface(text)


def test_special_ids_follow_the_merges_and_vocab_size_counts_them(impl):
    corpus = [" ".join(f"w{i} x{i * 7} y{i % 13}" for i in range(400))]
    tok = bytebpe.Tokenizer.train(corpus, 300, special_tokens=["<|endoftext|>", "<|bos|>"], implementation=impl.NAME)
    assert tok.n_vocab == 300 and len(tok.merges) == 300 - 256 - 2
    assert tok.special_tokens == {"<|endoftext|>": 298, "<|bos|>": 299}
    early = bytebpe.Tokenizer.train(["ab"], 1000, special_tokens=["<|x|>"], implementation=impl.NAME)
    assert early.merges == [(97, 98)] and early.special_tokens == {"<|x|>": 257} and early.n_vocab == 258


def test_leftmost_then_longest_special_wins(impl):
    ranks = {bytes([b]): b for b in range(256)}
    tok = bytebpe.Tokenizer.from_ranks(
        ranks, special_tokens={"<|a|>": 300, "<|a|><|b|>": 301, "<|b|>": 302}, implementation=impl.NAME
    )
    assert tok.encode("x<|a|><|b|>y", allowed_special="all") == [120, 301, 121]
    assert tok.encode("x<|a|><|b|>y", allowed_special={"<|a|>", "<|b|>"}, disallowed_special=()) == [120, 300, 302, 121]


def test_disallowed_message_says_what_to_pass():
    tok = bytebpe.Tokenizer.train(["hi"], 258, special_tokens=["<|endoftext|>"])
    with pytest.raises(ValueError, match=r"allowed_special=\{'<\|endoftext\|>'\}.*disallowed_special=\(\)"):
        tok.encode("hi <|endoftext|>")
    assert tok.encode("hi <|endoftext|>", disallowed_special=()) == tok.encode_ordinary("hi <|endoftext|>")


def test_tiktoken_and_nanochat_conveniences(impl):
    tok = bytebpe.Tokenizer.train(
        ["hello world " * 10], 270, special_tokens=["<|bos|>", "<|endoftext|>"], implementation=impl.NAME
    )
    bos, eot = tok.special_tokens["<|bos|>"], tok.special_tokens["<|endoftext|>"]
    assert tok.bos_token_id == bos and tok.eot_token == eot and tok.encode_special("<|bos|>") == bos
    assert tok.special_tokens_set == {"<|bos|>", "<|endoftext|>"}
    assert tok.is_special_token(bos) and not tok.is_special_token(104)
    assert tok.encode("hi", prepend="<|bos|>", append=eot) == [bos, *tok.encode_ordinary("hi"), eot]
    assert tok.encode(["hi", "yo"], prepend=bos) == [
        [bos, *tok.encode_ordinary("hi")],
        [bos, *tok.encode_ordinary("yo")],
    ]
    assert tok.encode_single_token("<|bos|>") == bos and tok.encode_single_token(b"h") == 104
    assert tok.encode_single_token("hello") == tok.mergeable_ranks[b"hello"]
    assert tok.decode_single_token_bytes(bos) == b"<|bos|>"
    assert tok.decode_tokens_bytes([104, bos]) == [b"h", b"<|bos|>"]
    assert tok.max_token_value == tok.n_vocab - 1 == max(bos, eot)
    lengths = tok.token_bytes()
    assert len(lengths) == tok.n_vocab and lengths[bos] == lengths[eot] == 0 and lengths[104] == 1
    assert lengths[tok.mergeable_ranks[b"hello"]] == 5
    assert tok.token_byte_values() == sorted(tok.mergeable_ranks)
    assert tok.decode_batch([[104], [bos]]) == ["h", "<|bos|>"]
    assert tok.encode_ordinary_batch(["hi", "yo"], num_threads=1) == tok.encode_batch(["hi", "yo"], num_threads=2)


def test_missing_tokens_raise_key_error(impl):
    tok = bytebpe.Tokenizer.train(["hi"], 257, implementation=impl.NAME)
    for call in (
        lambda: tok.eot_token,
        lambda: tok.bos_token_id,
        lambda: tok.encode_special("<|bos|>"),
        lambda: tok.encode_single_token("hi there"),
        lambda: tok.decode_single_token_bytes(99999),
        lambda: tok.encode("x", prepend=99999),
    ):
        with pytest.raises(KeyError):
            call()


@pytest.mark.parametrize(
    ("specials", "error", "message"),
    [
        (["<|a|>", "<|a|>"], ValueError, "appears twice"),
        ([""], ValueError, "non-empty"),
        ([3], TypeError, "must be str"),
        ("<|a|>", TypeError, "list of str"),
    ],
)
def test_bad_special_tokens_in_training(impl, specials, error, message):
    with pytest.raises(error, match=message):
        bytebpe.Tokenizer.train(["ab"], 300, special_tokens=specials, implementation=impl.NAME)


def test_vocab_size_must_leave_room_for_special_tokens(impl):
    with pytest.raises(ValueError, match="at least 258"):
        bytebpe.Tokenizer.train(["ab"], 257, special_tokens=["<|a|>", "<|b|>"], implementation=impl.NAME)


@pytest.mark.parametrize(
    ("specials", "error", "message"),
    [
        ({"<|a|>": 65}, ValueError, "rank table gives to"),
        ({"<|a|>": 300, "<|b|>": 300}, ValueError, "another special token"),
        ({"": 300}, ValueError, "non-empty"),
        ({b"<|a|>": 300}, TypeError, "map str to int"),
        ({"<|a|>": -1}, ValueError, "at least 0"),
    ],
)
def test_bad_special_tokens_in_a_table(impl, specials, error, message):
    ranks = {bytes([b]): b for b in range(256)}
    with pytest.raises(error, match=message):
        bytebpe.Tokenizer.from_ranks(ranks, special_tokens=specials, implementation=impl.NAME)
    with pytest.raises(error, match=message):
        impl.Encoder(ranks, "gpt4", specials)


def test_allowed_special_must_be_a_set(impl):
    tok = bytebpe.Tokenizer.train(["hi"], 258, special_tokens=["<|a|>"], implementation=impl.NAME)
    with pytest.raises(TypeError, match="allowed_special"):
        tok.encode("x", allowed_special="<|a|>")
    # The encoders take "all" as tiktoken does, and no other string.
    assert tok._encoder.encode("x<|a|>", "all") == tok.encode("x<|a|>", allowed_special="all")
    with pytest.raises(TypeError, match='allowed_special must be "all" or a set of str, not str'):
        tok._encoder.encode("x", "al")


def test_tiktoken_round_trip_keeps_every_id():
    tok = bytebpe.Tokenizer.train(["hello world"] * 5, 280, special_tokens=["<|endoftext|>"])
    enc = tok.to_tiktoken("mine")
    assert isinstance(enc, tiktoken.Encoding) and enc.n_vocab == tok.n_vocab and enc.eot_token == tok.eot_token
    back = bytebpe.Tokenizer.from_tiktoken(enc, implementation="reference")
    assert back == tok and back.implementation == "reference"
    with pytest.raises(TypeError, match=r"tiktoken\.Encoding"):
        bytebpe.Tokenizer.from_tiktoken(object())
