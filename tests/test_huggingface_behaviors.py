"""Hugging Face's Split behaviours (Removed, Isolated, MergedWithPrevious, MergedWithNext,
Contiguous, each with and without invert) and the normalizers Prepend, Replace and Strip, as
bytebpe imports them: step by step against Hugging Face's own pre-tokenizers and normalizers, then
whole tokenizers trained by Hugging Face with them, on both implementations, with and without
add_special_tokens, and back through save_huggingface. Nothing is downloaded.
"""

from __future__ import annotations

import json

import pytest
import tokenizers
from hypothesis import given, settings
from hypothesis import strategies as st
from test_huggingface_import import CORPUS
from tokenizers import decoders, models, normalizers, pre_tokenizers, processors, trainers

import bytebpe
from bytebpe.huggingface import UnsupportedComponent
from bytebpe.huggingface.normalizers import WHITE_SPACE, from_json
from bytebpe.huggingface.split_behavior import BEHAVIORS, PreSplit
from bytebpe.huggingface.split_pattern import escape, from_oniguruma

# Patterns whose matches are single characters, runs, literals of several characters, and
# pieces that touch: the behaviours differ most where matches are next to each other.
SPLIT_PATTERNS = [
    ("String", "-"),
    ("String", " "),
    ("String", "ab"),
    ("Regex", r"\s+"),
    ("Regex", r"\p{N}"),
    ("Regex", r"-+"),
    ("Regex", r" ?\p{L}+"),
    ("Regex", r"[ab]|\s"),
]
ALPHABET = ["a", "b", "ab", "-", "--", " ", "  ", "\t", "\n", "1", "23", "日本", "é", "x", "A", "🙂", "\x1c", "\u3000"]
TEXTS = st.lists(st.sampled_from(ALPHABET), max_size=14).map("".join)
# tokenizers' Python names for the behaviours.
PYTHON_NAMES = {
    "Removed": "removed",
    "Isolated": "isolated",
    "MergedWithPrevious": "merged_with_previous",
    "MergedWithNext": "merged_with_next",
    "Contiguous": "contiguous",
}


def _hf_pattern(kind: str, value: str) -> str | tokenizers.Regex:
    return value if kind == "String" else tokenizers.Regex(value)


def _spec_regex(kind: str, value: str) -> str:
    return escape(value) if kind == "String" else from_oniguruma(value, "test")


@settings(max_examples=300)
@given(
    pattern=st.sampled_from(SPLIT_PATTERNS),
    behavior=st.sampled_from(BEHAVIORS),
    invert=st.booleans(),
    text=TEXTS,
)
def test_a_split_step_cuts_as_hugging_faces(pattern, behavior, invert, text):
    theirs = pre_tokenizers.Split(_hf_pattern(*pattern), PYTHON_NAMES[behavior], invert=invert)
    want = [piece for piece, _ in theirs.pre_tokenize_str(text)]
    assert PreSplit(_spec_regex(*pattern), behavior, invert).pieces(text) == want


def test_the_behaviours_on_one_text():
    # The pieces of "a-b--c" split at "-", written out so that a reader sees what each does.
    text = "a-b--c"
    expected = {
        ("Removed", False): ["a", "b", "c"],
        ("Removed", True): ["-", "-", "-"],
        ("Isolated", False): ["a", "-", "b", "-", "-", "c"],
        ("MergedWithPrevious", False): ["a-", "b-", "-", "c"],
        ("MergedWithNext", False): ["a", "-b", "-", "-c"],
        ("Contiguous", False): ["a", "-", "b", "--", "c"],
        ("MergedWithPrevious", True): ["a", "-b", "-", "-c"],
    }
    for (behavior, invert), pieces in expected.items():
        assert PreSplit(escape("-"), behavior, invert).pieces(text) == pieces


NORMALIZER_STEPS = [
    normalizers.Prepend("▁"),
    normalizers.Prepend("x "),
    normalizers.Replace(" ", "▁"),
    normalizers.Replace("ab", "b"),
    normalizers.Replace(tokenizers.Regex(r"\s+"), " "),
    normalizers.Replace(tokenizers.Regex(r"\p{N}"), ""),
    normalizers.Strip(left=True, right=True),
    normalizers.Strip(left=True, right=False),
    normalizers.Strip(left=False, right=True),
    normalizers.NFC(),
    normalizers.Lowercase(),
]


def _normalizer_json(steps: list) -> dict:
    hf = tokenizers.Tokenizer(models.BPE())
    hf.normalizer = normalizers.Sequence(steps)
    return json.loads(hf.to_str())["normalizer"]


@settings(max_examples=200)
@given(steps=st.lists(st.sampled_from(NORMALIZER_STEPS), min_size=1, max_size=4), text=TEXTS)
def test_normalizers_give_hugging_faces_text(steps, text):
    ours = from_json(_normalizer_json(steps))
    got = text
    for normalizer in ours:
        got = normalizer(got)
    assert got == normalizers.Sequence(steps).normalize_str(text)
    assert from_json({"type": "Sequence", "normalizers": [step.to_json() for step in ours]}) == ours


def test_strip_removes_unicode_white_space_only():
    # U+001C is no white space to Unicode (Python's str.strip() would take it); U+3000 is.
    (strip,) = from_json({"type": "Strip", "strip_left": True, "strip_right": True})
    assert strip("\x1c a\u3000") == "\x1c a"
    assert all(char.isspace() for char in WHITE_SPACE)


