"""bytebpe.nanochat against nanochat's own behaviour (tests/nanochat_oracle.py: rustbpe and tiktoken,
wrapped as nanochat wraps them): the same ranks, ids, masks, renderings and byte counts, on
generated corpora and generated conversations, valid and not.

Conversations are drawn with roles in and out of order, a system message or not, assistant
content as a string or as parts of every type (and of unknown types), text holding special-token
strings, and every truncation. Where nanochat raises, bytebpe must raise ConversationError; where
nanochat renders, bytebpe must render the same.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nanochat_oracle import PATTERN, SPECIALS, Oracle

import bytebpe
from bytebpe.nanochat import SPECIAL_TOKENS, SPLIT_PATTERN, ConversationError, NanochatTokenizer
from strategies import TINY_ALPHABETS, corpora, texts

CORPUS = [
    "The user asked: what is 12 + 30? The assistant answered 42.",
    "def add(a, b):\n    return a + b\n\nprint(add(12, 30))\n",
    "<|bos|> and <|user_start|> are plain text inside a document.",
    "héllo wörld, 你好世界, emoji 👋🏽 and numbers 1234567890",
] * 6


def test_the_constants_are_nanochats():
    assert list(SPECIAL_TOKENS) == SPECIALS
    assert SPLIT_PATTERN == PATTERN == bytebpe.PATTERNS["nanochat"]


@pytest.fixture(scope="module")
def pair():
    """The same corpus trained by nanochat's recipe and by bytebpe.nanochat."""
    return NanochatTokenizer.train_from_iterator(iter(CORPUS), 256 + 9 + 120), Oracle.train(CORPUS, 256 + 9 + 120)


@given(corpus=corpora(), extra=st.integers(0, 80), probes=st.lists(texts(40), max_size=4))
@settings(max_examples=60)
def test_training_gives_nanochats_ranks_special_ids_and_ids(impl, corpus, extra, probes):
    vocab_size = 256 + len(SPECIALS) + extra
    ours = NanochatTokenizer.train_from_iterator(iter(corpus), vocab_size, implementation=impl.NAME)
    theirs = Oracle.train(corpus, vocab_size)
    assert ours.enc.mergeable_ranks == theirs.enc._mergeable_ranks
    assert ours.enc.special_tokens == theirs.enc._special_tokens
    assert ours.get_vocab_size() == theirs.enc.n_vocab
    assert ours.get_bos_token_id() == theirs.bos
    assert ours.get_special_tokens() == theirs.enc.special_tokens_set
    assert ours.token_bytes() == theirs.token_bytes()
    samples = [*corpus, *probes, "".join(SPECIALS)]
    for text in samples:
        assert ours.encode(text) == theirs.encode(text)
        assert ours.decode(ours.encode(text)) == theirs.enc.decode(theirs.encode(text))
    assert ours.encode(samples, prepend="<|bos|>", append="<|assistant_end|>") == theirs.encode(
        samples, prepend="<|bos|>", append="<|assistant_end|>"
    )
    token = ours.get_bos_token_id()
    assert ours(samples[:2], prepend=token, append=token, num_threads=2) == theirs.encode(
        samples[:2], prepend=token, append=token
    )
    for token_id in range(0, ours.get_vocab_size(), 7):
        assert ours.id_to_token(token_id) == theirs.enc.decode([token_id])


@given(text=st.sampled_from(TINY_ALPHABETS).flatmap(lambda a: st.text(a + "<|>bos_", max_size=40)))
def test_special_token_strings_in_text_are_plain_text(pair, text):
    ours, theirs = pair
    assert ours.encode(text) == theirs.encode(text)
    assert ours.encode(text) == theirs.enc.encode(text, disallowed_special=())


def test_encode_special_and_its_errors_follow_tiktoken(pair):
    ours, theirs = pair
    for text in [*SPECIALS, "a", " ", "\n"]:
        assert ours.encode_special(text) == theirs.special(text)
    for text in ["<|endoftext|>", "not a token"]:
        with pytest.raises(KeyError):
            theirs.special(text)
        with pytest.raises(KeyError, match="not a special token"):
            ours.encode_special(text)
    with pytest.raises(ValueError):
        ours.encode(("a tuple",))
    with pytest.raises(KeyError, match="not an id"):
        ours.encode("x", prepend=10**6)
    with pytest.raises(TypeError):
        ours.encode("x", append=True)


# -- conversations ------------------------------------------------------------------------------

CONTENT = st.one_of(
    st.text("ab \n", max_size=12),
    st.sampled_from(SPECIALS).map(lambda s: f"look: {s} here"),
    texts(12),
)


