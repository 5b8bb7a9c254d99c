"""tok.visualize and bytebpe.visualize: token boundaries drawn as HTML and ANSI.

The HTML is read back with the standard library's parser: one ``<span data-id>`` per token, and
the text of those spans (less the decorative ``data-glyph`` newline marks) must be the input.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe.visualize import TokenView, side_by_side
from strategies import texts

CORPUS = [
    'hello world, hello tokens! <b>bold</b> & "quotes"\n\n',
    "日本語のテキスト 中文 😀😀 émigré naïve\ttabs\r\n",
    "def main():\n    return 42\n",
] * 3
SPECIALS = ["<|endoftext|>", "<|bos|>"]
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")


@cache
def trained(name: str, vocab_size: int = 320) -> bytebpe.Tokenizer:
    return bytebpe.Tokenizer.train(CORPUS, vocab_size, special_tokens=SPECIALS, implementation=name)


class _Spans(HTMLParser):
    """Collects the token spans: their attributes and their text, glyphs left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.spans: list[dict] = []
        self.outside: list[str] = []  # text that no token span holds (headings of side_by_side)
        self._stack: list[str] = []  # "token", "glyph" or "other" for each open element

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and "data-id" in attrs:
            self.spans.append({**attrs, "text": ""})
            self._stack.append("token")
        elif "data-glyph" in attrs:
            self._stack.append("glyph")
        else:
            self._stack.append("other")

    def handle_endtag(self, tag):
        self._stack.pop()

    def handle_data(self, data):
        if "glyph" in self._stack:
            return
        if "token" in self._stack:
            self.spans[-1]["text"] += data
        else:
            self.outside.append(data)


def parse(fragment: str) -> _Spans:
    parser = _Spans()
    parser.feed(fragment)
    parser.close()
    return parser


def spans(fragment: str) -> list[dict]:
    return parse(fragment).spans


def shown_text(fragment: str) -> str:
    """The text of a view's token spans; a view has no text outside them."""
    parser = parse(fragment)
    assert parser.outside == [], f"text outside any token span: {parser.outside}"
    return "".join(span["text"] for span in parser.spans)


