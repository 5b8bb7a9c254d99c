"""Lazy document readers for training corpora: plain text, JSON Lines and Parquet files.

Training wants an iterable of documents (str). This module turns files on disk into one, reading
them as the iterator is consumed, so a corpus larger than memory trains fine::

    from bytebpe.corpus import Corpus

    corpus = Corpus(["data/*.parquet"], max_chars=2_000_000_000, doc_cap=10_000)
    tok = bytebpe.Tokenizer.train(corpus, 32768)

Paths may be files, directories (searched recursively), glob patterns or ``-`` for stdin; which
files they give, which are skipped and why, and the format each is read in are the rules of
:mod:`bytebpe.corpus_paths`: .jsonl/.ndjson, .jsonl.gz and .parquet files are structured, **every
other file is plain text**, and ``format=`` forces one format for all. What a document is
depends on the format:

* plain text (``text``): UTF-8. A *line* is a run of characters ending with "\\n" or at the end
  of the file, so "\\r\\n" endings work unchanged and a lone "\\r" is an ordinary character. A
  line is *blank* if it holds only whitespace (``str.isspace``, its ending included).
  ``txt_split`` says how a file becomes documents:

  - "paragraph" (the default): a document ends after each run of blank lines, and those blank
    lines belong to the document they end. Every document but the last thus ends with a blank
    line, the next one starts with a line that is not blank, and joining a file's documents gives
    back the file exactly: the "\\n\\n" between paragraphs stays in the training data. A file
    that starts with blank lines gives them as its first document; a file without blank lines
    is a single document (``doc_cap`` bounds it).
  - "line": each line, with its ending, is a document.
  - "file": the whole file is one document.

* ``jsonl`` and ``jsonl.gz`` (gzip-compressed): one JSON object per line; the document is the
  string in the field ``text_field``. Blank lines are skipped. Anything else that is not an
  object with a string in that field is an error naming the file and the line.
* ``parquet`` (needs the optional pyarrow): each value of the column ``text_field``, read one
  row group at a time; null values are skipped.

Empty documents are skipped in every format, so every document yielded is non-empty.

Memory holds one document at a time (for Parquet, one row group of the text column), never a
whole file or the corpus. Nothing is decoded or parsed before it is asked for, so an error late
in a file shows up only when the iterator gets there; arguments and paths are checked at once.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING

from bytebpe.corpus_paths import (
    FORMATS,
    LOCAL,
    STDIN_FILE,
    Skipped,
    check_selection,
    file_format,
    find,
    is_plain_text,
    skip_report,
)
from bytebpe.documents import TXT_SPLITS, cropped, decoded_lines, txt_documents

if TYPE_CHECKING:
    from bytebpe.progress import ProgressCallback

__all__ = [
    "FORMATS",
    "Corpus",
    "Reading",
    "Skipped",
    "expand_paths",
    "file_format",
    "is_plain_text",
    "read_documents",
    "skip_report",
]

_ERRORS = ("strict", "replace")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Python objects are far bigger than Arrow's strings, so a row group is converted a slice at a time.
_PARQUET_BATCH_ROWS = 1024
_JSON_TYPE_NAMES = {dict: "an object", list: "an array", int: "a number", float: "a number", bool: "a boolean"}

PathsArg = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def read_documents(
    paths: PathsArg,
    *,
    text_field: str = "text",
    txt_split: str = "paragraph",
    max_chars: int | None = None,
    doc_cap: int | None = None,
    errors: str = "strict",
    format: str | None = None,
    include: str | Sequence[str] = (),
    exclude: str | Sequence[str] = (),
) -> Reading:
    """Iterate over the documents of the files in ``paths``, reading them lazily.

    ``paths`` is one path or an iterable of them; each is a file, a directory, a glob pattern or
    ``-`` (see :mod:`bytebpe.corpus_paths`). Files are read in that order, and the module
    docstring says what a document is in each format.

    * ``text_field``: the JSON field or Parquet column that holds the text.
    * ``txt_split``: how a plain-text file is cut: "paragraph" (the default; after each run of
      blank lines, which stay at the end of the document they follow), "line" or "file".
    * ``doc_cap``: crop each document to its first ``doc_cap`` characters before it counts
      towards ``max_chars``, so that no single huge document dominates training.
    * ``max_chars``: stop after ``max_chars`` characters in total. The document that crosses the
      limit is cut, so that exactly ``max_chars`` characters come out when the corpus has that
      many: the budget is then the same whatever the document lengths. (nanochat yields that
      document whole instead.) Characters are code points, as ``len`` counts them. Both limits
      are at most 2**63-1 (a ValueError past it), as on the command line.
    * ``errors``: "strict" (the default) raises ValueError, naming the file, the line and the byte
      offset, at bytes that are not UTF-8 (and at lone surrogates escaped in JSON strings);
      "replace" turns them into U+FFFD instead.
    * ``format``: read every file as "text", "jsonl", "jsonl.gz" or "parquet" (None: by name).
    * ``include``, ``exclude``: glob patterns that choose the files of directories and globs.

    The arguments and paths are checked now (TypeError, ValueError, FileNotFoundError, or
    ImportError when a Parquet file is named and pyarrow is missing); the files are opened and
    read only as the iterator is consumed, and each is closed as soon as it is done with.
    """
    check_options(text_field, txt_split, max_chars, doc_cap, errors)
    include, exclude = check_selection(format, include, exclude)
    files, _ = _find_all(paths, format, include, exclude)
    if any(file_format(path, format) == "parquet" for path in files):
        _import_parquet()
    return Reading(files, text_field, txt_split, max_chars, doc_cap, errors, format)


def expand_paths(
    paths: PathsArg,
    *,
    format: str | None = None,
    include: str | Sequence[str] = (),
    exclude: str | Sequence[str] = (),
) -> list[Path]:
    """The files that ``paths`` names, in reading order, by the rules of :mod:`bytebpe.corpus_paths`."""
    include, exclude = check_selection(format, include, exclude)
    return _find_all(paths, format, include, exclude)[0]


def _find_all(
    paths: PathsArg, format: str | None, include: tuple[str, ...], exclude: tuple[str, ...]
) -> tuple[list[Path], list[Skipped]]:
    files: list[Path] = []
    skipped: list[Skipped] = []
    for given in path_strings(paths):
        found, left_out = find(given, LOCAL, format=format, include=include, exclude=exclude)
        files.extend(map(Path, found))
        skipped.extend(left_out)
    return files, skipped


@dataclass(frozen=True, repr=False)
class Corpus:
    """A corpus on disk that can be iterated over more than once, e.g. to train twice.

    It takes the arguments of :func:`read_documents` and checks them at once: the paths are
    expanded into :attr:`files` now (so a missing file fails here, not minutes into training),
    what directories and globs left out is in :attr:`skipped`, and each iteration reads those
    files afresh and lazily::

        corpus = Corpus(["data/*.parquet"], doc_cap=10_000)
        tok = bytebpe.Tokenizer.train(corpus, 32768)

    ``paths`` is stored as a tuple of str, so a generator of paths is not used up by the first
    iteration; ``-`` (stdin) can be read only once.
    """

    paths: PathsArg
    text_field: str = "text"
    txt_split: str = "paragraph"
    max_chars: int | None = None
    doc_cap: int | None = None
    errors: str = "strict"
    format: str | None = None
    include: str | Sequence[str] = ()
    exclude: str | Sequence[str] = ()
    files: tuple[Path, ...] = field(init=False)
    """The files that ``paths`` expanded to when the corpus was made, in reading order."""
    skipped: tuple[Skipped, ...] = field(init=False)
    """What directories and globs held that is not read, and why (see :func:`skip_report`)."""
    size: int | None = field(init=False)
    """The bytes of all the files, or None if one is not a regular file (a pipe, stdin from one)."""

    def __post_init__(self) -> None:
        check_options(self.text_field, self.txt_split, self.max_chars, self.doc_cap, self.errors)
        include, exclude = check_selection(self.format, self.include, self.exclude)
        # object.__setattr__ because the dataclass is frozen: its fields are set once, here.
        object.__setattr__(self, "paths", tuple(path_strings(self.paths)))
        files, skipped = _find_all(self.paths, self.format, include, exclude)
        object.__setattr__(self, "include", include)
        object.__setattr__(self, "exclude", exclude)
        object.__setattr__(self, "files", tuple(files))
        object.__setattr__(self, "skipped", tuple(skipped))
        object.__setattr__(self, "size", _total_size(files))
        if any(file_format(path, self.format) == "parquet" for path in self.files):
            _import_parquet()

    def __iter__(self) -> Reading:
        """A fresh lazy iterator over the documents (see :func:`read_documents`)."""
        return Reading(
            list(self.files),
            self.text_field,
            self.txt_split,
            self.max_chars,
            self.doc_cap,
            self.errors,
            self.format,
        )

    def all_plain_text(self) -> bool:
        """Whether every file is read as plain text (so the fast core can read them itself)."""
        return all(is_plain_text(path, self.format) for path in self.files)

    def __repr__(self) -> str:
        count = len(self.files)
        # Only the options that differ from their defaults: they are the ones worth reading.
        options = "".join(
            f" {option.name}={getattr(self, option.name)!r}"
            for option in fields(self)
            if option.init and option.name != "paths" and getattr(self, option.name) != option.default
        )
        return f"<bytebpe.Corpus {count} file{'' if count == 1 else 's'} from {list(self.paths)!r}{options}>"


def measured(texts: Iterable[str], progress: ProgressCallback | None) -> tuple[Iterable[str], ProgressCallback | None]:
    """``texts`` as training reads them in Python, and ``progress`` for it: for a :class:`Corpus`,
    a :class:`Reading` of it and the "counting" reports in bytes of its files, of :attr:`Corpus.size`
    (bytebpe.progress); anything else as it is."""
    if not isinstance(texts, Corpus) or progress is None:
        return texts, progress
    reading = iter(texts)
    return reading, reading_progress(texts, progress, reading)


def reading_progress(
    corpus: Corpus, progress: ProgressCallback | None, reading: Reading | None = None
) -> ProgressCallback | None:
    """``progress`` for training on ``corpus``, with its "counting" reports in bytes of
    :attr:`Corpus.size`: how far ``reading`` has got, or without it what the core that reads the
    files itself reports."""
    if progress is None:
        return None
    size = corpus.size or 0

    def report(stage: str, done: int, total: int) -> object:
        if stage == "counting":
            return progress(stage, reading.bytes_read if reading is not None else done, size)
        return progress(stage, done, total)

    return report


def _total_size(files: list[Path]) -> int | None:
    total = 0
    for path in files:
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        total += info.st_size
    return total


# ---------------------------------------------------------------------------------------------
# Checking arguments


MAX_LIMIT = 2**63 - 1


def check_options(text_field: object, txt_split: object, max_chars: object, doc_cap: object, errors: object) -> None:
    """TypeError/ValueError for a bad option of :func:`read_documents` (None passes for the numbers)."""
    if not isinstance(text_field, str):
        raise TypeError(f"text_field must be a str, not {type(text_field).__name__}")
    if txt_split not in TXT_SPLITS:
        raise ValueError(f"txt_split must be one of {', '.join(map(repr, TXT_SPLITS))}, not {txt_split!r}")
    if errors not in _ERRORS:
        raise ValueError(f"errors must be one of {', '.join(map(repr, _ERRORS))}, not {errors!r}")
    for name, value in (("max_chars", max_chars), ("doc_cap", doc_cap)):
        # bool is an int subclass, and max_chars=True is surely a mistake.
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"{name} must be a positive int or None, not {type(value).__name__}")
        if value is not None and value <= 0:
            raise ValueError(f"{name} must be a positive int or None, not {value}")
        # The core counts in 64 bits; no corpus comes near, so a larger limit is a mistake.
        if value is not None and value > MAX_LIMIT:
            raise ValueError(f"{name} must be at most 2**63-1, not {value}")


def path_strings(paths: object) -> list[str]:
    """The paths of a ``paths`` argument (one path or an iterable of them) as str, in order."""
    if isinstance(paths, (str, os.PathLike)):
        items: list[object] = [paths]
    elif isinstance(paths, Iterable) and not isinstance(paths, (bytes, bytearray)):
        items = list(paths)
    else:
        raise TypeError(f"paths must be a path, a glob pattern or an iterable of them, not {type(paths).__name__}")
    if not items:
        raise ValueError("paths is empty: give at least one file, directory or glob pattern")
    strings = []
    for item in items:
        name = os.fspath(item) if isinstance(item, (str, os.PathLike)) else None
        if not isinstance(name, str):
            raise TypeError(f"each path must be a str or an os.PathLike of str, not {type(item).__name__}")
        strings.append(name)
    return strings


def _import_parquet() -> ModuleType:
    try:
        import pyarrow.parquet as pq  # imported here: pyarrow is optional, and only .parquet files need it
    except ImportError as error:
        raise ImportError(
            f"reading .parquet files needs pyarrow, an optional dependency: pip install pyarrow ({error})"
        ) from error
    return pq


# ---------------------------------------------------------------------------------------------
# Reading


class Reading(Iterator[str]):
    """The documents of a corpus, read lazily (what :func:`read_documents` and iterating over a
    :class:`Corpus` give), and how far into its files the reading has got.

    :attr:`bytes_read` counts the bytes of the files read so far (of a compressed file, its
    compressed bytes), so that it ends at the files' size, :attr:`Corpus.size`: training reports
    it as its progress when Python reads the corpus.
    """

    def __init__(
        self,
        files: list[Path],
        text_field: str,
        txt_split: str,
        max_chars: int | None,
        doc_cap: int | None,
        errors: str,
        format: str | None,
    ) -> None:
        self.bytes_read = 0
        self._documents = self._read(files, text_field, txt_split, max_chars, doc_cap, errors, format)

    def __next__(self) -> str:
        return next(self._documents)

    def close(self) -> None:
        """Stop reading and close the file being read."""
        self._documents.close()

    def _read(
        self,
        files: list[Path],
        text_field: str,
        txt_split: str,
        max_chars: int | None,
        doc_cap: int | None,
        errors: str,
        format: str | None,
    ) -> Iterator[str]:
        remaining = max_chars
        for path in files:
            kind = file_format(path, format)
            # closing(): when max_chars stops us mid-file (or our consumer stops), the file is closed
            # now rather than whenever the suspended reader happens to be collected.
            with closing(self._file_documents(path, kind, text_field, txt_split, doc_cap, errors)) as documents:
                for document in cropped(documents, doc_cap):
                    if remaining is not None:
                        if len(document) >= remaining:
                            yield document[:remaining]
                            return
                        remaining -= len(document)
                    yield document

    def _file_documents(
        self, path: Path, kind: str, text_field: str, txt_split: str, doc_cap: int | None, errors: str
    ) -> Iterator[str]:
        start = self.bytes_read
        if kind == "parquet":
            size = os.path.getsize(path)
            for done, document in _parquet_documents(path, text_field):
                self.bytes_read = start + round(size * done)
                yield document
            return
        with open(path, "rb") as raw:
            if kind == "jsonl.gz":
                with gzip.GzipFile(fileobj=raw) as file:
                    yield from _gzip_errors_named(
                        _jsonl_documents(self._counted(file, raw, start), path, text_field, errors), path
                    )
                return
            lines = self._counted(raw, None, start)
            if kind == "text":
                yield from txt_documents(decoded_lines(lines, _name(path), errors), txt_split, doc_cap)
            else:
                yield from _jsonl_documents(lines, path, text_field, errors)

    def _counted(self, lines: Iterable[bytes], raw: IO[bytes] | None, start: int) -> Iterator[bytes]:
        """The lines of a file, counted into :attr:`bytes_read` as they go by; of a compressed file,
        by the position in the ``raw`` file under it."""
        for line in lines:
            if raw is None:
                self.bytes_read += len(line)
            else:
                self.bytes_read = start + raw.tell()
            yield line


def _gzip_errors_named(documents: Iterator[str], path: Path) -> Iterator[str]:
    # gzip's own errors ("Not a gzipped file (b'ga')") do not say which file.
    try:
        yield from documents
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise ValueError(f"{_name(path)}: not a valid gzip file ({error})") from None


def _name(path: Path) -> str:
    return "stdin" if str(path) == STDIN_FILE else str(path)


def _jsonl_documents(lines: Iterable[bytes], path: Path, text_field: str, errors: str) -> Iterator[str]:
    where = _name(path)
    for number, line in enumerate(decoded_lines(lines, where, errors), start=1):
        if line.isspace():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            # json's own format ("Expecting value: line 1 column 5"), with the file's line number.
            raise ValueError(f"{where}:{number}: not valid JSON: {error.msg}: column {error.colno}") from None
        except RecursionError:
            raise ValueError(f"{where}:{number}: JSON nested too deeply to read") from None
        if not isinstance(record, dict):
            raise ValueError(f"{where}:{number}: expected a JSON object, got {_json_type_name(record)}")
        if text_field not in record:
            raise ValueError(f"{where}:{number}: field {text_field!r} is missing")
        text = record[text_field]
        if not isinstance(text, str):
            raise ValueError(f"{where}:{number}: field {text_field!r} is {_json_type_name(text)}, expected a string")
        # JSON can escape a lone surrogate ("\ud800"), which no UTF-8 text can hold.
        surrogate = _SURROGATE.search(text)
        if surrogate and errors == "strict":
            raise ValueError(
                f"{where}:{number}: field {text_field!r} holds the lone surrogate U+{ord(surrogate.group()):04X} "
                f"at index {surrogate.start()}; pass errors='replace' to read it as U+FFFD"
            )
        yield _SURROGATE.sub("\ufffd", text) if surrogate else text


def _json_type_name(value: object) -> str:
    return "null" if value is None else _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _parquet_documents(path: Path, text_field: str) -> Iterator[tuple[float, str]]:
    """(share of the file's rows read, text) for each text of the column ``text_field``."""
    pq = _import_parquet()
    import pyarrow  # imported by _import_parquet already

    try:
        yield from _parquet_rows(pq, path, text_field)
    except pyarrow.ArrowException as error:
        # pyarrow's errors ("Parquet file size is 7 bytes ...") do not say which file.
        raise ValueError(f"{path}: not a readable Parquet file ({error})") from None


def _parquet_rows(pq: ModuleType, path: Path, text_field: str) -> Iterator[tuple[float, str]]:
    with pq.ParquetFile(path) as parquet:
        schema = parquet.schema_arrow
        if text_field not in schema.names:
            raise ValueError(f"{path}: no column {text_field!r}; the columns are {', '.join(map(repr, schema.names))}")
        rows = max(parquet.metadata.num_rows, 1)
        read = 0
        # One row group at a time: a Parquet file is often larger than memory, a row group is not.
        for index in range(parquet.num_row_groups):
            table = parquet.read_row_group(index, columns=[text_field])
            for batch in table.to_batches(max_chunksize=_PARQUET_BATCH_ROWS):
                read += batch.num_rows
                for text in batch.column(0).to_pylist():
                    if text is None:
                        continue
                    if not isinstance(text, str):
                        raise ValueError(
                            f"{path}: column {text_field!r} holds {schema.field(text_field).type}, expected strings"
                        )
                    yield read / rows, text
