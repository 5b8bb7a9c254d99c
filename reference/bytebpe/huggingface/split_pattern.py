"""A Hugging Face split regex (Oniguruma's Ruby syntax) as a split pattern of spec §2.2.

Hugging Face's ``Split`` pre-tokenizer runs its regex in Oniguruma. Most byte-level models' regexes
(GPT-2's, Llama 3's, Qwen2's, GPT-4o's) mean the same in both languages and are taken as they are.
Where the languages differ bytebpe translates or refuses:

* ``^`` and ``$`` are always line anchors in Ruby: the pattern is read in multi-line mode.
* ``(?m)`` is dot-all in Ruby, ``\\Z`` also matches before a final newline, ``x{1,3}+`` means
  ``(?:x{1,3})+`` and ``x{2}?`` means ``(?:x{2})?``, ``\\h`` is a hex digit, ``\\d`` may be ASCII
  only: these are refused, with a message naming the construct.

Behaviour ``Isolated`` keeps the text between matches as pieces too, where spec §2.4.3 drops it.
A regex that matches at every position (a rule checked on its syntax below) has no such text;
any other regex P becomes ``P|(?:(?!P)[\\s\\S])+``, whose second branch is exactly that text.
"""

from __future__ import annotations

import re

from bytebpe import pattern_language
from bytebpe.huggingface.unsupported import UnsupportedComponent
from bytebpe.pattern_language import ALL, Ranges, complement, normalize
from bytebpe.patterns import PATTERNS, SplitPattern

# The constructs whose Ruby meaning differs from the spec's, found outside classes: escapes
# and groups by their text, possessive or lazy counted repeats by "}" followed by "+" or "?".
_REFUSED = {
    r"\Z": r"\Z (in Ruby also before a final newline; write (?=\n?\z))",
    r"\G": r"\G",
    r"\h": r"\h (a hex digit in Ruby)",
    r"\H": r"\H (a hex digit in Ruby)",
    r"\d": r"\d (ASCII digits in Oniguruma's Ruby syntax; write [0-9] or \p{Nd})",
    r"\D": r"\D (ASCII digits in Oniguruma's Ruby syntax; write [^0-9] or \P{Nd})",
    r"\K": r"\K",
    r"\R": r"\R",
    r"\X": r"\X",
    "(?m": "(?m) (dot-all in Ruby)",
    "(?s": "(?s) (an error in Ruby)",
    "(?x": "(?x) (extended syntax)",
}
_COUNTED_REPEAT_MODE = re.compile(r"\{\d*(?:,\d*)?\}[+?]")


def _outside_classes(regex: str) -> str:
    """``regex`` with the contents of every character class blanked out, escapes kept (their
    braces blanked: the digits of \\x{20} are no repeat count)."""
    out: list[str] = []
    depth, i = 0, 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\" and i + 1 < len(regex):
            # An escape with braces (\x{..}, \p{..}) is one unit: its digits are no repeat count.
            end = i + 2
            if regex[i + 1] in "xupP" and regex[end : end + 1] == "{" and "}" in regex[end:]:
                end = regex.index("}", end) + 1
            out.append(regex[i : i + 2].ljust(end - i) if depth == 0 else " " * (end - i))
            i = end
            continue
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
            out.append(" ")
            i += 1
            continue
        out.append(ch if depth == 0 else " ")
        i += 1
    return "".join(out)


# Hugging Face regexes that split exactly as a named pattern, which the fast core runs with its
# own splitter: Llama 3's is GPT-4's ("[\r\n]+" after "\s*" can only take one character, and the
# possessive forms give back nothing the greedy ones would use). tests/test_huggingface_import.py
# holds each pair to the same pieces.
EQUIVALENT_NAMES = {
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+": "gpt4",
}


