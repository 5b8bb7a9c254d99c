"""The reference implementation: bytebpe.reference (the executable spec) under the names of bytebpe.fast.

``bytebpe.implementation("reference")`` is this module. It checks its arguments with
bytebpe.checks (spec §9), resolves the pattern once, and hands plain values to the functions of
bytebpe.reference, which are the spec's sections; what it adds is only what a library needs around
them: piece counts as a :class:`bytebpe.PieceCounts`, the merges with their rank table (what a
Tokenizer keeps), and an ``Encoder`` object with the fast core's methods. Nothing on this path
imports the compiled core.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from bytebpe import checks, corpus, reference
from bytebpe._unicode_data import UNICODE_VERSION
from bytebpe.counts import PieceCounts, check_piece_counts
from bytebpe.pattern_language import compile_pattern
from bytebpe.patterns import DEFAULT_PATTERN, SplitPattern

__all__ = [
    "NAME",
    "UNICODE_VERSION",
    "Encoder",
    "count",
    "extend_from_counts",
    "split",
    "train",
    "train_from_counts",
    "train_from_counts_with_ranks",
    "train_with_ranks",
]

NAME = "reference"

ProgressCallback = Callable[[str, int, int], object]
"""``progress(stage, done, total)``; the stages: bytebpe.progress."""
Learned = tuple[list[tuple[int, int, int]], dict[bytes, int]]

# How often counting reports, as the fast core does.
_REPORT_INTERVAL = 0.1


def _pattern(pattern: object) -> SplitPattern:
    """The pattern resolved and compiled: a pattern outside §2.2 fails before any text is read."""
    resolved = SplitPattern.of(pattern)  # type: ignore[arg-type]
    compile_pattern(resolved.regex)
    return resolved


def split(text: str, pattern: str = DEFAULT_PATTERN) -> list[str]:
    """Cut ``text`` into pieces with ``pattern`` (a name from PATTERNS or a regex), spec §2."""
    checks.check_text(text, "text")
    return reference.split(text, _pattern(pattern))


def count(
    texts: Iterable[str], pattern: str = DEFAULT_PATTERN, *, progress: ProgressCallback | None = None
) -> PieceCounts:
    """The piece counts of ``texts`` (spec §4.1.1), a table that adds to the counts of other shards.

    ``progress(stage, done, total)`` hears of the "counting" and "counted" stages (bytebpe.progress).
    """
    resolved = _pattern(pattern)
    return PieceCounts(_count_pieces(texts, resolved, progress), pattern=resolved)


def _count_pieces(texts: Iterable[str], pattern: SplitPattern, progress: ProgressCallback | None) -> dict[bytes, int]:
    """§4.1, reporting the bytes counted as the fast core does, and what was counted at the end."""
    texts, progress = corpus.measured(texts, progress)
    checked = checks.check_texts(texts)
    if progress is None:
        return reference.count_pieces(checked, pattern)
    tally = [0, 0]  # texts, bytes
    counts = reference.count_pieces(_reporting(checked, progress, tally), pattern)
    progress("counting", tally[1], 0)
    progress("counted", tally[0], len(counts))
    return counts


def _reporting(texts: Iterable[str], progress: ProgressCallback, tally: list[int]) -> Iterator[str]:
    last = time.monotonic()
    for text in texts:
        if time.monotonic() - last >= _REPORT_INTERVAL:
            progress("counting", tally[1], 0)
            last = time.monotonic()
        yield text
        tally[0] += 1
        tally[1] += len(text.encode("utf-8"))


def train(
    texts: Iterable[str],
    vocab_size: int,
    *,
    pattern: str = DEFAULT_PATTERN,
    min_frequency: int = 1,
    max_token_length: int | None = None,
    progress: ProgressCallback | None = None,
) -> list[tuple[int, int, int]]:
    """Learn up to ``vocab_size - 256`` merges (spec §4); return (left, right, count) per merge.

    ``max_token_length`` (None: no limit) keeps longer tokens from being made (§4.3.1).
    ``progress(stage, done, total)``, if given, hears of every merge.
    """
    return train_with_ranks(
        texts,
        vocab_size,
        pattern=pattern,
        min_frequency=min_frequency,
        max_token_length=max_token_length,
        progress=progress,
    )[0]


def train_with_ranks(
    texts: Iterable[str],
    vocab_size: int,
    *,
    pattern: str = DEFAULT_PATTERN,
    min_frequency: int = 1,
    max_token_length: int | None = None,
    progress: ProgressCallback | None = None,
) -> Learned:
    """:func:`train`, and the rank table of its merges (spec §5.1)."""
    checks.check_vocab_size(vocab_size)
    checks.check_min_frequency(min_frequency)
    checks.check_max_token_length(max_token_length)
    resolved = _pattern(pattern)
    counts = _count_pieces(texts, resolved, progress)
    return _learned(
        reference.train_from_counts(
            counts, vocab_size, min_frequency=min_frequency, max_token_length=max_token_length, progress=progress
        )
    )


def train_from_counts(
    counts: PieceCounts,
    vocab_size: int,
    *,
    min_frequency: int = 1,
    max_token_length: int | None = None,
    progress: ProgressCallback | None = None,
) -> list[tuple[int, int, int]]:
    """Learn up to ``vocab_size - 256`` merges from piece counts (spec §4.2-§4.6)."""
    return train_from_counts_with_ranks(
        counts, vocab_size, min_frequency=min_frequency, max_token_length=max_token_length, progress=progress
    )[0]


def train_from_counts_with_ranks(
    counts: PieceCounts,
    vocab_size: int,
    *,
    min_frequency: int = 1,
    max_token_length: int | None = None,
    progress: ProgressCallback | None = None,
) -> Learned:
    """:func:`train_from_counts`, and the rank table of its merges (spec §5.1)."""
    table = check_piece_counts(counts).as_dict()
    checks.check_vocab_size(vocab_size)
    checks.check_min_frequency(min_frequency)
    checks.check_max_token_length(max_token_length)
    return _learned(
        reference.train_from_counts(
            table, vocab_size, min_frequency=min_frequency, max_token_length=max_token_length, progress=progress
        )
    )


def extend_from_counts(
    counts: PieceCounts,
    encoder: Encoder,
    vocab_size: int,
    *,
    min_frequency: int = 1,
    max_token_length: int | None = None,
    progress: ProgressCallback | None = None,
) -> list[tuple[int, int, int]]:
    """The merges that extend ``encoder``'s model on piece counts to ``vocab_size`` ids (spec §4.7);
    merge i makes id n_vocab + i."""
    table = check_piece_counts(counts).as_dict()
    checks.check_vocab_size(vocab_size)
    checks.check_min_frequency(min_frequency)
    checks.check_max_token_length(max_token_length)
    first_id = max(encoder.vocab) + 1
    if vocab_size < first_id:
        raise ValueError(f"vocab_size must be at least n_vocab ({first_id}), got {vocab_size}")
    return reference.extend_from_counts(
        table,
        encoder.ranks,
        vocab_size,
        first_id,
        merge_list=encoder.merge_list,
        min_frequency=min_frequency,
        max_token_length=max_token_length,
        progress=progress,
    )


def _learned(merges: list[tuple[int, int, int]]) -> Learned:
    return merges, reference.ranks_from_merges(merges)


class Encoder:
    """Encode and decode with a rank table, special tokens and a split pattern (spec §5-§7).

    With ``merges`` (pairs of ranks, in priority order) it is a merge-list model: pieces are
    joined by §6.9, and taken whole first only with ``ignore_merges`` (§6.8-§6.11).

    The arguments are checked here (spec §5.2, §5.4, §6.8, §2.2), once; the methods check what they
    are given (texts, ids, ``allowed_special``, ``num_threads``) as the fast core's do.
    """

    def __init__(
        self,
        mergeable_ranks: Mapping[bytes, int],
        pattern: str | SplitPattern = DEFAULT_PATTERN,
        special_tokens: Mapping[str, int] | None = None,
        merges: Iterable[tuple[int, int]] | None = None,
        ignore_merges: bool = False,
    ) -> None:
        resolved = _pattern(pattern)
        self.ranks = checks.check_ranks(mergeable_ranks)
        self.special_tokens = checks.check_special_tokens({} if special_tokens is None else special_tokens, self.ranks)
        _check_flag(ignore_merges, "ignore_merges")
        self.merge_list = (
            None if merges is None else reference.merge_list(checks.check_merge_list(merges, self.ranks), ignore_merges)
        )
        self._pattern = resolved
        self.vocab = {rank: token for token, rank in self.ranks.items()}
        self.vocab.update((token_id, text.encode("utf-8")) for text, token_id in self.special_tokens.items())

    @property
    def pattern(self) -> str:
        """The regex of the split pattern (a name resolved to its regex)."""
        return self._pattern.regex

    def merges(self) -> list[tuple[int, int]]:
        """The merges the rank table implies (spec §5.3), in rank order; for a merge-list model, its
        merges in priority order, each pair once (§6.8)."""
        if self.merge_list is not None:
            return sorted(self.merge_list.priorities, key=self.merge_list.priorities.__getitem__)
        return reference.merges_from_ranks(self.ranks)

    def encode_ordinary(self, text: str) -> list[int]:
        """Encode ``text`` with special-token strings as plain text (spec §6.4)."""
        return reference.encode_ordinary(checks.check_text(text, "text"), self.ranks, self._pattern, self.merge_list)

    def encode_ordinary_batch(self, texts: Iterable[str], num_threads: int | None = None) -> list[list[int]]:
        """:meth:`encode_ordinary` for each text, one after the other (``num_threads`` is checked
        as the fast core checks it, and otherwise unused)."""
        texts = list(checks.check_texts(texts))
        _check_num_threads(num_threads)
        return [reference.encode_ordinary(text, self.ranks, self._pattern, self.merge_list) for text in texts]

    def encode(self, text: str, allowed_special: Iterable[str]) -> list[int]:
        """Encode ``text``, recognising the special tokens in ``allowed_special`` (``"all"``: every
        one) (spec §6.5)."""
        checks.check_text(text, "text")
        allowed = _allowed_special(allowed_special, self.special_tokens)
        return reference.encode(text, self.ranks, self._pattern, self.special_tokens, allowed, self.merge_list)

    def encode_batch(
        self, texts: Iterable[str], allowed_special: Iterable[str], num_threads: int | None = None
    ) -> list[list[int]]:
        """:meth:`encode` for each text (``num_threads`` as in :meth:`encode_ordinary_batch`)."""
        texts = list(checks.check_texts(texts))
        allowed = _allowed_special(allowed_special, self.special_tokens)
        _check_num_threads(num_threads)
        return [
            reference.encode(text, self.ranks, self._pattern, self.special_tokens, allowed, self.merge_list)
            for text in texts
        ]

    def encode_with_offsets(
        self, text: str, allowed_special: Iterable[str]
    ) -> tuple[list[int], list[tuple[int, int]], list[tuple[int, int]]]:
        """:meth:`encode`, with each token's byte span and character span in ``text`` (spec §6.12)."""
        checks.check_text(text, "text")
        allowed = _allowed_special(allowed_special, self.special_tokens)
        return reference.encode_with_offsets(
            text, self.ranks, self._pattern, self.special_tokens, allowed, self.merge_list
        )

    def decode_bytes(self, ids: Iterable[int]) -> bytes:
        """The concatenated bytes of the tokens (spec §7); KeyError for an unknown id."""
        return reference.decode_bytes(checks.check_ids(ids, self.vocab), self.vocab)


# The fast core's rules for the arguments that only its interface has: a flag, a thread count (the
# reference runs on one) and tiktoken's ``allowed_special``, with the core's messages.


def _check_flag(value: Any, name: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")


def _check_num_threads(num_threads: Any) -> None:
    if num_threads is None:
        return
    if isinstance(num_threads, bool) or not isinstance(num_threads, int):
        raise TypeError(f"num_threads must be an int, not {type(num_threads).__name__}")
    if num_threads < 1:
        raise ValueError(f"num_threads must be at least 1, got {num_threads}")
    if num_threads > 1024:
        raise ValueError(f"num_threads must be at most 1024, got {num_threads}")


def _allowed_special(allowed_special: Any, special_tokens: Mapping[str, int]) -> list[str]:
    if allowed_special == "all":
        return list(special_tokens)
    if isinstance(allowed_special, str) or not isinstance(allowed_special, Iterable):
        raise TypeError(f'allowed_special must be "all" or a set of str, not {type(allowed_special).__name__}')
    allowed = list(allowed_special)
    for item in allowed:
        if not isinstance(item, str):
            raise TypeError(f"allowed_special must hold str, not {type(item).__name__}")
    return allowed
