"""Piece counts (spec §4.1.1): all that training needs to know of a corpus, as a table that adds.

Counting is the expensive, embarrassingly parallel half of training; the merge loop runs on the
counts alone. So the counts of shards can be made anywhere (processes, machines, Ray tasks, Spark
executors), added up in any order, and trained on once::

    counts = sum(bytebpe.implementation("fast").count(shard, "gpt4") for shard in shards)
    tok = bytebpe.Tokenizer.train_from_counts(counts, 32768)

A table made by the fast implementation keeps its data in the Rust core and never builds a
Python dict unless asked; one made by the reference holds a dict. Both behave the same, add to
each other, and travel as Arrow tables (spec §12.4): ``piece: large_binary, count: int64``, with
the split pattern in the schema metadata under ``bytebpe.pattern``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from bytebpe.patterns import DEFAULT_PATTERN, pattern_name, resolve_pattern

if TYPE_CHECKING:
    import pyarrow

PATTERN_KEY = b"bytebpe.pattern"
MAX_COUNT = 2**63 - 1


class PieceCounts:
    """Distinct pieces (bytes) and how often each occurred, under one split pattern.

    Build one with an implementation's ``count(texts, pattern)``, from a dict, or with
    :meth:`from_arrow`. ``a + b`` (and ``sum(...)``) adds two tables of the same pattern; a table
    is never changed in place.
    """

    __slots__ = ("_core", "_dict", "_pattern")

    def __init__(self, counts: Mapping[bytes, int] | None = None, *, pattern: str = DEFAULT_PATTERN) -> None:
        self._pattern = resolve_pattern(pattern)
        self._core: Any = None
        self._dict = _checked(counts or {})

    @classmethod
    def _from_core(cls, core: Any, pattern: str) -> PieceCounts:
        """A table whose data stays in the fast core (a ``bytebpe._fast.Counts``)."""
        table = cls.__new__(cls)
        table._pattern = resolve_pattern(pattern)
        table._core = core
        table._dict = None
        return table

    @property
    def pattern(self) -> str:
        """The split regex the pieces came from (a named pattern is given as its regex)."""
        return self._pattern

    @property
    def pattern_name(self) -> str | None:
        """The name of the split pattern in bytebpe.PATTERNS, or None for a custom regex."""
        return pattern_name(self._pattern)

    def core(self) -> Any:
        """The table as a ``bytebpe._fast.Counts`` (built from the dict the first time)."""
        if self._core is None:
            from bytebpe import _fast

            data, offsets, counts = _buffers_from_items(self._dict.items())
            self._core = _fast.Counts.from_buffers(data, offsets, counts)
        return self._core

    def as_dict(self) -> dict[bytes, int]:
        """A copy of the table as a dict from piece to count."""
        if self._dict is not None:
            return dict(self._dict)
        return dict(self._core.items())

    def items(self) -> Iterator[tuple[bytes, int]]:
        """Every (piece, count), in no particular order."""
        return iter(self._dict.items() if self._dict is not None else self._core.items())

    def total(self) -> int:
        """How many pieces were counted (the sum of the counts)."""
        return sum(self._dict.values()) if self._dict is not None else self._core.total()

    def __len__(self) -> int:
        return len(self._dict) if self._dict is not None else len(self._core)

    def __getitem__(self, piece: bytes) -> int:
        """How often ``piece`` occurred; 0 if never."""
        if not isinstance(piece, bytes):
            raise TypeError(f"pieces are bytes, not {type(piece).__name__}")
        return self._dict.get(piece, 0) if self._dict is not None else self._core.get(piece)

    def __add__(self, other: object) -> PieceCounts:
        if not isinstance(other, PieceCounts):
            return NotImplemented
        if other._pattern != self._pattern:
            raise ValueError("cannot add piece counts of two different split patterns (spec §4.1.1)")
        if self._dict is None and other._dict is None:
            return PieceCounts._from_core(self._core.merge(other._core), self._pattern)
        summed = self.as_dict()
        for piece, count in other.items():
            summed[piece] = summed.get(piece, 0) + count
        return PieceCounts(summed, pattern=self._pattern)

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
        data, offsets, counts = self._buffers()
        return (_from_buffers, (self._pattern, data, offsets, counts))

    def __repr__(self) -> str:
        pattern = self.pattern_name or "custom"
        return f"<bytebpe.PieceCounts {len(self)} pieces, {self.total()} counted, pattern={pattern}>"

    def _buffers(self) -> tuple[bytes, bytes, bytes]:
        if self._core is not None:
            return self._core.to_buffers()
        return _buffers_from_items(self._dict.items())

    def to_arrow(self) -> pyarrow.Table:
        """The table as Arrow (spec §12.4): ``piece: large_binary``, ``count: int64``."""
        pa = _pyarrow()
        data, offsets, counts = self._buffers()
        n = len(offsets) // 8 - 1
        pieces = pa.LargeBinaryArray.from_buffers(
            pa.large_binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
        )
        values = pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(counts)])
        schema = pa.schema(
            [pa.field("piece", pa.large_binary(), nullable=False), pa.field("count", pa.int64(), nullable=False)],
            metadata={PATTERN_KEY: self._pattern.encode("utf-8")},
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
        resolved = resolve_pattern(pattern) if pattern is not None else stored.decode("utf-8")
        if stored is not None and pattern is not None and resolve_pattern(pattern) != stored.decode("utf-8"):
            raise ValueError("pattern= differs from the pattern the table was counted with")
        pieces = table.column("piece").combine_chunks().cast(pa.large_binary())
        counts = table.column("count").combine_chunks()
        if pieces.null_count or counts.null_count:
            raise ValueError("piece counts must not hold nulls")
        data, offsets = _large_binary_buffers(pieces)
        values = counts.to_numpy(zero_copy_only=False).astype("<i8").tobytes()
        return _from_buffers(resolved, data, offsets, values)


def _from_buffers(pattern: str, data: bytes, offsets: bytes, counts: bytes) -> PieceCounts:
    """A table from Arrow's buffers (validated in Rust: offsets, duplicates, counts >= 1)."""
    from bytebpe import _fast

    return PieceCounts._from_core(_fast.Counts.from_buffers(data, offsets, counts), pattern)


