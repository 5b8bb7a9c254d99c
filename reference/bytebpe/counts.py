"""Piece counts (spec §4.1.1): all that training needs to know of a corpus, as a table that adds.

Counting is the expensive, embarrassingly parallel half of training; the merge loop runs on the
counts alone. So the counts of shards can be made anywhere (processes, machines, Ray tasks, Spark
executors), added up in any order, and trained on once::

    counts = sum(bytebpe.implementation("fast").count(shard, "gpt4") for shard in shards)
    tok = bytebpe.Tokenizer.train_from_counts(counts, 32768)

A :class:`PieceCounts` is a split pattern and a table of counts behind one interface
(:class:`CountsTable`). The fast implementation's table is the core's own (``bytebpe._fast.Counts``),
which never builds a Python dict unless asked; the reference's, and one made from a dict, is a
:class:`DictCounts`. Both behave the same, add to each other, and travel as Arrow tables (spec
§12.4): ``piece: large_binary, count: int64``, with the split pattern in the schema metadata under
``bytebpe.pattern``. Only reading Arrow (and unpickling, which goes through Arrow's buffers) needs
the compiled core, which checks the buffers and keeps the pieces out of Python objects.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bytebpe.pattern_language import compile_pattern
from bytebpe.patterns import DEFAULT_PATTERN, SplitPattern

if TYPE_CHECKING:
    import pyarrow

PATTERN_KEY = b"bytebpe.pattern"
MAX_COUNT = 2**63 - 1


@runtime_checkable
class CountsTable(Protocol):
    """What a table of piece counts offers: ``bytebpe._fast.Counts`` and :class:`DictCounts` alike."""

    def __len__(self) -> int: ...
    def get(self, piece: bytes) -> int: ...
    def total(self) -> int: ...
    def items(self) -> Iterable[tuple[bytes, int]]: ...
    def merge(self, other: Any) -> CountsTable: ...
    def to_buffers(self) -> tuple[bytes, bytes, bytes]: ...


class DictCounts:
    """A table of piece counts held in a dict: counts of at least 1 that fit in 63 bits."""

    __slots__ = ("_counts",)

    def __init__(self, counts: Mapping[bytes, int]) -> None:
        if not isinstance(counts, Mapping):
            raise TypeError(f"piece counts must be a dict of bytes to int, not {type(counts).__name__}")
        for piece, count in counts.items():
            if not isinstance(piece, bytes) or isinstance(count, bool) or not isinstance(count, int):
                raise TypeError(f"piece counts map bytes to int; found {piece!r}: {count!r}")
            if not 1 <= count <= MAX_COUNT:
                raise ValueError(f"the count of {piece!r} is {count}; counts must be at least 1 and fit in 63 bits")
            if not piece:
                raise ValueError("a piece must not be empty")
        self._counts = dict(counts)

    def __len__(self) -> int:
        return len(self._counts)

    def get(self, piece: bytes) -> int:
        return self._counts.get(piece, 0)

    def total(self) -> int:
        return sum(self._counts.values())

    def items(self) -> Iterable[tuple[bytes, int]]:
        return self._counts.items()

    def merge(self, other: CountsTable) -> DictCounts:
        """A new table holding the sum of this one and ``other`` (a table of either kind)."""
        summed = dict(self._counts)
        for piece, count in other.items():
            summed[piece] = summed.get(piece, 0) + count
        return DictCounts(summed)

    def to_buffers(self) -> tuple[bytes, bytes, bytes]:
        """Arrow's buffers: the pieces end to end, n + 1 int64 offsets, n int64 counts."""
        offsets = [0]
        for piece in self._counts:
            offsets.append(offsets[-1] + len(piece))
        pieces = b"".join(self._counts)
        counts = struct.pack(f"<{len(self._counts)}q", *self._counts.values())
        return pieces, struct.pack(f"<{len(offsets)}q", *offsets), counts


