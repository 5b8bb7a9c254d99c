"""Progress reports of training: the ``progress`` argument, and tqdm bars for ``progress=True``.

Training reports ``(stage, done, total)``: the stage "counting" (texts counted so far; the total is
unknown, 0) and then "merging" (merges made, of how many asked for). tqdm.auto draws a text bar in a
terminal and a widget in Jupyter, where Rust progress bars (indicatif) show nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

ProgressCallback = Callable[[str, int, int], object]
"""What training calls with ``(stage, done, total)``."""

STAGE_UNITS = {"counting": "texts", "reading": "chars", "merging": "merges"}


class ProgressBars:
    """A ``progress(stage, done, total)`` callback that keeps one tqdm bar per stage."""

    def __init__(self) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError as err:
            raise ImportError("progress=True draws bars with tqdm: pip install tqdm") from err
        self._tqdm = tqdm
        self._stage: str | None = None
        self._bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self.close()
            self._stage = stage
            self._bar = self._tqdm(desc=stage, total=total or None, unit=STAGE_UNITS.get(stage, "steps"), leave=True)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        """Close the current bar; training calls this when it ends, however it ends."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            self._stage = None


@contextmanager
def reporter(progress: bool | ProgressCallback | None) -> Iterator[ProgressCallback | None]:
    """The callback for a ``progress`` argument, for the duration of a ``with`` block.

    ``True`` draws :class:`ProgressBars`, closed when the block ends however it ends; a callable is
    the callback itself; ``False`` and ``None`` report nothing (the callback is None). Anything
    else is a TypeError, raised as the block starts, before any work.
    """
    if progress is True:
        bars = ProgressBars()
        try:
            yield bars
        finally:
            bars.close()
    elif progress is False or progress is None:
        yield None
    elif callable(progress):
        yield progress
    else:
        raise TypeError(f"progress must be True, False or a callable, not {type(progress).__name__}")
