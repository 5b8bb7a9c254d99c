"""Offsets (spec §6.12) of imported pipelines that change the text: normalizers (the Unicode
forms, Lowercase, Prepend, Replace, Strip, in sequences), ByteLevel's add_prefix_space, Splits
that drop text, added tokens with every flag, trim_offsets on and off, on both implementations.

Hugging Face is the oracle twice: its NormalizedString gives each normalized character's span in
the original (to check the alignments one normalizer at a time), and its ``Encoding.offsets``
those of whole tokenizers. The texts are drawn from small alphabets of combining marks,
precomposed letters, ligatures, letters whose lowercase is longer, white space, emoji and CJK.
Nothing is downloaded or filtered out.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import pytest
import tokenizers
from hypothesis import event, given
from hypothesis import strategies as st
from test_huggingface_behaviors import _normalizer_json
from test_huggingface_import import CORPUS
from test_huggingface_pipeline import CONTENTS, KNOWN, added_tokens
from tokenizers import models, normalizers, pre_tokenizers, processors, trainers

import bytebpe
from bytebpe.huggingface import UnsupportedComponent
from bytebpe.huggingface.normalizers import from_json

ALPHABET = [
    *["a", "b", "ab", "e", "c", "A", "x", "1", "23", " ", "  ", "\t", "\n", "\u3000"],
    *["\u0301", "\u0327", "e\u0301", "é", "ç", "c\u0327", "Å", "A\u030a", "é\u0327", "\u0344"],
    *["ﬁ", "①", "İ", "ẞ", "Σ", "ς", "½", "가", "\u1100\u1161\u11a8", "日本", "😀", "👨\u200d👩", "🇫🇷"],
]
TEXTS = st.lists(st.sampled_from(ALPHABET), max_size=12).map("".join)

# Every kind bytebpe imports, with content longer, shorter than or as long as what it replaces,
# and empty.
NORMALIZERS = [
    normalizers.NFC(),
    normalizers.NFD(),
    normalizers.NFKC(),
    normalizers.NFKD(),
    normalizers.Lowercase(),
    normalizers.Prepend("▁"),
    normalizers.Prepend("x "),
    normalizers.Replace(" ", "▁"),
    normalizers.Replace("ab", "b"),
    normalizers.Replace("e", "EEE"),
    normalizers.Replace("\u0301", ""),
    normalizers.Replace(tokenizers.Regex(r"\s+"), " "),
    normalizers.Replace(tokenizers.Regex(r"\p{N}"), ""),
    normalizers.Replace(tokenizers.Regex(r"\p{Mn}+"), "~"),
    normalizers.Strip(left=True, right=True),
    normalizers.Strip(left=True, right=False),
    normalizers.Strip(left=False, right=True),
]
STEPS = st.lists(st.sampled_from(NORMALIZERS), min_size=1, max_size=4)


def _hugging_faces_alignment(steps: list, text: str) -> list[tuple[str, tuple[int, int]]]:
    """Each character of ``text`` normalized by ``steps`` with its span in ``text``, as Hugging
    Face's NormalizedString gives it."""
    pretokenized = tokenizers.PreTokenizedString(text)
    sequence = normalizers.Sequence(steps)
    pretokenized.normalize(sequence.normalize)
    pretokenized.split(lambda _, normalized: [normalized[at : at + 1] for at in range(len(normalized.normalized))])
    return [
        (char, span) for char, span, _ in pretokenized.get_splits(offset_referential="original", offset_type="char")
    ]


@given(steps=STEPS, text=TEXTS)
def test_each_normalized_character_has_hugging_faces_source(steps, text):
    # _aligned checks each character's source against Hugging Face's; the text too, here.
    ours, _ = _aligned(steps, text)
    plain = text
    for normalizer in from_json(_normalizer_json(steps)):
        plain = normalizer(plain)
    assert ours == plain


@given(steps=STEPS, text=st.text(KNOWN, max_size=20))
def test_any_text_has_hugging_faces_sources(steps, text):
    _aligned(steps, text)


