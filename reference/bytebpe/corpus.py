"""Lazy document readers for training corpora: text, JSON Lines and Parquet files.

Training wants an iterable of documents (str). This module turns files on disk into one, reading
them as the iterator is consumed, so a corpus larger than memory trains fine::

    from bytebpe.corpus import Corpus

    corpus = Corpus(["data/*.parquet"], max_chars=2_000_000_000, doc_cap=10_000)
    tok = bytebpe.Tokenizer.train(corpus, 32768)

Paths may be files, directories (searched recursively) or glob patterns; see :func:`expand_paths`.
What a document is depends on the format, chosen by the file's suffix:

* ``.txt``: UTF-8 text. A *line* is a run of characters ending with "\\n" or at the end of the
  file, so "\\r\\n" endings work unchanged and a lone "\\r" is an ordinary character. A line is
  *blank* if it holds only whitespace (``str.isspace``, its ending included). ``txt_split`` says
  how a file becomes documents:

  - "paragraph" (the default): a document ends after each run of blank lines, and those blank
    lines belong to the document they end. Every document but the last thus ends with a blank
    line, the next one starts with a line that is not blank, and joining a file's documents gives
    back the file exactly: the "\\n\\n" between paragraphs stays in the training data. A file
    that starts with blank lines gives them as its first document; a file without blank lines
    is a single document (``doc_cap`` bounds it).
  - "line": each line, with its ending, is a document.
  - "file": the whole file is one document.

* ``.jsonl``, ``.ndjson`` and ``.jsonl.gz`` (gzip-compressed): one JSON object per line; the
  document is the string in the field ``text_field``. Blank lines are skipped. Anything else that
  is not an object with a string in that field is an error naming the file and the line.
* ``.parquet`` (needs the optional pyarrow): each value of the column ``text_field``, read one
  row group at a time; null values are skipped.

Empty documents are skipped in every format, so every document yielded is non-empty.

Memory holds one document at a time (for Parquet, one row group of the text column), never a
whole file or the corpus. Nothing is decoded or parsed before it is asked for, so an error late
in a file shows up only when the iterator gets there; arguments and paths are checked at once.
"""

from __future__ import annotations

import glob
import gzip
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, fields
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any, Protocol

from bytebpe.documents import TXT_SPLITS, cropped, decoded_lines, txt_documents

__all__ = ["SUPPORTED_SUFFIXES", "Corpus", "expand_paths", "is_txt", "read_documents"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".jsonl", ".ndjson", ".jsonl.gz", ".parquet")
"""The suffixes this module reads (matched case-insensitively); other files in a directory or a
glob match are skipped, and naming one explicitly is an error."""

