"""Normalizing with alignments, as Hugging Face's ``NormalizedString`` keeps them: a text together
with, for each of its characters, the index of the character of the original text it came from
(its source). Offsets of tokens of a normalized text are read through them (offsets.py, spec
§6.12).

Every rewrite is a list of edits applied to the characters in order, each a new character and a
change: ``0`` replaces the next old character and takes its source, ``-n`` does so and drops the
``n`` old characters after it, ``+1`` inserts a character with the source of the last old
character taken. Old characters are taken strictly in order, so sources follow positions, not
which character a mark was decomposed from: the Unicode forms below emit Hugging Face's edits
(its ``unicode-normalization-alignments`` crate's), canonical reordering included. Every rewrite
starts by replacing (Unicode's full decompositions are in canonical order, so reordering never
moves an inserted mark before the character it came with), so every character has one source.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Literal

Aligned = tuple[str, list[int]]
"""A text and, for each of its characters, the index of its source in the original."""

Edit = tuple[str, int]


def transform(sources: list[int], edits: Iterable[Edit]) -> Aligned:
    """The text that ``edits`` write over a text whose characters have ``sources``."""
    out: list[str] = []
    out_sources: list[int] = []
    taken = 0
    for char, change in edits:
        if change > 0:
            assert taken, "an edit inserts before any character is taken"
            source = sources[taken - 1]
        else:
            source = sources[taken]
            taken += 1 - change
        out.append(char)
        out_sources.append(source)
    return "".join(out), out_sources


def lowercase(text: str, sources: list[int]) -> Aligned:
    """Each character lowercased on its own; all the characters of one (``İ`` gives two) keep
    its source."""
    out: list[str] = []
    out_sources: list[int] = []
    for char, source in zip(text, sources, strict=True):
        lower = char.lower()
        out.append(lower)
        out_sources += [source] * len(lower)
    return "".join(out), out_sources


def prepend(text: str, sources: list[int], prefix: str) -> Aligned:
    """``prefix`` before a non-empty ``text``, each of its characters with the first
    character's source."""
    if not text:
        return text, sources
    return prefix + text, [sources[0]] * len(prefix) + sources


def strip(text: str, sources: list[int], white_space: str, left: bool, right: bool) -> Aligned:
    """``text`` without the ``white_space`` at the ends asked for; the rest keeps its sources."""
    start, end = 0, len(text)
    while left and start < end and text[start] in white_space:
        start += 1
    while right and end > start and text[end - 1] in white_space:
        end -= 1
    return text[start:end], sources[start:end]


def replace(text: str, sources: list[int], matches: Iterable[tuple[int, int]], content: str) -> Aligned:
    """Each match ``(start, end)`` (non-empty, in order, not overlapping) replaced by
    ``content``, whose characters all take the source of the match's last character."""
    out: list[str] = []
    out_sources: list[int] = []
    at = 0
    for start, end in matches:
        out.append(text[at:start] + content)
        out_sources += sources[at:start] + [sources[end - 1]] * len(content)
        at = end
    out.append(text[at:])
    out_sources += sources[at:]
    return "".join(out), out_sources


def unicode_form(form: str, text: str, sources: list[int]) -> Aligned:
    """``text`` in the Unicode normalization ``form`` (NFC, NFD, NFKC or NFKD)."""
    edits = _decomposed(text, compatible=form in ("NFKC", "NFKD"))
    if form in ("NFC", "NFKC"):
        edits = _recomposed(edits)
    return transform(sources, edits)


def _decomposed(text: str, compatible: bool) -> list[Edit]:
    """Each character's full decomposition (its first character replacing it, the others
    inserted), then every run of combining marks put in canonical order, each mark carrying its
    change with it."""
    form: Literal["NFD", "NFKD"] = "NFKD" if compatible else "NFD"
    edits: list[Edit] = []
    for char in text:
        decomposed = unicodedata.normalize(form, char)
        edits += [(part, 0 if at == 0 else 1) for at, part in enumerate(decomposed)]
    out: list[Edit] = []
    run: list[Edit] = []
    for edit in edits:
        if unicodedata.combining(edit[0]):
            run.append(edit)
            continue
        out += sorted(run, key=lambda mark: unicodedata.combining(mark[0]))  # a stable sort
        out.append(edit)
        run = []
    return out + sorted(run, key=lambda mark: unicodedata.combining(mark[0]))


def _recomposed(edits: list[Edit]) -> list[Edit]:
    """Canonical composition of decomposed edits: a mark (or a starter next to it) that composes
    with the last starter and is not blocked from it joins it, the composite taking the
    starter's change plus the mark's, less one (it stands for both); marks that do not are
    emitted after the composite."""
    out: list[Edit] = []
    starter: Edit | None = None
    marks: list[Edit] = []
    for char, change in edits:
        klass = unicodedata.combining(char)
        if starter is None:
            if klass:
                out.append((char, change))
            else:
                starter = (char, change)
            continue
        last = unicodedata.combining(marks[-1][0]) if marks else None
        if last is None or last < klass:
            composite = _composite(starter[0], char)
            if composite is not None:
                starter = (composite, starter[1] + change - 1)
                continue
        if klass == 0:
            out += [starter, *marks]
            starter, marks = (char, change), []
        else:
            marks.append((char, change))
    return out + ([starter] if starter is not None else []) + marks


# Hangul syllables compose by arithmetic (Unicode §3.12), not by the table.
_L, _V, _T, _S = 0x1100, 0x1161, 0x11A7, 0xAC00
_V_COUNT, _T_COUNT, _S_COUNT = 21, 28, 11172


def _composite(first: str, second: str) -> str | None:
    """The primary composite of the pair, or None."""
    a, b = ord(first), ord(second)
    if _L <= a < _L + 19 and _V <= b < _V + _V_COUNT:
        return chr(_S + ((a - _L) * _V_COUNT + b - _V) * _T_COUNT)
    if _S <= a < _S + _S_COUNT and (a - _S) % _T_COUNT == 0 and _T < b < _T + _T_COUNT:
        return chr(a + b - _T)
    return _composites().get((first, second))


@cache
def _composites() -> dict[tuple[str, str], str]:
    """Every pair with a primary composite: a canonical decomposition into two characters, and
    not excluded from composition (an excluded character is not its own NFC)."""
    table = {}
    for code in range(sys.maxunicode + 1):
        mapping = unicodedata.decomposition(chr(code))
        if not mapping or mapping.startswith("<"):
            continue
        parts = mapping.split()
        if len(parts) == 2 and unicodedata.normalize("NFC", chr(code)) == chr(code):
            table[chr(int(parts[0], 16)), chr(int(parts[1], 16))] = chr(code)
    return table
