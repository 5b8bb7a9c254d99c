"""``encode_to_shards``: a corpus encoded into token shards on this machine.

Three stages overlap: a thread reads documents into batches, the calling thread encodes each
batch on all cores with the GIL released (:func:`bytebpe.shards.flat.encode_ordinary_flat`) and
cuts the ids into shards (:mod:`bytebpe.shards.packing`), and a thread writes the shards. The
queues between them hold two items each, so memory holds a few batches and a few shards,
whatever the corpus's size.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from bytebpe import atomic
from bytebpe.corpus import Corpus
from bytebpe.progress import ProgressCallback, reporter
from bytebpe.shards import formats
from bytebpe.shards.flat import TokenizerLike, encode_ordinary_flat, offsets_of
from bytebpe.shards.index import PARTIAL_MEMMAP, read_index, write_index
from bytebpe.shards.packing import PackedShard, Packer
from bytebpe.shards.plan import Plan, plan_run
from bytebpe.shards.txt_source import core_reads, encode_txt_here

# Text per encoded batch: enough for every core to have many documents, little beside a shard.
BATCH_CHARS = 8 * 2**20
_QUEUE_ITEMS = 2


Encoded = Iterator[tuple[bytes, Sequence[int], int]]
"""Batches of encoded documents in corpus order: (ids, offsets, bytes of the corpus read so far)."""
Source = Callable[..., Encoded]
"""What encodes a corpus for a run: (tokenizer, corpus, settings, documents to skip, threads) -> batches."""


def encode_to_shards(
    tokenizer: TokenizerLike,
    corpus: Corpus | Iterable[str],
    out_dir: str | os.PathLike[str],
    *,
    num_threads: int | None = None,
    progress: bool | ProgressCallback | None = None,
    source: Source | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Write the shards :meth:`bytebpe.Tokenizer.encode_to_shards` describes; return the index.

    ``source`` encodes the corpus elsewhere (:mod:`bytebpe.shards.on_ray`); by default it is
    read and encoded here: by the core (:mod:`bytebpe.shards.txt_source`) where it can read the
    corpus itself, else by :func:`encode_here`.
    """
    if source is None:
        source = encode_txt_here if core_reads(tokenizer, corpus) else encode_here
    plan = plan_run(tokenizer, corpus, Path(out_dir), **options)
    if plan.index["complete"]:
        return plan.index
    with reporter(progress) as report:
        _run(tokenizer, corpus, plan, num_threads, report, source)
    return read_index(plan.out)


def encode_here(
    tokenizer: TokenizerLike,
    corpus: Corpus | Iterable[str],
    settings: dict[str, Any],
    skip: int,
    num_threads: int | None,
) -> Encoded:
    """The corpus read by a thread of its own and encoded in batches on this machine's cores."""
    reader = _Reader(corpus, skip)
    reader.start()
    try:
        for batch in reader.batches():
            ids, offsets = encode_ordinary_flat(
                tokenizer,
                batch,
                num_threads=num_threads,
                prepend=settings["bos"],
                append=settings["eot"],
                dtype=settings["dtype"],
            )
            yield ids, offsets_of(offsets), reader.bytes_done
    finally:
        reader.stop()


def _run(
    tokenizer: TokenizerLike,
    corpus: Corpus | Iterable[str],
    plan: Plan,
    num_threads: int | None,
    report: ProgressCallback | None,
    source: Source,
) -> None:
    settings = plan.index["settings"]
    resume = plan.index["resume"]
    packer = Packer(
        settings["shard_tokens"],
        formats.DTYPES[settings["dtype"]],
        settings["split_documents"],
        number=len(plan.index["shards"]),
        document=resume["documents"],
        skip=resume["skip_tokens"],
    )
    total = corpus.size or 0 if isinstance(corpus, Corpus) else 0
    done = 0
    writer = _Writer(plan)
    writer.start()
    encoded = source(tokenizer, corpus, settings, resume["documents"], num_threads)
    try:
        for ids, offsets, done in encoded:
            for shard in packer.feed(ids, offsets):
                writer.put(shard)
            writer.put(packer.take_chunks())
            if report is not None:
                report("encoding", done, total)
        for shard in packer.finish():
            writer.put(shard)
        writer.put(None)
        writer.join()
        writer.check()
    finally:
        close = getattr(encoded, "close", None)
        if close is not None:
            close()
        writer.stop()
        writer.join()  # it stops within a tenth of a second, after the shard and index it is writing
    if report is not None:
        report("encoding", total or done, total)


def batched(documents: Iterator[str]) -> Iterator[list[str]]:
    """The documents in batches of about :data:`BATCH_CHARS` characters."""
    batch: list[str] = []
    chars = 0
    for document in documents:
        batch.append(document)
        chars += len(document) if isinstance(document, str) else 0
        if chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