_ERRORS = ("strict", "replace")
_GLOB_MAGIC = re.compile(r"[*?[]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Python objects are far bigger than Arrow's strings, so a row group is converted a slice at a time.
_PARQUET_BATCH_ROWS = 1024
_JSON_TYPE_NAMES = {dict: "an object", list: "an array", int: "a number", float: "a number", bool: "a boolean"}


def read_documents(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    text_field: str = "text",
    txt_split: str = "paragraph",
    max_chars: int | None = None,
    doc_cap: int | None = None,
    errors: str = "strict",
) -> Iterator[str]:
    """Iterate over the documents of the files in ``paths``, reading them lazily.

    ``paths`` is one path or an iterable of them; each is a file, a directory or a glob pattern
    (see :func:`expand_paths`). Files are read in that order, and the module docstring says what
    a document is in each format.

    * ``text_field``: the JSON field or Parquet column that holds the text.
    * ``txt_split``: how a .txt file is cut: "paragraph" (the default; after each run of blank
      lines, which stay at the end of the document they follow), "line" or "file".
    * ``doc_cap``: crop each document to its first ``doc_cap`` characters before it counts
      towards ``max_chars``, so that no single huge document dominates training.
    * ``max_chars``: stop after ``max_chars`` characters in total. The document that crosses the
      limit is cut, so that exactly ``max_chars`` characters come out when the corpus has that
      many: the budget is then the same whatever the document lengths. (nanochat yields that
      document whole instead.) Characters are code points, as ``len`` counts them.
    * ``errors``: "strict" (the default) raises ValueError, naming the file, the line and the byte
      offset, at bytes that are not UTF-8 (and at lone surrogates escaped in JSON strings);
      "replace" turns them into U+FFFD instead.

    The arguments and paths are checked now (TypeError, ValueError, FileNotFoundError, or
    ImportError when a .parquet file is named and pyarrow is missing); the files are opened and
    read only as the iterator is consumed, and each is closed as soon as it is done with.
    """
    check_options(text_field, txt_split, max_chars, doc_cap, errors)
    files = expand_paths(paths)
    if any(suffix(path) == ".parquet" for path in files):
        _import_parquet()
    return _read(files, text_field, txt_split, max_chars, doc_cap, errors)


def expand_paths(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files that ``paths`` names, in reading order.

    Each path, in the order given, is one of:

    * a file: kept as is; ValueError if its suffix is not one of SUPPORTED_SUFFIXES.
    * a directory: every file below it with a supported suffix, recursively, sorted.
    * a glob pattern (``*``, ``?``, ``[...]``, and ``**`` for any number of directories), when no
      file of that name exists: the matching files with a supported suffix, sorted, with matching
      directories expanded as above.

    Directories and globs skip files and directories whose name starts with ".", as a shell's
    ``*`` does (think .git or .ipynb_checkpoints). A path that does not exist, or a directory or
    glob that yields no file, raises FileNotFoundError naming it. A file named twice is read
    twice.
    """
    return [Path(found) for given in path_strings(paths) for found in expand(given, _LOCAL)]


class FileSystem(Protocol):
    """Where :func:`expand` looks: the local file system here; bytebpe.distributed.shards gives
    it an fsspec one for URLs, so that the rules and their messages are the same."""

    def is_dir(self, path: str) -> bool: ...
    def exists(self, path: str) -> bool: ...
    def glob(self, pattern: str) -> Iterable[str]:
        """The paths that match ``pattern``, ``**`` included."""
        ...

    def walk(self, directory: str) -> list[str]:
        """Every file below ``directory`` with a supported suffix, hidden names skipped, sorted."""
        ...

    def order(self, path: str) -> Any:
        """The sort key of a path."""
        ...


def expand(given: str, files: FileSystem, path: str | None = None) -> list[str]:
    """The files that the one path ``given`` names on ``files``, by the rules of :func:`expand_paths`.

    ``path`` is ``given`` as ``files`` spells it, if not the same (an fsspec URL without its
    protocol); errors name ``given``.
    """
    path = given if path is None else path
    if files.is_dir(path):
        found = files.walk(path)
        if not found:
            raise FileNotFoundError(f"directory {given!r} holds no file with a supported suffix ({_suffix_list()})")
        return found
    if files.exists(path):
        # Not only regular files: a named pipe called corpus.txt streams just as well.
        if suffix(path) is None:
            raise ValueError(f"{given}: unsupported file type; the supported suffixes are {_suffix_list()}")
        return [path]
    if _GLOB_MAGIC.search(path):
        # A set, because "data/**" matches a directory and also every file inside it.
        matched: set[str] = set()
        for match in files.glob(path):
            if files.is_dir(match):
                matched.update(files.walk(match))
            elif suffix(match):
                matched.add(match)
        if not matched:
            raise FileNotFoundError(f"the pattern {given!r} matches no file with a supported suffix ({_suffix_list()})")
        return sorted(matched, key=files.order)
    raise FileNotFoundError(f"no such file or directory: {given!r}")


@dataclass(frozen=True, repr=False)
class Corpus:
    """A corpus on disk that can be iterated over more than once, e.g. to train twice.

    It takes the arguments of :func:`read_documents` and checks them at once: the paths are
    expanded into :attr:`files` now (so a missing file fails here, not minutes into training),
    and each iteration reads those files afresh and lazily::

        corpus = Corpus(["data/*.parquet"], doc_cap=10_000)
        tok = bytebpe.Tokenizer.train(corpus, 32768)

    ``paths`` is stored as a tuple of str, so a generator of paths is not used up by the first
    iteration.
    """

    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
    text_field: str = "text"
    txt_split: str = "paragraph"
    max_chars: int | None = None
    doc_cap: int | None = None
    errors: str = "strict"
    files: tuple[Path, ...] = field(init=False)
    """The files that ``paths`` expanded to when the corpus was made, in reading order."""

    def __post_init__(self) -> None:
        check_options(self.text_field, self.txt_split, self.max_chars, self.doc_cap, self.errors)
        # object.__setattr__ because the dataclass is frozen: its fields are set once, here.
        object.__setattr__(self, "paths", tuple(path_strings(self.paths)))
        object.__setattr__(self, "files", tuple(expand_paths(self.paths)))
        if any(suffix(path) == ".parquet" for path in self.files):
            _import_parquet()

    def __iter__(self) -> Iterator[str]:
        """A fresh lazy iterator over the documents (see :func:`read_documents`)."""
        return read_documents(
            self.files,
            text_field=self.text_field,
            txt_split=self.txt_split,
            max_chars=self.max_chars,
            doc_cap=self.doc_cap,
            errors=self.errors,
        )

    def __repr__(self) -> str:
        count = len(self.files)
        # Only the options that differ from their defaults: they are the ones worth reading.
        options = "".join(
            f" {option.name}={getattr(self, option.name)!r}"
            for option in fields(self)
            if option.init and option.name != "paths" and getattr(self, option.name) != option.default
        )
        return f"<bytebpe.Corpus {count} file{'' if count == 1 else 's'} from {list(self.paths)!r}{options}>"


# ---------------------------------------------------------------------------------------------
# Checking arguments


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


def suffix(path: str | os.PathLike[str]) -> str | None:
    """The supported suffix that ``path`` ends with (case-insensitively), or None."""
    name = PurePosixPath(os.fspath(path)).name.lower()
    return next((suffix for suffix in SUPPORTED_SUFFIXES if name.endswith(suffix)), None)


def is_txt(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is read as a .txt file (its suffix, case-insensitively)."""
    return suffix(path) == ".txt"


def _suffix_list() -> str:
    return ", ".join(SUPPORTED_SUFFIXES)


class _LocalFiles:
    """The local file system, for :func:`expand`."""

    def is_dir(self, path: str) -> bool:
        return Path(path).is_dir()

    def exists(self, path: str) -> bool:
        return Path(path).exists()

    def glob(self, pattern: str) -> Iterable[str]:
        return glob.glob(pattern, recursive=True)

    def walk(self, directory: str) -> list[str]:
        def fail(error: OSError) -> None:
            # os.walk skips unreadable directories silently by default; a corpus should not shrink silently.
            raise error

        found = []
        for root, dirnames, filenames in os.walk(directory, onerror=fail):
            dirnames[:] = [name for name in dirnames if not name.startswith(".")]
            found.extend(Path(root, name) for name in filenames if not name.startswith(".") and suffix(name))
        return [str(path) for path in sorted(found)]

    def order(self, path: str) -> Path:
        return Path(path)


_LOCAL = _LocalFiles()


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


def _read(
    files: list[Path], text_field: str, txt_split: str, max_chars: int | None, doc_cap: int | None, errors: str
) -> Iterator[str]:
    remaining = max_chars
    for path in files:
        # closing(): when max_chars stops us mid-file (or our consumer stops), the file is closed
        # now rather than whenever the suspended reader happens to be collected.
        with closing(_file_documents(path, text_field, txt_split, doc_cap, errors)) as documents:
            for document in cropped(documents, doc_cap):
                if remaining is not None:
                    if len(document) >= remaining:
                        yield document[:remaining]
                        return
                    remaining -= len(document)
                yield document


def _file_documents(path: Path, text_field: str, txt_split: str, doc_cap: int | None, errors: str) -> Iterator[str]:
    kind = suffix(path)
    if kind == ".txt":
        return _txt_documents(path, txt_split, doc_cap, errors)
    if kind == ".parquet":
        return _parquet_documents(path, text_field)
    return _jsonl_documents(path, text_field, errors, compressed=kind == ".jsonl.gz")


def _txt_documents(path: Path, txt_split: str, doc_cap: int | None, errors: str) -> Iterator[str]:
    with open(path, "rb") as file:
        yield from txt_documents(decoded_lines(file, path, errors), txt_split, doc_cap)


def _jsonl_documents(path: Path, text_field: str, errors: str, *, compressed: bool) -> Iterator[str]:
    with gzip.open(path, "rb") if compressed else open(path, "rb") as file:
        for number, line in enumerate(decoded_lines(file, path, errors), start=1):
            if line.isspace():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                # json's own format ("Expecting value: line 1 column 5"), with the file's line number.
                raise ValueError(f"{path}:{number}: not valid JSON: {error.msg}: column {error.colno}") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object, got {_json_type_name(record)}")
            if text_field not in record:
                raise ValueError(f"{path}:{number}: field {text_field!r} is missing")
            text = record[text_field]
            if not isinstance(text, str):
                raise ValueError(f"{path}:{number}: field {text_field!r} is {_json_type_name(text)}, expected a string")
            # JSON can escape a lone surrogate ("\ud800"), which no UTF-8 text can hold.
            surrogate = _SURROGATE.search(text)
            if surrogate and errors == "strict":
                raise ValueError(
                    f"{path}:{number}: field {text_field!r} holds the lone surrogate U+{ord(surrogate.group()):04X} "
                    f"at index {surrogate.start()}; pass errors='replace' to read it as U+FFFD"
                )
            yield _SURROGATE.sub("\ufffd", text) if surrogate else text


def _json_type_name(value: object) -> str:
    return "null" if value is None else _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _parquet_documents(path: Path, text_field: str) -> Iterator[str]:
    pq = _import_parquet()
    with pq.ParquetFile(path) as parquet:
        schema = parquet.schema_arrow
        if text_field not in schema.names:
            raise ValueError(f"{path}: no column {text_field!r}; the columns are {', '.join(map(repr, schema.names))}")
        # One row group at a time: a Parquet file is often larger than memory, a row group is not.
        for index in range(parquet.num_row_groups):
            table = parquet.read_row_group(index, columns=[text_field])
            for batch in table.to_batches(max_chunksize=_PARQUET_BATCH_ROWS):
                for text in batch.column(0).to_pylist():
                    if text is None:
                        continue
                    if not isinstance(text, str):
                        raise ValueError(
                            f"{path}: column {text_field!r} holds {schema.field(text_field).type}, expected strings"
                        )
                    yield text
