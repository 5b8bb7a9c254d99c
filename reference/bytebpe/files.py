"""Saving and loading tokenizers (spec §12): tiktoken's rank file and bytebpe's metadata.

A saved tokenizer is a directory of two files:

* ``tokenizer.tiktoken``: the rank table in tiktoken's format, one line per token in rank order,
  ``base64(token bytes) SPACE rank``. tiktoken's ``load_tiktoken_bpe`` reads it as it is.
* ``bytebpe.json``: what a rank file cannot hold (spec §5.2 notes it loses them): the split
  pattern, the special tokens, the vocabulary size, what trained the tokenizer and the count of
  each merge, and the SHA-256 of the rank file, so that two files that do not belong together are
  caught.

Reading also takes nanochat's ``tokenizer.pkl`` (read safely by bytebpe.nanochat.unpickle): a
directory that holds it but no ``bytebpe.json``, or the file itself.

Writes are atomic (bytebpe.atomic), so an interrupted or failed save leaves the previous tokenizer
intact. Reads are strict and say where a file is damaged (``path:line: what``). The rank file is
read here rather than with tiktoken's loader, which caches even local paths by name.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from bytebpe import atomic
from bytebpe.checks import MAX_RANK
from bytebpe.patterns import PATTERNS, SplitPattern

FORMAT_NAME = "bytebpe-tokenizer"
FORMAT_VERSION = 1
RANKS_FILE = "tokenizer.tiktoken"
METADATA_FILE = "bytebpe.json"
# nanochat's files, which bytebpe.nanochat writes beside bytebpe's own.
NANOCHAT_PICKLE_FILE = "tokenizer.pkl"
NANOCHAT_TOKEN_BYTES_FILE = "token_bytes.pt"
_STRICT_BASE64 = sys.version_info >= (3, 11)  # binascii.a2b_base64(strict_mode=) is new in 3.11


class FormatError(ValueError):
    """A tokenizer file that cannot be read; the message names the file and, where known, the line."""

    def __init__(self, path: str | os.PathLike, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}")


# -- the rank file -------------------------------------------------------------------------------


def rank_file_bytes(ranks: Mapping[bytes, int]) -> bytes:
    """The rank table in tiktoken's format, ordered by rank."""
    ordered = sorted(ranks.items(), key=_by_rank)
    lines = (f"{base64.b64encode(token).decode('ascii')} {rank}\n" for token, rank in ordered)
    return "".join(lines).encode("ascii")


def _by_rank(item: tuple[bytes, int]) -> int:
    return item[1]


def parse_rank_file(data: bytes, path: str | os.PathLike) -> dict[bytes, int]:
    """Parse a .tiktoken rank file strictly (spec §5.2); FormatError names the file and line."""
    ranks: dict[bytes, int] = {}
    seen_ranks: set[int] = set()
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip(b"\r")
        if not line.strip():
            continue
        fields = line.split(b" ")
        if len(fields) != 2:
            raise FormatError(path, "expected 'base64-token rank' (two fields separated by one space)", number)
        encoded, rank_text = fields
        try:
            token = _decode_base64(encoded)
        except (binascii.Error, ValueError):
            raise FormatError(path, f"{encoded[:40]!r} is not valid base64", number) from None
        if not token:
            raise FormatError(path, "the token is empty", number)
        if not rank_text.isdigit():
            raise FormatError(path, f"the rank {rank_text[:20]!r} is not a non-negative integer", number)
        rank = int(rank_text)
        if rank > MAX_RANK:
            raise FormatError(path, f"the rank {rank} is above {MAX_RANK}", number)
        if token in ranks:
            first = _first_line(lines, _token_of, token)
            raise FormatError(path, f"token {token!r} appears again (first on line {first})", number)
        if rank in seen_ranks:
            first = _first_line(lines, _rank_of, rank)
            raise FormatError(path, f"rank {rank} appears again (first on line {first})", number)
        seen_ranks.add(rank)
        ranks[token] = rank
    missing = [b for b in range(256) if bytes([b]) not in ranks]
    if missing:
        raise FormatError(
            path,
            f"{len(missing)} of the 256 single-byte tokens are missing, e.g. {bytes([missing[0]])!r}; "
            "a rank table must hold every byte",
        )
    return ranks


def _decode_base64(encoded: bytes) -> bytes:
    # binascii's strict mode accepts exactly what b64decode(validate=True) does, without its
    # regex and its wrappers, which on a vocabulary of 100,000 tokens were half of reading it.
    if _STRICT_BASE64:
        return binascii.a2b_base64(encoded, strict_mode=True)
    return base64.b64decode(encoded, validate=True)


