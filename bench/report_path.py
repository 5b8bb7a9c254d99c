"""Where a benchmark writes its report: one stable name per kind of report, corpus and machine.

Every bench writer puts its report in bench/results/ as ``[<kind>-]<corpus>-<machine>.md``, e.g.
``en_docs-2c-amd-epyc.md`` for bench/run.py or ``worst_case-en_docs-2c-amd-epyc.md``, with its JSON
and its plot beside it under the same stem. A new run on the same corpus and machine therefore
replaces the last report rather than adding one: the date is inside the report, and the earlier
reports are in git's history.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import machine

RESULTS = Path(__file__).resolve().parent / "results"


def name_part(text: str) -> str:
    """``text`` as part of a file name: letters, digits, ``-``, ``_`` and ``.`` kept, anything else ``-``."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)


def report_path(out: Path | None, corpus: Path, machine_info: dict[str, Any], kind: str | None = None) -> Path:
    """The markdown report's path. ``out`` is a ``.md`` file (taken as it is), a folder (the report
    gets its stable name there) or None (the stable name in bench/results/)."""
    if out is not None and out.suffix == ".md":
        return out
    stem = name_part(corpus.stem) or "corpus"
    prefix = f"{kind}-" if kind else ""
    return (out or RESULTS) / f"{prefix}{stem}-{machine.machine_slug(machine_info)}.md"


def replace_file(path: Path, data: str | bytes) -> None:
    """Write ``path`` whole or not at all: into a temporary file beside it, renamed over it at the
    end, so that a run that fails while writing leaves the previous report as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, 0o644)  # mkstemp makes it private; a report is for everyone to read
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