class _Reader(threading.Thread):
    """Reads the corpus into batches of documents, skipping those a resumed run has written."""

    def __init__(self, corpus: Corpus | Iterable[str], skip: int) -> None:
        super().__init__(name="bytebpe-shards-reader", daemon=True)
        self._corpus = corpus
        self._skip = skip
        self._queue: queue.Queue[Any] = queue.Queue(_QUEUE_ITEMS)
        self._stopping = threading.Event()
        self.bytes_done = 0

    def run(self) -> None:
        try:
            documents = iter(self._corpus)
            try:
                self._batches(documents)
            finally:
                close = getattr(documents, "close", None)
                if close is not None:
                    close()
        except BaseException as error:  # handed to the encoding thread, which raises it
            self._put(("error", error))
        else:
            self._put(None)

    def _batches(self, documents: Iterator[str]) -> None:
        measured = getattr(documents, "bytes_read", None) is not None
        for _ in range(self._skip):
            if next(documents, None) is None:
                raise ValueError(
                    f"the corpus has fewer documents than the {self._skip} the shards already hold: it changed"
                )
        for batch in batched(self._measured(documents, measured)):
            if not self._put(("batch", batch, documents)):
                return

    def _measured(self, documents: Iterator[str], measured: bool) -> Iterator[str]:
        """The documents, their UTF-8 bytes counted where the corpus does not count its files'."""
        for document in documents:
            if not measured and isinstance(document, str):
                self.bytes_done += len(document.encode("utf-8", "surrogatepass"))
            yield document

    def _put(self, item: Any) -> bool:
        while not self._stopping.is_set():
            with contextlib.suppress(queue.Full):
                self._queue.put(item, timeout=0.1)
                return True
        return False

    def batches(self) -> Iterator[list[str]]:
        """The batches in order; an error of the reading is raised here."""
        while True:
            item = self._queue.get()
            if item is None:
                return
            if item[0] == "error":
                raise item[1]
            bytes_read = getattr(item[2], "bytes_read", None)
            if bytes_read is not None:
                self.bytes_done = bytes_read
            yield item[1]

    def stop(self) -> None:
        self._stopping.set()


class _Writer(threading.Thread):
    """Writes each shard as its ids come (temporary name, then rename) and then the index that
    lists it: what it holds is a batch, never a shard."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(name="bytebpe-shards-writer", daemon=True)
        self._plan = plan
        self._queue: queue.Queue[PackedShard | list[memoryview] | None] = queue.Queue(_QUEUE_ITEMS)
        self._error: BaseException | None = None
        self._stopping = threading.Event()
        settings = plan.index["settings"]
        self._format, self._dtype = settings["format"], settings["dtype"]
        # The header's length does not depend on the id count (npy pads it to 64 bytes): the ids
        # go after room for it, and the header is written once the count is known.
        self._room = len(formats.header(self._format, self._dtype, 0))
        self._file: BinaryIO | None = None
        self._staging: Path | None = None
        self._start = 0

    def put(self, item: PackedShard | list[memoryview] | None) -> None:
        while not self._stopping.is_set():
            self.check()
            with contextlib.suppress(queue.Full):
                self._queue.put(item, timeout=0.1)
                return

    def check(self) -> None:
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    item = self._queue.get(timeout=0.1)
                except queue.Empty:
                    continue
                if item is None:
                    self._finish()
                    return
                if isinstance(item, list):
                    self._write_chunks(item)
                else:
                    self._write(item)
        except BaseException as error:  # raised by the encoding thread
            self._error = error
            self._stopping.set()
        finally:
            self._abandon()

    def _open(self) -> BinaryIO:
        """The file of the shard in progress, at the end of what is written of it."""
        if self._file is not None:
            return self._file
        out, index = self._plan.out, self._plan.index
        if self._format == "memmap":
            path = out / PARTIAL_MEMMAP
            self._start = index["tokens"] * formats.DTYPES[self._dtype]
            file = open(path, "r+b" if path.exists() else "w+b")
        else:
            self._staging = atomic.staging_file(out / formats.shard_name(self._format, len(index["shards"])))
            self._start = 0
            file = open(self._staging, "w+b")
        file.seek(self._start + self._room)
        self._file = file
        return file

    def _write_chunks(self, chunks: list[memoryview]) -> None:
        if chunks:
            file = self._open()
            for chunk in chunks:
                file.write(chunk)

    def _write(self, shard: PackedShard) -> None:
        plan, index = self._plan, self._plan.index
        fmt, dtype = self._format, self._dtype
        formats.check_tokens_fit(shard.tokens, fmt)
        header = formats.header(fmt, dtype, shard.tokens)
        if len(header) != self._room:  # pragma: no cover - only for counts of 40 digits
            raise ValueError(f"a shard of {shard.tokens} ids has a header longer than its room")
        file = self._open()
        for chunk in shard.chunks:
            file.write(chunk)
        end = file.tell()
        file.seek(self._start)
        file.write(header)
        file.truncate(end)
        file.flush()
        os.fsync(file.fileno())
        digest = _digest(file, self._start, end)
        file.close()
        self._file = None
        name = formats.shard_name(fmt, shard.number)
        entry: dict[str, Any] = {"file": name}
        if fmt == "memmap":
            entry["offset"] = index["tokens"]
        else:
            assert self._staging is not None
            atomic.commit_file(self._staging, plan.out / name)
            self._staging = None
        entry.update(tokens=shard.tokens, documents=shard.documents, sha256=digest)
        index["shards"].append(entry)
        index["tokens"] += shard.tokens
        index["documents"] += shard.documents
        index["resume"] = {"documents": shard.next_document, "skip_tokens": shard.next_skip}
        write_index(plan.out, index)

    def _abandon(self) -> None:
        """Close the shard in progress of a stopped run; its staging file is bytebpe's, so it goes."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._staging is not None:
            with contextlib.suppress(FileNotFoundError):
                self._staging.unlink()
            self._staging = None

    def _finish(self) -> None:
        index = self._plan.index
        if index["settings"]["format"] == "memmap":
            partial = self._plan.out / PARTIAL_MEMMAP
            if not partial.exists():
                partial.touch()
            os.replace(partial, self._plan.out / formats.MEMMAP_FILE)
        index["complete"] = True
        write_index(self._plan.out, index)


def _digest(file: BinaryIO, start: int, end: int) -> str:
    """The sha256 of bytes ``start`` to ``end`` of ``file``, read back in blocks."""
    digest = hashlib.sha256()
    file.seek(start)
    left = end - start
    while left > 0:
        block = file.read(min(left, 1 << 23))
        if not block:
            break
        digest.update(block)
        left -= len(block)
    return digest.hexdigest()
