"""A Hugging Face ``Split`` step as it cuts one piece: the matches of its regex and the text
between them, each marked as a match or not (the marks swapped by ``invert``), then joined or
dropped by its ``behavior``:

* ``Removed``: the matches are dropped, the text between them kept;
* ``Isolated``: every match and every stretch between matches is a piece;
* ``MergedWithPrevious``: a match joins the piece before it, unless that piece is a match;
* ``MergedWithNext``: a match joins the piece after it, unless that piece is a match;
* ``Contiguous``: neighbours of the same mark are joined.

Empty pieces are never kept. The regex is a spec regex (split_pattern.py translates Hugging
Face's), matched as spec §2.4 matches a pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from bytebpe import reference
from bytebpe.patterns import SplitPattern

BEHAVIORS = ("Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous")

# (start, end, is_match) of one stretch of a piece.
Stretch = tuple[int, int, bool]


def _merged(stretches: list[Stretch]) -> list[Stretch]:
    """``MergedWithPrevious``: each match joined to the stretch before it if that is no match."""
    out: list[Stretch] = []
    previous_is_match = False
    for start, end, is_match in stretches:
        if is_match and not previous_is_match and out:
            out[-1] = (out[-1][0], end, False)
        else:
            out.append((start, end, is_match))
        previous_is_match = is_match
    return out


def _contiguous(stretches: list[Stretch]) -> list[Stretch]:
    out: list[Stretch] = []
    for start, end, is_match in stretches:
        if out and out[-1][2] == is_match:
            out[-1] = (out[-1][0], end, is_match)
        else:
            out.append((start, end, is_match))
    return out


@dataclass(frozen=True)
class PreSplit:
    """One ``Split`` step: a spec ``regex``, a behaviour from BEHAVIORS, and ``invert``. The
    default, ``Removed`` with ``invert``, keeps only the matches: spec §2.4's split."""

    regex: str
    behavior: str = "Removed"
    invert: bool = True

    def __post_init__(self) -> None:
        if self.behavior not in BEHAVIORS:
            raise ValueError(f"a Split behavior must be one of {', '.join(BEHAVIORS)}, not {self.behavior!r}")

    @property
    def keeps_only_matches(self) -> bool:
        """True for ``Removed`` with ``invert``: the pieces are spec §2.4's pieces of the regex."""
        return self.behavior == "Removed" and self.invert

    @cached_property
    def _pattern(self) -> SplitPattern:
        return SplitPattern.of_regex(self.regex)

    def stretches(self, text: str) -> list[Stretch]:
        """Every match and every stretch between matches of ``text``, in order, each marked as a
        match (after ``invert``)."""
        out: list[Stretch] = []
        at = 0
        for start, end in reference.piece_spans(text, self._pattern):
            if start > at:
                out.append((at, start, self.invert))
            out.append((start, end, not self.invert))
            at = end
        if at < len(text):
            out.append((at, len(text), self.invert))
        return out

    def pieces(self, text: str) -> list[str]:
        """The non-empty pieces this step cuts ``text`` into."""
        return [text[start:end] for start, end in self.piece_spans(text)]

    def piece_spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of each of :meth:`pieces` in ``text``."""
        stretches = self.stretches(text)
        if self.behavior == "Removed":
            stretches = [stretch for stretch in stretches if not stretch[2]]
        elif self.behavior == "MergedWithPrevious":
            stretches = _merged(stretches)
        elif self.behavior == "MergedWithNext":
            # The mirror image: merge from the end, so a match joins the stretch after it.
            mirrored = _merged([(-end, -start, is_match) for start, end, is_match in reversed(stretches)])
            stretches = [(-end, -start, is_match) for start, end, is_match in reversed(mirrored)]
        elif self.behavior == "Contiguous":
            stretches = _contiguous(stretches)
        return [(start, end) for start, end, _ in stretches if end > start]

    def to_json(self, render_regex: str) -> dict[str, object]:
        """The step as ``tokenizer.json`` writes it, with ``render_regex`` (this regex in Oniguruma's
        syntax) as its pattern."""
        return {"type": "Split", "pattern": {"Regex": render_regex}, "behavior": self.behavior, "invert": self.invert}
