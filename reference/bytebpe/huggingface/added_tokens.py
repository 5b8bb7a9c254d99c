"""Hugging Face's added tokens with their flags, found in a text as Hugging Face finds them.

Hugging Face looks for added tokens twice: the tokens with ``normalized`` false in the text as
given, then, in each stretch between those after the normalizers ran, the tokens with
``normalized`` true (their own text normalized too). Each search takes the leftmost, then
longest, token and goes on after it (Aho-Corasick, leftmost-longest, without overlaps); a
``single_word`` token with a word character (Rust regex's ``\\w``) next to it is passed over,
``lstrip`` takes the white space before it (not what an earlier token took), ``rstrip`` the
white space after it. The white space taken belongs to the token: it is not encoded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Unicode's White_Space, what Rust regex's \s matches.
_WHITE_SPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# Rust regex's \w: Alphabetic, marks, decimal digits, connector punctuation, join controls. The
# letters among the symbols (Other_Alphabetic) are the circled and squared Latin letters.
_WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "Mn", "Mc", "Me", "Nd", "Pc"})
_OTHER_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))


def is_word_character(char: str) -> bool:
    """True if Rust regex's ``\\w`` matches ``char``."""
    if char in "\u200c\u200d" or unicodedata.category(char) in _WORD_CATEGORIES:
        return True
    return any(low <= ord(char) <= high for low, high in _OTHER_ALPHABETIC_SYMBOLS)


@dataclass(frozen=True)
class AddedToken:
    """One entry of a tokenizer.json's ``added_tokens``, with its flags."""

    content: str
    id: int
    special: bool = True
    normalized: bool = False
    lstrip: bool = False
    rstrip: bool = False
    single_word: bool = False

    @property
    def is_plain(self) -> bool:
        """True if it is found as a special token of spec §6.5 is: anywhere, nothing stripped."""
        return not (self.lstrip or self.rstrip or self.single_word)


Segment = tuple[bool, "int | str"]
"""(True, id) for an added token, (False, text) for the text between."""

Cut = tuple[int, int, "int | None"]
"""(start, end, id) of an added token in a text, (start, end, None) of the text between."""


class Finder:
    """One of Hugging Face's two searches: the given tokens, found under the given text."""

    def __init__(self, tokens: Iterable[AddedToken], content: Callable[[str], str] = str) -> None:
        # Two tokens with one text (after normalizing) are refused on import (Hugging Face finds
        # either, at random), so each text has one token.
        self._by_text = {content(token.content): token for token in tokens}
        texts = sorted((text for text in self._by_text if text), key=len, reverse=True)
        # Python's alternation tries the longest first, so each match is leftmost-longest.
        self._regex = re.compile("|".join(map(re.escape, texts))) if texts else None

    def segments(self, text: str) -> list[Segment]:
        """``text`` cut into added tokens and the non-empty stretches between them."""
        return [(False, text[start:end]) if token is None else (True, token) for start, end, token in self.cuts(text)]

    def cuts(self, text: str) -> list[Cut]:
        """Where :meth:`segments` cuts ``text``: each token's span (with the white space it
        takes) and id, each stretch between tokens with the id None."""
        if self._regex is None or not text:
            return [(0, len(text), None)] if text else []
        out: list[Cut] = []
        done = 0  # the end of what is already taken
        for found in self._regex.finditer(text):
            token = self._by_text[found.group()]
            start, stop = found.start(), found.end()
            if token.single_word and (
                (start > 0 and is_word_character(text[start - 1]))
                or (stop < len(text) and is_word_character(text[stop]))
            ):
                continue
            if token.lstrip:
                while start > 0 and text[start - 1] in _WHITE_SPACE:
                    start -= 1
                start = max(start, done)
            if token.rstrip:
                while stop < len(text) and text[stop] in _WHITE_SPACE:
                    stop += 1
            if done < start:
                out.append((done, start, None))
            out.append((start, stop, token.id))
            done = stop
        if done < len(text):
            out.append((done, len(text), None))
        return out
