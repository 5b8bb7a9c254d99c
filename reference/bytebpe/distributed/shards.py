"""Cutting a corpus into shards and reading one shard's documents, anywhere, without Ray.

A shard is a whole file, or a byte range of a plain-text file. The documents of all the shards are
exactly the documents :class:`bytebpe.Corpus` reads from the same files (module docstring of
bytebpe.corpus), so the sum of the shards' piece counts is the corpus's (spec §4.1.1).

* Local paths are expanded by :func:`bytebpe.corpus.expand_paths` and whole files are read by
  :func:`bytebpe.corpus.read_documents`: the same code as single-process training.
* fsspec URLs (``s3://bucket/data/*.parquet``, ``gs://...``, ``file:///...``) are expanded with
  the same rules by fsspec; a whole remote file is copied to a temporary local file and read by
  that same code.
* A plain-text file larger than ``shard_bytes`` is cut into byte ranges at document boundaries: a line
  start with txt_split="line", a paragraph start (a line that is not blank after one that is)
  with "paragraph"; with "file" it is never cut. Each range holds whole documents, the very ones
  :class:`bytebpe.Corpus` cuts, because a paragraph's trailing blank lines end it in either case.

The planner only knows nominal ranges (``size / n`` apart); the reader of a range finds its true
ends itself, with one rule (``_boundary``, after bytebpe.documents) that both neighbours of a cut
apply to the same offset, so they agree without talking. Nothing is read on the driver but file
sizes.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from bytebpe import corpus, corpus_paths
from bytebpe.documents import cropped, decoded_lines, is_blank, starts_paragraph, txt_documents

__all__ = ["DEFAULT_SHARD_BYTES", "Shard", "is_url", "plan_shards", "read_shard"]

DEFAULT_SHARD_BYTES = 64 * 2**20
"""The default size of a plain-text byte range: big enough that a task's overhead is noise, small
enough that a few hundred MB spread over a handful of workers."""

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|::")
# A byte that is printable ASCII is never part of a multi-byte UTF-8 character, so a line holding
# one is not blank, whatever the rest of it is.
_PRINTABLE_ASCII = re.compile(rb"[\x21-\x7e]")
_BACKWARD_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Shard:
    """One task's part of the corpus: the file ``path`` (a local path or an fsspec URL), whole when
    ``end`` is None, else the documents that start in the byte range ``[start, end)``.

    The range is nominal: its true ends are the first document boundaries at or after ``start``
    and ``end`` (see the module docstring), so adjacent ranges share each document exactly once,
    and a range that holds no boundary reads nothing.
    """

    path: str
    start: int = 0
    end: int | None = None

    def __str__(self) -> str:
        return self.path if self.end is None else f"{self.path}[{self.start}:{self.end}]"


def is_url(path: str) -> bool:
    """Whether ``path`` is an fsspec URL (``proto://...`` or a chained ``a::b://...``)."""
    return bool(_URL.search(path))


def plan_shards(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    txt_split: str = "paragraph",
    shard_bytes: int = DEFAULT_SHARD_BYTES,
) -> list[Shard]:
    """The shards of the files that ``paths`` names, in reading order.

    ``paths`` is what :class:`bytebpe.Corpus` takes (files, directories, glob patterns), and may
    also hold fsspec URLs, expanded with the same rules. A plain-text file larger than ``shard_bytes``
    becomes several byte ranges unless ``txt_split`` is "file"; any other file is one shard.
    Raises FileNotFoundError for a path that names nothing, ValueError for an unsupported file,
    and ImportError for a URL when fsspec is missing.
    """
    if isinstance(shard_bytes, bool) or not isinstance(shard_bytes, int):
        raise TypeError(f"shard_bytes must be a positive int, not {type(shard_bytes).__name__}")
    if shard_bytes <= 0:
        raise ValueError(f"shard_bytes must be a positive int, not {shard_bytes}")
    corpus.check_options("text", txt_split, None, None, "strict")
    shards: list[Shard] = []
    for given in corpus.path_strings(paths):
        if is_url(given):
            fs, _ = _filesystem(given)
            files = [(url, fs.size(_strip(fs, url))) for url in _expand_url(given)]
        else:
            files = [(str(path), os.path.getsize(path)) for path in corpus.expand_paths([given])]
        for name, size in files:
            shards.extend(_split(name, size, txt_split, shard_bytes))
    return shards


def read_shard(
    shard: Shard,
    *,
    text_field: str = "text",
    txt_split: str = "paragraph",
    doc_cap: int | None = None,
    errors: str = "strict",
) -> Iterator[str]:
    """The documents of ``shard``, read lazily, with the options of :func:`bytebpe.corpus.read_documents`.

    Over all the shards of :func:`plan_shards`, they are the documents Corpus reads from the same
    paths (``max_chars`` aside: a budget over the whole corpus has no meaning for one shard).
    """
    corpus.check_options(text_field, txt_split, None, doc_cap, errors)
    if shard.end is not None:
        return cropped(_range_documents(shard, txt_split, doc_cap, errors), doc_cap)
    options = {"text_field": text_field, "txt_split": txt_split, "doc_cap": doc_cap, "errors": errors}
    if not is_url(shard.path):
        return corpus.read_documents(shard.path, **options)
    return _remote_documents(shard.path, options)


# ---------------------------------------------------------------------------------------------
# Planning


def _split(name: str, size: int, txt_split: str, shard_bytes: int) -> list[Shard]:
    if not corpus.is_plain_text(name) or txt_split == "file" or size <= shard_bytes:
        return [Shard(name)]
    count = -(-size // shard_bytes)
    cuts = [size * i // count for i in range(count + 1)]
    return [Shard(name, start, end) for start, end in itertools.pairwise(cuts)]


def _filesystem(url: str) -> tuple[Any, str]:
    try:
        import fsspec
    except ImportError as error:
        raise ImportError(f"reading {url} needs fsspec (and the driver of its protocol): pip install fsspec") from error
    return fsspec.core.url_to_fs(url)


def _strip(fs: Any, url: str) -> str:
    return fs._strip_protocol(url)


def _expand_url(given: str) -> list[str]:
    """:func:`bytebpe.corpus.expand_paths`'s rules, on an fsspec filesystem; URLs come back."""
    fs, root = _filesystem(given)
    files, _ = corpus_paths.find(given, _RemoteFiles(fs), root)
    return [fs.unstrip_protocol(path) for path in files]


class _RemoteFiles:
    """An fsspec filesystem, for :func:`bytebpe.corpus_paths.find`."""

    def __init__(self, fs: Any) -> None:
        self.fs = fs

    def is_dir(self, path: str) -> bool:
        return bool(self.fs.isdir(path))

    def exists(self, path: str) -> bool:
        return bool(self.fs.exists(path))

    def glob(self, pattern: str) -> list[str]:
        # Hidden files are skipped, as a shell's * skips them locally.
        matches = self.fs.glob(pattern)
        return [match for match in matches if not PurePosixPath(match).name.startswith(".") or self.fs.isdir(match)]

    def walk(self, root: str) -> tuple[list[str], list[str]]:
        found, hidden = [], set()
        for path in self.fs.find(root):
            parts = PurePosixPath(path[len(root) :].lstrip("/")).parts
            # Hidden files and directories are skipped, as bytebpe.corpus_paths does locally.
            first_hidden = next((i for i, part in enumerate(parts) if part.startswith(".")), None)
            if first_hidden is None:
                found.append(path)
            else:
                hidden.add(root.rstrip("/") + "/" + "/".join(parts[: first_hidden + 1]))
        return sorted(found), sorted(hidden)

    def special(self, path: str) -> str | None:
        return None  # an object store holds objects, not pipes

    def head(self, path: str, size: int) -> bytes:
        with self.fs.open(path, "rb") as file:
            return bytes(file.read(size))

    def order(self, path: str) -> str:
        return path


# ---------------------------------------------------------------------------------------------
# Reading


def _remote_documents(url: str, options: dict[str, Any]) -> Iterator[str]:
    # A local copy lets Corpus's own readers (and their error messages) do the reading; it costs
    # disk, not memory, and goes away with the generator.
    fs, path = _filesystem(url)
    with tempfile.TemporaryDirectory(prefix="bytebpe-shard-") as directory:
        local = Path(directory, PurePosixPath(path).name)
        with fs.open(path, "rb") as source, open(local, "wb") as target:
            shutil.copyfileobj(source, target, 2**20)
        yield from corpus.read_documents(local, **options)


def _open(path: str) -> BinaryIO:
    if not is_url(path):
        return open(path, "rb")
    fs, stripped = _filesystem(path)
    return fs.open(stripped, "rb")


def _range_documents(shard: Shard, txt_split: str, doc_cap: int | None, errors: str) -> Iterator[str]:
    assert shard.end is not None
    with _open(shard.path) as file:
        size = file.seek(0, os.SEEK_END)
        # Bounded by the nominal end: no boundary before it means that the next range starts
        # at the same boundary as this one, which therefore holds nothing.
        start = _boundary(file, shard.start, size, txt_split, limit=shard.end)
        if start is None:
            return
        end = _boundary(file, shard.end, size, txt_split, limit=size)
        assert end is not None
        # Error messages name the range; their line numbers count from its start.
        label = f"{shard.path}[from byte {start}]"
        yield from txt_documents(decoded_lines(_raw_lines(file, start, end), label, errors), txt_split, doc_cap)


def _raw_lines(file: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    file.seek(start)
    position = start
    while position < end:
        line = file.readline()
        if not line:
            return
        position += len(line)
        yield line


def _boundary(file: BinaryIO, offset: int, size: int, txt_split: str, *, limit: int) -> int | None:
    """The first document start at or after ``offset`` (0 and ``size`` count as starts), or None
    when there is none before ``limit``.

    A function of the file and ``offset`` alone, so the range that ends at ``offset`` and the one
    that starts there find the same position.
    """
    if offset <= 0:
        return 0
    if offset >= size:
        return size
    file.seek(offset - 1)
    position = offset - 1 + len(file.readline())  # the first line start at or after offset
    if txt_split == "line":
        return position if position < limit or position == size else None
    previous_blank = position < size and _ends_blank_line(file, position)
    file.seek(position)
    while position < limit:
        line = file.readline()
        if not line:
            return size
        blank = _is_blank(line)
        if starts_paragraph(previous_blank, blank):
            return position
        previous_blank = blank
        position += len(line)
    return size if position >= size else None


def _ends_blank_line(file: BinaryIO, position: int) -> bool:
    """Whether the line that ends just before ``position`` (a line start > 0) is blank."""
    # Read backwards to the line's start; a blank line is short, and a long one shows a
    # printable byte soon, so this reads little either way.
    cursor = position - 1  # the line's "\n"
    tail = b""
    while cursor > 0:
        start = max(0, cursor - _BACKWARD_CHUNK)
        file.seek(start)
        chunk = file.read(cursor - start)
        newline = chunk.rfind(b"\n")
        tail = chunk[newline + 1 :] + tail
        if newline >= 0 or _PRINTABLE_ASCII.search(tail):
            break
        cursor = start
    return _is_blank(tail + b"\n")


def _is_blank(line: bytes) -> bool:
    # Decoded with "replace" whatever ``errors`` is: it only changes invalid bytes, never blanks,
    # and a bad byte is reported by the reader of the range that holds it.
    return is_blank(line.decode("utf-8", "replace"))
