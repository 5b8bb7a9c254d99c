"""The fast implementation: bytebpe's Rust core under the names of bytebpe.reference_implementation.

``bytebpe.implementation("fast")`` is this module. Everything runs in the compiled module
``bytebpe._fast`` (fast/src), which checks its arguments itself, with the messages of spec §9:
splitting and counting on all cores with the GIL released, the merge loop, encoding of batches in
parallel. It must agree with bytebpe.reference merge for merge and id for id; the tests check it.
This module only resolves the pattern once (:class:`bytebpe.patterns.SplitPattern`), wraps piece
counts in a :class:`bytebpe.PieceCounts`, and hands a Corpus of plain-text files to the core's reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bytebpe import corpus
from bytebpe.counts import PieceCounts, check_piece_counts
from bytebpe.patterns import DEFAULT_PATTERN, SplitPattern

try:
    from bytebpe import _fast
except ImportError as err:  # pragma: no cover - exercised only when the build is missing
    raise ImportError(
        "bytebpe's compiled core (bytebpe._fast) is not built or does not load; "
        "build it with `make build` (or `maturin develop --release`), or use implementation('reference')"
    ) from err

NAME = "fast"
UNICODE_VERSION: str = _fast.UNICODE_VERSION

ProgressCallback = Callable[[str, int, int], object]
"""``progress(stage, done, total)``; the stages: bytebpe.progress."""


def split(text: str, pattern: str = DEFAULT_PATTERN) -> list[str]:
    """Cut ``text`` into pieces with ``pattern`` (a name from PATTERNS or a regex), spec §2."""
    return _fast.split(text, SplitPattern.of(pattern).regex)


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
    ``texts`` is pulled in bounded batches; ``progress(stage, done, total)`` is called from the
    core at most about ten times a second.
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
) -> tuple[list[tuple[int, int, int]], dict[bytes, int]]:
    """:func:`train`, and the rank table of its tokens (spec §5.1), built while the merges are learned.

    A :class:`bytebpe.Corpus` of plain-text files is read by the core itself (see :func:`_core_reader`).
    """
    regex = SplitPattern.of(pattern).regex
    reader = _core_reader(texts, progress)
    if reader is not None:
        files = reader.pop("files")
        return _fast.train_txt(
            files, vocab_size, pattern=regex, min_frequency=min_frequency, max_token_length=max_token_length, **reader
        )
    texts, progress = corpus.measured(texts, progress)
    return _fast.train(
        texts,
        vocab_size,
        pattern=regex,
        min_frequency=min_frequency,
        max_token_length=max_token_length,
        progress=progress,
    )


def count(
    texts: Iterable[str], pattern: str = DEFAULT_PATTERN, *, progress: ProgressCallback | None = None
) -> PieceCounts:
    """The piece counts of ``texts`` (spec §4.1.1), counted on all cores; the table stays in Rust.

    A :class:`bytebpe.Corpus` of plain-text files is read by the core itself (see :func:`_core_reader`).
    """
    resolved = SplitPattern.of(pattern)
    reader = _core_reader(texts, progress)
    if reader is not None:
        table = _fast.count_txt(reader.pop("files"), pattern=resolved.regex, **reader)
    else:
        texts, progress = corpus.measured(texts, progress)
        table = _fast.count(texts, pattern=resolved.regex, progress=progress)
    return PieceCounts(table, pattern=resolved)


def _core_reader(texts: object, progress: ProgressCallback | None = None) -> dict[str, Any] | None:
    """The core's reader arguments when ``texts`` is a Corpus that the core reads itself, else None.

    The core's plain-text reader yields exactly the documents bytebpe.corpus yields, every option
    included, on its own threads, where Python would read and decode them on one core. A corpus
    with a structured file (JSON Lines, Parquet) is read by Python.
    """
    if not isinstance(texts, corpus.Corpus) or not texts.all_plain_text():
        return None
    return {
        "files": [str(path) for path in texts.files],
        "txt_split": texts.txt_split,
        "doc_cap": texts.doc_cap,
        "max_chars": texts.max_chars,
        "errors": texts.errors,
        "progress": corpus.reading_progress(texts, progress),
    }


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
) -> tuple[list[tuple[int, int, int]], dict[bytes, int]]:
    """:func:`train_from_counts`, and the rank table of its tokens (spec §5.1), built alongside."""
    table = check_piece_counts(counts).core()
    return _fast.train_from_counts(
        table, vocab_size, min_frequency=min_frequency, max_token_length=max_token_length, progress=progress
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
    merge i makes id n_vocab + i. The pieces are encoded on all cores, the loop runs in the core."""
    table = check_piece_counts(counts).core()
    return _fast.extend_from_counts(
        table, encoder, vocab_size, min_frequency=min_frequency, max_token_length=max_token_length, progress=progress
    )


class Encoder(_fast.Encoder):
    """Encode and decode with a rank table, special tokens and a split pattern (spec §5-§7), in Rust.

    With ``merges`` (pairs of ranks, in priority order) it is a merge-list model (§6.8-§6.11).
    """

    def __new__(
        cls,
        mergeable_ranks: dict[bytes, int],
        pattern: str | SplitPattern = DEFAULT_PATTERN,
        special_tokens: dict[str, int] | None = None,
        merges: Iterable[tuple[int, int]] | None = None,
        ignore_merges: bool = False,
    ) -> Encoder:
        regex = SplitPattern.of(pattern).regex
        return super().__new__(cls, mergeable_ranks, regex, special_tokens, merges, ignore_merges)

    def encode_with_offsets(
        self, text: str, allowed_special: Iterable[str]
    ) -> tuple[list[int], list[tuple[int, int]], list[tuple[int, int]]]:
        """:meth:`encode`, with each token's byte span and character span in ``text`` (spec §6.12)."""
        return _fast.encode_with_offsets(self, text, allowed_special)