def _token_of(fields: list[bytes]) -> bytes:
    return _decode_base64(fields[0])


def _rank_of(fields: list[bytes]) -> int:
    return int(fields[1])


def _first_line(lines: list[bytes], field: Callable[[list[bytes]], object], value: object) -> int:
    """The number of the first line whose ``field`` is ``value``: where a repeated token or rank
    first was (looked for only once a repeat is found, so that valid files pay for no line numbers)."""
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip(b"\r")
        # Every line before the repeat that is not blank parsed as two fields.
        if line.strip() and field(line.split(b" ")) == value:
            return number
    raise AssertionError("a repeat was found, so its first occurrence exists")


def read_rank_file(path: str | os.PathLike) -> dict[bytes, int]:
    """Read and check a .tiktoken rank file."""
    return parse_rank_file(Path(path).read_bytes(), path)


# -- the metadata --------------------------------------------------------------------------------


def metadata(
    *,
    pattern: str,
    pattern_name: str | None,
    special_tokens: Mapping[str, int],
    n_vocab: int,
    ranks_sha256: str,
    trained_by: Mapping[str, Any] | None,
    merge_counts: list[int] | None = None,
) -> dict[str, Any]:
    """The content of bytebpe.json (format version 1)."""
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "pattern": pattern,
        "pattern_name": pattern_name,
        "special_tokens": dict(sorted(special_tokens.items(), key=lambda item: item[1])),
        "n_vocab": n_vocab,
        "ranks_file": RANKS_FILE,
        "ranks_sha256": ranks_sha256,
        "trained_by": dict(trained_by) if trained_by is not None else None,
        "merge_counts": merge_counts,
    }


def metadata_text(meta: Mapping[str, Any]) -> str:
    """bytebpe.json's text: indented JSON, but a list of numbers on one line (merge_counts has
    one entry per merge, a line each would make the file tens of thousands of lines long).

    JSON strings cannot hold a raw newline, so only arrays of bare numbers match.
    """
    text = json.dumps(meta, indent=2, ensure_ascii=False)
    return _NUMBER_ARRAY.sub(lambda found: "[" + ", ".join(found.group(1).replace(",", " ").split()) + "]", text) + "\n"


_NUMBER_ARRAY = re.compile(r"\[\n\s*(-?\d+(?:,\n\s*-?\d+)*)\n\s*\]")


def _line_of(text: str, key: str) -> int | None:
    """The line of bytebpe.json on which ``key`` is written, for error messages."""
    for number, line in enumerate(text.splitlines(), start=1):
        if f'"{key}"' in line:
            return number
    return None


def parse_metadata(text: str, path: str | os.PathLike) -> dict[str, Any]:
    """Parse and check bytebpe.json; FormatError names the file, the line and the field."""
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as err:
        problem = f"not valid JSON: {err.msg} (column {err.colno}); is the file truncated?"
        raise FormatError(path, problem, err.lineno) from None
    except RecursionError:
        raise FormatError(path, "not a bytebpe tokenizer description: its JSON is nested too deeply", 1) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise FormatError(path, f'not a bytebpe tokenizer description (no "format": "{FORMAT_NAME}")', 1)
    version = meta.get("format_version")
    # True == 1 and 1.0 == 1 in Python; the field is the JSON integer 1.
    if type(version) is not int or version != FORMAT_VERSION:
        raise FormatError(
            path,
            f"format version {version!r} is not one this bytebpe reads (it reads version {FORMAT_VERSION}); "
            "a newer bytebpe may have written it",
            _line_of(text, "format_version"),
        )
    expected = {
        "pattern": str,
        "special_tokens": dict,
        "n_vocab": int,
        "ranks_file": str,
        "ranks_sha256": str,
    }
    for key, kind in expected.items():
        if not isinstance(meta.get(key), kind) or isinstance(meta.get(key), bool):
            raise FormatError(path, f"field {key!r} must be a {kind.__name__}", _line_of(text, key) or 1)
    for name, token_id in meta["special_tokens"].items():
        if isinstance(token_id, bool) or not isinstance(token_id, int):
            raise FormatError(path, f"special token {name!r} must have an int id", _line_of(text, name))
    if meta.get("trained_by") is not None and not isinstance(meta["trained_by"], dict):
        raise FormatError(path, "field 'trained_by' must be an object or null", _line_of(text, "trained_by"))
    counts = meta.get("merge_counts")
    if counts is not None and not (
        isinstance(counts, list) and all(isinstance(c, int) and not isinstance(c, bool) and c >= 1 for c in counts)
    ):
        problem = "field 'merge_counts' must be a list of integers of at least 1, or null"
        raise FormatError(path, problem, _line_of(text, "merge_counts"))
    if meta["ranks_file"] in ("", ".", "..") or Path(meta["ranks_file"]).name != meta["ranks_file"]:
        problem = "field 'ranks_file' must name a file in the same directory"
        raise FormatError(path, problem, _line_of(text, "ranks_file"))
    name = meta.get("pattern_name")
    if name is not None and (not isinstance(name, str) or PATTERNS.get(name, meta["pattern"]) != meta["pattern"]):
        problem = f"field 'pattern_name' is {name!r}, which is not the name of the regex in 'pattern'"
        raise FormatError(path, problem, _line_of(text, "pattern_name"))
    return meta


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- a saved tokenizer ---------------------------------------------------------------------------