SAMPLES = [
    "hello world",
    "日本語のテキスト 中文 😀😀",
    "two\n\nlines\r\nand\ttabs  and   spaces ",
    "<script>alert('x & y')</script> \"quoted\" &amp;",
    "emoji never seen: 🦀🧪 and a ZWJ family 👨‍👩‍👧",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_html_shows_the_text_one_span_per_token(impl, text):
    tok = trained(impl.NAME)
    view = tok.visualize(text)
    ids = tok.encode_ordinary(text)
    found = spans(view.html)
    assert [int(span["data-id"]) for span in found] == ids
    assert len(view) == len(ids) == len(view.tokens)
    assert shown_text(view.html) == text == view.text
    assert view.tokens == list(zip(ids, tok.decode_tokens_bytes(ids), strict=True))


def test_both_implementations_draw_the_same_view():
    text = SAMPLES[1] + SAMPLES[3]
    assert trained("reference").visualize(text).html == trained("fast").visualize(text).html


def test_html_is_escaped_and_self_contained(impl):
    text = '<b onclick="x()">&amp;</b> \''
    fragment = trained(impl.NAME).visualize(text).html
    assert set(re.findall(r"</?([a-zA-Z0-9-]+)", fragment)) == {"div", "span"}
    assert "&lt;b onclick=" in re.sub(r"<[^>]*>", "", fragment)
    assert shown_text(fragment) == text
    for forbidden in ("<script", "<link", "<style", 'class="md-', "http://", "https://"):
        assert forbidden not in fragment
    for span in spans(fragment):
        assert span["title"].startswith(("token ", "special token "))
        assert span["style"].startswith("background:#")


def test_neighbouring_tokens_have_different_colours(impl):
    found = spans(trained(impl.NAME).visualize(SAMPLES[2]).html)
    backgrounds = [span["style"].split(";")[0] for span in found]
    assert len(found) > 2
    assert all(left != right for left, right in itertools.pairwise(backgrounds))


def test_newlines_get_a_glyph_that_is_not_text(impl):
    fragment = trained(impl.NAME).visualize("a\nb").html
    assert fragment.count("data-glyph") == 1
    assert "white-space:pre-wrap" in fragment
    assert shown_text(fragment) == "a\nb"


def split_tokenizer(name: str) -> bytebpe.Tokenizer:
    """A rank table whose tokens cut characters: e4 b8 is the first two bytes of 中, ' \\xf0' and
    '\\x9f\\x98' cut 😀 (f0 9f 98 80) in three."""
    ranks = {bytes([b]): b for b in range(256)}
    for rank, token in enumerate([b"\xe4\xb8", b" \xf0", b"\x9f\x98"], start=256):
        ranks[token] = rank
    return bytebpe.Tokenizer.from_ranks(ranks, r"\s?\S+|\s+", implementation=name)


def test_split_characters_are_shown_once_in_the_token_that_completes_them(impl):
    tok = split_tokenizer(impl.NAME)
    text = "中 😀"
    view = tok.visualize(text)
    assert view.tokens == [(256, b"\xe4\xb8"), (0xAD, b"\xad"), (257, b" \xf0"), (258, b"\x9f\x98"), (0x80, b"\x80")]
    found = spans(view.html)
    assert [span["text"] for span in found] == ["", "中", " ", "", "😀"]
    assert shown_text(view.html) == text
    for span in found:
        assert "split across tokens" in span["title"]
        assert "dashed" in span["style"]
    # A token that completes no character is still drawn, as an empty box.
    assert all("inline-block" in span["style"] for span in found if not span["text"])
    assert "\\xe4\\xb8" in found[0]["title"]


def test_bytes_that_are_not_utf8_show_as_replacement_characters():
    view = TokenView([(1, b"a\xff"), (2, b"\xe4\xb8")])
    assert view.text == "a\ufffd\ufffd"
    assert shown_text(view.html) == view.text


@given(st.lists(st.binary(max_size=5), max_size=8))
def test_shown_text_is_the_decoded_bytes(chunks):
    view = TokenView([(i, chunk) for i, chunk in enumerate(chunks)])
    assert view.text == b"".join(chunks).decode("utf-8", errors="replace")
    assert len(spans(view.html)) == len(chunks)
    assert shown_text(view.html) == view.text


@given(texts(max_size=40))
def test_any_text_round_trips(text):
    for name in bytebpe.IMPLEMENTATIONS:
        view = trained(name).visualize(text)
        assert shown_text(view.html) == text == view.text
        assert len(spans(view.html)) == len(view)
        assert view.ansi.endswith("\x1b[0m")


def test_empty_text(impl):
    view = trained(impl.NAME).visualize("")
    assert len(view) == 0 and view.tokens == [] and view.text == ""
    assert spans(view.html) == [] and view.html.startswith("<div")
    assert view.ansi == "\x1b[0m"


def test_ansi_colours_each_token_and_resets(impl):
    tok = trained(impl.NAME)
    text = "hello world, tokens & <b>"
    view = tok.visualize(text)
    assert view.ansi.endswith("\x1b[0m")
    assert view.ansi.count("\x1b[48;5;") == len(view)
    assert ANSI_CODE.sub("", view.ansi) == text
    assert str(view) == view.ansi


def test_ansi_draws_a_token_that_completes_no_character_as_a_dot(impl):
    ansi = split_tokenizer(impl.NAME).visualize("中").ansi
    assert ansi.count("\x1b[48;5;") == 2
    assert ANSI_CODE.sub("", ansi) == "·中"


def test_ansi_resets_before_every_line_break(impl):
    ansi = trained(impl.NAME).visualize("a\n\nb\n").ansi
    assert ansi.count("\n") == 3
    for line in ansi.split("\n")[:-1]:
        assert line.endswith("\x1b[0m")
    assert ANSI_CODE.sub("", ansi) == "a↵\n↵\nb↵\n"


def test_notebook_and_repr(impl):
    view = trained(impl.NAME).visualize("hello")
    assert view._repr_html_() == view.html
    assert repr(view) == f"<bytebpe.TokenView {len(view)} tokens, 5 characters>"


def test_special_tokens_are_text_unless_allowed(impl):
    tok = trained(impl.NAME)
    text = "hi<|endoftext|>there"
    plain = tok.visualize(text)
    assert tok.eot_token not in [token for token, _ in plain.tokens]
    assert shown_text(plain.html) == text
    special = tok.visualize(text, allowed_special="all")
    found = spans(special.html)
    marked = [span for span in found if span["title"].startswith("special token")]
    assert [int(span["data-id"]) for span in marked] == [tok.eot_token]
    assert marked[0]["text"] == "<|endoftext|>" and "font-weight:700" in marked[0]["style"]
    assert shown_text(special.html) == text
    assert "\x1b[1;4m<|endoftext|>" in special.ansi
    assert tok.visualize(text, allowed_special={"<|bos|>"}).tokens == plain.tokens


def test_side_by_side_shows_each_tokenizer():
    small, large = trained("fast", 270), trained("fast", 400)
    text = SAMPLES[0] + " " + SAMPLES[1]
    fragment = side_by_side(text, {"vocab 270": small, "vocab <400>": large})
    assert "grid-template-columns:repeat(2," in fragment
    assert "vocab &lt;400&gt;" in fragment
    count_small, count_large = len(small.encode_ordinary(text)), len(large.encode_ordinary(text))
    assert count_large < count_small
    assert f"{count_small} tokens" in fragment and f"{count_large} tokens" in fragment
    parsed = parse(fragment)
    assert len(parsed.spans) == count_small + count_large
    assert "".join(parsed.outside).count("vocab") == 2
    assert small.visualize(text).html in fragment and large.visualize(text).html in fragment


def test_bad_input_is_refused_clearly():
    tok = trained("reference")
    with pytest.raises(TypeError, match="text must be a str, not bytes"):
        tok.visualize(b"hello")
    with pytest.raises(ValueError, match="surrogate"):
        tok.visualize("a\ud800")
    with pytest.raises(TypeError, match="allowed_special"):
        tok.visualize("a", allowed_special="<|bos|>")
    with pytest.raises(ValueError, match="empty"):
        side_by_side("a", {})
    with pytest.raises(TypeError, match=r"expected a bytebpe\.Tokenizer"):
        side_by_side("a", {"x": "not a tokenizer"})
    with pytest.raises(TypeError, match="mapping"):
        side_by_side("a", [tok])
    with pytest.raises(TypeError, match="text must be a str"):
        side_by_side(None, {"x": tok})
    with pytest.raises(TypeError, match="pairs"):
        TokenView([1, 2])
    with pytest.raises(TypeError, match="bytes"):
        TokenView([(1, "a")])
    with pytest.raises(TypeError, match="id must be an int"):
        TokenView([(True, b"a")])