def test_the_alignment_rules_on_examples():
    # A composite takes the source of the character it replaced; the mark it absorbed is no source.
    assert _aligned([normalizers.NFC()], "e\u0301x") == ("éx", [0, 2])
    # Canonical reordering: the sources follow positions, not which character a mark came from.
    assert _aligned([normalizers.NFD()], "é\u0327") == ("e\u0327\u0301", [0, 1, 1])
    # Every character a decomposition or Lowercase makes has the source of what it came from.
    assert _aligned([normalizers.NFKC()], "ﬁ①") == ("fi1", [0, 0, 1])
    assert _aligned([normalizers.Lowercase()], "İ") == ("i\u0307", [0, 0])
    # Replace: the content takes the source of the match's last character; Prepend, the first's.
    assert _aligned([normalizers.Replace("ab", "xyz")], "cabd") == ("cxyzd", [0, 2, 2, 2, 3])
    assert _aligned([normalizers.Replace("ab", "")], "cabd") == ("cd", [0, 3])
    assert _aligned([normalizers.Prepend("▁")], "ab") == ("▁ab", [0, 0, 1])
    assert _aligned([normalizers.Strip()], " a ") == ("a", [1])


def _aligned(steps: list, text: str) -> tuple[str, list[int]]:
    """``text`` through bytebpe's import of ``steps``, each character with its source, checked
    against Hugging Face's spans (a source ``i`` is the span ``(i, i + 1)``)."""
    ours, sources = text, list(range(len(text)))
    for normalizer in from_json(_normalizer_json(steps)):
        ours, sources = normalizer.aligned(ours, sources)
    spans = [(source, source + 1) for source in sources]
    assert list(zip(ours, spans, strict=True)) == _hugging_faces_alignment(steps, text)
    return ours, sources


@cache
def _model() -> str:
    """A byte-level BPE model that Hugging Face trains once on text of every kind drawn here."""
    hf = tokenizers.Tokenizer(models.BPE())
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=420,
        special_tokens=["<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    samples = ["".join(ALPHABET), " ".join(ALPHABET), unicodedata.normalize("NFKD", " ".join(ALPHABET).lower())]
    hf.train_from_iterator(CORPUS + samples * 4, trainer)
    return hf.to_str()


SPLITS = [
    pre_tokenizers.Split(" ", "isolated"),
    pre_tokenizers.Split(tokenizers.Regex(r"\s+"), "removed"),
    pre_tokenizers.Split(tokenizers.Regex(r"\p{N}"), "merged_with_next"),
    pre_tokenizers.Split(tokenizers.Regex(r"\p{L}+"), "removed", invert=True),
    pre_tokenizers.Digits(individual_digits=True),
]


@st.composite
def post_processors(draw) -> processors.PostProcessor | None:
    """None, ByteLevel's or RoBERTa's (each trimming or not, with and without its own
    add_prefix_space), or ByteLevel's before a template."""
    trim, prefix_space = draw(st.booleans()), draw(st.booleans())
    byte_level = processors.ByteLevel(trim_offsets=trim, add_prefix_space=prefix_space)
    template = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 1)])
    return draw(
        st.sampled_from(
            [
                None,
                byte_level,
                processors.RobertaProcessing(("</s>", 1), ("<s>", 0), trim_offsets=trim, add_prefix_space=prefix_space),
                processors.Sequence([byte_level, template]),
            ]
        )
    )


@st.composite
def pipelines(draw) -> tokenizers.Tokenizer:
    """The trained model behind drawn normalizers, Splits, ByteLevel (with or without
    add_prefix_space and its regex), post-processor and added tokens."""
    hf = tokenizers.Tokenizer.from_str(_model())
    steps = draw(st.lists(st.sampled_from(NORMALIZERS), max_size=3))
    if steps:
        hf.normalizer = normalizers.Sequence(steps)
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=draw(st.booleans()), use_regex=draw(st.booleans()))
    hf.pre_tokenizer = pre_tokenizers.Sequence([*draw(st.lists(st.sampled_from(SPLITS), max_size=2)), byte_level])
    hf.post_processor = draw(post_processors())
    hf.add_tokens(draw(added_tokens()))  # after the normalizer: Hugging Face normalizes them with it
    return hf


PIPELINE_TEXTS = st.lists(st.sampled_from([*ALPHABET, *CONTENTS, "<s>", "</s>"]), max_size=12).map("".join)