def _large_binary_buffers(array: Any) -> tuple[bytes, bytes]:
    """The data and int64 offsets of a large_binary array, rebased to start at 0."""
    import numpy as np

    _, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype="<i8")[array.offset : array.offset + len(array) + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    data = bytes(data_buffer)[start:end] if data_buffer is not None else b""
    return data, (offsets - start).astype("<i8").tobytes()


def _buffers_from_items(items: Any) -> tuple[bytes, bytes, bytes]:
    import struct

    pieces, values = [], []
    for piece, count in items:
        pieces.append(piece)
        values.append(count)
    lengths = [0]
    for piece in pieces:
        lengths.append(lengths[-1] + len(piece))
    return b"".join(pieces), struct.pack(f"<{len(lengths)}q", *lengths), struct.pack(f"<{len(values)}q", *values)


def _checked(counts: Mapping[bytes, int]) -> dict[bytes, int]:
    if not isinstance(counts, Mapping):
        raise TypeError(f"piece counts must be a dict of bytes to int, not {type(counts).__name__}")
    for piece, count in counts.items():
        if not isinstance(piece, bytes) or isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"piece counts map bytes to int; found {piece!r}: {count!r}")
        if not 1 <= count <= MAX_COUNT:
            raise ValueError(f"the count of {piece!r} is {count}; counts must be at least 1 and fit in 63 bits")
        if not piece:
            raise ValueError("a piece must not be empty")
    return dict(counts)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as err:
        raise ImportError("Arrow tables need pyarrow: pip install pyarrow (or bytebpe[parquet])") from err
    return pyarrow
