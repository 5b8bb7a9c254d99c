"""The pipeline of an imported Hugging Face tokenizer, flag by flag: ByteLevel's
add_prefix_space, added tokens with every combination of special, normalized, lstrip, rstrip and
single_word (in every position, colliding after normalization), with and without
add_special_tokens, on both implementations; Hugging Face's own encoder is the oracle.

The tokenizers are the trained styles of tests/test_huggingface_import.py (Hugging Face's own
trainer on generated text), with added tokens and flags drawn here. Nothing is downloaded.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
import tokenizers
from hypothesis import given, settings
from hypothesis import strategies as st
from test_huggingface_import import CORPUS, STYLES

import bytebpe
from bytebpe.huggingface import UnsupportedComponent, tokenizer_json
from bytebpe.huggingface.added_tokens import is_word_character

# Added-token texts that overlap each other, start or end with white space or word characters,
# and (under Lowercase/NFKC) collide: "AB" and "ab", "ﬁ" and "fi"; one that NFC changes.
CONTENTS = ["<x>", "ab", "AB", " é", "ﬁ", "fi", "x_", "<x><", "日", "e\u0301"]
ALPHABET = ["a", "b", "A", "B", " ", "  ", "\t", "\n", "<", ">", "x", "_", "é", "e\u0301", "日", "1", "ﬁ", "f", "i"]
ALPHABET += ["🙂"]


@st.composite
def added_tokens(draw) -> list[tokenizers.AddedToken]:
    contents = draw(st.lists(st.sampled_from(CONTENTS), min_size=1, max_size=5, unique=True))
    return [
        tokenizers.AddedToken(
            content,
            special=draw(st.booleans()),
            normalized=draw(st.booleans()),
            lstrip=draw(st.booleans()),
            rstrip=draw(st.booleans()),
            single_word=draw(st.booleans()),
        )
        for content in contents
    ]


def _with_prefix_space(hf: tokenizers.Tokenizer) -> tokenizers.Tokenizer:
    content = json.loads(hf.to_str())
    pre_tokenizer = content["pre_tokenizer"]
    steps = pre_tokenizer["pretokenizers"] if pre_tokenizer["type"] == "Sequence" else [pre_tokenizer]
    steps[-1]["add_prefix_space"] = True
    return tokenizers.Tokenizer.from_str(json.dumps(content))


@pytest.fixture(scope="module", params=sorted(STYLES))
def style(request):
    return STYLES[request.param]


def _check(hf: tokenizers.Tokenizer, texts: list[str]) -> None:
    fast = bytebpe.Tokenizer.from_huggingface(hf)
    reference = fast.with_implementation("reference")
    for add_special_tokens in (True, False):
        want = [encoding.ids for encoding in hf.encode_batch(texts, add_special_tokens=add_special_tokens)]
        assert fast.encode_huggingface_batch(texts, add_special_tokens=add_special_tokens) == want
        assert [fast.encode_huggingface(text, add_special_tokens=add_special_tokens) for text in texts] == want
        assert [reference.encode_huggingface(text, add_special_tokens=add_special_tokens) for text in texts] == want


@settings(max_examples=40)
@given(
    tokens=added_tokens(),
    prefix_space=st.booleans(),
    texts=st.lists(st.lists(st.sampled_from(ALPHABET + CONTENTS), max_size=12).map("".join), max_size=6),
)
def test_added_tokens_with_every_flag_give_hugging_faces_ids(style, tokens, prefix_space, texts):
    hf = style()
    hf.add_tokens(tokens)
    if prefix_space:
        hf = _with_prefix_space(hf)
    normalize = hf.normalizer.normalize_str if hf.normalizer is not None else str
    normalized = [normalize(token.content) for token in tokens if token.normalized]
    if len(set(normalized)) < len(normalized):
        # Hugging Face itself finds either of two such tokens, a different one from run to run.
        with pytest.raises(UnsupportedComponent, match=r"the same text .* after the normalizers"):
            bytebpe.Tokenizer.from_huggingface(hf)
        return
    _check(hf, texts)


# Characters Python's unicodedata knows: bytebpe normalizes with it, and Hugging Face lowercases
# characters assigned since too (docs/interop.md says so).
KNOWN = st.characters(codec="utf-8").filter(lambda char: unicodedata.category(char) != "Cn")


@settings(max_examples=30)
@given(texts=st.lists(st.text(KNOWN, max_size=30), max_size=6))
def test_add_prefix_space_gives_hugging_faces_ids_on_any_text(style, texts):
    _check(_with_prefix_space(style()), texts)


def test_a_stripping_token_takes_the_white_space_around_it():
    hf = STYLES["gpt2"]()
    hf.add_special_tokens([tokenizers.AddedToken("<mask>", lstrip=True, rstrip=True)])
    tok = bytebpe.Tokenizer.from_huggingface(hf)
    mask = hf.token_to_id("<mask>")
    assert tok.encode_huggingface("a \t<mask>\n b") == [*tok.encode_ordinary("a"), mask, *tok.encode_ordinary("b")]


def test_a_single_word_token_is_not_found_inside_a_word():
    hf = STYLES["gpt2"]()
    hf.add_tokens([tokenizers.AddedToken("cat", single_word=True), tokenizers.AddedToken("zq", single_word=True)])
    tok = bytebpe.Tokenizer.from_huggingface(hf)
    zq = hf.token_to_id("zq")
    assert zq in tok.encode_huggingface("a zq!")
    assert zq not in tok.encode_huggingface("azqz") == hf.encode("azqz").ids
    # "cat" is also a token of the model, which still makes it inside a word.
    assert tok.encode_huggingface("concatenate cat") == hf.encode("concatenate cat").ids


@given(char=st.characters())
def test_word_characters_are_rust_regexs(char):
    import regex

    # The regex module's \w is Unicode's word class, as Rust regex's; its Unicode version may
    # differ from Python's on characters assigned since, so only those both know are compared.
    if unicodedata.category(char) != "Cn" and regex.fullmatch(r"\p{Cn}", char) is None:
        assert is_word_character(char) == bool(regex.fullmatch(r"\w", char)), hex(ord(char))


FLAGGED = [
    tokenizers.AddedToken("<x>", lstrip=True, normalized=False),
    tokenizers.AddedToken("AB", rstrip=True, normalized=True, special=True),
    tokenizers.AddedToken(" é", lstrip=True, rstrip=True, normalized=False, special=False),
    tokenizers.AddedToken("zq", single_word=True, normalized=True, special=False),
]


@settings(max_examples=20)
@given(
    prefix_space=st.booleans(),
    texts=st.lists(st.lists(st.sampled_from([*ALPHABET, "<x>", "AB", " é", "zq", "the"]), max_size=14).map("".join)),
)
def test_an_imported_pipeline_exports_with_hugging_faces_ids(style, tmp_path_factory, prefix_space, texts):
    hf = style()
    hf.add_tokens(FLAGGED)
    if prefix_space:
        hf = _with_prefix_space(hf)
    tok = bytebpe.Tokenizer.from_huggingface(hf)
    saved = tok.save_huggingface(tmp_path_factory.mktemp("hf") / "out")
    exported = [tokenizers.Tokenizer.from_file(str(saved / "tokenizer.json")), tok.to_huggingface()]
    again = bytebpe.Tokenizer.from_huggingface(saved)
    for add_special_tokens in (True, False):
        want = [encoding.ids for encoding in hf.encode_batch(texts, add_special_tokens=add_special_tokens)]
        for copy in exported:
            got = copy.encode_batch(texts, add_special_tokens=add_special_tokens)
            assert [encoding.ids for encoding in got] == want
        assert again.encode_huggingface_batch(texts, add_special_tokens=add_special_tokens) == want


def test_an_imported_pipeline_is_not_dropped_by_bytebpes_own_files(tmp_path):
    # A rank table's model (bytebpe's export) with a normalizer around it.
    trained = bytebpe.Tokenizer.train(CORPUS, 300, special_tokens=["<s>"])
    content = tokenizer_json(trained.mergeable_ranks, trained.pattern, trained.special_tokens)
    content["normalizer"] = {"type": "NFKC"}
    tok = bytebpe.Tokenizer.from_huggingface(content)
    assert tok.mergeable_ranks == trained.mergeable_ranks
    for refused in (lambda: tok.save(tmp_path / "tok"), tok.to_tiktoken):
        with pytest.raises(ValueError, match="imported from Hugging Face with a pipeline"):
            refused()
    assert not any(tmp_path.iterdir())
