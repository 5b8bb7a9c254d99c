"""The Tokenizer: one model (a rank table and a split pattern) on either implementation."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from bytebpe import reference
from bytebpe.patterns import DEFAULT_PATTERN, PATTERNS, resolve_pattern


def _implementation_module(name: str) -> Any:
    # Imported here rather than from bytebpe: bytebpe/__init__.py imports this module.
    valid = ("reference", "fast")
    if name not in valid:
        raise ValueError(f"unknown implementation {name!r}; choose one of: {', '.join(map(repr, valid))}")
    return importlib.import_module(f"bytebpe.{name}")


class Tokenizer:
    """A byte-level BPE tokenizer: a rank table (token bytes -> id) plus a split pattern.

    Build one with :meth:`train` or :meth:`from_ranks`; both take ``implementation`` ("fast",
    the default, or "reference"). The two implementations give the same ids for the same model.
    """

    def __init__(
        self,
        mergeable_ranks: Mapping[bytes, int],
        pattern: str = DEFAULT_PATTERN,
        *,
        implementation: str = "fast",
        merges: list[tuple[int, int]] | None = None,
    ) -> None:
        module = _implementation_module(implementation)
        self._pattern = resolve_pattern(pattern)
        self._ranks = reference.check_ranks(mergeable_ranks)
        self._encoder = module.Encoder(self._ranks, self._pattern)
        self._implementation = implementation
        self._merges = merges

    @classmethod
    def train(
        cls,
        texts: Iterable[str],
        vocab_size: int,
        *,
        pattern: str = DEFAULT_PATTERN,
        min_frequency: int = 1,
        implementation: str = "fast",
    ) -> Tokenizer:
        """Learn a tokenizer of at most ``vocab_size`` tokens (256 bytes + merges) from ``texts``.

        ``pattern`` is a name from bytebpe.PATTERNS or a regex. Training stops early, with fewer
        tokens, when no pair is left or the best pair occurs fewer than ``min_frequency`` times.
        """
        module = _implementation_module(implementation)
        learned = module.train(texts, vocab_size, pattern=pattern, min_frequency=min_frequency)
        vocab = reference.vocabulary_from_merges(learned)
        ranks = {token: rank for rank, token in vocab.items()}
        return cls(ranks, pattern, implementation=implementation, merges=[(left, right) for left, right, _ in learned])

    @classmethod
    def from_ranks(
        cls, mergeable_ranks: Mapping[bytes, int], pattern: str = DEFAULT_PATTERN, implementation: str = "fast"
    ) -> Tokenizer:
        """A tokenizer for a rank table such as tiktoken's ``mergeable_ranks`` (spec §5.2).

        The table must give every one of the 256 single bytes a rank, and no two tokens the same
        rank. Ranks need not be contiguous, and the tokens need not be reachable by merges.
        """
        return cls(mergeable_ranks, pattern, implementation=implementation)

    def with_implementation(self, implementation: str) -> Tokenizer:
        """The same model on another implementation; every id stays the same."""
        return type(self)(self._ranks, self._pattern, implementation=implementation, merges=self._merges)

    @property
    def implementation(self) -> str:
        """The name of the implementation behind this tokenizer ("fast" or "reference")."""
        return self._implementation

    @property
    def pattern(self) -> str:
        """The split regex (a named pattern is given as its regex, as tiktoken wants it)."""
        return self._pattern

    @property
    def pattern_name(self) -> str | None:
        """The name of the split pattern in bytebpe.PATTERNS, or None for a custom regex."""
        return next((name for name, regex in PATTERNS.items() if regex == self._pattern), None)

    @property
    def mergeable_ranks(self) -> dict[bytes, int]:
        """A copy of the rank table: token bytes -> id."""
        return dict(self._ranks)

    @property
    def merges(self) -> list[tuple[int, int]]:
        """The merges (left id, right id) in rank order; merge i made the token of rank 256 + i.

        For a trained tokenizer these are the training merges. For a rank table, spec §5.3
        recovers them: the token's bytes, merged with lower ranks only, end as two tokens.
        """
        if self._merges is None:
            self._merges = self._encoder.merges()
        return list(self._merges)

    @property
    def n_vocab(self) -> int:
        """One more than the largest id, as tiktoken counts."""
        return max(self._ranks.values()) + 1

    def encode_ordinary(self, text: str) -> list[int]:
        """Encode ``text`` (spec §6); special-token strings are plain text here."""
        return self._encoder.encode_ordinary(text)

    def encode_ordinary_batch(self, texts: Iterable[str]) -> list[list[int]]:
        """Encode many texts; the fast implementation works on all cores with the GIL released."""
        return self._encoder.encode_ordinary_batch(texts)

    def decode_bytes(self, ids: Iterable[int]) -> bytes:
        """The concatenated bytes of the tokens; KeyError for an id not in the vocabulary."""
        return self._encoder.decode_bytes(ids)

    def decode(self, ids: Iterable[int], errors: str = "replace") -> str:
        """Decode to str; invalid UTF-8 is handled by ``errors`` ("replace" by default)."""
        return self.decode_bytes(ids).decode("utf-8", errors=errors)

    def __repr__(self) -> str:
        pattern = self.pattern_name or "custom"
        return f"<bytebpe.Tokenizer n_vocab={self.n_vocab} pattern={pattern} implementation={self._implementation}>"
