"""Offsets (spec §6.12): each token's byte span and character span, on both implementations.

The two implementations give the same spans; the byte spans hold exactly the token's bytes and,
with a named pattern, tile the text; the character spans are the smallest that hold each token's
bytes. Against the peers: Hugging Face's ``Encoding.offsets`` (of bytebpe's export, and of
tokenizers Hugging Face's trainers build here) and tiktoken's ``decode_with_offsets``, on
generated multilingual text, emoji and combining marks. Nothing is downloaded or filtered out.
"""

from __future__ import annotations

import itertools

import pytest
import tiktoken
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from test_huggingface_import import STYLES, _with_added_tokens

import bytebpe
from strategies import NAMED_PATTERNS, corpora, patterns, texts, vocab_sizes

SPECIALS = ["<|endoftext|>", "<|x|>"]
# Characters of one to four UTF-8 bytes, combining marks and emoji sequences (a ZWJ family, a flag).
PARTS = ["a", "b", " ", "\n", "é", "e\u0301", "日本", "😀", "👨\u200d👩\u200d👧", "🇫🇷", "Ж", *SPECIALS]


def mixed_texts(max_size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(PARTS), max_size=max_size).map("".join) | texts(40)


@st.composite
def tokenizers_(draw: st.DrawFn, pattern: st.SearchStrategy[str] | None = None) -> bytebpe.Tokenizer:
    corpus = draw(corpora()) + draw(st.lists(mixed_texts(), max_size=4))
    chosen = draw(st.sampled_from(NAMED_PATTERNS) if pattern is None else pattern)
    size = draw(vocab_sizes()) + len(SPECIALS)
    try:
        return bytebpe.Tokenizer.train(
            corpus, size, pattern=chosen, special_tokens=SPECIALS, implementation="reference"
        )
    except ValueError:
        # A generated pattern outside the language of §2.2: no tokenizer to draw.
        reject()


def check_spans(tok: bytebpe.Tokenizer, text: str, encoding: bytebpe.offsets.Encoding) -> None:
    data = text.encode("utf-8")
    byte_at = [0]
    for char in text:
        byte_at.append(byte_at[-1] + len(char.encode("utf-8")))
    assert len(encoding.ids) == len(encoding.offsets) == len(encoding.byte_offsets)
    previous_end = 0
    for token, (bs, be), (cs, ce) in zip(encoding.ids, encoding.byte_offsets, encoding.offsets, strict=True):
        assert previous_end <= bs < be
        assert data[bs:be] == tok.decode_single_token_bytes(token)
        # The smallest character span that holds the bytes.
        assert byte_at[cs] <= bs < byte_at[cs + 1] and byte_at[ce - 1] < be <= byte_at[ce]
        previous_end = be


def joined(text: str, spans: list[tuple[int, int]]) -> str:
    """The text the character spans cover, a character shared by two spans taken once."""
    out, end = [], 0
    for start, stop in spans:
        out.append(text[max(start, end) : stop])
        end = stop
    return "".join(out)


@given(tok=tokenizers_(patterns()), samples=st.lists(mixed_texts(), max_size=4), allowed=st.booleans())
def test_both_implementations_give_the_same_spans(tok, samples, allowed):
    fast = tok.with_implementation("fast")
    special = "all" if allowed else frozenset()
    for text in samples:
        slow = tok.encode_with_offsets(text, allowed_special=special, disallowed_special=())
        assert fast.encode_with_offsets(text, allowed_special=special, disallowed_special=()) == slow
        assert slow.ids == tok.encode(text, allowed_special=special, disallowed_special=())
        check_spans(tok, text, slow)


@given(tok=tokenizers_(), samples=st.lists(mixed_texts(), max_size=4))
def test_with_a_named_pattern_the_spans_tile_the_text(tok, samples):
    fast = tok.with_implementation("fast")
    for text in samples:
        encoding = fast.encode_with_offsets(text, allowed_special="all")
        check_spans(fast, text, encoding)
        data = text.encode("utf-8")
        assert b"".join(data[bs:be] for bs, be in encoding.byte_offsets) == data
        assert joined(text, encoding.offsets) == text
        # Consecutive character spans meet, or share the one character split between them.
        for (_, end), (start, _) in itertools.pairwise(encoding.offsets):
            assert start in (end, end - 1)


def test_a_character_split_between_tokens_is_in_each_span(impl):
    ranks = {bytes([b]): b for b in range(256)} | {b"a\xf0": 256}
    tok = bytebpe.Tokenizer.from_ranks(ranks, r"[\s\S]+", implementation=impl.NAME)
    encoding = tok.encode_with_offsets("a😀b")
    assert encoding.ids == [256, 0x9F, 0x98, 0x80, ord("b")]
    assert encoding.byte_offsets == [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6)]
    assert encoding.offsets == [(0, 2), (1, 2), (1, 2), (1, 2), (2, 3)]


def test_special_tokens_and_dropped_text(impl):
    tok = bytebpe.Tokenizer.from_ranks(
        {bytes([b]): b for b in range(256)}, r"\p{L}+", special_tokens={"<|e|>": 300}, implementation=impl.NAME
    )
    encoding = tok.encode_with_offsets("1 é<|e|>b", allowed_special="all")
    assert encoding.ids == [0xC3, 0xA9, 300, ord("b")]
    assert encoding.offsets == [(2, 3), (2, 3), (3, 8), (8, 9)]
    assert encoding.byte_offsets == [(2, 3), (3, 4), (4, 9), (9, 10)]
    with pytest.raises(ValueError, match="<\\|e\\|>"):
        tok.encode_with_offsets("<|e|>")
    with pytest.raises(TypeError, match="str"):
        tok.encode_with_offsets(b"x")  # type: ignore[arg-type]


