"""The split-pattern language of spec §2.2-§2.4, compiled for Python's ``regex`` module.

Why this module exists: every regex engine carries the Unicode tables of its own release.
Python's ``regex`` is newer than the Unicode 16.0.0 that the spec pins (and that tiktoken's and
Hugging Face's engines use), so on code points assigned after 16.0.0 a plain
``regex.compile(r"\\p{L}+")`` would split differently from the spec. Instead of trusting any
engine's tables, this module parses the pattern itself and replaces every construct whose meaning
depends on Unicode data (``\\p{..}``, ``\\P{..}``, ``\\s``, ``\\d``, ``.``, case-insensitive
matching, ``^`` and ``$``) with explicit code point sets taken from the pinned table
(``_unicode_data``). The rendered pattern leaves nothing for ``regex`` to look up, so it matches
exactly what the spec says on every Unicode scalar value. The fast core does the same in Rust.

What it deliberately does not do: accept constructs whose meaning differs between engines or
depends on tables the spec does not pin (``\\w``, ``\\b``, POSIX classes, backreferences, the
verbose flag ...). Those raise ValueError saying what to write instead.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import regex

MAX_SCALAR = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)
MAX_REPEAT = 1000
MAX_NESTING = 60

# A code point set is a tuple of disjoint, sorted, non-adjacent (first, last) runs of scalar values.
Ranges = tuple


def normalize(runs: Iterable[tuple[int, int]]) -> Ranges:
    """Sort and merge runs, dropping the surrogates (never part of a str we accept)."""
    out: list[list[int]] = []
    for first, last in sorted(runs):
        for lo, hi in ((first, min(last, SURROGATES[0] - 1)), (max(first, SURROGATES[1] + 1), last)):
            if lo > hi:
                continue
            if out and lo <= out[-1][1] + 1:
                out[-1][1] = max(out[-1][1], hi)
            else:
                out.append([lo, hi])
    return tuple((lo, hi) for lo, hi in out)


def complement(ranges: Ranges) -> Ranges:
    gaps, next_free = [], 0
    for first, last in ranges:
        if first > next_free:
            gaps.append((next_free, first - 1))
        next_free = last + 1
    if next_free <= MAX_SCALAR:
        gaps.append((next_free, MAX_SCALAR))
    return normalize(gaps)


def contains(ranges: Ranges, cp: int) -> bool:
    i = bisect.bisect_right(ranges, (cp, MAX_SCALAR + 1)) - 1
    return i >= 0 and ranges[i][0] <= cp <= ranges[i][1]


def fold_closure(ranges: Ranges) -> Ranges:
    """Add every code point that simple case folding makes equal to a member (spec §2.3)."""
    orbits = unicode_tables().case_orbits
    extra = [(cp, cp) for orbit in orbits if any(contains(ranges, m) for m in orbit) for cp in orbit]
    return normalize(list(ranges) + extra) if extra else ranges


class UnicodeTables(NamedTuple):
    """The sets of spec §2.3, built from the pinned table the first time a pattern needs them."""

    categories: dict[str, Ranges]
    white_space: Ranges
    case_orbits: tuple[tuple[int, ...], ...]


@lru_cache(maxsize=1)
def unicode_tables() -> UnicodeTables:
    # Imported here: loading and expanding the table is most of what importing bytebpe would
    # otherwise cost, and a program that never compiles a pattern in Python never needs it.
    from bytebpe import _unicode_data

    by_category: dict[str, list] = {}
    for first, last, category in _unicode_data.GENERAL_CATEGORY:
        by_category.setdefault(category, []).append((first, last))
    sets = {name: normalize(runs) for name, runs in by_category.items()}
    sets["Cn"] = complement(normalize(r[:2] for r in _unicode_data.GENERAL_CATEGORY))
    for group in "LMNPSZC":
        sets[group] = normalize(
            run for name, runs in sets.items() if name[0] == group and len(name) == 2 for run in runs
        )
    sets["LC"] = normalize(sets["Lu"] + sets["Ll"] + sets["Lt"])
    return UnicodeTables(sets, normalize(_unicode_data.WHITE_SPACE), _unicode_data.CASE_ORBITS)


CATEGORY_ALIASES = {
    "Letter": "L", "Cased_Letter": "LC", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll",
    "Titlecase_Letter": "Lt", "Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M",
    "Nonspacing_Mark": "Mn", "Spacing_Mark": "Mc", "Enclosing_Mark": "Me", "Number": "N",
    "Decimal_Number": "Nd", "Letter_Number": "Nl", "Other_Number": "No", "Punctuation": "P",
    "Connector_Punctuation": "Pc", "Dash_Punctuation": "Pd", "Open_Punctuation": "Ps",
    "Close_Punctuation": "Pe", "Initial_Punctuation": "Pi", "Final_Punctuation": "Pf",
    "Other_Punctuation": "Po", "Symbol": "S", "Math_Symbol": "Sm", "Currency_Symbol": "Sc",
    "Modifier_Symbol": "Sk", "Other_Symbol": "So", "Separator": "Z", "Space_Separator": "Zs",
    "Line_Separator": "Zl", "Paragraph_Separator": "Zp", "Other": "C", "Control": "Cc",
    "Format": "Cf", "Surrogate": "Cs", "Private_Use": "Co", "Unassigned": "Cn",
}  # fmt: skip
ALL = normalize([(0, MAX_SCALAR)])
NOT_NEWLINE = complement(normalize([(0x0A, 0x0A)]))

# The abstract syntax: ("set", ranges) | ("seq", [node]) | ("alt", [node])
# | ("repeat", node, min, max_or_None, "greedy" | "lazy" | "possessive")
# | ("group", "plain" | "atomic" | "ahead" | "not_ahead" | "behind" | "not_behind", node)
# | ("assert", "text_start" | "text_end" | "line_start" | "line_end")

# What follows "(?" for each kind of group; lookbehinds before "<name>" groups are told apart.
GROUP_PREFIXES = (
    (":", "plain"),
    (">", "atomic"),
    ("=", "ahead"),
    ("!", "not_ahead"),
    ("<=", "behind"),
    ("<!", "not_behind"),
)
LITERAL_ESCAPES = {"t": 0x09, "n": 0x0A, "v": 0x0B, "f": 0x0C, "r": 0x0D, "a": 0x07}
UNSUPPORTED_ESCAPES = {
    "w": r"\w depends on Unicode word tables the spec does not pin; write a class such as [\p{L}\p{N}_]",
    "W": r"\W depends on Unicode word tables the spec does not pin; write a class such as [^\p{L}\p{N}_]",
    "b": r"\b depends on Unicode word tables the spec does not pin; use lookarounds over explicit classes",
    "B": r"\B depends on Unicode word tables the spec does not pin; use lookarounds over explicit classes",
    "k": "backreferences are not supported in split patterns",
}


class _Parser:
    """Recursive descent over the grammar of spec §2.2, building the syntax tree above."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.pos = 0
        self.depth = 0

    def fail(self, message: str, at: int | None = None) -> ValueError:
        at = self.pos if at is None else at
        return ValueError(f"invalid split pattern: {message} at position {at} in {self.pattern!r}")

    def peek(self, n: int = 1) -> str:
        return self.pattern[self.pos : self.pos + n]

    def take(self) -> str:
        if self.pos >= len(self.pattern):
            raise self.fail("unexpected end of pattern")
        ch = self.pattern[self.pos]
        self.pos += 1
        return ch

    def parse(self) -> tuple:
        node = self.alternation({"i": False, "m": False, "s": False})
        if self.pos < len(self.pattern):
            raise self.fail("unbalanced ')'")
        return node

    def alternation(self, flags: dict) -> tuple:
        # Flags set by (?i) inside a group hold until the group closes, across '|' too.
        branches = [self.concat(flags)]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.concat(flags))
        return branches[0] if len(branches) == 1 else ("alt", branches)

    def concat(self, flags: dict) -> tuple:
        items: list[tuple] = []
        while self.pos < len(self.pattern) and self.peek() not in "|)":
            atom = self.atom(flags)
            if atom is not None:
                items.append(self.quantified(atom))
        return items[0] if len(items) == 1 else ("seq", items)

    def atom(self, flags: dict) -> tuple | None:
        start = self.pos
        ch = self.take()
        if ch == "(":
            return self.group(flags)
        if ch == "[":
            return ("set", self.char_class(flags))
        if ch == "\\":
            return self.escape(flags)
        if ch == ".":
            return ("set", ALL if flags["s"] else NOT_NEWLINE)
        if ch == "^":
            return ("assert", "line_start" if flags["m"] else "text_start")
        if ch == "$":
            return ("assert", "line_end" if flags["m"] else "text_end")
        if ch in "*+?{":
            raise self.fail(f"nothing to repeat before '{ch}'", start)
        return self.literal(ord(ch), flags)

    def literal(self, cp: int, flags: dict) -> tuple:
        ranges = normalize([(cp, cp)])
        return ("set", fold_closure(ranges) if flags["i"] else ranges)

    def quantified(self, atom: tuple) -> tuple:
        start = self.pos
        bounds = self.quantifier()
        if bounds is None:
            return atom
        if nullable(atom):
            raise self.fail(
                "the target of a quantifier must not match the empty string (engines disagree on empty iterations)",
                start,
            )
        mode = "greedy"
        if self.peek() == "?":
            self.pos, mode = self.pos + 1, "lazy"
        elif self.peek() == "+":
            self.pos, mode = self.pos + 1, "possessive"
        if self.peek() and self.peek() in "*+?{":
            raise self.fail("multiple repeat")
        return ("repeat", atom, bounds[0], bounds[1], mode)

    def quantifier(self) -> tuple[int, int | None] | None:
        ch = self.peek()
        if ch and ch in "*+?":
            self.pos += 1
            return {"*": (0, None), "+": (1, None), "?": (0, 1)}[ch]
        if ch != "{":
            return None
        start = self.pos
        end = self.pattern.find("}", start)
        body = self.pattern[start + 1 : end] if end > 0 else ""
        low, comma, high = body.partition(",")
        if end < 0 or not (low or comma) or not all(part.isdigit() and part.isascii() for part in (low, high) if part):
            raise self.fail("'{' must open a repetition {n}, {n,}, {n,m} or {,m}; write \\{ for a literal brace", start)
        low_n = int(low) if low else 0
        high_n = (int(high) if high else None) if comma else low_n
        if max(low_n, high_n or 0) > MAX_REPEAT:
            raise self.fail(f"repetition bounds above {MAX_REPEAT} are not supported", start)
        if high_n is not None and high_n < low_n:
            raise self.fail("repetition {n,m} needs n <= m", start)
        self.pos = end + 1
        return low_n, high_n

    def group(self, flags: dict) -> tuple | None:
        start = self.pos - 1
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(f"groups nest deeper than {MAX_NESTING}", start)
        kind = "plain"
        if self.peek() == "?":
            self.pos += 1
            for prefix, name in GROUP_PREFIXES:
                if self.pattern.startswith(prefix, self.pos):
                    self.pos += len(prefix)
                    kind = name
                    break
            else:
                if self.peek() in ("P", "<"):
                    self.group_name(start)
                else:
                    inner_flags = self.flag_change(dict(flags), start)
                    if self.take() == ")":  # (?i) changes the flags of the rest of the enclosing group
                        flags.update(inner_flags)
                        self.depth -= 1
                        return None
                    return self.close_group("plain", inner_flags, start)
        return self.close_group(kind, dict(flags), start)

    def group_name(self, start: int) -> None:
        if self.peek() == "P":
            self.pos += 1
            if self.peek() != "<":
                raise self.fail("backreferences and recursion are not supported in split patterns", start)
        self.pos += 1
        end = self.pattern.find(">", self.pos)
        name = self.pattern[self.pos : end] if end > 0 else ""
        if not (name.isidentifier() and name.isascii()):
            raise self.fail("a group name must be an ASCII identifier", self.pos)
        self.pos = end + 1

    def flag_change(self, flags: dict, start: int) -> dict:
        on = True
        while self.peek() not in (":", ")"):
            ch = self.take()
            if ch == "-" and on:
                on = False
            elif ch in flags:
                flags[ch] = on
            else:
                raise self.fail(f"unknown flag {ch!r} (supported: i, m, s)", self.pos - 1)
        return flags

    def close_group(self, kind: str, flags: dict, start: int) -> tuple:
        body = self.alternation(flags)
        if self.peek() != ")":
            raise self.fail("missing ')'", start)
        self.pos += 1
        self.depth -= 1
        if kind in ("behind", "not_behind") and fixed_length(body) is None:
            raise self.fail("a lookbehind must match a fixed number of characters", start)
        return ("group", kind, body)

    def escape(self, flags: dict) -> tuple:
        start = self.pos - 1
        cls = self.class_escape(flags)
        if cls is not None:
            return ("set", cls)
        ch = self.peek()
        if ch == "A":
            self.pos += 1
            return ("assert", "text_start")
        if ch in ("z", "Z"):
            self.pos += 1
            return ("assert", "text_end")
        return self.literal(self.escaped_char(start), flags)

    def class_escape(self, flags: dict) -> Ranges | None:
        """\\p{..} \\P{..} \\s \\S \\d \\D as a set (case-folded under (?i)), or None if not one."""
        ch = self.peek()
        if ch in ("p", "P"):
            self.pos += 1
            base = self.property_set()
        elif ch in ("s", "S"):
            self.pos += 1
            base = unicode_tables().white_space
        elif ch in ("d", "D"):
            self.pos += 1
            base = unicode_tables().categories["Nd"]
        else:
            return None
        if flags["i"]:
            base = fold_closure(base)
        return complement(base) if ch.isupper() else base

    def property_set(self) -> Ranges:
        start = self.pos
        if self.peek() == "{":
            end = self.pattern.find("}", start)
            if end < 0:
                raise self.fail("missing '}' after \\p{", start)
            name, self.pos = self.pattern[start + 1 : end], end + 1
        else:
            name = self.take()
        name = CATEGORY_ALIASES.get(name, name)
        categories = unicode_tables().categories
        if name not in categories:
            raise self.fail(
                f"unknown Unicode property {name!r}: the spec pins General_Category only "
                "(L, Lu, Ll, Lt, Lm, Lo, LC, M, Mn, Mc, Me, N, Nd, Nl, No, P.., S.., Z.., C.. or their long names)",
                start,
            )
        return categories[name]

    def escaped_char(self, start: int) -> int:
        ch = self.take()
        if ch in LITERAL_ESCAPES:
            return LITERAL_ESCAPES[ch]
        if ch in UNSUPPORTED_ESCAPES:
            raise self.fail(UNSUPPORTED_ESCAPES[ch], start)
        if ch in ("x", "u", "U"):
            return self.hex_escape(ch, start)
        if ch.isascii() and ch.isdigit():
            raise self.fail("backreferences and octal escapes are not supported in split patterns", start)
        if ch.isascii() and ch.isalnum():
            raise self.fail(f"unknown escape \\{ch}", start)
        return ord(ch)

    def hex_escape(self, kind: str, start: int) -> int:
        if self.peek() == "{":
            end = self.pattern.find("}", self.pos)
            digits = self.pattern[self.pos + 1 : end] if end > 0 else ""
            self.pos = end + 1 if end > 0 else self.pos
        else:
            width = {"x": 2, "u": 4, "U": 8}[kind]
            digits = self.pattern[self.pos : self.pos + width]
            self.pos += width
            if len(digits) != width:
                digits = ""
        cp = int(digits, 16) if digits and all(c in "0123456789abcdefABCDEF" for c in digits) else -1
        if not 0 <= cp <= MAX_SCALAR or SURROGATES[0] <= cp <= SURROGATES[1]:
            raise self.fail(f"\\{kind} must name a Unicode scalar value in hex", start)
        return cp

    def char_class(self, flags: dict) -> Ranges:
        start = self.pos - 1
        negated = self.peek() == "^"
        self.pos += negated
        runs: list[tuple[int, int]] = []
        first = True
        while first or self.peek() != "]":
            if self.pos >= len(self.pattern):
                raise self.fail("missing ']'", start)
            if self.peek() == "[":
                raise self.fail("'[' inside a class must be escaped (nested and POSIX classes are not supported)")
            if self.peek(2) in ("&&", "~~", "--"):
                raise self.fail(f"{self.peek(2)!r} inside a class is ambiguous between engines; escape it")
            first = False
            item_start = self.pos
            if self.peek() == "\\":
                self.pos += 1
                cls = self.class_escape(flags)
                if cls is not None:
                    runs.extend(cls)
                    continue
                if self.peek() in ("A", "z", "Z"):
                    raise self.fail("an assertion cannot stand in a class", item_start)
                lo = self.escaped_char(item_start)
            else:
                lo = ord(self.take())
            if self.peek() == "-" and self.peek(2) != "-]" and self.pos + 1 < len(self.pattern):
                self.pos += 1
                hi_start = self.pos
                if self.peek() == "\\":
                    self.pos += 1
                    if self.peek() in ("p", "P", "s", "S", "d", "D"):
                        raise self.fail("a class escape cannot end a range", hi_start)
                    hi = self.escaped_char(hi_start)
                else:
                    hi = ord(self.take())
                if hi < lo:
                    raise self.fail("a range must not run backwards", item_start)
                runs.append((lo, hi))
            else:
                runs.append((lo, lo))
        self.pos += 1
        ranges = normalize(runs)
        if flags["i"]:
            ranges = fold_closure(ranges)
        return complement(ranges) if negated else ranges


