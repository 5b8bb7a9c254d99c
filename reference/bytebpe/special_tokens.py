"""tiktoken's ``allowed_special`` and ``disallowed_special`` (spec §6.6), as a Tokenizer applies them.

Which special tokens an ``encode`` call recognises (the allowed set, handed to the implementation,
which encodes by §6.5) and which it refuses to see as plain text (the disallowed set, checked here,
once, before any encoding).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from functools import lru_cache
from typing import Literal

from bytebpe.checks import check_text

SpecialSet = Literal["all"] | Collection[str]
"""An ``allowed_special`` or ``disallowed_special`` argument: "all" or a set of special-token strings."""


def special_sets(
    special_tokens: Collection[str], allowed_special: SpecialSet, disallowed_special: SpecialSet
) -> tuple[frozenset[str], frozenset[str]]:
    """The allowed and disallowed strings of an ``encode`` call on a tokenizer with ``special_tokens``.

    ``"all"`` allows every special token, or disallows every one that is not allowed.
    """
    allowed = frozenset(special_tokens) if allowed_special == "all" else _strings(allowed_special, "allowed_special")
    if disallowed_special == "all":
        disallowed = frozenset(special_tokens) - allowed
    else:
        disallowed = _strings(disallowed_special, "disallowed_special")
    return allowed, disallowed


def for_the_core(
    special_tokens: Collection[str], every: frozenset[str], allowed_special: SpecialSet, disallowed_special: SpecialSet
) -> tuple[frozenset[str] | str, frozenset[str]]:
    """:func:`special_sets` as an encoder takes them: the allowed (``"all"``: every one, found
    with the search the core built for them) and those the text must not hold, ``every`` being
    ``frozenset(special_tokens)`` built once. The defaults and ``"all"`` build no set: in a call
    per document, that costs more than encoding the document."""
    if disallowed_special == "all":
        if allowed_special == "all":
            return "all", frozenset()
        if type(allowed_special) is frozenset and not allowed_special:
            return allowed_special, every
    return special_sets(special_tokens, allowed_special, disallowed_special)


def _strings(value: object, name: str) -> frozenset[str]:
    """The strings of a set argument other than "all"; TypeError naming ``name`` for anything else."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(f'{name} must be "all" or a set of special-token strings, not {type(value).__name__}')
    # A special token is valid Unicode (spec §1.1), so a string that is not can name none.
    return frozenset(check_text(item, name) for item in value)


def check_disallowed(text: object, disallowed: frozenset[str]) -> None:
    """ValueError if ``text`` holds a disallowed special-token string, saying how to let it through."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    found = _finder(disallowed).search(text)
    if found is not None:
        token = found.group()
        raise ValueError(
            f"the text contains the special token {token!r}, which this call does not allow. "
            f"To encode it as the special token, pass allowed_special={{{token!r}}} (or allowed_special='all'). "
            f"To encode it as plain text, pass disallowed_special=tok.special_tokens_set - {{{token!r}}}, "
            "or disallowed_special=() to turn this check off for every special token."
        )


@lru_cache(maxsize=32)
def _finder(specials: frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True)))
