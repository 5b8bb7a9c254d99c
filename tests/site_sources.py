"""The code blocks a docs page's Markdown source holds, for tests/site_check.py to compare.

A reader copies code from the site; what they copy must be what the source says. This module
reads the source side: each fenced block of a page (pymdownx.snippets' ``--8<-- "file"`` lines
expanded, as the build expands them), with the fence's indentation removed. A block that
markdown-exec runs at build time (``exec="on"``) counts only when the page shows its code
(``source="above"`` and the like); otherwise the page shows just its output, and the build itself
fails when it does not run. Not collected by pytest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_SNIPPET = re.compile(r'^--8<-- "(?P<path>[^"]+)"\s*$')
_RUN_AT_BUILD = re.compile(r'\bexec="(on|1|true)"')
_SHOWS_SOURCE = re.compile(r'\bsource="[a-z-]+"')


@dataclass(frozen=True)
class SourceBlock:
    """One fenced code block: where it starts in its source file, and its text."""

    source: str
    line: int
    text: str


def source_of(page: str, docs: Path) -> Path | None:
    """The Markdown file a built page comes from (``a/index.html`` -> ``docs/a.md``), if any."""
    stem = page.removesuffix("index.html").rstrip("/") if page.endswith("index.html") else None
    if stem is None:
        return None
    for candidate in (docs / "index.md",) if stem == "" else (docs / f"{stem}.md", docs / stem / "index.md"):
        if candidate.is_file():
            return candidate
    return None


def _expanded_lines(path: Path, root: Path) -> list[tuple[str, int, str]]:
    """(file, line number, text) for each line, with snippet lines replaced by the file they name."""
    lines = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        snippet = _SNIPPET.match(text)
        if snippet and (root / snippet["path"]).is_file():
            lines += _expanded_lines(root / snippet["path"], root)
        else:
            lines.append((path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path), number, text))
    return lines


def code_blocks(path: Path, root: Path) -> list[SourceBlock]:
    """Every fenced block of the page at ``path`` that the site shows as it is written."""
    blocks = []
    lines = _expanded_lines(path, root)
    index = 0
    while index < len(lines):
        source, number, text = lines[index]
        opening = _FENCE.match(text)
        index += 1
        if not opening:
            continue
        indent, fence = opening["indent"], opening["fence"]
        body = []
        while index < len(lines):
            line = lines[index][2]
            index += 1
            closing = _FENCE.match(line)
            if closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence):
                if not closing["info"].strip():
                    break
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t"))
        info = opening["info"]
        if not _RUN_AT_BUILD.search(info) or _SHOWS_SOURCE.search(info):
            blocks.append(SourceBlock(source, number, "\n".join(body)))
    return blocks