def parts() -> st.SearchStrategy[list]:
    part = st.fixed_dictionaries(
        {"type": st.sampled_from(["text", "python", "python_output", "text", "image"]), "text": CONTENT}
    )
    return st.lists(part, max_size=4)


def messages() -> st.SearchStrategy[list]:
    user = st.fixed_dictionaries({"role": st.just("user"), "content": CONTENT | st.just([])})
    assistant = st.fixed_dictionaries(
        {"role": st.just("assistant"), "content": st.one_of(CONTENT, parts(), parts(), st.none())}
    )
    system = st.fixed_dictionaries({"role": st.just("system"), "content": CONTENT})
    # Mostly in order, so that most conversations render; sometimes any order, so that the rules
    # that refuse them are compared too.
    in_order = st.integers(0, 4).flatmap(
        lambda turns: st.tuples(*[user if i % 2 == 0 else assistant for i in range(turns)]).map(list)
    )
    any_order = st.lists(st.one_of(user, assistant, system), max_size=5)
    body = st.one_of(in_order, in_order, in_order, any_order)
    return st.tuples(st.booleans(), system, body).map(lambda t: [t[1], *t[2]] if t[0] else t[2])


def outcome(function, *args):
    """("ok", result) or ("error",): nanochat fails with assertions, KeyError, IndexError, ..."""
    try:
        return ("ok", function(*args))
    except (AssertionError, ValueError, TypeError, KeyError, IndexError):
        return ("error",)


@given(
    conversation=messages().map(lambda m: {"messages": m}),
    max_tokens=st.one_of(st.none(), st.integers(0, 40), st.just(2048)),
)
@settings(max_examples=400)
def test_render_conversation_is_nanochats(pair, conversation, max_tokens):
    ours, theirs = pair
    before = copy.deepcopy(conversation)
    expected = outcome(theirs.render, conversation, max_tokens)
    try:
        got = ("ok", ours.render_conversation(conversation, max_tokens))
    except ConversationError:
        got = ("error",)
    assert got == expected
    assert conversation == before, "the conversation was changed"
    if got[0] == "ok":
        ids, mask = got[1]
        assert ours.visualize_tokenization(ids, mask) == theirs.visualize(ids, mask)
        assert ours.visualize_tokenization(ids, mask, with_token_id=True) == theirs.visualize(ids, mask, True)


@given(conversation=messages().map(lambda m: {"messages": m}))
@settings(max_examples=200)
def test_render_for_completion_is_nanochats(pair, conversation):
    ours, theirs = pair
    before = copy.deepcopy(conversation)
    expected = outcome(theirs.completion, conversation)
    try:
        got = ("ok", ours.render_for_completion(conversation))
    except ConversationError:
        got = ("error",)
    assert got == expected
    assert conversation == before


def test_the_mask_supervises_exactly_what_nanochat_trains_on(pair):
    ours, _ = pair
    conversation = {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "What is 12 + 30?"},
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "Let me compute."},
                    {"type": "python", "text": "12 + 30"},
                    {"type": "python_output", "text": "42"},
                    {"type": "text", "text": "It is 42."},
                ],
            },
        ]
    }
    ids, mask = ours.render_conversation(conversation)
    special = ours.encode_special
    enc = ours.encode
    expected = [
        ([special("<|bos|>"), special("<|user_start|>")], 0),
        (enc("Be brief.\n\nWhat is 12 + 30?"), 0),
        ([special("<|user_end|>"), special("<|assistant_start|>")], 0),
        (enc("Let me compute."), 1),
        ([special("<|python_start|>"), *enc("12 + 30"), special("<|python_end|>")], 1),
        ([special("<|output_start|>"), *enc("42"), special("<|output_end|>")], 0),
        ([*enc("It is 42."), special("<|assistant_end|>")], 1),
    ]
    assert ids == [token for tokens, _ in expected for token in tokens]
    assert mask == [value for tokens, value in expected for _ in tokens]
    assert ours.render_conversation(conversation, max_tokens=5) == (ids[:5], mask[:5])


def test_a_malformed_conversation_names_its_problem(pair):
    ours, _ = pair
    cases = {
        "should be from 'assistant'": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}],
        "followed by a user": [{"role": "system", "content": "s"}, {"role": "assistant", "content": "a"}],
        "unknown part type 'image'": [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": [{"type": "image", "text": "x"}]},
        ],
        "non-empty list of messages": [],
    }
    for message, messages in cases.items():
        with pytest.raises(ConversationError, match=message) as caught:
            ours.render_conversation({"messages": messages})
        assert isinstance(caught.value, AssertionError) and isinstance(caught.value, ValueError)
    with pytest.raises(ConversationError, match="max_tokens"):
        ours.render_conversation({"messages": [{"role": "user", "content": "a"}]}, max_tokens=-1)
