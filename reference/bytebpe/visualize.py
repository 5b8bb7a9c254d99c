"""Token boundaries made visible: HTML for notebooks and docs, ANSI colours for a terminal.

``tok.visualize(text)`` returns a :class:`TokenView`; :func:`side_by_side` puts the views of
several tokenizers of the same text next to each other.

A token's bytes need not be whole UTF-8 characters: a byte-level tokenizer may split one
character across tokens. A view never shows such a token as a replacement character. Each
character is shown in the token that *completes* it, as a streaming decoder would print it, so
the shown text reads as the original text; a token that completes no character is drawn as an
empty dashed box, and every token touching a split character gets a dashed outline and says so in
its tooltip.
"""

from __future__ import annotations

import codecs
import html
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

__all__ = ["TokenView", "side_by_side", "view"]

# Pastel backgrounds, cycled per token so that neighbours always differ. Text is set to a dark
# colour explicitly: a dark page theme would otherwise draw light text on the pastel.
_HTML_COLOURS = ("#cfe8ff", "#d7f5d0", "#ffe3c4", "#f7d4f0", "#fff3b0", "#e0d9ff")
# The same hues in the xterm 256-colour palette (48;5;N sets the background).
_ANSI_COLOURS = (153, 194, 223, 225, 229, 189)
_ANSI_RESET = "\x1b[0m"
_ANSI_TEXT = "\x1b[38;5;16m"  # black text, whatever the terminal's own colours are
_ANSI_DIM = "\x1b[2m"
# A newline token would otherwise be invisible. The glyph is marked ``data-glyph`` and
# ``user-select:none`` so that copying the rendered text gives the original text back.
_NEWLINE_GLYPH = "↵"
_ANSI_EMPTY = "·"  # stands in, in a terminal, for a token that completes no character

_BOX_STYLE = (
    "font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace;"
    "white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.8;color:#111;"
    "background:#fff;padding:.5em .6em;border:1px solid #ddd;border-radius:4px;text-align:left"
)


@runtime_checkable
class _Tokenizer(Protocol):
    """What a view needs of a :class:`bytebpe.Tokenizer` (which imports this module, so this module
    names only the methods it calls)."""

    @property
    def special_tokens(self) -> dict[str, int]: ...
    def encode(self, text: str, *, allowed_special: object, disallowed_special: object) -> list[int]: ...
    def decode_tokens_bytes(self, tokens: Iterable[int]) -> list[bytes]: ...
    def visualize(self, text: str, *, allowed_special: object) -> TokenView: ...


@dataclass(frozen=True)
class _Shown:
    """How one token is drawn: the characters it completes and whether it touches a split one."""

    token: int
    data: bytes
    text: str
    special: bool
    split: bool


class TokenView:
    """The tokens of one text with their boundaries drawn: ``.html``, ``.ansi`` and ``.tokens``.

    In Jupyter the view displays itself as HTML; ``print(view)`` shows the ANSI form. Build one
    with :meth:`bytebpe.Tokenizer.visualize`, or directly from ``(id, bytes)`` pairs.
    """

    def __init__(self, tokens: Iterable[tuple[int, bytes]], special_ids: Collection[int] = ()) -> None:
        """``tokens`` are ``(id, bytes)`` pairs in order; ids in ``special_ids`` are drawn as
        special tokens."""
        pairs = []
        for pair in tokens:
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise TypeError(f"tokens must be (id, bytes) pairs, not {pair!r}")
            token, data = pair
            if isinstance(token, bool) or not isinstance(token, int):
                raise TypeError(f"a token id must be an int, not {type(token).__name__}")
            if not isinstance(data, bytes):
                raise TypeError(f"a token's bytes must be bytes, not {type(data).__name__}")
            pairs.append((token, data))
        self._tokens = pairs
        self._special_ids = frozenset(special_ids)
        self._shown = _assign_characters(pairs, self._special_ids)

    @property
    def tokens(self) -> list[tuple[int, bytes]]:
        """The ``(id, bytes)`` pairs, in order."""
        return list(self._tokens)

    @property
    def text(self) -> str:
        """The text the tokens spell (bytes that are not UTF-8 become U+FFFD)."""
        return "".join(shown.text for shown in self._shown)

    @property
    def html(self) -> str:
        """A self-contained HTML fragment: one ``<span data-id>`` per token, inline styles only."""
        parts = [_html_token(index, shown) for index, shown in enumerate(self._shown)]
        return f'<div class="bytebpe-tokens" style="{_BOX_STYLE}">{"".join(parts)}</div>'

    @property
    def ansi(self) -> str:
        """The text with ANSI background colours per token, ending with a reset.

        For the eye only: a newline token is drawn as ``↵`` before the line break and a token
        that completes no character as a ``·``.
        """
        body = "".join(_ansi_token(index, shown) for index, shown in enumerate(self._shown))
        return body if body.endswith(_ANSI_RESET) else body + _ANSI_RESET

    def __len__(self) -> int:
        """The number of tokens."""
        return len(self._tokens)

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.ansi

    def __repr__(self) -> str:
        return f"<bytebpe.TokenView {len(self._tokens)} tokens, {len(self.text)} characters>"


