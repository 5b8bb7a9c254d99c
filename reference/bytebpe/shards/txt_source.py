"""The shard writer's source for a Corpus of .txt files and the fast implementation.

The core reads, decodes and encodes the files itself (``bytebpe._fast.encode_txt_flat``) with the
GIL released, on all cores, and hands over each batch already packed; no Python str is built per
document, so reading does not compete with encoding for the machine. The documents are those
``bytebpe.corpus`` yields (the core's .txt reader is held to it), so the shards are the same bytes.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from typing import Any

from bytebpe import fast
from bytebpe.corpus import Corpus
from bytebpe.shards.flat import TokenizerLike, check_dtype, offsets_of

_QUEUE_ITEMS = 2


class _Stopped(Exception):
    """Raised into the core by the sink when the writer no longer wants batches."""


def core_reads(tokenizer: TokenizerLike, corpus: object) -> bool:
    """Whether the core can read and encode ``corpus`` itself: a Corpus of .txt files, a fast tokenizer."""
    return tokenizer.implementation == "fast" and isinstance(corpus, Corpus) and corpus.all_plain_text()


def encode_txt_here(
    tokenizer: TokenizerLike,
    corpus: Corpus,
    settings: dict[str, Any],
    skip: int,
    num_threads: int | None,
) -> Any:
    """The writer's batches (ids, offsets, bytes read), read and encoded by the core on a thread."""
    from bytebpe import _fast

    reader = fast._core_reader(corpus)
    assert reader is not None
    reader.pop("progress")
    files = reader.pop("files")
    items: queue.Queue[Any] = queue.Queue(_QUEUE_ITEMS)
    stopping = threading.Event()

    def sink(ids: bytes, offsets: bytes, done: int) -> None:
        while not stopping.is_set():
            with contextlib.suppress(queue.Full):
                items.put(("batch", ids, offsets, done), timeout=0.1)
                return
        raise _Stopped

    def run() -> None:
        try:
            _fast.encode_txt_flat(
                tokenizer._encoder,
                files,
                sink,
                skip=skip,
                num_threads=num_threads,
                prepend=settings["bos"],
                append=settings["eot"],
                width=check_dtype(settings["dtype"]),
                **reader,
            )
        except _Stopped:
            return
        except BaseException as error:  # handed to the encoding thread, which raises it
            item: Any = ("error", error)
        else:
            item = None
        while not stopping.is_set():
            with contextlib.suppress(queue.Full):
                items.put(item, timeout=0.1)
                return

    thread = threading.Thread(target=run, name="bytebpe-shards-txt", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is None:
                return
            if item[0] == "error":
                raise item[1]
            yield item[1], offsets_of(item[2]), item[3]
    finally:
        stopping.set()
        thread.join()
