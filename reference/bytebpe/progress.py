"""Progress reports of training: the ``progress`` argument, and the bars that ``progress=True`` draws.

Training calls ``progress(stage, done, total)``, from the thread that called it, for these stages
in this order:

* ``"counting"``: splitting the texts and counting their pieces. ``done`` is the bytes read so
  far; ``total`` is the bytes in all where the sizes are known (a :class:`bytebpe.Corpus` of
  regular files), else 0. Texts from an iterable count as their UTF-8 bytes.
* ``"counted"``: once, when counting ends. ``done`` is the number of documents (texts) counted,
  ``total`` the number of distinct pieces they held.
* ``"merging"``: the merge loop. ``done`` merges made, of ``total`` asked for; when training stops
  early, the last report has ``done == total`` at the number made.

:meth:`bytebpe.Tokenizer.train_from_counts` reports only "merging". The fast core reports at most
about ten times a second, the reference after every merge; :class:`ProgressBars` limits its own
drawing either way.

The bars are bytebpe's own, so that progress needs no other package and can never be the reason
a job fails: a write to the stream that fails turns the bars off, nothing more. On a terminal
(or in Jupyter) one line is redrawn in place; anywhere else (a log file, CI) a line is written
every :data:`LOG_INTERVAL` seconds and when each stage ends.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

__all__ = ["LOG_INTERVAL", "ProgressBars", "ProgressCallback", "TrainingRecord", "byte_size", "duration", "reporter"]

ProgressCallback = Callable[[str, int, int], object]
"""What training calls with ``(stage, done, total)``."""

LOG_INTERVAL = 10.0
"""Seconds between the lines written for a stream that is not a terminal."""

_REDRAW_INTERVAL = 0.1
# Stages whose amounts are bytes: training's counting, and the encoding of token shards.
_BYTE_STAGES = ("counting", "encoding")
_BAR_WIDTH = (10, 30)  # the narrowest and widest bar, in characters


@dataclass
class StageRecord:
    """What one stage reported: when it started, and its last ``done`` and ``total``."""

    started: float
    done: int = 0
    total: int = 0
    ended: float | None = None

    def seconds(self, now: float) -> float:
        """How long the stage ran (until now if it has not ended)."""
        return (self.ended if self.ended is not None else now) - self.started


@dataclass
class TrainingRecord:
    """A ``progress`` callback that remembers what training reported, for a summary afterwards.

    :attr:`stages` holds the "counting" and "merging" stages that were reported; :attr:`documents`
    and :attr:`pieces` are those of the "counted" report (None without one).
    """

    started: float = field(default_factory=time.monotonic)
    stages: dict[str, StageRecord] = field(default_factory=dict)
    documents: int | None = None
    pieces: int | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == "counted":
            self.documents, self.pieces = done, total
            self._end("counting", now)
            return
        record = self.stages.get(stage)
        if record is None:
            for other in self.stages.values():
                other.ended = now if other.ended is None else other.ended
            # A stage starts where the one before ended (the first with training): its first
            # report comes only after some work.
            started = max((other.ended or now for other in self.stages.values()), default=self.started)
            record = self.stages[stage] = StageRecord(started)
        record.done, record.total = done, total
        if stage == "merging" and total and done >= total:
            self._end(stage, now)

    def seconds(self, stage: str) -> float | None:
        """How long ``stage`` ran, or None if it was never reported."""
        record = self.stages.get(stage)
        return None if record is None else record.seconds(time.monotonic())

    def _end(self, stage: str, now: float) -> None:
        record = self.stages.get(stage)
        if record is not None and record.ended is None:
            record.ended = now


class ProgressBars(TrainingRecord):
    """A ``progress`` callback that draws a bar for each stage on ``stream`` (default: stderr).

    A bar shows the share done, the amounts (bytes while counting, merges while merging), the
    rate and the time left, where the total is known; without a total, the amount and the rate.
    """

    def __init__(self, stream: TextIO | None = None, *, live: bool | None = None) -> None:
        super().__init__()
        self._stream = stream if stream is not None else sys.stderr
        self._live = _is_live(self._stream) if live is None else live
        self._current: str | None = None
        # Off a terminal, the first line comes after LOG_INTERVAL: short stages write only their end.
        self._last_draw = 0.0 if self._live else time.monotonic()
        self._drawn = 0  # characters of the line drawn in place, to blank out when redrawing
        self._failed = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._current and self._current is not None and stage != "counted":
            self._finish()
        super().__call__(stage, done, total)
        if stage == "counted":
            self._finish()
            return
        self._current = stage
        now = time.monotonic()
        if stage == "merging" and total and done >= total:
            self._finish()
        elif now - self._last_draw >= (_REDRAW_INTERVAL if self._live else LOG_INTERVAL):
            self._draw(self._line(stage, now), final=False)

    def close(self) -> None:
        """End the current bar; training calls this when it ends, however it ends."""
        if self._current is not None:
            self._finish()

    def _finish(self) -> None:
        stage, self._current = self._current, None
        if stage is not None:
            self._draw(self._summary(stage, time.monotonic()), final=True)

    def _line(self, stage: str, now: float) -> str:
        record = self.stages[stage]
        elapsed = max(now - record.started, 1e-9)
        rate = record.done / elapsed
        amount, unit = _amount(stage, record.done, record.total)
        speed = _rate(stage, rate) + unit
        if not record.total:
            return self._fit(f"{stage:<9}  {amount}  {speed}  {duration(elapsed)}")
        share = min(record.done / record.total, 1.0)
        left = f"ETA {duration((record.total - record.done) / rate)}" if rate > 0 else "ETA ?"
        head, tail = f"{stage:<9}  {share:4.0%}", f"{amount}  {speed}  {left}"
        room = self._columns() - len(head) - len(tail) - 4 - 2
        if not self._live or room < _BAR_WIDTH[0]:
            return self._fit(f"{head}  {tail}")
        return f"{head}  {_bar(share, min(room, _BAR_WIDTH[1]))}  {tail}"

    def _summary(self, stage: str, now: float) -> str:
        record = self.stages[stage]
        seconds = record.seconds(now)
        amount, unit = _amount(stage, record.done, record.total, final=True)
        line = f"{stage:<9}  {amount} in {duration(seconds)}"
        if seconds > 0 and record.done:
            line += f" ({_rate(stage, record.done / seconds)}{unit})"
        if stage == "counting" and self.documents is not None:
            line += f": {self.documents:,} documents, {self.pieces:,} distinct pieces"
        return line

    def _columns(self) -> int:
        return shutil.get_terminal_size((80, 24)).columns

    def _fit(self, line: str) -> str:
        # A line redrawn in place must not wrap, or every redraw leaves a line behind.
        return line[: self._columns() - 1] if self._live else line

    def _draw(self, line: str, *, final: bool) -> None:
        if self._failed:
            return
        if self._live:
            text = "\r" + line + " " * max(0, self._drawn - len(line)) + ("\n" if final else "")
            self._drawn = 0 if final else len(line)
        else:
            text = line + "\n"
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError, UnicodeError):
            self._failed = True  # progress is never the reason a job fails
        self._last_draw = time.monotonic()


def _is_live(stream: TextIO) -> bool:
    # Jupyter's streams redraw a line on "\r" although they are not terminals.
    if type(stream).__module__.startswith("ipykernel"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _amount(stage: str, done: int, total: int, *, final: bool = False) -> tuple[str, str]:
    """The amount done (of the total) in the stage's unit, and the unit of its rate."""
    if stage in _BYTE_STAGES:
        if total and not final:
            return f"{byte_size(done, like=total)}/{byte_size(total)}", "/s"
        return byte_size(done), "/s"
    noun = {"merging": "merges", "reading": "characters"}.get(stage, "steps")
    if total and not final:
        return f"{done:,}/{total:,} {noun}", f" {noun}/s"
    return f"{done:,} {noun}", f" {noun}/s"


