"""Which files a corpus reads, and in which format: the one rule of :class:`bytebpe.Corpus`, of
``bytebpe train`` and of bytebpe.distributed.

Formats
    A file is read by its format: ``jsonl`` (names ending in .jsonl or .ndjson), ``jsonl.gz``
    (.jsonl.gz), ``parquet`` (.parquet), matched case-insensitively; **every other file is plain
    text** (``text``): source code, Markdown, logs, a .txt file. ``format=`` reads every file in
    one format instead, whatever its name.

Paths
    Each path given, in order, is one of:

    * ``-``: standard input (as the file /dev/stdin), plain text unless ``format`` says otherwise.
    * a file: read, whatever its name and content.
    * a directory: every file below it, recursively, in sorted order, except those skipped.
    * a glob pattern (``*``, ``?``, ``[...]``, and ``**`` for any number of directories), when no
      file of that name exists: the matching files, sorted, with matching directories expanded
      as above, except those skipped.

Skipped (in directories and globs only; a file named is always read)
    * names starting with "." (``hidden``), as a shell's ``*`` skips them; a hidden directory such
      as .git is not entered at all;
    * files that none of the ``include`` patterns match (``not included``), or that one of the
      ``exclude`` patterns matches (``excluded``). A pattern without "/" is matched against the
      file's name (``*.py``), one with "/" against its path below the directory given
      (``tests/*``; for a glob, the path it matched); ``*`` matches "/" too;
    * what is not a regular file (``not a regular file``: a named pipe, a socket, a device) or
      a link to nothing (``broken link``): reading a pipe met on the way could wait forever;
    * files to be read as plain text that hold a NUL byte in their first 8 KiB (``binary``): no
      text does, and images, archives and compiled files nearly always do, as git and grep
      decide. A UTF-16 file has NULs too, and is not UTF-8 either.

Every skipped path is listed with its reason (:class:`Skipped`): nothing is left out silently.
A path that does not exist, or a directory or glob that leaves no file to read, is a
FileNotFoundError naming it and what was skipped. A file named twice is read twice.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

__all__ = ["FORMATS", "STDIN", "Skipped", "file_format", "find", "is_plain_text", "skip_report"]

FORMATS: tuple[str, ...] = ("text", "jsonl", "jsonl.gz", "parquet")
"""The formats a corpus file can be read in (``format=``, ``bytebpe train --format``)."""

STRUCTURED_SUFFIXES: dict[str, str] = {
    ".jsonl.gz": "jsonl.gz",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
"""The name endings of the formats other than text (matched case-insensitively)."""

STDIN = "-"
"""The path that stands for standard input."""

STDIN_FILE = "/dev/stdin"
"""What ``-`` is read as: a file name, so that both readers open it as any other file."""

BINARY_PROBE_BYTES = 8192
"""How much of a file the binary check looks at."""

_GLOB_MAGIC = re.compile(r"[*?[]")


@dataclass(frozen=True)
class Skipped:
    """A path in a directory or glob that is not read, and why: "hidden", "not included",
    "excluded", "not a regular file", "broken link" or "binary"."""

    path: str
    reason: str


def file_format(path: str | os.PathLike[str], forced: str | None = None) -> str:
    """The format ``path`` is read in: ``forced`` if given, else by its name (see the module docstring)."""
    if forced is not None:
        return forced
    name = PurePosixPath(os.fspath(path)).name.lower()
    return next((kind for suffix, kind in STRUCTURED_SUFFIXES.items() if name.endswith(suffix)), "text")


def is_plain_text(path: str | os.PathLike[str], forced: str | None = None) -> bool:
    """Whether ``path`` is read as plain text."""
    return file_format(path, forced) == "text"


def check_selection(format: object, include: object, exclude: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """TypeError/ValueError for a bad ``format``, ``include`` or ``exclude``; the patterns as tuples."""
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, FORMATS))} or None, not {format!r}")
    return _patterns(include, "include"), _patterns(exclude, "exclude")


def _patterns(patterns: object, name: str) -> tuple[str, ...]:
    items = [patterns] if isinstance(patterns, str) else patterns
    if not isinstance(items, Iterable) or isinstance(items, (bytes, bytearray)):
        raise TypeError(f"{name} must be a glob pattern or a sequence of them, not {type(patterns).__name__}")
    items = tuple(items)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{name} patterns must be str, not {type(item).__name__}")
        if not item:
            raise ValueError(f"{name} patterns must not be empty")
    return items


class FileSystem(Protocol):
    """Where :func:`find` looks: the local file system here; bytebpe.distributed.shards gives it an
    fsspec one for URLs, so that the rules and their messages are the same."""

    def is_dir(self, path: str) -> bool: ...
    def exists(self, path: str) -> bool: ...
    def glob(self, pattern: str) -> Iterable[str]:
        """The paths that match ``pattern``, ``**`` included; hidden names need not match."""
        ...

    def walk(self, directory: str) -> tuple[list[str], list[str]]:
        """Every file below ``directory`` with no hidden name on the way, sorted; and the hidden
        files and directories found on the way (not entered)."""
        ...

    def special(self, path: str) -> str | None:
        """Why ``path`` is no file to read ("not a regular file", "broken link"), or None."""
        ...

    def head(self, path: str, size: int) -> bytes:
        """The first ``size`` bytes of the file ``path`` (fewer if it is shorter)."""
        ...

    def order(self, path: str) -> Any:
        """The sort key of a path."""
        ...


def find(
    given: str,
    files: FileSystem,
    path: str | None = None,
    *,
    format: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> tuple[list[str], list[Skipped]]:
    """The files that the one path ``given`` names on ``files``, and what was skipped (module docstring).

    ``path`` is ``given`` as ``files`` spells it, if not the same (an fsspec URL without its
    protocol); errors and skipped paths name ``given``'s files as ``files`` gives them.
    """
    path = given if path is None else path
    if given == STDIN:
        return [STDIN_FILE], []
    if files.is_dir(path):
        found, hidden = files.walk(path)
        kept, skipped = _select(found, path, files, format, include, exclude)
        skipped[:0] = [Skipped(entry, "hidden") for entry in hidden]
        if not kept:
            raise FileNotFoundError(f"directory {given!r} holds no file to read{_nothing_left(skipped)}")
        return kept, skipped
    if files.exists(path):
        # Not only regular files: a named pipe streams just as well.
        return [path], []
    if _GLOB_MAGIC.search(path):
        # A set, because "data/**" matches a directory and also every file inside it.
        matched: set[str] = set()
        hidden_found: set[str] = set()
        for match in files.glob(path):
            if files.is_dir(match):
                found, hidden = files.walk(match)
                matched.update(found)
                hidden_found.update(hidden)
            else:
                matched.add(match)
        ordered = sorted(matched, key=files.order)
        kept, skipped = _select(ordered, None, files, format, include, exclude)
        skipped[:0] = [Skipped(entry, "hidden") for entry in sorted(hidden_found, key=files.order)]
        if not kept:
            raise FileNotFoundError(f"the pattern {given!r} matches no file to read{_nothing_left(skipped)}")
        return kept, skipped
    raise FileNotFoundError(f"no such file or directory: {given!r}")


def _select(
    found: list[str],
    root: str | None,
    files: FileSystem,
    format: str | None,
    include: Sequence[str],
    exclude: Sequence[str],
) -> tuple[list[str], list[Skipped]]:
    kept: list[str] = []
    skipped: list[Skipped] = []
    for path in found:
        relative = PurePosixPath(os.path.relpath(path, root)).as_posix() if root is not None else path
        name = PurePosixPath(path).name
        if include and not any(_matches(pattern, name, relative) for pattern in include):
            skipped.append(Skipped(path, "not included"))
        elif any(_matches(pattern, name, relative) for pattern in exclude):
            skipped.append(Skipped(path, "excluded"))
        elif (reason := files.special(path)) is not None:
            skipped.append(Skipped(path, reason))
        elif is_plain_text(path, format) and b"\0" in files.head(path, BINARY_PROBE_BYTES):
            skipped.append(Skipped(path, "binary"))
        else:
            kept.append(path)
    return kept, skipped


def _matches(pattern: str, name: str, relative: str) -> bool:
    return fnmatch.fnmatchcase(relative if "/" in pattern else name, pattern)


def _nothing_left(skipped: list[Skipped]) -> str:
    return f" ({skip_report(skipped)})" if skipped else ""


def skip_report(skipped: Sequence[Skipped], *, examples: int = 3) -> str:
    """What was skipped, by reason, with a few examples of each: "skipped 4: 3 hidden (.git, .env,
    .venv), 1 binary (logo.png)"."""
    reasons: dict[str, list[str]] = {}
    for entry in skipped:
        reasons.setdefault(entry.reason, []).append(entry.path)
    parts = []
    for reason, paths in reasons.items():
        shown = ", ".join(paths[:examples]) + (", ..." if len(paths) > examples else "")
        parts.append(f"{len(paths)} {reason} ({shown})")
    return f"skipped {len(skipped)}: " + ", ".join(parts)


class LocalFiles:
    """The local file system, for :func:`find`."""

    def is_dir(self, path: str) -> bool:
        return Path(path).is_dir()

    def exists(self, path: str) -> bool:
        return Path(path).exists()

    def glob(self, pattern: str) -> Iterable[str]:
        return glob.glob(pattern, recursive=True)

    def walk(self, directory: str) -> tuple[list[str], list[str]]:
        def fail(error: OSError) -> None:
            # os.walk skips unreadable directories silently by default; a corpus should not shrink silently.
            raise error

        found: list[Path] = []
        hidden: list[Path] = []
        for root, dirnames, filenames in os.walk(directory, onerror=fail):
            hidden.extend(Path(root, name) for name in dirnames if name.startswith("."))
            dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
            for name in filenames:
                (hidden if name.startswith(".") else found).append(Path(root, name))
        return [str(path) for path in sorted(found)], [str(path) for path in sorted(hidden)]

    def special(self, path: str) -> str | None:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            return "broken link"
        return None if stat.S_ISREG(mode) else "not a regular file"

    def head(self, path: str, size: int) -> bytes:
        with open(path, "rb") as file:
            return file.read(size)

    def order(self, path: str) -> Path:
        return Path(path)


LOCAL = LocalFiles()
