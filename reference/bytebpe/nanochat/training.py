"""nanochat's ``scripts/tok_train.py`` in one call: train on its parquet shards, save its files.

What tok_train.py does, step by step, and :func:`tok_train` with it:

1. the shards are the ``.parquet`` files directly in the data directory (nanochat's
   ``base_data``), sorted by name; the last one is nanochat's validation split, so training reads
   all the others;
2. the documents are the values of their ``text`` column, one row group at a time, each cropped
   to its first ``doc_cap`` characters;
3. documents are read until more than ``max_chars`` characters have been read: the document that
   crosses the limit is kept whole, and is the last (bytebpe.Corpus cuts it instead);
4. the tokenizer is trained with nanochat's pattern and special tokens (vocabulary 65536 by
   default, special tokens included) and saved with ``token_bytes.pt`` beside it.

The defaults are tok_train.py's, and the directories nanochat's: ``$NANOCHAT_BASE_DIR`` (else
``~/.cache/nanochat``), then ``base_data`` and ``tokenizer`` in it.

Progress is reported as the stage "reading", in characters read of a total known before reading
starts, so that a bar can show an ETA: ``max_chars``, or the size of the shards' text columns
(parquet's metadata, bytes before ``doc_cap``) where that is smaller. Then comes "merging".
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from bytebpe.corpus import Corpus, check_options
from bytebpe.nanochat.tokenizer import NanochatTokenizer
from bytebpe.progress import ProgressCallback, reporter

__all__ = ["base_dir", "tok_train", "tok_train_documents", "training_shards"]

VOCAB_SIZE = 65536
MAX_CHARS = 10_000_000_000
DOC_CAP = 10_000


def base_dir() -> Path:
    """nanochat's base directory: ``$NANOCHAT_BASE_DIR``, else ``~/.cache/nanochat``."""
    return Path(os.environ.get("NANOCHAT_BASE_DIR") or Path.home() / ".cache" / "nanochat")


def training_shards(data_dir: str | os.PathLike) -> list[Path]:
    """The shards tok_train.py trains on: every ``.parquet`` file directly in ``data_dir`` but the
    last by name, which nanochat keeps for validation. ValueError if fewer than two are there."""
    directory = Path(data_dir)
    if not directory.is_dir():
        raise FileNotFoundError(f"no data directory {directory} (nanochat downloads it: python -m nanochat.dataset)")
    shards = sorted(path for path in directory.iterdir() if path.name.endswith(".parquet") and path.is_file())
    if len(shards) < 2:
        raise ValueError(
            f"{directory} holds {len(shards)} .parquet shards; tok_train.py needs at least two, "
            "as it keeps the last one for validation"
        )
    return shards[:-1]


def tok_train_documents(
    shards: Iterable[str | os.PathLike], *, max_chars: int | None, doc_cap: int | None
) -> Iterator[str]:
    """The documents of ``shards`` as tok_train.py reads them: each cropped to ``doc_cap``
    characters, up to and including the one with which more than ``max_chars`` have been read
    (None: no limit)."""
    check_options("text", "paragraph", max_chars, doc_cap, "strict")
    return _budgeted(Corpus([str(shard) for shard in shards], doc_cap=doc_cap), max_chars)


def _budgeted(documents: Iterable[str], max_chars: int | None) -> Iterator[str]:
    read = 0
    for document in documents:
        read += len(document)
        yield document
        if max_chars is not None and read > max_chars:
            return


def tok_train(
    data_dir: str | os.PathLike | None = None,
    tokenizer_dir: str | os.PathLike | None = None,
    *,
    vocab_size: int = VOCAB_SIZE,
    max_chars: int = MAX_CHARS,
    doc_cap: int = DOC_CAP,
    max_token_length: int | None = None,
    implementation: str = "fast",
    progress: bool | ProgressCallback = False,
    overwrite: bool = False,
) -> NanochatTokenizer:
    """Train and save a tokenizer as nanochat's ``scripts/tok_train.py`` does (see the module).

    ``data_dir`` defaults to nanochat's ``base_data`` and ``tokenizer_dir`` to its ``tokenizer``
    directory. The saved directory holds ``tokenizer.pkl`` and ``token_bytes.pt`` (with torch
    installed; a TokenBytesWarning otherwise) for nanochat, and bytebpe's own files; a previous
    save there is replaced only with ``overwrite=True``.
    """
    data = Path(data_dir) if data_dir is not None else base_dir() / "base_data"
    out = Path(tokenizer_dir) if tokenizer_dir is not None else base_dir() / "tokenizer"
    shards = training_shards(data)
    documents = tok_train_documents(shards, max_chars=max_chars, doc_cap=doc_cap)
    with reporter(progress) as callback:
        if callback is not None:
            total = min(max_chars, text_size(shards)) if max_chars is not None else text_size(shards)
            documents = _reading(documents, callback, total)
            callback = _without_counting(callback)
        tokenizer = NanochatTokenizer.train_from_iterator(
            documents, vocab_size, max_token_length=max_token_length, implementation=implementation,
            progress=callback or False,
        )  # fmt: skip
    tokenizer.save(out, overwrite=overwrite)
    return tokenizer


def text_size(shards: Iterable[str | os.PathLike]) -> int:
    """The bytes of the ``text`` column of parquet ``shards``, uncompressed, from their metadata."""
    import pyarrow.parquet as pq

    size = 0
    for shard in shards:
        metadata = pq.ParquetFile(shard).metadata
        column = metadata.schema.names.index("text") if "text" in metadata.schema.names else None
        for group in range(metadata.num_row_groups):
            if column is not None:
                size += metadata.row_group(group).column(column).total_uncompressed_size
    return size


def _reading(documents: Iterable[str], callback: ProgressCallback, total: int) -> Iterator[str]:
    """``documents``, reporting ("reading", characters so far, ``total``) about ten times a second.

    ``total`` is an estimate when it comes from the shards' size, and ``max_chars`` is passed by
    the document that crosses it: the count stops at ``total``, and reaches it when reading ends.
    """
    read, last = 0, 0.0
    for document in documents:
        read += len(document)
        now = time.monotonic()
        if now - last >= 0.1:
            callback("reading", min(read, total), total)
            last = now
        yield document
    callback("reading", total, total)


def _without_counting(callback: ProgressCallback) -> ProgressCallback:
    """``callback``, less the core's "counting" reports, which "reading" replaces."""

    def report(stage: str, done: int, total: int) -> object:
        return None if stage == "counting" else callback(stage, done, total)

    return report