class SavedTokenizer(NamedTuple):
    """What :func:`read_tokenizer` read: the parts of a model, not yet checked as a model (§5.2, §5.4)."""

    ranks: dict[bytes, int]
    pattern: str | SplitPattern
    special_tokens: Mapping[str, int] | None
    trained_by: dict[str, Any] | None
    source: Path
    """The file a problem with the model is reported against: bytebpe.json, or the bare rank file."""
    n_vocab: int | None
    """The n_vocab that bytebpe.json states, to be checked against the model; None for a rank file."""
    merge_counts: list[int] | None = None
    """The count of each merge (bytebpe.json's merge_counts), if known."""

    def check_n_vocab(self, n_vocab: int) -> None:
        """FormatError if bytebpe.json states another n_vocab than the model's."""
        if self.n_vocab is not None and n_vocab != self.n_vocab:
            raise FormatError(self.source, f"n_vocab is {self.n_vocab}, but the files hold {n_vocab} ids")


def read_tokenizer(
    path: str | os.PathLike, *, pattern: str | None = None, special_tokens: Mapping[str, int] | None = None
) -> SavedTokenizer:
    """Read a directory written by :func:`write_tokenizer`, or a bare .tiktoken rank file.

    A bare rank file holds neither the split pattern nor special tokens: they come from
    ``pattern`` (required) and ``special_tokens``; for a directory they must not be given.
    nanochat's ``tokenizer.pkl`` holds both (:func:`nanochat_pickle`).
    """
    path = Path(path)
    pickled = nanochat_pickle(path)
    if pickled is not None:
        if pattern is not None or special_tokens is not None:
            raise TypeError(f"{pickled} holds its pattern and special tokens: do not pass pattern or special_tokens")
        return _read_nanochat_pickle(pickled)
    if path.is_dir():
        if pattern is not None or special_tokens is not None:
            raise TypeError(
                "pattern and special_tokens are read from a saved directory; pass them only for a .tiktoken file"
            )
        return _read_directory(path)
    if not path.exists():
        raise FileNotFoundError(f"no tokenizer at {path}")
    if pattern is None:
        raise TypeError(
            f"{path} is a bare rank file, which holds no split pattern: pass pattern=, e.g. pattern='cl100k'"
        )
    return SavedTokenizer(read_rank_file(path), pattern, special_tokens, None, path, None)


def nanochat_pickle(path: Path) -> Path | None:
    """nanochat's tokenizer.pkl if ``path`` is one (by its first byte, pickle's PROTO opcode, or
    its suffix) or a directory that holds one and no bytebpe.json; else None."""
    if path.is_dir():
        found = path / NANOCHAT_PICKLE_FILE
        return found if found.is_file() and not (path / METADATA_FILE).exists() else None
    if not path.is_file():
        return None
    if path.suffix in (".pkl", ".pickle"):
        return path
    with path.open("rb") as file:
        return path if file.read(1) == b"\x80" else None


def _read_nanochat_pickle(path: Path) -> SavedTokenizer:
    from bytebpe.nanochat import unpickle

    try:
        state = unpickle.parse_encoding(path.read_bytes())
    except ValueError as err:
        raise FormatError(path, str(err)) from None
    return SavedTokenizer(state.ranks, SplitPattern.of_regex(state.pattern), state.special_tokens, None, path, None)


def _utf8_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise FormatError(path, f"not UTF-8: byte {data[err.start]:#04x} at offset {err.start}", line) from None