class PieceCounts:
    """Distinct pieces (bytes) and how often each occurred, under one split pattern.

    Build one with an implementation's ``count(texts, pattern)``, from a dict, or with
    :meth:`from_arrow`. ``a + b`` (and ``sum(...)``) adds two tables of the same pattern; a table
    is never changed in place.
    """

    __slots__ = ("_pattern", "_table")

    def __init__(
        self,
        counts: Mapping[bytes, int] | CountsTable | None = None,
        *,
        pattern: str | SplitPattern = DEFAULT_PATTERN,
    ) -> None:
        """``counts`` maps pieces to counts (each at least 1), or is a table an implementation made.

        A custom ``pattern`` is checked now (ValueError outside spec §2.2): whatever a table holds,
        a tokenizer trained from it must save and load.
        """
        self._pattern = SplitPattern.of(pattern)
        if self._pattern.name is None:
            compile_pattern(self._pattern.regex)
        self._table: CountsTable = counts if isinstance(counts, CountsTable) else DictCounts(counts or {})

    @property
    def pattern(self) -> str:
        """The split regex the pieces came from (a named pattern is given as its regex)."""
        return self._pattern.regex

    @property
    def pattern_name(self) -> str | None:
        """The name of the split pattern in bytebpe.PATTERNS, or None for a custom regex."""
        return self._pattern.name

    @property
    def split_pattern(self) -> SplitPattern:
        """The split pattern, resolved (:class:`bytebpe.patterns.SplitPattern`)."""
        return self._pattern

    @property
    def table(self) -> CountsTable:
        """The table that holds the counts: the core's ``bytebpe._fast.Counts`` or a :class:`DictCounts`."""
        return self._table

    def core(self) -> Any:
        """The table as a ``bytebpe._fast.Counts`` (the table itself, or built from the dict)."""
        if isinstance(self._table, DictCounts):
            from bytebpe import _fast

            return _fast.Counts.from_buffers(*self._table.to_buffers())
        return self._table

    def as_dict(self) -> dict[bytes, int]:
        """A copy of the table as a dict from piece to count."""
        return dict(self._table.items())

    def items(self) -> Iterator[tuple[bytes, int]]:
        """Every (piece, count), in no particular order."""
        return iter(self._table.items())

    def total(self) -> int:
        """How many pieces were counted (the sum of the counts)."""
        return self._table.total()

    def __len__(self) -> int:
        return len(self._table)

    def __getitem__(self, piece: bytes) -> int:
        """How often ``piece`` occurred; 0 if never."""
        if not isinstance(piece, bytes):
            raise TypeError(f"pieces are bytes, not {type(piece).__name__}")
        return self._table.get(piece)

    def __add__(self, other: object) -> PieceCounts:
        if not isinstance(other, PieceCounts):
            return NotImplemented
        if other._pattern != self._pattern:
            raise ValueError("cannot add piece counts of two different split patterns (spec §4.1.1)")
        mine, theirs = self._table, other._table
        # A table adds one of its own kind; the core's adds only its own, so a dict takes the mix.
        if isinstance(theirs, DictCounts) and not isinstance(mine, DictCounts):
            mine, theirs = theirs, mine
        return PieceCounts(mine.merge(theirs), pattern=self._pattern)

    def __radd__(self, other: object) -> PieceCounts:
        # sum() starts from 0.
        if other == 0:
            return self
        return self.__add__(other)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PieceCounts):
            return NotImplemented
        return self._pattern == other._pattern and len(self) == len(other) and self.as_dict() == other.as_dict()

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled (e.g. between Ray workers) as Arrow's three buffers, not as millions of objects.
        data, offsets, counts = self._table.to_buffers()
        return (_from_buffers, (self._pattern.regex, data, offsets, counts))

    def __repr__(self) -> str:
        pattern = self.pattern_name or "custom"
        return f"<bytebpe.PieceCounts {len(self)} pieces, {self.total()} counted, pattern={pattern}>"

    def to_arrow(self) -> pyarrow.Table:
        """The table as Arrow (spec §12.4): ``piece: large_binary``, ``count: int64``."""
        pa = _pyarrow()
        data, offsets, counts = self._table.to_buffers()
        n = len(offsets) // 8 - 1
        pieces = pa.LargeBinaryArray.from_buffers(
            pa.large_binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
        )
        values = pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(counts)])
        schema = pa.schema(
            [pa.field("piece", pa.large_binary(), nullable=False), pa.field("count", pa.int64(), nullable=False)],
            metadata={PATTERN_KEY: self._pattern.regex.encode("utf-8")},
        )
        return pa.Table.from_arrays([pieces, values], schema=schema)

    @classmethod
    def from_arrow(cls, table: pyarrow.Table, *, pattern: str | None = None) -> PieceCounts:
        """Read a table written by :meth:`to_arrow` (or any with the columns of spec §12.4).

        The pattern comes from the schema metadata; ``pattern`` names it when the metadata does
        not hold one (a table written by another tool).
        """
        pa = _pyarrow()
        if not isinstance(table, pa.Table):
            raise TypeError(f"from_arrow takes a pyarrow.Table, not {type(table).__name__}")
        names = table.column_names
        if "piece" not in names or "count" not in names:
            raise ValueError(f"piece counts need the columns 'piece' and 'count'; this table has {names}")
        piece_type, count_type = table.schema.field("piece").type, table.schema.field("count").type
        if piece_type not in (pa.large_binary(), pa.binary()) or count_type != pa.int64():
            raise ValueError(
                f"expected piece: large_binary and count: int64, got piece: {piece_type}, count: {count_type}"
            )
        stored = (table.schema.metadata or {}).get(PATTERN_KEY)
        if stored is None and pattern is None:
            raise ValueError("the table names no split pattern (metadata bytebpe.pattern); pass pattern=")
        resolved = SplitPattern.of(pattern) if pattern is not None else SplitPattern.of_regex(stored.decode("utf-8"))
        if stored is not None and resolved.regex != stored.decode("utf-8"):
            raise ValueError("pattern= differs from the pattern the table was counted with")
        pieces = table.column("piece").combine_chunks().cast(pa.large_binary())
        counts = table.column("count").combine_chunks()
        if pieces.null_count or counts.null_count:
            raise ValueError("piece counts must not hold nulls")
        data, offsets = _large_binary_buffers(pieces)
        values = counts.to_numpy(zero_copy_only=False).astype("<i8").tobytes()
        return _from_buffers(resolved.regex, data, offsets, values)


