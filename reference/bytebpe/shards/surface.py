"""The Tokenizer's methods for datasets and training loops: ``encode_to_shards``,
``encode_to_numpy`` and ``encode_ordinary_batch_to_numpy``. A base class of bytebpe.Tokenizer."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bytebpe import checks
from bytebpe.shards.flat import encode_ordinary_flat, numpy_module
from bytebpe.shards.plan import DEFAULT_SHARD_TOKENS
from bytebpe.special_tokens import check_disallowed, special_sets

if TYPE_CHECKING:
    import numpy

    from bytebpe.corpus import Corpus
    from bytebpe.progress import ProgressCallback
    from bytebpe.special_tokens import SpecialSet

_NUMPY_DTYPES = {"uint16": "<u2", "uint32": "<u4"}


class ShardsSurface:
    """Methods of bytebpe.Tokenizer that write token shards and return numpy arrays."""

    def encode_to_shards(
        self,
        corpus: Corpus | Iterable[str],
        out_dir: str | os.PathLike[str],
        *,
        format: str = "bin",
        dtype: str | None = None,
        shard_tokens: int = DEFAULT_SHARD_TOKENS,
        bos: int | str | None = None,
        eot: int | str | None = None,
        split_documents: bool = False,
        num_threads: int | None = None,
        overwrite: bool = False,
        resume: bool = True,
        progress: bool | ProgressCallback | None = None,
    ) -> dict[str, Any]:
        """Encode every document of ``corpus`` (a :class:`bytebpe.Corpus` or an iterable of str)
        with :meth:`encode_ordinary` into shards in directory ``out_dir``; return the index
        (docs/shards.md).

        * ``format``: "bin" (llm.c / modded-nanogpt: a 256-int32 header, then the ids), "npy"
          (``numpy.load``) or "memmap" (nanoGPT's one raw ``tokens.bin``).
        * ``dtype``: "uint16" or "uint32"; by default uint16 when every id fits. uint16 for a
          larger vocabulary is a ValueError before anything is written.
        * ``shard_tokens``: ids per shard. A shard holds whole documents (a longer document has a
          shard of its own) unless ``split_documents``, which fills every shard but the last.
        * ``bos``/``eot``: a token (an id or a special token's string) put before/after each document.
        * ``num_threads``: threads for encoding (default: all cores).
        * ``overwrite``: replace shards of another run in ``out_dir``; ``resume`` (the default):
          continue a run of the same tokenizer, settings and corpus after its last complete shard.
        * ``progress``: True for a bar on stderr, or a callable given ("encoding", bytes, total).

        ``index.json`` in ``out_dir`` lists each shard's file, ids, documents and sha256;
        :func:`bytebpe.shards.verify` checks them.
        """
        from bytebpe.shards.writer import encode_to_shards

        return encode_to_shards(
            self,  # type: ignore[arg-type]
            corpus,
            out_dir,
            num_threads=num_threads,
            progress=progress,
            format=format,
            dtype=dtype,
            shard_tokens=shard_tokens,
            bos=bos,
            eot=eot,
            split_documents=split_documents,
            overwrite=overwrite,
            resume=resume,
        )

    def encode_to_numpy(
        self, text: str, *, allowed_special: SpecialSet = frozenset(), disallowed_special: SpecialSet = "all"
    ) -> numpy.ndarray:
        """:meth:`encode` as a read-only numpy uint32 array, as tiktoken's ``encode_to_numpy``
        (needs numpy); without ``allowed_special``, no Python list is built."""
        np = numpy_module()
        checks.check_text(text, "text")
        allowed, disallowed = special_sets(self._special_tokens, allowed_special, disallowed_special)  # type: ignore[attr-defined]
        if allowed:
            ids = self.encode(text, allowed_special=allowed_special, disallowed_special=disallowed_special)  # type: ignore[attr-defined]
            return np.asarray(ids, dtype=np.uint32)
        if disallowed:
            check_disallowed(text, disallowed)
        return self.encode_ordinary_batch_to_numpy([text])[0]

    def encode_ordinary_batch_to_numpy(
        self,
        texts: Iterable[str],
        *,
        num_threads: int | None = None,
        prepend: int | str | None = None,
        append: int | str | None = None,
        dtype: str = "uint32",
    ) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Encode ``texts`` as :meth:`encode_ordinary_batch` does, into one flat array of ids and
        ``len(texts) + 1`` int64 offsets: text ``i`` is ``ids[offsets[i]:offsets[i + 1]]``. No
        Python list is built per text. ``prepend``/``append`` (an id or a special token's
        string) go around each text; ``dtype`` is "uint32" or "uint16" (ValueError for an id
        that does not fit). Needs numpy."""
        np = numpy_module()
        before = None if prepend is None else self._token_id(prepend, "prepend")  # type: ignore[attr-defined]
        after = None if append is None else self._token_id(append, "append")  # type: ignore[attr-defined]
        ids, offsets = encode_ordinary_flat(
            self,  # type: ignore[arg-type]
            texts,
            num_threads=num_threads,
            prepend=before,
            append=after,
            dtype=dtype,
        )
        return np.frombuffer(ids, dtype=_NUMPY_DTYPES[dtype]), np.frombuffer(offsets, dtype="<u8").astype(np.int64)