def from_oniguruma(regex: str, where: str) -> str:
    """The spec regex that matches what Oniguruma's ``regex`` does (see the module docstring)."""
    bare = _outside_classes(regex)
    for construct, name in _REFUSED.items():
        if construct in bare:
            raise UnsupportedComponent(
                f"{where} uses {name}", "Split regexes whose meaning is the same in Oniguruma and in spec §2.2"
            )
    if _COUNTED_REPEAT_MODE.search(bare):
        raise UnsupportedComponent(
            f"{where} uses a possessive or lazy counted repeat (x{{n,m}}+ or x{{n}}?), which Ruby reads "
            "as a repeat of a repeat",
            "Split regexes whose meaning is the same in Oniguruma and in spec §2.2",
        )
    if regex in EQUIVALENT_NAMES:
        return PATTERNS[EQUIVALENT_NAMES[regex]]
    spec = f"(?m:{regex})" if "^" in bare or "$" in bare else regex
    try:
        pattern_language.parse(spec)
    except ValueError as err:
        raise UnsupportedComponent(f"{where} {regex!r}: {err}", "the split-pattern language of spec §2.2") from None
    return spec


def escape(literal: str) -> str:
    """A spec regex matching exactly ``literal``."""
    return "".join(ch if ch.isascii() and ch.isalnum() else "\\" + ch for ch in literal)


def _union(sets: list[Ranges]) -> Ranges:
    return normalize([run for ranges in sets for run in ranges])


def _always_matches(node: tuple) -> bool:
    """True if ``node`` matches (perhaps something non-empty) wherever it is tried."""
    kind = node[0]
    if kind == "repeat":
        return node[2] == 0 or _always_matches(node[1])
    if kind == "seq":
        return all(_always_matches(item) for item in node[1])
    if kind == "alt":
        return any(_always_matches(branch) for branch in node[1])
    if kind == "group":
        return node[1] in ("plain", "atomic") and _always_matches(node[2])
    return False


def _empty_before(node: tuple) -> Ranges | None:
    """The characters c before which ``node`` can match the empty string and leave c to what
    follows, whatever follows needs: all (None) if it gives back what it takes."""
    kind = node[0]
    if kind == "repeat" and node[2] == 0:
        if node[4] != "possessive":
            return None
        if node[1][0] == "set":
            return complement(node[1][1])
    if kind == "group" and node[1] == "plain":
        return _empty_before(node[2])
    return ()


def _single_chars(node: tuple) -> Ranges:
    """Characters c such that ``node`` matches the one-character string c at any position,
    whatever surrounds it (a subset of them: lookarounds and anchors count for nothing)."""
    kind = node[0]
    if kind == "set":
        return node[1]
    if kind == "alt":
        return _union([_single_chars(branch) for branch in node[1]])
    if kind == "seq":
        items = node[1]
        found = []
        for at, item in enumerate(items):
            if not all(_always_matches(other) for other in items[at + 1 :]):
                continue
            chars = _single_chars(item)
            for other in items[:at]:
                allowed = _empty_before(other)
                if allowed is not None:
                    chars = complement(_union([complement(chars), complement(allowed)]))
            found.append(chars)
        return _union(found)
    if kind == "repeat":
        _, inner, low, high, _mode = node
        return _single_chars(inner) if low <= 1 and (high is None or high >= 1) else ()
    if kind == "group" and node[1] in ("plain", "atomic"):
        return _single_chars(node[2])
    return ()


def matches_everywhere(regex: str) -> bool:
    """True if ``regex`` (a spec regex) never matches the empty string and matches at every
    position of every text, so that no text lies between its matches."""
    tree = pattern_language.parse(regex)
    if pattern_language.nullable(tree):
        return False
    return _single_chars(tree) == ALL


def isolated(regex: str, where: str) -> SplitPattern:
    """The spec pattern whose pieces are Hugging Face's ``Isolated`` split by ``regex``: the
    matches and the text between them."""
    if pattern_language.nullable(pattern_language.parse(regex)):
        raise UnsupportedComponent(
            f"{where} can match the empty string", "Split regexes that match at least one character"
        )
    if matches_everywhere(regex):
        return SplitPattern.of_regex(regex)
    return SplitPattern.of_regex(f"(?:{regex})|(?:(?!(?:{regex}))[\\s\\S])+")
