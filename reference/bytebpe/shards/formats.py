"""The file formats of token shards: how a shard's ids are laid out on disk, and read back.

* ``bin``: llm.c's and modded-nanogpt's ``.bin``: a header of 256 little-endian int32 (magic,
  version, token count, the rest zero), then the ids. ``uint16`` ids carry magic 20240520 and
  version 1 (llm.c's GPT-2 files); ``uint32`` ids carry magic 20240801 and version 7 (llm.c's
  Llama 3 files), so a reader tells the width from the header alone.
* ``npy``: numpy's ``.npy`` format 1.0, a one-dimensional little-endian array (no pickle):
  ``numpy.load`` reads it, with ``mmap_mode="r"`` too.
* ``memmap``: nanoGPT's ``train.bin``: one raw file of ids and nothing else, all shards one
  after the other; the index says the dtype and where each shard starts
  (``numpy.memmap(path, dtype=..., mode="r")``).

numpy is not needed to write or check any of them.
"""

from __future__ import annotations

import struct

FORMATS: tuple[str, ...] = ("bin", "npy", "memmap")
"""The formats :meth:`bytebpe.Tokenizer.encode_to_shards` writes."""

DTYPES: dict[str, int] = {"uint16": 2, "uint32": 4}
"""The id types, and the bytes of one id."""

MEMMAP_FILE = "tokens.bin"
"""The one file of the memmap format."""

_HEADER_INTS = 256
BIN_HEADER_BYTES = _HEADER_INTS * 4
# (magic, version) by dtype: llm.c's GPT-2 and Llama 3 headers.
_BIN_HEADERS = {"uint16": (20240520, 1), "uint32": (20240801, 7)}
_NPY_MAGIC = b"\x93NUMPY\x01\x00"
_NPY_DESCR = {"uint16": "<u2", "uint32": "<u4"}


def shard_name(format: str, number: int) -> str:
    """The file of shard ``number`` (from 0); every shard of the memmap format is in one file."""
    if format == "memmap":
        return MEMMAP_FILE
    return f"shard_{number:06d}.{format}"


def header(format: str, dtype: str, tokens: int) -> bytes:
    """The bytes before the ids of a shard of ``tokens`` ids (none for memmap)."""
    if format == "bin":
        magic, version = _BIN_HEADERS[dtype]
        return struct.pack(f"<{_HEADER_INTS}i", magic, version, tokens, *([0] * (_HEADER_INTS - 3)))
    if format == "npy":
        described = f"{{'descr': '{_NPY_DESCR[dtype]}', 'fortran_order': False, 'shape': ({tokens},), }}"
        # The header, its newline included, pads the data to a multiple of 64 bytes (numpy's rule).
        length = len(_NPY_MAGIC) + 2 + len(described) + 1
        described += " " * (-length % 64) + "\n"
        return _NPY_MAGIC + struct.pack("<H", len(described)) + described.encode("latin-1")
    return b""


def check_tokens_fit(tokens: int, format: str) -> None:
    """ValueError if a shard of ``tokens`` ids cannot be described by its header."""
    if format == "bin" and tokens >= 2**31:
        raise ValueError(f"a .bin shard holds fewer than 2**31 ids (its header is int32), not {tokens}")


def parse_header(format: str, dtype: str, data: bytes) -> int:
    """The id count the header at the start of ``data`` gives; ValueError saying what is wrong."""
    if format == "bin":
        if len(data) < BIN_HEADER_BYTES:
            raise ValueError(f"it is {len(data)} bytes, shorter than the {BIN_HEADER_BYTES}-byte header")
        magic, version, tokens = struct.unpack_from("<3i", data)
        if (magic, version) != _BIN_HEADERS[dtype]:
            raise ValueError(f"its header has magic {magic} and version {version}, not those of {dtype} ids")
        return tokens
    if format == "npy":
        expected = header("npy", dtype, 0)
        if not data.startswith(_NPY_MAGIC) or len(data) < 10:
            raise ValueError("it does not start as a .npy file does")
        (length,) = struct.unpack_from("<H", data, 8)
        text = data[10 : 10 + length].decode("latin-1")
        prefix = expected[10:].decode("latin-1").split("(")[0]
        if not text.startswith(prefix) or "," not in text:
            raise ValueError(f"its .npy header is not that of a {dtype} vector: {text.strip()!r}")
        count = text.split("(", 1)[1].split(",", 1)[0]
        if not count.isdigit():
            raise ValueError(f"its .npy header is not that of a {dtype} vector: {text.strip()!r}")
        return int(count)
    raise ValueError(f"the {format} format has no header")