def nullable(node: tuple) -> bool:
    """True if ``node`` can match the empty string (assertions and lookarounds always do)."""
    kind = node[0]
    if kind == "set":
        return False
    if kind == "seq":
        return all(nullable(item) for item in node[1])
    if kind == "alt":
        return any(nullable(branch) for branch in node[1])
    if kind == "repeat":
        return node[2] == 0 or nullable(node[1])
    if kind == "group":
        return node[1] not in ("plain", "atomic") or nullable(node[2])
    return True


def fixed_length(node: tuple) -> int | None:
    """The number of characters every match of ``node`` has, or None if it varies (spec §2.2)."""
    kind = node[0]
    if kind == "set":
        return 1
    if kind == "assert":
        return 0
    if kind == "seq":
        lengths = [fixed_length(item) for item in node[1]]
        return None if None in lengths else sum(lengths)
    if kind == "alt":
        lengths = {fixed_length(branch) for branch in node[1]}
        return lengths.pop() if len(lengths) == 1 and None not in lengths else None
    if kind == "repeat":
        inner = fixed_length(node[1])
        return inner * node[2] if inner is not None and node[2] == node[3] else None
    return 0 if node[1] != "plain" and node[1] != "atomic" else fixed_length(node[2])


def parse(pattern: str) -> tuple:
    """Parse a split pattern into the syntax tree, with every Unicode lookup already resolved.

    A pattern holding a surrogate code point gets the ValueError of a text (§1.1): it could only
    match text that no valid text holds.
    """
    try:
        pattern.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(
            f"pattern holds the surrogate code point U+{ord(pattern[err.start]):04X} at index {err.start}; "
            "texts must be valid Unicode"
        ) from None
    return _Parser(pattern).parse()