@given(hf=pipelines(), texts=st.lists(PIPELINE_TEXTS | st.text(KNOWN, max_size=20)))
def test_offsets_through_every_pipeline_are_hugging_faces(impl, hf, texts):
    try:
        tok = bytebpe.Tokenizer.from_huggingface(hf, implementation=impl.NAME)
    except UnsupportedComponent as refused:
        # Two normalized added tokens with one text after the normalizers: Hugging Face finds
        # either, at random, so they are refused (docs/interop.md).
        assert "the same text" in str(refused)
        normalize = hf.normalizer.normalize_str if hf.normalizer is not None else str
        contents = [token.content for token in hf.get_added_tokens_decoder().values() if token.normalized]
        assert len({normalize(content) for content in contents}) < len(contents)
        event("refused: two normalized added tokens with one text")
        return
    pipeline = tok.huggingface_pipeline
    unchanged = pipeline is None or not (pipeline.normalizers or pipeline.add_prefix_space or pipeline.trim_offsets)
    added = set(hf.get_added_tokens_decoder())
    for text in texts:
        for add_special_tokens in (True, False):
            ours = tok.encode_huggingface_with_offsets(text, add_special_tokens=add_special_tokens)
            theirs = hf.encode(text, add_special_tokens=add_special_tokens)
            assert (ours.ids, ours.offsets) == (theirs.ids, theirs.offsets)
            assert ours.ids == tok.encode_huggingface(text, add_special_tokens=add_special_tokens)
            _check_byte_spans(tok, text, ours, added if unchanged else None)


def _check_byte_spans(
    tok: bytebpe.Tokenizer, text: str, encoding: bytebpe.offsets.Encoding, exact_but: set[int] | None
) -> None:
    """Each byte span lies in the UTF-8 of its character span and starts in its first character;
    with ``exact_but`` (the text left as it is), each token's but those holds exactly its bytes."""
    data, byte_at = text.encode("utf-8"), [0]
    for char in text:
        byte_at.append(byte_at[-1] + len(char.encode("utf-8")))
    for token, (start, end), (byte_start, byte_end) in zip(
        encoding.ids, encoding.offsets, encoding.byte_offsets, strict=True
    ):
        assert byte_at[start] <= byte_start <= byte_end <= byte_at[end]
        if start < end:
            assert byte_start < byte_at[start + 1]
        if exact_but is not None and token not in exact_but:
            assert data[byte_start:byte_end] == tok.decode_single_token_bytes(token)


def _pipeline(normalizer=None, prefix_space=True, post_processor=None) -> tokenizers.Tokenizer:
    hf = tokenizers.Tokenizer.from_str(_model())
    if normalizer is not None:
        hf.normalizer = normalizer
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=prefix_space)
    if post_processor is not None:
        hf.post_processor = post_processor
    return hf


EXAMPLES = {
    "prefix-space": lambda: _pipeline(),
    "trimmed": lambda: _pipeline(post_processor=processors.ByteLevel(trim_offsets=True)),
    "nfkd-lowercase": lambda: _pipeline(
        normalizers.Sequence([normalizers.NFKD(), normalizers.Lowercase()]), prefix_space=False
    ),
    "marks-removed": lambda: _pipeline(normalizers.Replace(tokenizers.Regex(r"\p{Mn}+"), "")),
    "prepend-roberta": lambda: _pipeline(
        normalizers.Prepend("▁"), post_processor=processors.RobertaProcessing(("</s>", 1), ("<s>", 0))
    ),
}


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_examples_are_hugging_faces(impl, example):
    hf = EXAMPLES[example]()
    tok = bytebpe.Tokenizer.from_huggingface(hf, implementation=impl.NAME)
    for text in ["hello world", " x", "Ée\u0301 ﬁ① İẞ Σ", "ç<s>c\u0327 日本😀", "   ", ""]:
        ours, theirs = tok.encode_huggingface_with_offsets(text), hf.encode(text)
        assert (ours.ids, ours.offsets) == (theirs.ids, theirs.offsets), text


def test_the_prefix_space_is_in_the_span_of_the_first_character():
    tok = bytebpe.Tokenizer.from_huggingface(_pipeline())
    encoding = tok.encode_huggingface_with_offsets("é b", add_special_tokens=False)
    # The space is put before "é", so " é" (one token) is é's span, as Hugging Face gives it;
    # its bytes are é's, as the text has no byte for the space.
    assert [tok.decode_single_token_bytes(token) for token in encoding.ids] == [" é".encode(), b" b"]
    assert encoding.offsets == [(0, 1), (1, 3)] == _pipeline().encode("é b").offsets
    assert encoding.byte_offsets == [(0, 2), (2, 4)]
