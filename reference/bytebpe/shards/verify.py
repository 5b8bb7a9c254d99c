"""``verify``: every shard an index lists checked against its checksum, size and header."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from bytebpe.shards import formats
from bytebpe.shards.index import read_index


class ShardError(ValueError):
    """A shard that does not match its index; the message names every such shard."""


def verify(out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Check the shards in ``out_dir`` against its index and return the index.

    ShardError (a ValueError) names every shard that is missing, of the wrong size, with a
    wrong header or whose sha256 differs from the index's; ValueError if the run is not complete.
    """
    out = Path(out_dir)
    index = read_index(out)
    settings = index["settings"]
    fmt, dtype = settings["format"], settings["dtype"]
    width = formats.DTYPES[dtype]
    problems = []
    for number, shard in enumerate(index["shards"]):
        problem = _shard_problem(out, fmt, dtype, width, shard)
        if problem is not None:
            problems.append(f"shard {number} ({shard['file']}): {problem}")
    if problems:
        raise ShardError(f"{out}: {len(problems)} bad shard{'s' * (len(problems) > 1)}: " + "; ".join(problems))
    if not index["complete"]:
        raise ValueError(f"{out}: the run that writes these shards has not finished (resume it to complete them)")
    return index


def _shard_problem(out: Path, fmt: str, dtype: str, width: int, shard: dict[str, Any]) -> str | None:
    path = out / shard["file"]
    try:
        with open(path, "rb") as file:
            if fmt == "memmap":
                file.seek(shard["offset"] * width)
                data = file.read(shard["tokens"] * width)
            else:
                data = file.read()
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    header = len(formats.header(fmt, dtype, shard["tokens"]))
    if len(data) != header + shard["tokens"] * width:
        return f"{len(data)} bytes where the index says {header + shard['tokens'] * width}"
    if fmt != "memmap":
        try:
            tokens = formats.parse_header(fmt, dtype, data)
        except ValueError as error:
            return str(error)
        if tokens != shard["tokens"]:
            return f"its header says {tokens} ids where the index says {shard['tokens']}"
    if hashlib.sha256(data).hexdigest() != shard["sha256"]:
        return "its sha256 differs from the index's: the file is corrupt"
    return None