def _char(cp: int) -> str:
    ch = chr(cp)
    if ch.isascii() and ch.isalnum():
        return ch
    return f"\\x{cp:02x}" if cp < 0x100 else (f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}")


def _render_set(ranges: Ranges) -> str:
    if not ranges:
        return r"[^\x00-\U0010ffff]"
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _char(ranges[0][0])
    body = "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges)
    return f"[{body}]"


GROUP_OPENERS = {kind: f"(?{prefix}" for prefix, kind in GROUP_PREFIXES}
# Line anchors as lookarounds, so that no engine's multi-line rules come into play.
ASSERTIONS = {"text_start": r"\A", "text_end": r"\Z", "line_start": r"(?<![^\n])", "line_end": r"(?![^\n])"}
REPEAT_MODES = {"greedy": "", "lazy": "?", "possessive": "+"}


def render(node: tuple) -> str:
    """Render the syntax tree as a ``regex`` pattern with no Unicode-dependent construct left."""
    kind = node[0]
    if kind == "set":
        return _render_set(node[1])
    if kind == "seq":
        return "".join(f"(?:{render(item)})" if item[0] == "alt" else render(item) for item in node[1])
    if kind == "alt":
        return "|".join(render(branch) for branch in node[1])
    if kind == "group":
        return GROUP_OPENERS[node[1]] + render(node[2]) + ")"
    if kind == "assert":
        return ASSERTIONS[node[1]]
    _, inner, low, high, mode = node
    body = render(inner) if inner[0] in ("set", "group") else f"(?:{render(inner)})"
    bounds = {(0, None): "*", (1, None): "+", (0, 1): "?"}.get((low, high))
    if bounds is None:
        bounds = f"{{{low}}}" if low == high else f"{{{low},{'' if high is None else high}}}"
    return body + bounds + REPEAT_MODES[mode]


@lru_cache(maxsize=64)
def compile_pattern(pattern: str) -> regex.Pattern:
    """Compile a split pattern (the regex itself, not a name) so that it follows spec §2."""
    return regex.compile(render(parse(pattern)), flags=regex.VERSION0)
