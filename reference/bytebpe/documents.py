"""What a document is: the rules of bytebpe.corpus's module docstring for .txt files, in one place,
and the cropping that every format shares.

A *line* is a run of characters ending with "\\n" or at the end of the file. A line is *blank* if it
holds only whitespace (``str.isspace``, its ending included). With ``txt_split="paragraph"`` a
document starts at a line that is not blank after one that is; with "line" at every line; with
"file" only at the start. :class:`bytebpe.Corpus` reads whole files with these rules, and
bytebpe.distributed.shards reads byte ranges of one file with them, finding its range's ends by
the same :func:`starts_paragraph`, so that the shards' documents are the corpus's. (The Rust core
has its own reader of .txt files, held to this one by differential tests.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

TXT_SPLITS = ("paragraph", "line", "file")
"""The values of ``txt_split``."""


def is_blank(line: str) -> bool:
    """Whether ``line`` (with its ending) is blank: whitespace only."""
    return line.isspace()


def starts_paragraph(previous_blank: bool, blank: bool) -> bool:
    """Whether a line starts a document under "paragraph": it is not blank, the line before is."""
    return previous_blank and not blank


def decoded_lines(raw_lines: Iterable[bytes], where: str | Path, errors: str) -> Iterator[str]:
    """The lines of a file, decoded one by one as UTF-8 with ``errors``.

    The decoder then knows where it is, and UTF-8 never uses the byte of "\\n" inside a character,
    so decoding line by line equals decoding the whole file. With "strict", ValueError names
    ``where``, the line and the byte offset (both counted from the first line given).
    """
    offset = 0
    for number, raw in enumerate(raw_lines, start=1):
        try:
            line = raw.decode("utf-8", errors)
        except UnicodeDecodeError as error:
            bad = raw[error.start : error.end]
            raise ValueError(
                f"{where}:{number}: invalid UTF-8 at byte offset {offset + error.start} ({bad!r}: {error.reason}); "
                "pass errors='replace' to read it as U+FFFD"
            ) from None
        offset += len(raw)
        yield line


def txt_documents(lines: Iterable[str], txt_split: str, doc_cap: int | None) -> Iterator[str]:
    """The documents of a file's lines (each with its line ending) under ``txt_split``.

    Past ``doc_cap`` characters a document keeps nothing more (:func:`cropped` crops it to exactly
    that), so a paragraph without end costs at most ``doc_cap`` plus one line of memory.
    """
    if txt_split == "line":
        yield from lines
        return
    parts: list[str] = []
    size = 0
    after_blank = False
    for line in lines:
        blank = is_blank(line)
        if txt_split == "paragraph" and starts_paragraph(after_blank, blank):
            yield "".join(parts)
            parts, size = [], 0
        after_blank = blank
        if doc_cap is None or size < doc_cap:
            parts.append(line)
            size += len(line)
        elif txt_split == "file":
            break  # the document is full and there is no boundary to look for
    if parts:
        yield "".join(parts)


def cropped(documents: Iterable[str], doc_cap: int | None) -> Iterator[str]:
    """Every document cropped to its first ``doc_cap`` characters, the empty ones left out (in
    every format, not only .txt: every document a corpus yields is non-empty)."""
    for document in documents:
        if doc_cap is not None:
            document = document[:doc_cap]
        if document:
            yield document
