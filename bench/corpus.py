"""The benchmark corpus: one UTF-8 text file cut into documents of about 64 KB.

Every tool gets the very same texts: the file cut after a newline every ~64 K characters, read lazily
from disk so that the corpus itself never sits in a training process's memory and peak RSS measures
the tool. A line longer than MAX_DOCUMENT_CHARS (a file without newlines, minified code) is cut after
its last whitespace, or anywhere if it has none, so that no document grows without bound.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DOCUMENT_CHARS = 64 * 1024
MAX_DOCUMENT_CHARS = 16 * DOCUMENT_CHARS
_CHECK_BLOCK = 1 << 22


class CorpusError(ValueError):
    """The corpus cannot be benchmarked: missing, not a file, empty or not UTF-8."""


@dataclass(frozen=True)
class CorpusInfo:
    """What the driver records about a corpus: its path, its size in bytes and its documents."""

    path: Path
    n_bytes: int
    n_documents: int


def _cut(block: str) -> int:
    """Where to end the next document in ``block``: after its last newline, or 0 to read on."""
    cut = block.rfind("\n") + 1
    if cut == 0 and len(block) >= MAX_DOCUMENT_CHARS:
        spaces = [block.rfind(space) for space in (" ", "\t", "\r")]
        cut = max(spaces) + 1 or len(block)
    return cut


def documents(path: Path | str) -> Iterator[str]:
    """Yield the corpus as texts of about DOCUMENT_CHARS characters, each ending after a newline.

    The file is read lazily: only the current document and the one being read are in memory.
    Joining the documents gives back the file exactly.
    """
    with Path(path).open(encoding="utf-8", newline="") as handle:
        carry = ""
        while block := handle.read(DOCUMENT_CHARS):
            block = carry + block
            cut = _cut(block)
            if cut == 0:
                carry = block
                continue
            carry = block[cut:]
            yield block[:cut]
        if carry:
            yield carry


def check_corpus(path: Path | str) -> CorpusInfo:
    """Check that ``path`` is a non-empty UTF-8 text file and count its bytes and documents.

    Raises CorpusError with a message for the user otherwise. Reads the file once, in blocks.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise CorpusError(f"corpus {path} does not exist")
    if not path.is_file():
        raise CorpusError(f"corpus {path} is not a file (give one UTF-8 text file)")
    n_bytes = path.stat().st_size
    if n_bytes == 0:
        raise CorpusError(f"corpus {path} is empty")
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while block := handle.read(_CHECK_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as err:
                raise CorpusError(
                    f"corpus {path} is not UTF-8: invalid byte at offset {offset + err.start} ({err.reason})"
                ) from None
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise CorpusError(f"corpus {path} is not UTF-8: it ends inside a character") from None
    n_documents = sum(1 for _ in documents(path))
    return CorpusInfo(path=path.resolve(), n_bytes=n_bytes, n_documents=n_documents)