def _from_buffers(pattern: str, data: bytes, offsets: bytes, counts: bytes) -> PieceCounts:
    """A table from Arrow's buffers, held by the core, which checks them (offsets, duplicates,
    counts >= 1). ``pattern`` is the regex, as the metadata of §12.4 holds it."""
    from bytebpe import _fast

    return PieceCounts(_fast.Counts.from_buffers(data, offsets, counts), pattern=SplitPattern.of_regex(pattern))


def _large_binary_buffers(array: Any) -> tuple[bytes, bytes]:
    """The data and int64 offsets of a large_binary array, rebased to start at 0."""
    import numpy as np

    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype="<i8")[array.offset : array.offset + len(array) + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    data = bytes(data_buffer)[start:end] if data_buffer is not None else b""
    return data, (offsets - start).astype("<i8").tobytes()


def check_piece_counts(counts: object) -> PieceCounts:
    """``counts`` if it is a PieceCounts: what ``train_from_counts`` takes, in either implementation."""
    if not isinstance(counts, PieceCounts):
        raise TypeError(f"counts must be a bytebpe.PieceCounts, not {type(counts).__name__}")
    return counts


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as err:
        raise ImportError("Arrow tables need pyarrow: pip install pyarrow (or bytebpe[parquet])") from err
    return pyarrow
