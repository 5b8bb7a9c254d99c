"""Stdin and stdout as the commands use them: bytes, UTF-8 whatever the locale, read whole or in batches of lines.

Bytes rather than text so that nothing is newline-translated: a round trip through ``encode`` and
``decode`` gives back the input byte for byte, "\\r\\n" too.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import BinaryIO

from bytebpe.cli.errors import CommandError

# Lines encoded or decoded per batch with --lines: large enough for the fast core's threads,
# small enough that the output of a long stream starts at once.
LINE_BATCH = 1024


def stdin() -> BinaryIO:
    """Stdin as bytes."""
    return sys.stdin.buffer


def stdout() -> BinaryIO:
    """Stdout as bytes, after whatever was written to it as text."""
    sys.stdout.flush()  # anything written as text so far goes first
    return sys.stdout.buffer


def stdin_line_batches(out: BinaryIO) -> Iterator[tuple[int, list[bytes]]]:
    """The lines of stdin as ``line_batches`` gives them; when a person types them, one at a time, and ``out``
    is flushed after each, so that every answer shows at once."""
    interactive = _stdin_is_terminal()
    for first, lines in line_batches(stdin(), batch=1 if interactive else LINE_BATCH):
        yield first, lines
        if interactive:
            out.flush()


def line_batches(stream: BinaryIO, *, batch: int) -> Iterator[tuple[int, list[bytes]]]:
    """(number of the first line, lines without their "\\n") for each run of ``batch`` lines."""
    lines: list[bytes] = []
    first = 1
    for line in stream:
        lines.append(line[:-1] if line.endswith(b"\n") else line)
        if len(lines) == batch:
            yield first, lines
            first += len(lines)
            lines = []
    if lines:
        yield first, lines


def utf8(data: bytes, source: str, *, line: int | None = None) -> str:
    """``data`` decoded; else an error naming ``source`` ("stdin" or a file) and the line, which is
    ``line`` when ``data`` is that one line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        number = line if line is not None else data.count(b"\n", 0, error.start) + 1
        start = error.start - (data.rfind(b"\n", 0, error.start) + 1)
        raise CommandError(
            f"{place(source, number)}: not valid UTF-8 ({error.reason}: byte 0x{data[error.start]:02x} "
            f"at byte {start} of the line)"
        ) from None


def place(source: str, line: int) -> str:
    """Where line ``line`` of ``source`` is, as error messages name it: "stdin line 3" or "file.txt:3"."""
    return f"stdin line {line}" if source == "stdin" else f"{source}:{line}"


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except ValueError:  # a closed stdin
        return False
