"""The named split patterns of spec §2.1, and :class:`SplitPattern`, a ``pattern`` argument resolved.

A ``pattern`` argument is a name from PATTERNS or a regex of spec §2.2. It is resolved once, where
it enters the library, by :meth:`SplitPattern.of`: the only place that turns a name into its regex
or a regex back into its name. The resolved value then flows down to the code that splits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

_NAME_OF_REGEX = {regex: name for name, regex in PATTERNS.items()}


@dataclass(frozen=True)
class SplitPattern:
    """A split pattern, resolved: its regex (spec §2.2) and its name in PATTERNS, if it has one.

    Build one with :meth:`of`. Two patterns are equal when their regexes are: a named pattern and
    its regex written out are the same pattern. Whether the regex is in the language of §2.2 is
    checked where it is compiled, by the implementation that splits with it.
    """

    regex: str
    """The regex, as tiktoken's ``pat_str`` and the Rust core take it."""
    name: str | None
    """The name of the regex in PATTERNS, or None for a custom pattern."""

    @classmethod
    def of(cls, pattern: str | SplitPattern) -> SplitPattern:
        """``pattern`` resolved: a name from PATTERNS, else a regex; a SplitPattern is itself.

        TypeError for anything but a str (spec §9).
        """
        if isinstance(pattern, SplitPattern):
            return pattern
        if not isinstance(pattern, str):
            raise TypeError(
                f"pattern must be a str (a name from bytebpe.PATTERNS or a regex), not {type(pattern).__name__}"
            )
        return cls.of_regex(PATTERNS.get(pattern, pattern))

    @classmethod
    def of_regex(cls, regex: str) -> SplitPattern:
        """The pattern whose regex is ``regex``, never read as a name: what files store (§12)."""
        return cls(regex, _NAME_OF_REGEX.get(regex))

    def __str__(self) -> str:
        """The name, or the regex of a custom pattern: how settings and messages show it."""
        return self.name if self.name is not None else self.regex
