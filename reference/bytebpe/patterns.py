"""The named split patterns of spec §2.1, and how a ``pattern`` argument resolves to a regex."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_GPT4 = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*"""
    r"""|\s*[\r\n]|\s+(?!\S)|\s+"""
)

PATTERNS: Mapping[str, str] = MappingProxyType(
    {
        # The GPT-4 split pattern as minbpe and rustbpe write it (no \s++$ branch, unlike cl100k).
        "gpt4": _GPT4,
        # tiktoken's cl100k_base pattern, character for character.
        "cl100k": (
            r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
            r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
        ),
        # tiktoken's o200k_base pattern, character for character.
        "o200k": "|".join(
            [
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""\p{N}{1,3}""",
                r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
                r"""\s*[\r\n]+""",
                r"""\s+(?!\S)""",
                r"""\s+""",
            ]
        ),
        # tiktoken's r50k_base / gpt2 pattern, character for character.
        "gpt2": r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s""",
        # nanochat's pattern: gpt4 with numbers split into groups of at most two digits.
        "nanochat": _GPT4.replace(r"\p{N}{1,3}", r"\p{N}{1,2}"),
    }
)
"""The named split patterns (spec §2.1): name -> regex, read-only. Any other string passed as
``pattern`` is a custom regex in the grammar of spec §2.2."""

DEFAULT_PATTERN = "gpt4"
"""The pattern used when none is named: GPT-4's, as minbpe, rustbpe and nanochat use it."""


def pattern_name(regex: str) -> str | None:
    """The name under which ``regex`` is in PATTERNS, or None for a custom regex."""
    return next((name for name, named in PATTERNS.items() if named == regex), None)


def resolve_pattern(pattern: str) -> str:
    """Return the regex for ``pattern``: a name from PATTERNS, or else the string itself."""
    if not isinstance(pattern, str):
        raise TypeError(
            f"pattern must be a str (a name from bytebpe.PATTERNS or a regex), not {type(pattern).__name__}"
        )
    return PATTERNS.get(pattern, pattern)
