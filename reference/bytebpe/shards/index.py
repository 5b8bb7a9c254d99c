"""The index beside the shards (``index.json``): what wrote them, how, and every shard's checksum.

It is rewritten atomically after every shard, so that it always describes the shards that are
complete and where the corpus resumes; ``"complete": true`` marks a finished run. Nothing in it
depends on the machine, the thread count or the implementation, so two runs of the same job
write the same bytes.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from bytebpe import atomic
from bytebpe.shards.formats import MEMMAP_FILE

INDEX_FILE = "index.json"
INDEX_KIND = "bytebpe token shards"
INDEX_VERSION = 1
PARTIAL_MEMMAP = f".{MEMMAP_FILE}.partial"
# What a run writes in its directory: the index, the shards, and their hidden staging names.
_OURS = re.compile(
    rf"(?:{re.escape(INDEX_FILE)}|shard_[0-9]{{6}}\.(?:bin|npy)|{re.escape(MEMMAP_FILE)}|{re.escape(PARTIAL_MEMMAP)}"
    rf"|\.(?:{re.escape(INDEX_FILE)}|shard_[0-9]{{6}}\.(?:bin|npy))\.tmp-.*)"
)


def new_index(tokenizer: dict[str, Any], settings: dict[str, Any], corpus: dict[str, Any] | None) -> dict[str, Any]:
    """The index of a run that has written nothing yet."""
    return {
        "kind": INDEX_KIND,
        "version": INDEX_VERSION,
        "complete": False,
        "tokenizer": tokenizer,
        "settings": settings,
        "corpus": corpus,
        "tokens": 0,
        "documents": 0,
        "resume": {"documents": 0, "skip_tokens": 0},
        "shards": [],
    }


def write_index(out: Path, index: dict[str, Any]) -> None:
    """Replace the index in ``out`` atomically."""
    data = (json.dumps(index, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    atomic.write_file(out / INDEX_FILE, data, overwrite=True)


def read_index(out: str | os.PathLike[str]) -> dict[str, Any]:
    """The index in directory ``out``; FileNotFoundError or ValueError saying what is wrong."""
    path = Path(out) / INDEX_FILE
    try:
        index = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{out} holds no {INDEX_FILE}: it is not a directory of token shards") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a valid shard index: {error}") from None
    if not isinstance(index, dict) or index.get("kind") != INDEX_KIND:
        raise ValueError(f"{path} is not an index of bytebpe token shards")
    if index.get("version") != INDEX_VERSION:
        raise ValueError(f"{path} has version {index.get('version')!r}; this bytebpe reads version {INDEX_VERSION}")
    return index


def foreign_entries(out: Path) -> list[str]:
    """The entries of ``out`` that a run of encode_to_shards did not write, sorted."""
    return sorted(entry.name for entry in out.iterdir() if not _OURS.fullmatch(entry.name) or entry.is_dir())


def differences(index: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """What differs between the run ``index`` records and the one ``wanted`` asks for, in words."""
    found = []
    if index.get("tokenizer") != wanted["tokenizer"]:
        found.append("the tokenizer (its identity digest differs)")
    for name, value in wanted["settings"].items():
        before = index.get("settings", {}).get(name)
        if before != value:
            found.append(f"{name} ({before!r} then, {value!r} now)")
    before_corpus, corpus = index.get("corpus"), wanted["corpus"]
    if before_corpus != corpus:
        names = sorted({*(before_corpus or {}), *(corpus or {})})
        changed = [name for name in names if (before_corpus or {}).get(name) != (corpus or {}).get(name)]
        found.append(f"the corpus ({', '.join(changed)})")
    return found
