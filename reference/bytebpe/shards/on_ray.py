"""Token shards encoded on a Ray cluster: one task per input file, the shards written here.

Each task reads one file of the :class:`bytebpe.Corpus` (with the corpus's options) and encodes
it with :func:`bytebpe.shards.flat.encode_ordinary_flat`; the driver takes the results in file
order, a few tasks ahead at most, and cuts and writes the shards with the local writer's
:class:`~bytebpe.shards.packing.Packer` and index. The output is thus byte for byte that of
:meth:`bytebpe.Tokenizer.encode_to_shards` on this machine, resume included.
"""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bytebpe.corpus import Corpus
from bytebpe.shards.flat import TokenizerLike, encode_ordinary_flat, offsets_of
from bytebpe.shards.writer import Encoded, batched
from bytebpe.shards.writer import encode_to_shards as write_shards

if TYPE_CHECKING:
    from bytebpe.progress import ProgressCallback


def encode_to_shards_on_ray(
    tokenizer: TokenizerLike,
    corpus: Corpus,
    out_dir: str | os.PathLike[str],
    *,
    address: str | None = None,
    tasks_ahead: int | None = None,
    progress: bool | ProgressCallback | None = None,
    **options: Any,
) -> dict[str, Any]:
    """:meth:`bytebpe.Tokenizer.encode_to_shards` with each file of ``corpus`` encoded in a Ray
    task; the same output. ``address`` is the cluster (as :func:`bytebpe.distributed.train`
    takes it); ``tasks_ahead`` bounds the files encoded but not yet written (default: the
    cluster's CPUs), and so the driver's memory. ``max_chars`` spans files and is refused."""
    if not isinstance(corpus, Corpus):
        raise TypeError(f"on Ray the corpus must be a bytebpe.Corpus, not {type(corpus).__name__}")
    if corpus.max_chars is not None:
        raise ValueError("max_chars does not work on Ray: each file is encoded in a task of its own")
    if "-" in corpus.paths:
        raise ValueError("- (stdin) does not work on Ray: the files are read on other machines")
    from bytebpe.distributed import _ray

    def source(
        tokenizer: TokenizerLike, corpus: Any, settings: dict[str, Any], skip: int, num_threads: int | None
    ) -> Encoded:
        with _ray(address) as ray:
            yield from _encoded_on_ray(ray, tokenizer, corpus, settings, skip, tasks_ahead)

    return write_shards(tokenizer, corpus, out_dir, progress=progress, source=source, **options)


def _encoded_on_ray(
    ray: Any, tokenizer: TokenizerLike, corpus: Corpus, settings: dict[str, Any], skip: int, tasks_ahead: int | None
) -> Encoded:
    task = ray.remote(encode_file).options(num_cpus=1)
    ahead = tasks_ahead or max(1, int(ray.cluster_resources().get("CPU", 1)))
    tokenizer_ref = ray.put(tokenizer)
    options = _corpus_options(corpus)
    pending: deque[Any] = deque()
    read = 0
    for path in [*corpus.files, None]:
        if path is not None:
            pending.append(task.remote(tokenizer_ref, os.path.abspath(path), options, settings))
            if len(pending) < ahead:
                continue
        while pending and (path is None or len(pending) >= ahead):
            batches, size = ray.get(pending.popleft())  # raises the task's error, if it failed
            read += size
            for ids, raw_offsets in batches:
                offsets = offsets_of(raw_offsets)
                documents = len(offsets) - 1
                if skip >= documents:  # written before the run was resumed
                    skip -= documents
                    continue
                yield ids, offsets[skip:], read
                skip = 0


def _corpus_options(corpus: Corpus) -> dict[str, Any]:
    return {
        "text_field": corpus.text_field,
        "txt_split": corpus.txt_split,
        "doc_cap": corpus.doc_cap,
        "errors": corpus.errors,
        "format": corpus.format,
    }


def encode_file(
    tokenizer: TokenizerLike, path: str, options: dict[str, Any], settings: dict[str, Any]
) -> tuple[list[tuple[bytes, bytes]], int]:
    """The encoded batches of the documents of one file, and the file's size (a Ray task)."""
    batches = []
    for batch in batched(iter(Corpus([path], **options))):
        batches.append(
            encode_ordinary_flat(
                tokenizer, batch, prepend=settings["bos"], append=settings["eot"], dtype=settings["dtype"]
            )
        )
    return batches, Path(path).stat().st_size
