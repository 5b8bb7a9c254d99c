"""Ids framed by the tokens a caller or a post-processor puts around each encoding."""

from __future__ import annotations

from collections.abc import Sequence


def framed(ids: list[int], before: Sequence[int], after: Sequence[int]) -> list[int]:
    """``ids`` with ``before`` put in front and ``after`` behind, in place. The encoder's list is
    new and only the caller holds it, so no id needs copying, and the fast implementation's list
    stays out of the cycle collector's sight (a list of ints can be in no cycle)."""
    if before:
        ids[:0] = before
    if after:
        ids += after
    return ids
