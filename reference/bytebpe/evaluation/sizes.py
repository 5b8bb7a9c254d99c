"""Every vocabulary size from one training: the compression curve of a tokenizer's truncations (spec §5.5)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bytebpe.evaluation.compression import Evaluation, evaluate
from bytebpe.evaluation.opening import open_tokenizer


@dataclass(frozen=True)
class SizeCurve:
    """The evaluation of one tokenizer truncated to each of ``sizes`` (each named by its size).

    The baseline is the largest size, so each smaller one reads as how many more tokens it needs.
    """

    sizes: list[int]
    evaluation: Evaluation

    def bytes_per_token(self, row: str, size: int) -> float:
        """Bytes per token of the vocabulary of ``size`` on the group ``row``."""
        return self.evaluation.scores[row][str(size)].bytes_per_token or 0.0

    def knee(self, row: str) -> int | None:
        """The size past which growing the vocabulary gains least: the point of the curve of bytes per
        token against log2(size), both scaled to [0, 1], farthest above the line from its first point
        to its last. None with fewer than three sizes or a flat curve."""
        if len(self.sizes) < 3:
            return None
        xs = [math.log2(size) for size in self.sizes]
        ys = [self.bytes_per_token(row, size) for size in self.sizes]
        if ys[-1] <= ys[0]:
            return None
        lifts = [(y - ys[0]) / (ys[-1] - ys[0]) - (x - xs[0]) / (xs[-1] - xs[0]) for x, y in zip(xs, ys, strict=True)]
        best = max(range(len(lifts)), key=lifts.__getitem__)
        return self.sizes[best] if lifts[best] > 0 else None

    def as_dict(self) -> dict[str, Any]:
        """The curve as JSON values: the evaluation, and each group's knee."""
        return {
            "sizes": self.sizes,
            "knees": {row: self.knee(row) for row in self.evaluation.rows},
            **self.evaluation.as_dict(),
        }


def size_curve(tokenizer: Any, sizes: Iterable[int], texts: Any, *, num_threads: int | None = None) -> SizeCurve:
    """The compression of ``tokenizer`` truncated to each of ``sizes`` (``Tokenizer.truncated``) on ``texts``.

    For a tokenizer trained by bytebpe each truncation is exactly the tokenizer a training to
    that size would give, so one training gives the whole curve. ``texts`` is as for
    :func:`bytebpe.evaluation.evaluate`. ValueError for a size the tokenizer cannot be truncated to.
    """
    opened = open_tokenizer(tokenizer)
    if opened.tokenizer is None:
        raise ValueError(f"{opened.name} is a Hugging Face tokenizer, which bytebpe cannot truncate")
    wanted = sorted(set(sizes))
    if not wanted:
        raise ValueError("no sizes to evaluate: give at least one vocabulary size")
    truncations = [(str(size), opened.tokenizer.truncated(size)) for size in wanted]
    evaluation = evaluate(truncations, texts, baseline=len(truncations) - 1, num_threads=num_threads)
    return SizeCurve(wanted, evaluation)
