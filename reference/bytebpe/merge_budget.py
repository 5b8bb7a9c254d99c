"""How many merges training is asked for, and the warning when it makes fewer.

``vocab_size`` counts the 256 byte tokens, the merges and the special tokens (spec §5.4), so the
special tokens take their ids out of the merge budget. Training stops early when the corpus runs
out of pairs (§4.5); that is no error, but the user asked for another vocabulary size, and a
:class:`FewerMergesWarning` says what stopped it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from bytebpe import checks

__all__ = ["FewerMergesWarning", "merge_budget", "warn_if_fewer"]


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
