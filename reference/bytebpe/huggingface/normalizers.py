"""Hugging Face's normalizers that byte-level models use, read from and written to
``tokenizer.json``: the Unicode forms (NFC, NFD, NFKC, NFKD), ``Lowercase``, ``Prepend``,
``Replace`` (a string or a regex), ``Strip`` and a ``Sequence`` of them. Each runs as Hugging
Face's does on one stretch of text between added tokens.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bytebpe import pattern_language, reference
from bytebpe.huggingface import alignment, split_pattern
from bytebpe.huggingface.alignment import Aligned
from bytebpe.huggingface.unsupported import UnsupportedComponent
from bytebpe.patterns import SplitPattern

UNICODE_FORMS = ("NFC", "NFD", "NFKC", "NFKD")
KINDS = (*UNICODE_FORMS, "Lowercase", "Prepend", "Replace", "Strip")

# Unicode's White_Space property, which Hugging Face's Strip removes (Rust's char::is_whitespace).
# Python's str.strip() also removes U+001C..U+001F, which are not white space.
WHITE_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


@dataclass(frozen=True)
class Normalizer:
    """One normalizer: its ``kind`` (from KINDS) and what that kind takes: ``text`` (what
    ``Prepend`` puts first, what ``Replace`` writes for each match), ``regex`` (the spec regex
    ``Replace`` matches), ``left``/``right`` (the ends ``Strip`` strips)."""

    kind: str
    text: str = ""
    regex: str = ""
    left: bool = False
    right: bool = False
    written: tuple[str, str] = ("", "")
    """The Replace pattern as the file wrote it: ("String", a literal) or ("Regex", Oniguruma's)."""

    @cached_property
    def _pattern(self) -> SplitPattern:
        return SplitPattern.of_regex(self.regex)

    def __call__(self, text: str) -> str:
        """``text`` after this normalizer."""
        if self.kind in UNICODE_FORMS:
            return unicodedata.normalize(self.kind, text)
        if self.kind == "Lowercase":
            # Hugging Face lowercases character by character (Rust's char::to_lowercase), so a
            # final sigma is σ, not the ς that str.lower() writes at the end of a word.
            return "".join(char.lower() for char in text)
        if self.kind == "Prepend":
            return self.text + text if text else text
        if self.kind == "Strip":
            text = text.lstrip(WHITE_SPACE) if self.left else text
            return text.rstrip(WHITE_SPACE) if self.right else text
        parts, at = [], 0  # Replace
        for start, end in reference.piece_spans(text, self._pattern):
            parts += [text[at:start], self.text]
            at = end
        return "".join(parts) + text[at:]

    def aligned(self, text: str, sources: list[int]) -> Aligned:
        """``text`` after this normalizer, with each character's source (the index of the
        character of the original it came from) as Hugging Face aligns them (alignment.py);
        ``sources`` are those of ``text``'s characters."""
        if self.kind in UNICODE_FORMS:
            return alignment.unicode_form(self.kind, text, sources)
        if self.kind == "Lowercase":
            return alignment.lowercase(text, sources)
        if self.kind == "Prepend":
            return alignment.prepend(text, sources, self.text)
        if self.kind == "Strip":
            return alignment.strip(text, sources, WHITE_SPACE, self.left, self.right)
        return alignment.replace(text, sources, reference.piece_spans(text, self._pattern), self.text)

    def __str__(self) -> str:
        return self.kind

    def to_json(self) -> dict[str, Any]:
        """The normalizer as ``tokenizer.json`` writes it."""
        if self.kind == "Prepend":
            return {"type": "Prepend", "prepend": self.text}
        if self.kind == "Strip":
            return {"type": "Strip", "strip_left": self.left, "strip_right": self.right}
        if self.kind == "Replace":
            kind, value = self.written
            return {"type": "Replace", "pattern": {kind: value}, "content": self.text}
        return {"type": self.kind}


_SUPPORTED = f"the normalizers {', '.join(KINDS)} and Sequence"


def _string(component: dict, key: str) -> str:
    value = component.get(key)
    if not isinstance(value, str):
        raise ValueError(
            f"tokenizer.json: the {component['type']} normalizer's {key!r} must be a string, not {value!r}"
        )
    return value


def _replace(component: dict) -> Normalizer:
    where = "the Replace normalizer's pattern"
    pattern, content = component.get("pattern"), _string(component, "content")
    if isinstance(pattern, dict) and isinstance(pattern.get("String"), str) and pattern["String"]:
        return Normalizer(
            "Replace", content, split_pattern.escape(pattern["String"]), written=("String", pattern["String"])
        )
    if isinstance(pattern, dict) and isinstance(pattern.get("Regex"), str):
        regex = split_pattern.from_oniguruma(pattern["Regex"], where)
        if pattern_language.nullable(pattern_language.parse(regex)):
            raise UnsupportedComponent(
                f"{where} can match the empty string", "regexes that match at least one character"
            )
        return Normalizer("Replace", content, regex, written=("Regex", pattern["Regex"]))
    raise ValueError(
        f'tokenizer.json: a Replace pattern must be {{"Regex": ...}} or {{"String": ...}}, not {pattern!r}'
    )


def from_json(component: Any) -> tuple[Normalizer, ...]:
    """The normalizers of a ``tokenizer.json`` ``normalizer`` (None for none), in order."""
    if component is None:
        return ()
    if not isinstance(component, dict) or not isinstance(component.get("type"), str):
        raise ValueError(f'tokenizer.json: normalizer must be an object with a "type", not {component!r}')
    kind = component["type"]
    if kind == "Sequence":
        return tuple(step for part in component.get("normalizers", []) for step in from_json(part))
    if kind in (*UNICODE_FORMS, "Lowercase"):
        return (Normalizer(kind),)
    if kind == "Prepend":
        return (Normalizer(kind, _string(component, "prepend")),)
    if kind == "Strip":
        return (Normalizer(kind, left=bool(component.get("strip_left")), right=bool(component.get("strip_right"))),)
    if kind == "Replace":
        return (_replace(component),)
    raise UnsupportedComponent(f"normalizer {kind}", _SUPPORTED)