def _read_directory(path: Path) -> SavedTokenizer:
    meta_path = path / METADATA_FILE
    if not meta_path.exists():
        raise FormatError(
            path,
            f"no {METADATA_FILE} here (nor nanochat's tokenizer.pkl); "
            "for a bare rank file, load the .tiktoken file itself",
        )
    meta = parse_metadata(_utf8_text(meta_path), meta_path)
    ranks_path = path / meta["ranks_file"]
    if not ranks_path.exists():
        raise FormatError(ranks_path, f"missing: {METADATA_FILE} names it")
    data = ranks_path.read_bytes()
    if sha256(data) != meta["ranks_sha256"]:
        problem = f"its checksum is not the one in {METADATA_FILE}: the two files do not belong together"
        raise FormatError(ranks_path, problem)
    ranks = parse_rank_file(data, ranks_path)
    counts = meta.get("merge_counts")
    if counts is not None and len(counts) != len(ranks) - 256:
        problem = f"merge_counts holds {len(counts)} counts, but the rank file {len(ranks) - 256} merged tokens"
        raise FormatError(meta_path, problem, _line_of(meta_path.read_text(encoding="utf-8"), "merge_counts"))
    # The file holds the regex, never a name (§12.2).
    pattern = SplitPattern.of_regex(meta["pattern"])
    trained_by = meta.get("trained_by")
    return SavedTokenizer(ranks, pattern, meta["special_tokens"], trained_by, meta_path, meta["n_vocab"], counts)


def write_tokenizer(
    path: str | os.PathLike,
    *,
    ranks: Mapping[bytes, int],
    pattern: SplitPattern,
    special_tokens: Mapping[str, int],
    n_vocab: int,
    trained_by: Mapping[str, Any] | None,
    merge_counts: list[int] | None = None,
    extra_files: Mapping[str, bytes] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a tokenizer into directory ``path`` (its rank file and bytebpe.json), atomically.

    ``extra_files`` (name -> bytes) go into the same directory in the same step (files other
    tools read, such as nanochat's). With ``overwrite``, a previous save at ``path`` is replaced
    in one step; without it, or if the directory holds anything but a valid save (see
    :func:`_not_a_save`), FileExistsError, and nothing is touched: bytebpe deletes only what it
    wrote.
    """
    ranks_data = rank_file_bytes(ranks)
    meta = metadata(
        pattern=pattern.regex,
        pattern_name=pattern.name,
        special_tokens=special_tokens,
        n_vocab=n_vocab,
        ranks_sha256=sha256(ranks_data),
        trained_by=trained_by,
        merge_counts=merge_counts,
    )
    contents = {
        RANKS_FILE: ranks_data,
        METADATA_FILE: metadata_text(meta).encode("utf-8"),
        **(extra_files or {}),
    }
    atomic.write_directory(path, contents, **_SAVE_TARGET, overwrite=overwrite)
    return Path(path)


def check_save_target(path: str | os.PathLike[str], *, overwrite: bool = False) -> bool:
    """Raise FileExistsError now if :func:`write_tokenizer` would refuse ``path``; return whether
    it would replace a previous save."""
    return atomic.check_directory_target(path, **_SAVE_TARGET, overwrite=overwrite)


# The files a save may hold: bytebpe's own, and nanochat's beside them.
SAVE_FILES = (RANKS_FILE, METADATA_FILE, NANOCHAT_PICKLE_FILE, NANOCHAT_TOKEN_BYTES_FILE)


def _not_a_save(path: Path) -> str | None:
    """What keeps directory ``path`` from being a save bytebpe may replace (None if nothing): it
    must hold only files that a save writes (:data:`SAVE_FILES`), a bytebpe.json among them, and
    they must load."""
    names = sorted(entry.name for entry in path.iterdir())
    others = [name for name in names if name not in SAVE_FILES]
    if others:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        return f"holds files that bytebpe did not write ({shown})"
    if METADATA_FILE not in names:
        return f"is not empty and holds no saved tokenizer ({METADATA_FILE})"
    if not all((path / name).is_file() and not (path / name).is_symlink() for name in names):
        return "holds links or folders where a saved tokenizer has files"
    try:
        _read_directory(path)
    except (OSError, ValueError) as err:
        return f"holds a {METADATA_FILE} that is not a saved tokenizer ({err})"
    return None


# What write_tokenizer may replace: a directory holding a previous save, and nothing else.
_SAVE_TARGET: dict[str, Any] = {"is_ours": _not_a_save, "what": f"a saved tokenizer ({METADATA_FILE})"}