def _rate(stage: str, per_second: float) -> str:
    return byte_size(round(per_second)) if stage in _BYTE_STAGES else f"{per_second:,.0f}"


_BYTE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")


def byte_size(count: float, *, like: float | None = None) -> str:
    """``count`` bytes in decimal units: "512 B", "12.3 MB"; with ``like``, the number alone in the
    unit of ``like``, so that "12.3/29.1 MB" share one."""
    scale = like if like is not None else count
    index = 0
    while abs(scale) >= 1000 and index < len(_BYTE_UNITS) - 1:
        scale /= 1000
        index += 1
    value = count / 1000**index
    if like is not None:
        return f"{value:.1f}" if index else f"{value:.0f}"
    return f"{value:.1f} {_BYTE_UNITS[index]}" if index else f"{value:.0f} B"


def duration(seconds: float) -> str:
    """``seconds`` for people: "0.3 s", "42 s", "3 min 07 s", "2 h 05 min"."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, seconds = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _bar(share: float, width: int) -> str:
    filled = round(min(max(share, 0.0), 1.0) * width)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


@contextmanager
def reporter(progress: bool | ProgressCallback | None) -> Iterator[ProgressCallback | None]:
    """The callback for a ``progress`` argument, for the duration of a ``with`` block.

    ``True`` draws :class:`ProgressBars` on stderr, closed when the block ends however it ends; a
    callable is the callback itself; ``False`` and ``None`` report nothing (the callback is None).
    Anything else is a TypeError, raised as the block starts, before any work.
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
