"""Which tokens no text can ever produce (spec §6.7), decided exactly.

Two conditions, each sufficient: a token's bytes occur in no UTF-8 text (:func:`whole_characters`
returns None), or the characters its bytes hold whole occur in no match of the split pattern with
its lookarounds and anchors relaxed (:class:`PieceFactors`). The second runs the pattern's syntax
tree (``bytebpe.pattern_language.parse``) as a non-deterministic automaton from every state at
once, determinized lazily, so a vocabulary of 200,000 tokens takes a second or two.
"""

from __future__ import annotations

import codecs
from functools import lru_cache

from bytebpe.pattern_language import Ranges, contains, parse

_CONTINUATION = range(0x80, 0xC0)


def whole_characters(token: bytes) -> str | None:
    """The characters that ``token``'s bytes hold whole, or None if no UTF-8 text holds those bytes.

    Up to three leading continuation bytes (the end of a character) and one incomplete final
    character are allowed; they are left out of the characters returned.
    """
    start = 0
    while start < len(token) and token[start] in _CONTINUATION:
        start += 1
    if start > 3:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(token[start:], final=False)
    except UnicodeDecodeError:
        return None
    pending = decoder.getstate()[0]
    if len(pending) >= 2:
        # The byte after a lead byte is the only one with a range of its own (E0, ED, F0, F4), and
        # it is here: the character can be completed iff plain continuation bytes complete it.
        needed = {0xE: 3, 0xF: 4}.get(pending[0] >> 4, 2) - len(pending)
        try:
            (pending + b"\x80" * needed).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return text


@lru_cache(maxsize=16)
def piece_factors(pattern: str) -> PieceFactors:
    """The :class:`PieceFactors` of ``pattern``, built once per pattern."""
    return PieceFactors(pattern)


class PieceFactors:
    """Whether a string occurs inside some match of a split pattern whose lookarounds and anchors
    all match the empty string: a superset of the pieces the pattern emits (spec §2.4)."""

    def __init__(self, pattern: str) -> None:
        """The automaton of ``pattern`` (a regex of spec §2.2), trimmed to its useful states."""
        self._edges: list[list[tuple[Ranges, int]]] = []
        self._empty: list[list[int]] = []
        start, accept = self._state(), self._state()
        self._build(parse(pattern), start, accept)
        useful = self._reachable([start], forward=True) & self._reachable([accept], forward=False)
        self._useful = frozenset(useful)
        self._start = self._closure(useful)
        self._steps: dict[tuple[frozenset[int], int], frozenset[int]] = {}

    def holds(self, text: str) -> bool:
        """True if ``text`` is a substring of some string the relaxed pattern matches."""
        states = self._start
        for char in text:
            key = (states, ord(char))
            following = self._steps.get(key)
            if following is None:
                following = self._step(states, ord(char))
                self._steps[key] = following
            if not following:
                return False
            states = following
        return True

    # -- the automaton ----------------------------------------------------------------------

    def _state(self) -> int:
        self._edges.append([])
        self._empty.append([])
        return len(self._edges) - 1

    def _build(self, node: tuple, start: int, end: int) -> None:
        kind = node[0]
        if kind == "set":
            self._edges[start].append((node[1], end))
        elif kind == "seq":
            here = start
            for item in node[1]:
                after = self._state()
                self._build(item, here, after)
                here = after
            self._empty[here].append(end)
        elif kind == "alt":
            for branch in node[1]:
                self._build(branch, start, end)
        elif kind == "repeat":
            self._build_repeat(node[1], node[2], node[3], start, end)
        elif kind == "group" and node[1] in ("plain", "atomic"):
            self._build(node[2], start, end)
        else:  # lookarounds and anchors, relaxed to the empty string
            self._empty[start].append(end)

    def _build_repeat(self, inner: tuple, low: int, high: int | None, start: int, end: int) -> None:
        here = start
        for _ in range(low):
            after = self._state()
            self._build(inner, here, after)
            here = after
        if high is None:
            loop = self._state()
            self._empty[here].append(loop)
            self._build(inner, loop, loop)
            self._empty[loop].append(end)
            return
        for _ in range(high - low):
            after = self._state()
            self._empty[here].append(end)
            self._build(inner, here, after)
            here = after
        self._empty[here].append(end)

    def _reachable(self, seeds: list[int], *, forward: bool) -> set[int]:
        successors: list[list[int]] = [[] for _ in self._edges]
        for state, (edges, empty) in enumerate(zip(self._edges, self._empty, strict=True)):
            targets = [target for ranges, target in edges if ranges] + empty
            for target in targets:
                if forward:
                    successors[state].append(target)
                else:
                    successors[target].append(state)
        seen, todo = set(seeds), list(seeds)
        while todo:
            for following in successors[todo.pop()]:
                if following not in seen:
                    seen.add(following)
                    todo.append(following)
        return seen

    def _closure(self, states: set[int] | frozenset[int]) -> frozenset[int]:
        seen, todo = set(states), list(states)
        while todo:
            for following in self._empty[todo.pop()]:
                if following not in seen and following in self._useful:
                    seen.add(following)
                    todo.append(following)
        return frozenset(seen)

    def _step(self, states: frozenset[int], code_point: int) -> frozenset[int]:
        following = {
            target
            for state in states
            for ranges, target in self._edges[state]
            if target in self._useful and contains(ranges, code_point)
        }
        return self._closure(following)