@settings(max_examples=60)  # each example exports to Hugging Face and tiktoken
@given(tok=tokenizers_(), samples=st.lists(mixed_texts(), min_size=1, max_size=4))
def test_spans_are_hugging_faces_and_tiktokens(tok, samples):
    hf = tok.to_huggingface()
    encoding = tiktoken.Encoding(
        "t", pat_str=tok.pattern, mergeable_ranks=tok.mergeable_ranks, special_tokens=tok.special_tokens
    )
    fast = tok.with_implementation("fast")
    for text in samples:
        ours = fast.encode_with_offsets(text, allowed_special="all")
        theirs = hf.encode(text, add_special_tokens=False)
        assert (ours.ids, ours.offsets) == (theirs.ids, theirs.offsets)
        _, starts = encoding.decode_with_offsets(ours.ids)
        assert starts == [start for start, _ in ours.offsets]


@pytest.fixture(scope="module", params=sorted(STYLES))
def trained(request):
    return STYLES[request.param]()


@settings(max_examples=25)  # each style is its own test: 250 examples in all
@given(data=st.data())
def test_imported_tokenizers_give_hugging_faces_offsets(impl, trained, data):
    tok = bytebpe.Tokenizer.from_huggingface(trained, implementation=impl.NAME)
    added = [token.content for token in trained.get_added_tokens_decoder().values()]
    # Combining marks among the texts: NFC (Qwen2's) and NFKC with Lowercase (RoBERTa's) change them.
    text = _with_added_tokens(data.draw(mixed_texts()), added, data.draw)
    for add_special_tokens in (True, False):
        ours = tok.encode_huggingface_with_offsets(text, add_special_tokens=add_special_tokens)
        theirs = trained.encode(text, add_special_tokens=add_special_tokens)
        assert (ours.ids, ours.offsets) == (theirs.ids, theirs.offsets)
        assert len(ours.byte_offsets) == len(ours.ids)


SPACES = ["a", "b", " ", "  ", "   ", "\t", "\n", "é", "日本", "<|endoftext|>", " <|endoftext|>", "<|x|> "]


@pytest.fixture(scope="module", params=[(False, True), (True, True), (True, False)], ids=str)
def trimming(request):
    """GPT-2's style with a ByteLevel post-processor that trims the offsets, with and without
    its add_prefix_space (and that of the pre-tokenizer), and RoBERTa's."""
    import json

    import tokenizers

    prefix_space, processor_prefix_space = request.param
    content = json.loads(STYLES["gpt2"]().to_str())
    content["pre_tokenizer"]["add_prefix_space"] = prefix_space
    content["post_processor"] = {"type": "ByteLevel", "add_prefix_space": processor_prefix_space, "trim_offsets": True}
    content["added_tokens"].append({**content["added_tokens"][0], "id": 999, "content": " <|x|> "})
    return tokenizers.Tokenizer.from_str(json.dumps(content))


@settings(max_examples=40)
@given(text=st.lists(st.sampled_from(SPACES), max_size=10).map("".join))
def test_trimmed_offsets_are_hugging_faces(impl, trimming, text):
    tok = bytebpe.Tokenizer.from_huggingface(trimming, implementation=impl.NAME)
    assert tok.huggingface_pipeline.trim_offsets
    theirs = trimming.encode(text)
    assert tok.encode_huggingface(text) == theirs.ids
    ours = tok.encode_huggingface_with_offsets(text)
    assert (ours.ids, ours.offsets) == (theirs.ids, theirs.offsets)
    again = bytebpe.Tokenizer.from_huggingface(tok.to_huggingface(), implementation=impl.NAME)
    assert again.encode_huggingface_with_offsets(text) == ours


def test_roberta_trims_the_spaces_off_its_offsets():
    hf = STYLES["roberta"]()
    tok = bytebpe.Tokenizer.from_huggingface(hf)
    for text in ["hello world  the   cat ", " a", "  x", "the<s> x</s>  ", "   "]:
        ours, theirs = tok.encode_huggingface_with_offsets(text), hf.encode(text)
        assert (ours.ids, ours.offsets) == (theirs.ids, theirs.offsets)
    assert ours.offsets[1:-1] == [(2, 2), (3, 3)]


def test_text_a_normalizer_changes_has_hugging_faces_offsets():
    # Lowercase of "H", NFKC of "ﬁ", NFC of "e\u0301": each token's span is in the text as given.
    for style, text in [("roberta", "Hello ﬁne"), ("qwen2", "caf\u00e9 cafe\u0301 <tool>e\u0301")]:
        hf = STYLES[style]()
        tok = bytebpe.Tokenizer.from_huggingface(hf)
        ours, theirs = tok.encode_huggingface_with_offsets(text), hf.encode(text)
        assert (ours.ids, ours.offsets) == (theirs.ids, theirs.offsets)
    assert ours.offsets[-1] == (len(text) - 2, len(text) - 1)  # é composed: the span of its "e"


def test_add_special_tokens_must_be_a_bool():
    for tok in (
        bytebpe.Tokenizer.from_huggingface(STYLES["qwen2"]()),
        bytebpe.Tokenizer.from_huggingface(STYLES["gpt2"]()),
    ):
        with pytest.raises(TypeError, match="add_special_tokens must be a bool, not int"):
            tok.encode_huggingface_with_offsets("a", add_special_tokens=1)  # type: ignore[arg-type]
