"""Batch encoding into one flat buffer of ids plus document offsets, on either implementation.

The fast core fills the buffers itself with the GIL released (``bytebpe._fast.encode_ordinary_flat``);
the reference packs its lists of ids the same way. Both give the same bytes for the same model.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Iterable
from typing import Any

from bytebpe import checks
from bytebpe.shards.formats import DTYPES

TokenizerLike = Any
"""A bytebpe.Tokenizer: not imported here, because tokenizer.py imports this package (surface.py)."""


def encode_ordinary_flat(
    tokenizer: TokenizerLike,
    texts: Iterable[str],
    *,
    num_threads: int | None = None,
    prepend: int | None = None,
    append: int | None = None,
    dtype: str = "uint32",
) -> tuple[bytes, bytes]:
    """``(ids, offsets)``: the ids of every text (special-token strings as plain text, spec §6.4),
    each with ``prepend`` before and ``append`` after, packed little-endian as ``dtype``, and
    ``len(texts) + 1`` little-endian uint64 offsets (in ids) where each text's ids start.

    ValueError if an id does not fit in ``dtype``."""
    width = check_dtype(dtype)
    encoder: Any = tokenizer._encoder
    if tokenizer.implementation == "fast":
        from bytebpe import _fast

        return _fast.encode_ordinary_flat(encoder, texts, num_threads, prepend, append, width)
    texts = list(checks.check_texts(texts))
    batch = encoder.encode_ordinary_batch(texts, num_threads)
    before = [] if prepend is None else [prepend]
    after = [] if append is None else [append]
    limit = 1 << (8 * width)
    ids: list[int] = []
    offsets = [0]
    for encoding in batch:
        ids += before
        ids += encoding
        ids += after
        offsets.append(len(ids))
    too_big = next((id for id in ids if id >= limit), None)
    if too_big is not None:
        raise ValueError(f"id {too_big} does not fit in uint16 (at most 65535)")
    code = "H" if width == 2 else "I"
    return struct.pack(f"<{len(ids)}{code}", *ids), struct.pack(f"<{len(offsets)}Q", *offsets)


def check_dtype(dtype: object) -> int:
    """The bytes of one id of ``dtype`` ("uint16" or "uint32"); TypeError/ValueError otherwise."""
    if not isinstance(dtype, str):
        raise TypeError(f"dtype must be 'uint16' or 'uint32', not {type(dtype).__name__}")
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be 'uint16' or 'uint32', not {dtype!r}")
    return DTYPES[dtype]


def offsets_of(raw: bytes) -> memoryview:
    """The offsets of :func:`encode_ordinary_flat` as a sequence of ints."""
    view = memoryview(raw).cast("Q")
    if sys.byteorder != "little":  # pragma: no cover - bytebpe's wheels are little-endian
        return memoryview(bytes(struct.pack(f"={len(view)}Q", *struct.unpack(f"<{len(view)}Q", raw)))).cast("Q")
    return view


def numpy_module() -> Any:
    """numpy, or ImportError saying it is needed (it is optional)."""
    try:
        import numpy
    except ImportError as error:
        raise ImportError(f"this returns numpy arrays and needs numpy: pip install numpy ({error})") from error
    return numpy
