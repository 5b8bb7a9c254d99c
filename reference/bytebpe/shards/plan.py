"""Before a run writes anything: its arguments checked, and what its directory already holds.

A directory with no index is written from the start; one whose index records the same
tokenizer, settings and corpus resumes after its last complete shard (or is already complete);
anything else is refused with a message naming what differs, unless ``overwrite`` says to start
again. Files bytebpe did not write are never touched.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bytebpe.corpus import Corpus
from bytebpe.shards import formats
from bytebpe.shards.flat import TokenizerLike, check_dtype
from bytebpe.shards.identity import tokenizer_identity
from bytebpe.shards.index import (
    INDEX_FILE,
    PARTIAL_MEMMAP,
    differences,
    foreign_entries,
    new_index,
    read_index,
    write_index,
)

DEFAULT_SHARD_TOKENS = 100_000_000
"""Ids per shard by default: llm.c's FineWeb shards hold 10**8."""


@dataclass
class Plan:
    """Where a run writes, and the index it starts from."""

    out: Path
    index: dict[str, Any]


def plan_run(
    tokenizer: TokenizerLike,
    corpus: Corpus | Iterable[str],
    out: Path,
    *,
    format: str = "bin",
    dtype: str | None = None,
    shard_tokens: int = DEFAULT_SHARD_TOKENS,
    bos: int | str | None = None,
    eot: int | str | None = None,
    split_documents: bool = False,
    overwrite: bool = False,
    resume: bool = True,
) -> Plan:
    """Check the arguments of a run, then prepare ``out`` for it (see the module docstring)."""
    settings = _settings(tokenizer, format, dtype, shard_tokens, bos, eot, split_documents)
    for name, value in (("overwrite", overwrite), ("resume", resume)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    if isinstance(corpus, (str, bytes, bytearray)) or not isinstance(corpus, Iterable):
        raise TypeError(f"corpus must be a bytebpe.Corpus or an iterable of str, not {type(corpus).__name__}")
    identity = {"identity": tokenizer_identity(tokenizer), "n_vocab": tokenizer.n_vocab}
    wanted = new_index(identity, settings, describe_corpus(corpus))
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        return Plan(out, _existing(out, wanted, overwrite=overwrite, resume=resume))
    out.mkdir(parents=True, exist_ok=True)
    write_index(out, wanted)  # from now on the directory is a run's, and resumable
    return Plan(out, wanted)


def _settings(
    tokenizer: TokenizerLike,
    format: object,
    dtype: object,
    shard_tokens: object,
    bos: int | str | None,
    eot: int | str | None,
    split_documents: object,
) -> dict[str, Any]:
    if not isinstance(format, str) or format not in formats.FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, formats.FORMATS))}, not {format!r}")
    n_vocab = tokenizer.n_vocab
    if dtype is None:
        dtype = "uint16" if n_vocab <= 2**16 else "uint32"
    check_dtype(dtype)
    if dtype == "uint16" and n_vocab > 2**16:
        raise ValueError(f"dtype uint16 holds ids below 65536, and this tokenizer has {n_vocab}: use uint32")
    if isinstance(shard_tokens, bool) or not isinstance(shard_tokens, int):
        raise TypeError(f"shard_tokens must be a positive int, not {type(shard_tokens).__name__}")
    if shard_tokens <= 0:
        raise ValueError(f"shard_tokens must be a positive int, not {shard_tokens}")
    if format == "bin" and shard_tokens >= 2**31:
        raise ValueError(f"shard_tokens must be below 2**31 for .bin shards (an int32 header), not {shard_tokens}")
    if not isinstance(split_documents, bool):
        raise TypeError(f"split_documents must be a bool, not {type(split_documents).__name__}")
    return {
        "format": format,
        "dtype": dtype,
        "shard_tokens": shard_tokens,
        "bos": None if bos is None else tokenizer._token_id(bos, "bos"),
        "eot": None if eot is None else tokenizer._token_id(eot, "eot"),
        "split_documents": split_documents,
    }


def describe_corpus(corpus: Corpus | Iterable[str]) -> dict[str, Any] | None:
    """What the index records of a corpus: a :class:`Corpus`'s files, sizes and options; nothing
    of another iterable, whose documents the caller vouches for on resume."""
    if not isinstance(corpus, Corpus):
        return None
    sizes = []
    for path in corpus.files:
        try:
            sizes.append(os.path.getsize(path))
        except OSError:
            sizes.append(None)
    return {
        "files": [str(path) for path in corpus.files],
        "sizes": sizes,
        "text_field": corpus.text_field,
        "txt_split": corpus.txt_split,
        "max_chars": corpus.max_chars,
        "doc_cap": corpus.doc_cap,
        "errors": corpus.errors,
        "format": corpus.format,
    }


def _existing(out: Path, wanted: dict[str, Any], *, overwrite: bool, resume: bool) -> dict[str, Any]:
    """The index to start from in ``out``, which holds something already."""
    foreign = foreign_entries(out)
    if foreign or not (out / INDEX_FILE).is_file():
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "") if foreign else "no index"
        raise FileExistsError(f"{out} holds files bytebpe did not write ({shown}); refusing to write shards there")
    index = read_index(out)
    changed = differences(index, wanted)
    if resume and not changed:
        _check_resumable(out, index)
        return index
    if not overwrite:
        if changed:
            raise ValueError(
                f"{out} holds shards of another run, so it cannot resume: {'; '.join(changed)} differ; "
                "pass overwrite=True to start again"
            )
        raise FileExistsError(f"{out} already holds shards; pass overwrite=True to write them again")
    _remove_run(out, index)
    write_index(out, wanted)
    return wanted


def _check_resumable(out: Path, index: dict[str, Any]) -> None:
    """ValueError if a shard the index lists is missing or of the wrong size; for the memmap
    format, the file being written is cut back to what the index lists."""
    settings = index["settings"]
    width = formats.DTYPES[settings["dtype"]]
    if settings["format"] == "memmap":
        partial, final = out / PARTIAL_MEMMAP, out / formats.MEMMAP_FILE
        if index["complete"]:
            return
        if final.exists() and not partial.exists():  # stopped between the rename and the index
            os.replace(final, partial)
        size = partial.stat().st_size if partial.exists() else 0
        if size < index["tokens"] * width:
            raise ValueError(f"{partial} is shorter than the shards the index lists; pass overwrite=True to restart")
        return
    for shard in index["shards"]:
        path = out / shard["file"]
        expected = len(formats.header(settings["format"], settings["dtype"], shard["tokens"])) + shard["tokens"] * width
        if not path.is_file() or path.stat().st_size != expected:
            raise ValueError(f"{path}, listed in the index, is missing or damaged: pass overwrite=True to start again")


def _remove_run(out: Path, index: dict[str, Any]) -> None:
    """Delete the shards of the run ``index`` describes (every name in ``out`` is one bytebpe wrote)."""
    for entry in out.iterdir():
        if entry.name != INDEX_FILE:
            entry.unlink()
