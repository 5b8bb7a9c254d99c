"""Cutting a stream of encoded documents into shards: the one rule every writer follows.

Each document's ids (its separators included) go to shards in order. Without
``split_documents`` a shard holds whole documents: a document that would take it past
``shard_tokens`` starts the next one, and a document longer than ``shard_tokens`` has a shard of
its own (with any documents of no ids just before it). With it, every shard but the last holds
exactly ``shard_tokens`` ids. A shard counts the documents that start in it. The cut depends on
the documents alone, never on how they were batched, so a resumed run and a run on Ray cut
where an uninterrupted local run does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field


@dataclass
class PackedShard:
    """A complete shard, and where the documents after it start (what a resumed run skips)."""

    number: int
    chunks: list[memoryview] = field(repr=False)
    tokens: int
    documents: int
    next_document: int
    """Documents, from the first of the corpus, wholly in this shard and those before it."""
    next_skip: int
    """Ids of document ``next_document`` already in this shard (with ``split_documents``)."""

    def data(self) -> bytes:
        """The ids, packed."""
        return b"".join(self.chunks)


class Packer:
    """Feeds encoded batches in, gives complete shards out (:mod:`bytebpe.shards.packing`)."""

    def __init__(
        self, shard_tokens: int, width: int, split_documents: bool, *, number: int = 0, document: int = 0, skip: int = 0
    ) -> None:
        self._cap = shard_tokens
        self._width = width
        self._split = split_documents
        self._number = number
        self._document = document
        self._skip = skip
        self._chunks: list[memoryview] = []
        # The bytes of the current shard not yet in _chunks: (buffer, start, end), one slice of a
        # batch, so that a shard of many documents is a few slices rather than one per document.
        self._run: tuple[memoryview, int, int] | None = None
        self._tokens = 0
        self._documents = 0

    def feed(self, ids: bytes, offsets: Sequence[int]) -> Iterator[PackedShard]:
        """The shards that the documents of one batch (:func:`bytebpe.shards.flat.encode_ordinary_flat`) complete."""
        view = memoryview(ids)
        width = self._width
        for index in range(len(offsets) - 1):
            first, end = offsets[index], offsets[index + 1]
            start = first + self._skip
            starts_here = self._skip == 0
            self._skip = 0
            if not self._split:
                if self._tokens and self._tokens + (end - start) > self._cap:
                    yield self._emit(self._document, 0)
                self._add(view, start * width, end * width)
                self._tokens += end - start
                self._documents += starts_here
                self._document += 1
                if self._tokens >= self._cap:
                    yield self._emit(self._document, 0)
                continue
            self._documents += starts_here
            while start < end:
                take = min(end - start, self._cap - self._tokens)
                self._add(view, start * width, (start + take) * width)
                self._tokens += take
                start += take
                if self._tokens == self._cap:
                    if start == end:
                        yield self._emit(self._document + 1, 0)
                    else:
                        yield self._emit(self._document, start - first)
            self._document += 1

    def take_chunks(self) -> list[memoryview]:
        """The ids of the shard in progress packed since the last call, handed over once: a writer
        that writes them as they come holds a batch in memory, never a shard. The shard, when it
        is complete, holds only the chunks not taken."""
        self._flush()
        chunks, self._chunks = self._chunks, []
        return chunks

    def finish(self) -> Iterator[PackedShard]:
        """The last shard, if anything is left for it."""
        if self._tokens or self._documents:
            yield self._emit(self._document, 0)

    def _add(self, view: memoryview, start: int, end: int) -> None:
        run = self._run
        if run is not None and run[0] is view and run[2] == start:
            self._run = (view, run[1], end)
            return
        self._flush()
        self._run = (view, start, end)

    def _flush(self) -> None:
        if self._run is not None:
            view, start, end = self._run
            self._chunks.append(view[start:end])
            self._run = None

    def _emit(self, next_document: int, next_skip: int) -> PackedShard:
        self._flush()
        shard = PackedShard(self._number, self._chunks, self._tokens, self._documents, next_document, next_skip)
        self._number += 1
        self._chunks, self._tokens, self._documents = [], 0, 0
        return shard
