r"""A split pattern of spec §2.2 rendered for Oniguruma, Hugging Face's regex engine.

Oniguruma reads Ruby syntax, where ``\p{N}{1,3}+`` (cl100k) means ``(?:\p{N}{1,3})+``, ``{2}?``
is not lazy, ``^`` and ``$`` always match at line breaks, ``\Z`` also before a final newline, and
``(?s)`` is an error. :func:`oniguruma_pattern` therefore renders the pattern from bytebpe's own
parse (spec §2.2-§2.3), not from its text: possessive repeats become atomic groups, anchors the
Ruby forms that mean the spec's, and every set (already resolved against the pinned Unicode
16.0.0 table, case folding included) is written back in one of two ways.

* **Readable** (the default): as General_Category classes where they fit, ``[^\r\n\p{L}\p{N}…]``.
  Oniguruma looks those up in its own tables, and Hugging Face builds differ: tokenizers 0.19-0.21
  carry Unicode 14.0.0, 0.22 on carry 16.0.0. A class is used only where no Unicode version from
  14.0.0 to 16.0.0 puts a code point into it that the spec's set lacks (``\p{Cn}`` holds, in
  14.0.0, the letters assigned since), and the code points some version leaves out
  (letters assigned after 14.0.0, for ``\p{L}``) follow as explicit ranges. The result splits
  exactly as the spec on every one of those engines: 2,280 characters for GPT-4's 109-character
  pattern. The tables of the older versions are ``_oniguruma_unicode.py``.
* **Explicit** (``unicode_classes=False``): every set as code point ranges, which no engine's
  tables can change (36,027 characters for GPT-4's pattern).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from bytebpe import pattern_language
from bytebpe.huggingface import _oniguruma_unicode
from bytebpe.pattern_language import Ranges, complement, normalize, unicode_tables
from bytebpe.patterns import SplitPattern

__all__ = ["oniguruma_pattern"]

# Printable characters with no meaning in either language, inside a class or outside one.
_PLAIN = frozenset(" '\",/:;_@%")
_ESCAPES = {0x09: r"\t", 0x0A: r"\n", 0x0D: r"\r"}


def _char(cp: int) -> str:
    # Everything else is escaped, so that no character can mean something in Ruby's syntax
    # (&& in a class, for one) that it does not mean in the spec's.
    char = chr(cp)
    if (char.isascii() and char.isalnum()) or char in _PLAIN:
        return char
    return _ESCAPES.get(cp, f"\\x{{{cp:x}}}")


def _runs(ranges: Ranges) -> str:
    return "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges)


def _explicit_set(ranges: Ranges) -> str:
    if not ranges:
        return "(?:(?!)[\\x{0}-\\x{10ffff}])"  # matches nothing, yet can be repeated
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _char(ranges[0][0])
    return f"[{_runs(ranges)}]"


# ---------------------------------------------------------------------------------------------
# Sets as Unicode classes.


def _union(*sets: Ranges) -> Ranges:
    return normalize(run for ranges in sets for run in ranges)


def _difference(a: Ranges, b: Ranges) -> Ranges:
    """The runs of ``a`` minus those of ``b``, in one sweep over both."""
    out: list[tuple[int, int]] = []
    j = 0
    for lo, hi in a:
        while j < len(b) and b[j][1] < lo:
            j += 1
        k, start = j, lo
        while k < len(b) and b[k][0] <= hi:
            if b[k][0] > start:
                out.append((start, b[k][0] - 1))
            start = max(start, b[k][1] + 1)
            k += 1
        if start <= hi:
            out.append((start, hi))
    return tuple(out)


def _intersection(a: Ranges, b: Ranges) -> Ranges:
    return _difference(a, _difference(a, b))


class _Class(NamedTuple):
    """A class escape and what it matches in the engines: in every one, and in at least one."""

    text: str
    negated_text: str
    everywhere: Ranges
    anywhere: Ranges


def _members(categories: frozenset[str], version: str) -> Ranges:
    """The code points whose General_Category in ``version`` is one of ``categories``."""
    pinned = unicode_tables().categories
    now = _union(*(pinned[name] for name in categories))
    changed = _oniguruma_unicode.CHANGED.get(version, ())
    then = normalize((first, last) for first, last, category in changed if category in categories)
    return _union(_difference(now, normalize((first, last) for first, last, _ in changed)), then)


@lru_cache(maxsize=1)
def _classes() -> tuple[_Class, ...]:
    """Every class the readable form may use, the widest first."""
    names = unicode_tables().categories
    two_letter = sorted(name for name in names if len(name) == 2 and name != "LC")
    by_name = {group: frozenset(n for n in two_letter if n[0] == group) for group in "LMNPSZC"}
    by_name["LC"] = frozenset({"Lu", "Ll", "Lt"})
    by_name.update({name: frozenset({name}) for name in two_letter})
    from bytebpe._unicode_data import UNICODE_VERSION  # imported late, as pattern_language does

    versions = (*_oniguruma_unicode.CHANGED, UNICODE_VERSION)
    white_space = unicode_tables().white_space  # the same since Unicode 6.3
    classes = [_Class(r"\s", r"\S", white_space, white_space)]
    for name, categories in by_name.items():
        members = [_members(categories, version) for version in versions]
        everywhere, anywhere = members[0], members[0]
        for other in members[1:]:
            everywhere, anywhere = _intersection(everywhere, other), _union(anywhere, other)
        classes.append(_Class(f"\\p{{{name}}}", f"\\P{{{name}}}", everywhere, anywhere))
    return tuple(classes)


def _with_classes(target: Ranges, negated: bool) -> str | None:
    """``target`` (or, if ``negated``, its complement) written with class escapes, or None."""
    chosen: list[_Class] = []
    covered: Ranges = ()
    for item in _classes():
        if item.everywhere and not _difference(item.anywhere, target) and _difference(item.everywhere, covered):
            chosen.append(item)
            covered = _union(covered, item.everywhere)
    if not chosen:
        return None
    rest = _difference(target, covered)
    if not rest and len(chosen) == 1:
        return chosen[0].negated_text if negated else chosen[0].text
    # Characters below U+0100 read best where the pattern's author put them: first.
    low = tuple(run for run in rest if run[0] < 0x100)
    high = tuple(run for run in rest if run[0] >= 0x100)
    body = _runs(low) + "".join(item.text for item in chosen) + _runs(high)
    return f"[^{body}]" if negated else f"[{body}]"


@lru_cache(maxsize=256)
def _render_set(ranges: Ranges, unicode_classes: bool) -> str:
    explicit = _explicit_set(ranges)
    if not unicode_classes or not ranges:
        return explicit
    forms = [explicit, _with_classes(ranges, negated=False), _with_classes(complement(ranges), negated=True)]
    return min((form for form in forms if form is not None), key=len)


# ---------------------------------------------------------------------------------------------
# The rest of the syntax.

_GROUP_OPENERS = {
    "plain": "(?:",
    "atomic": "(?>",
    "ahead": "(?=",
    "not_ahead": "(?!",
    "behind": "(?<=",
    "not_behind": "(?<!",
}
# In Oniguruma's (Ruby) syntax ^ and $ always work at line boundaries, which is exactly the spec's
# multi-line ^ and $ (§2.2 rule 3, without \r). \z is the end of the text; Ruby's \Z is not.
_ASSERTIONS = {"text_start": r"\A", "text_end": r"\z", "line_start": "^", "line_end": "$"}


def _render(node: tuple, unicode_classes: bool, in_lookbehind: bool = False) -> str:
    kind = node[0]
    if kind == "set":
        return _render_set(node[1], unicode_classes)
    if kind == "seq":
        return "".join(
            f"(?:{_render(item, unicode_classes, in_lookbehind)})"
            if item[0] == "alt"
            else _render(item, unicode_classes, in_lookbehind)
            for item in node[1]
        )
    if kind == "alt":
        return "|".join(_render(branch, unicode_classes, in_lookbehind) for branch in node[1])
    if kind == "group":
        group_kind = node[1]
        if in_lookbehind and group_kind in ("ahead", "not_ahead"):
            raise ValueError("Oniguruma (Hugging Face's regex engine) rejects a lookahead inside a lookbehind")
        behind = in_lookbehind or group_kind in ("behind", "not_behind")
        return _GROUP_OPENERS[group_kind] + _render(node[2], unicode_classes, behind) + ")"
    if kind == "assert":
        if in_lookbehind and node[1] == "text_end":
            raise ValueError(
                "Oniguruma (Hugging Face's regex engine) rejects an end-of-text anchor inside a lookbehind"
            )
        return _ASSERTIONS[node[1]]
    _, inner, low, high, mode = node
    body = _render(inner, unicode_classes, in_lookbehind)
    if inner[0] not in ("set", "group"):
        body = f"(?:{body})"
    if low == high:
        # Ruby reads x{n}? as (?:x{n})?, not as a lazy x{n}; a lazy fixed count is just x{n}.
        return f"(?>{body}{{{low}}})" if mode == "possessive" else f"{body}{{{low}}}"
    bounds = {(0, None): "*", (1, None): "+", (0, 1): "?"}.get((low, high))
    if bounds is None:
        bounds = f"{{{low},{'' if high is None else high}}}"
    if mode == "lazy":
        return f"{body}{bounds}?"
    # A possessive quantifier is by definition an atomic group around the greedy one; Ruby reads
    # x{1,3}+ as (?:x{1,3})+, so every possessive form is written as the atomic group.
    return f"(?>{body}{bounds})" if mode == "possessive" else body + bounds


def oniguruma_pattern(pattern: str | SplitPattern, *, unicode_classes: bool = True) -> str:
    """``pattern`` (a name from bytebpe.PATTERNS or a regex of spec §2.2) as an Oniguruma regex
    that matches what the spec's pattern matches on every text.

    With ``unicode_classes`` (the default) sets are written as General_Category classes plus the
    code points that Oniguruma builds from Unicode 14.0.0 to 16.0.0 (every tokenizers release
    from 0.19 on) classify otherwise; without, as explicit code point ranges, exact whatever
    tables an engine carries. Either way the result is also a pattern of spec §2.2 with the same
    meaning. Raises ValueError for a pattern outside the language, and for the two constructs
    Oniguruma cannot run inside a lookbehind (a lookahead and ``\\z``/``$`` as end of text).
    """
    return _render(pattern_language.parse(SplitPattern.of(pattern).regex), unicode_classes)