def view(
    tokenizer: _Tokenizer, text: str, *, allowed_special: Literal["all"] | Collection[str] = frozenset()
) -> TokenView:
    """The :class:`TokenView` of ``text`` encoded by ``tokenizer``.

    Special-token strings in ``allowed_special`` (``"all"`` for every one) become their special
    tokens and are drawn outlined; any other special-token string is shown as the plain text it
    is. A visualiser never refuses text, so unlike ``encode`` nothing is disallowed.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    ids = tokenizer.encode(text, allowed_special=allowed_special, disallowed_special=())
    specials = set(tokenizer.special_tokens.values())
    return TokenView(zip(ids, tokenizer.decode_tokens_bytes(ids), strict=True), specials.intersection(ids))


def side_by_side(
    text: str,
    tokenizers: Mapping[str, _Tokenizer],
    *,
    allowed_special: Literal["all"] | Collection[str] = frozenset(),
) -> str:
    """An HTML fragment showing ``text`` as each tokenizer splits it, in columns side by side.

    ``tokenizers`` maps a column title (e.g. ``"vocab 512"``) to a tokenizer; each column is
    headed by its title, its token count and the characters per token.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if not isinstance(tokenizers, Mapping):
        raise TypeError(f"tokenizers must be a mapping of title to Tokenizer, not {type(tokenizers).__name__}")
    if not tokenizers:
        raise ValueError("tokenizers is empty: give at least one title -> Tokenizer")
    columns = []
    for title, tokenizer in tokenizers.items():
        if not isinstance(title, str):
            raise TypeError(f"column titles must be str, not {type(title).__name__}")
        if not isinstance(tokenizer, _Tokenizer):
            raise TypeError(f"{title!r}: expected a bytebpe.Tokenizer, not {type(tokenizer).__name__}")
        shown = view(tokenizer, text, allowed_special=allowed_special)
        count = len(shown)
        ratio = f", {len(text) / count:.2f} chars/token" if count else ""
        heading = (
            f'<div style="font-weight:600;margin-bottom:.3em">{html.escape(title)}'
            f'<span style="font-weight:400;opacity:.75"> · {count} tokens{ratio}</span></div>'
        )
        columns.append(f'<div style="min-width:0">{heading}{shown.html}</div>')
    grid = (
        f"display:grid;grid-template-columns:repeat({len(columns)},minmax(0,1fr));"
        "gap:1em;align-items:start;margin:1em 0"
    )
    return f'<div class="bytebpe-side-by-side" style="{grid}">{"".join(columns)}</div>'


# -- drawing -------------------------------------------------------------------------------------


def _assign_characters(pairs: list[tuple[int, bytes]], special_ids: frozenset[int]) -> list[_Shown]:
    # An incremental decoder emits a character once its last byte arrives: exactly the rule that
    # keeps the shown text equal to the original text when tokens split characters.
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    shown = []
    for index, (token, data) in enumerate(pairs):
        pending_before = bool(decoder.getstate()[0])
        text = decoder.decode(data, final=index == len(pairs) - 1)
        pending_after = bool(decoder.getstate()[0])
        shown.append(_Shown(token, data, text, token in special_ids, pending_before or pending_after))
    return shown


def _title(shown: _Shown) -> str:
    kind = "special token" if shown.special else "token"
    size = f"{len(shown.data)} byte" + ("" if len(shown.data) == 1 else "s")
    title = f"{kind} {shown.token} · {size}: {shown.data!r}"
    if shown.split:
        title += " · part of a character split across tokens"
    return title


def _html_token(index: int, shown: _Shown) -> str:
    style = f"background:{_HTML_COLOURS[index % len(_HTML_COLOURS)]};border-radius:3px"
    if shown.special:
        style += ";font-weight:700;box-shadow:inset 0 0 0 1.5px #444"
    elif shown.split:
        style += ";outline:1px dashed #777;outline-offset:-1px"
    if not shown.text:
        # Nothing to show but the token is real: an empty box keeps it visible and adds no text.
        style += ";display:inline-block;min-width:.6em;height:1.1em;vertical-align:text-bottom"
    body = html.escape(shown.text, quote=False)
    glyph = f'<span data-glyph="" aria-hidden="true" style="user-select:none;opacity:.45">{_NEWLINE_GLYPH}</span>'
    body = body.replace("\n", glyph + "\n")
    return f'<span data-id="{shown.token}" title="{html.escape(_title(shown))}" style="{style}">{body}</span>'


def _ansi_token(index: int, shown: _Shown) -> str:
    background = f"\x1b[48;5;{_ANSI_COLOURS[index % len(_ANSI_COLOURS)]}m"
    start = background + _ANSI_TEXT + ("\x1b[1;4m" if shown.special else "")
    lines = (shown.text or _ANSI_DIM + _ANSI_EMPTY).split("\n")
    parts = []
    for number, line in enumerate(lines):
        glyph = _ANSI_DIM + _NEWLINE_GLYPH if number < len(lines) - 1 else ""
        if line or glyph:
            # Reset before each line break: a background carried over a newline paints the next line.
            parts.append(start + line + glyph + _ANSI_RESET)
        if glyph:
            parts.append("\n")
    return "".join(parts)
