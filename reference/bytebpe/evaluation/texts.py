"""The texts an evaluation encodes: groups (a file, a directory as one domain, or texts given as str).

Every file is read whole as UTF-8 and encoded as one text, so a group's figures are exactly
``bytes / len(encode_ordinary(text))`` summed over its files. A long file is encoded in parts, on
all cores, cut only where every named pattern of spec §2.1 ends a piece anyway (see
:func:`parts`), so the count of tokens is the same.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bytebpe.patterns import PATTERNS

PART_CHARS = 1 << 20
"""About how many characters a long text is encoded in at a time."""

# "\n" between two ASCII letters or digits: a piece of every named pattern ends before the "\n", and
# the "\n" is a piece of its own (a lone newline before a letter matches no longer alternative), and
# no named pattern looks behind, so splitting the two sides apart gives the same pieces.
_SAFE_CUT = re.compile(r"(?<=[A-Za-z0-9]\n)(?=[A-Za-z0-9])")
_NAMED_REGEXES = frozenset(PATTERNS.values())


@dataclass(frozen=True)
class TextGroup:
    """One group of texts, reported as one row: a file, a directory, or texts given by name."""

    name: str
    texts: tuple[str, ...]
    sources: tuple[str, ...]

    @cached_property
    def n_bytes(self) -> int:
        """UTF-8 bytes in all its texts."""
        return sum(len(text.encode("utf-8")) for text in self.texts)

    @cached_property
    def n_characters(self) -> int:
        """Characters (code points) in all its texts."""
        return sum(len(text) for text in self.texts)

    @cached_property
    def n_words(self) -> int:
        """Words: runs of non-whitespace characters, as ``str.split`` finds them."""
        return sum(count_words(text) for text in self.texts)


def count_words(text: str) -> int:
    """``len(text.split())``, without holding every word of a long text at once."""
    words, start = 0, 0
    while start < len(text):
        end = min(start + PART_CHARS, len(text))
        # Move the end to a whitespace character, so that no word is cut in two.
        while end < len(text) and not text[end].isspace():
            end += 1
        words += len(text[start:end].split())
        start = end
    return words


def text_groups(texts: object) -> list[TextGroup]:
    """The groups of ``texts``: a path or a list of paths (a file, or a directory whose files are
    one group), or a mapping of group name to a text or a list of texts."""
    if isinstance(texts, Mapping):
        return [_given(str(name), value) for name, value in texts.items()]
    if isinstance(texts, (str, os.PathLike)):
        texts = [texts]
    if not isinstance(texts, Iterable) or isinstance(texts, bytes):
        raise TypeError(f"texts must be a path, a list of paths or a dict of name to texts, not {type(texts).__name__}")
    groups = [read_group(path) for path in texts]
    if not groups:
        raise ValueError("no texts to evaluate on: give at least one file or directory")
    return groups


def _given(name: str, value: object) -> TextGroup:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Sequence) or not all(isinstance(text, str) for text in items):
        raise TypeError(f"the texts of {name!r} must be a str or a list of str, not {type(value).__name__}")
    return TextGroup(name, tuple(items), (name,))


def read_group(path: str | os.PathLike) -> TextGroup:
    """A file as a group of one text, or a directory as the group of every file under it (hidden
    files and directories left out), in sorted order. OSError if it cannot be read, ValueError for
    a file that is not UTF-8, naming the file, the line and the byte."""
    given = Path(path)
    if given.is_dir():
        files = sorted(
            file
            for file in given.rglob("*")
            if file.is_file() and not any(part.startswith(".") for part in file.relative_to(given).parts)
        )
        if not files:
            raise ValueError(f"{given} is a directory with no files to evaluate on")
    else:
        files = [given]
    return TextGroup(os.fspath(path), tuple(read_utf8(file) for file in files), tuple(map(os.fspath, files)))


def read_utf8(path: Path) -> str:
    """The text of ``path``; ValueError naming the file, line and byte if it is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1)
        raise ValueError(
            f"{path}:{line}: not valid UTF-8 text ({error.reason}: byte 0x{data[error.start]:02x} "
            f"at byte {column} of the line)"
        ) from None


def parts(text: str, pattern: str | None) -> list[str]:
    """``text`` cut into parts of about :data:`PART_CHARS` that split into the same pieces as the
    whole, when ``pattern`` is a named one; otherwise the whole text."""
    if pattern not in _NAMED_REGEXES or len(text) <= PART_CHARS:
        return [text]
    ends, start = [], 0
    while start + PART_CHARS < len(text):
        match = _SAFE_CUT.search(text, start + PART_CHARS)
        if match is None:
            break
        start = match.start()
        ends.append(start)
    return [text[begin:end] for begin, end in zip([0, *ends], [*ends, len(text)], strict=True)]