@st.composite
def pipelines(draw) -> tokenizers.Tokenizer:
    """A BPE model that Hugging Face trains on CORPUS behind drawn normalizers and Splits."""
    hf = tokenizers.Tokenizer(models.BPE())
    hf.decoder = decoders.ByteLevel()
    steps = draw(st.lists(st.sampled_from(NORMALIZER_STEPS), max_size=3))
    if steps:
        hf.normalizer = normalizers.Sequence(steps)
    splits = [
        pre_tokenizers.Split(
            _hf_pattern(*draw(st.sampled_from(SPLIT_PATTERNS))),
            PYTHON_NAMES[draw(st.sampled_from(BEHAVIORS))],
            invert=draw(st.booleans()),
        )
        for _ in range(draw(st.integers(1, 2)))
    ]
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=draw(st.booleans()), use_regex=draw(st.booleans()))
    hf.pre_tokenizer = pre_tokenizers.Sequence([*splits, byte_level])
    trainer = trainers.BpeTrainer(
        vocab_size=380,
        special_tokens=["<s>", "</s>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    hf.train_from_iterator(CORPUS, trainer)
    hf.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", hf.token_to_id("<s>")), ("</s>", hf.token_to_id("</s>"))]
    )
    return hf


def _want(hf: tokenizers.Tokenizer, texts: list[str], add_special_tokens: bool) -> list[list[int]]:
    return [encoding.ids for encoding in hf.encode_batch(texts, add_special_tokens=add_special_tokens)]


@settings(max_examples=40, deadline=None)
@given(hf=pipelines(), texts=st.lists(TEXTS.map(lambda text: text.replace("<", "")) | st.just("<s>ab -1"), max_size=6))
def test_tokenizers_with_every_behaviour_and_normalizer_give_hugging_faces_ids(hf, texts, tmp_path_factory):
    fast = bytebpe.Tokenizer.from_huggingface(hf)
    reference = fast.with_implementation("reference")
    saved = fast.save_huggingface(tmp_path_factory.mktemp("hf") / "out")
    exported = tokenizers.Tokenizer.from_file(str(saved / "tokenizer.json"))
    again = bytebpe.Tokenizer.from_huggingface(saved)
    for add_special_tokens in (True, False):
        want = _want(hf, texts, add_special_tokens)
        assert fast.encode_huggingface_batch(texts, add_special_tokens=add_special_tokens) == want
        assert [reference.encode_huggingface(text, add_special_tokens=add_special_tokens) for text in texts] == want
        assert _want(exported, texts, add_special_tokens) == want
        assert again.encode_huggingface_batch(texts, add_special_tokens=add_special_tokens) == want


@settings(max_examples=25, deadline=None)
@given(
    pattern=st.sampled_from(SPLIT_PATTERNS),
    behavior=st.sampled_from(BEHAVIORS),
    invert=st.booleans(),
    prefix_space=st.booleans(),
    texts=st.lists(TEXTS, min_size=1, max_size=4),
)
def test_splits_give_hugging_faces_offsets(pattern, behavior, invert, prefix_space, texts):
    # Removed drops text, add_prefix_space puts a space before each piece: neither is in a span.
    hf = tokenizers.Tokenizer(models.BPE())
    hf.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(_hf_pattern(*pattern), PYTHON_NAMES[behavior], invert=invert),
            pre_tokenizers.ByteLevel(add_prefix_space=prefix_space, use_regex=False),
        ]
    )
    trainer = trainers.BpeTrainer(
        vocab_size=340, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False
    )
    hf.train_from_iterator(CORPUS, trainer)
    tok = bytebpe.Tokenizer.from_huggingface(hf)
    for text in texts:
        ours = tok.encode_huggingface_with_offsets(text)
        theirs = hf.encode(text)
        assert (ours.ids, ours.offsets) == (theirs.ids, theirs.offsets)


def _with(pre_tokenizer: dict | None = None, normalizer: dict | None = None) -> dict:
    hf = tokenizers.Tokenizer(models.BPE())
    hf.pre_tokenizer = pre_tokenizers.ByteLevel()
    content = json.loads(hf.to_str())
    if pre_tokenizer is not None:
        content["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [pre_tokenizer, content["pre_tokenizer"]]}
    content["normalizer"] = normalizer
    return content


def _split_json(behavior: str, regex: str = "-", invert: bool = False) -> dict:
    return {"type": "Split", "pattern": {"Regex": regex}, "behavior": behavior, "invert": invert}


@pytest.mark.parametrize(
    "content, error, named",
    [
        (_with(_split_json("MergedWithNext", "a*")), UnsupportedComponent, "empty string"),
        (_with(_split_json("Glued")), ValueError, "behavior must be one of"),
        (_with(_split_json("Isolated", invert="yes")), ValueError, "invert a bool"),
        (
            _with(normalizer={"type": "Replace", "pattern": {"Regex": "x*"}, "content": ""}),
            UnsupportedComponent,
            "empty",
        ),
        (
            _with(normalizer={"type": "Replace", "pattern": {"String": ""}, "content": "a"}),
            ValueError,
            "Replace pattern",
        ),
        (_with(normalizer={"type": "Prepend", "prepend": 3}), ValueError, "'prepend' must be a string"),
        (_with(normalizer={"type": "BertNormalizer"}), UnsupportedComponent, "normalizer BertNormalizer"),
        (_with(normalizer={"type": "Precompiled", "precompiled_charsmap": ""}), UnsupportedComponent, "Precompiled"),
    ],
)
def test_what_cannot_be_imported_is_named(content, error, named):
    with pytest.raises(error, match=named):
        bytebpe.Tokenizer.from_huggingface(content)
