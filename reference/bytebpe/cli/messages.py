"""Lines for people rather than pipelines: logs on stderr, and the counted nouns in them."""

from __future__ import annotations

import sys


def log(message: str) -> None:
    """Write ``message`` to stderr at once, so that it keeps its place among progress bars and errors."""
    print(message, file=sys.stderr, flush=True)


def plural(count: int, noun: str) -> str:
    """``count`` and ``noun``, with an "s" unless the count is 1: "1 merge", "0 special tokens"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
