"""How many merges training is asked for, and what it made of them.

``vocab_size`` counts the 256 byte tokens, the merges and the special tokens (spec §5.4), so the
special tokens take their ids out of the merge budget. Training stops early when the corpus runs
out of pairs (§4.5); that is no error, but the user asked for another vocabulary size, and a
:class:`FewerMergesWarning` says what stopped it. :func:`trained_model` turns what training
learned into a Tokenizer's arguments, with the record of how it was trained.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from bytebpe import checks, reference
from bytebpe.patterns import SplitPattern
from bytebpe.version import __version__

__all__ = ["FewerMergesWarning", "merge_budget", "trained_model", "warn_if_fewer"]


class FewerMergesWarning(UserWarning):
    """Training made fewer merges than ``vocab_size`` asked for, so ``n_vocab`` is smaller.

    It stops early when no pair is left (within ``max_token_length``), or when the best pair
    occurs fewer than ``min_frequency`` times: the corpus is too small for that vocabulary. The
    special tokens then follow the merges that were made (spec §5.4), so their ids are lower too.
    """


def merge_budget(vocab_size: Any, special_tokens: list[str]) -> Any:
    """The vocab_size to train with: special tokens take their ids out of it (spec §5.4). It is
    checked here only then, with a message that counts them; else the implementation checks it."""
    if not special_tokens:
        return vocab_size
    return checks.check_vocab_size(vocab_size, len(special_tokens)) - len(special_tokens)


def warn_if_fewer(
    made: int, vocab_size: int, special_tokens: int, settings: Mapping[str, Any], *, stacklevel: int
) -> None:
    """A FewerMergesWarning if ``made`` merges are fewer than ``vocab_size`` asks for; the warning
    points ``stacklevel`` frames up from here, at the user's call."""
    asked = vocab_size - 256 - special_tokens
    if made >= asked:
        return
    reasons = ["no pair was left"]
    if settings.get("max_token_length") is not None:
        reasons[0] += f" that makes a token of at most {settings['max_token_length']} bytes"
    if settings.get("min_frequency", 1) > 1:
        reasons.append(f"the best pair occurred fewer than {settings['min_frequency']} times")
    message = (
        f"training made {made} of the {asked} merges that vocab_size={vocab_size} asks for "
        f"({' or '.join(reasons)}), so n_vocab is {vocab_size - asked + made}, not {vocab_size}; "
        "a larger corpus gives more merges"
    )
    warnings.warn(message, FewerMergesWarning, stacklevel=stacklevel + 1)


def trained_model(
    learned: tuple[list[tuple[int, int, int]], dict[bytes, int]],
    pattern: SplitPattern,
    special_tokens: list[str],
    implementation: str,
    vocab_size: int,
    settings: Mapping[str, Any],
) -> dict[str, Any]:
    """The Tokenizer's arguments for what training learned (the merges with their counts, and their
    rank table of §5.1), and a FewerMergesWarning, pointing at the trainer's caller, if it stopped
    early. ``settings`` are the training options, kept in ``trained_by``."""
    merges, ranks = learned
    warn_if_fewer(len(merges), vocab_size, len(special_tokens), settings, stacklevel=3)
    trained_by = {
        "library": "bytebpe",
        "version": __version__,
        "implementation": implementation,
        "vocab_size": vocab_size,
        "pattern": str(pattern),
        "special_tokens": special_tokens,
        **settings,
    }
    return {
        "mergeable_ranks": ranks,
        "pattern": pattern,
        "special_tokens": reference.special_token_ids(special_tokens, len(merges)),
        "implementation": implementation,
        "merges": [(left, right) for left, right, _ in merges],
        "trained_by": trained_by,
        "merge_counts": [count for _, _, count in merges],
    }
