"""Derive spec/unicode/ucd-16.0.0.txt, the Unicode data the bytebpe spec pins (spec/bpe.md §2.3).

The table holds exactly the three Unicode facts a split pattern may depend on:

* General_Category of every code point (runs of equal category; unlisted code points are Cn),
* the White_Space property (what ``\\s`` means),
* simple case folding (what ``(?i)`` means), as orbits: sets of code points that fold together.

Inputs, all Unicode 16.0.0 facts:

* ``unicodedata2==16.0.0`` from PyPI for General_Category (``pip install unicodedata2==16.0.0``);
* ``PropList.txt`` and ``CaseFolding.txt`` of the Unicode Character Database, version 16.0.0 or
  later. Later versions are accepted because the Unicode stability policies make both facts
  stable for assigned characters: restricting a later file to the code points assigned in 16.0.0
  gives the 16.0.0 data exactly. Debian's ``unicode-data`` package ships these files under
  /usr/share/unicode.

Usage::

    python spec/unicode/derive_table.py --ucd /usr/share/unicode > spec/unicode/ucd-16.0.0.txt

Nothing at build or test time runs this script: the derived table is checked in, and a Rust test
cross-checks it against the independent Unicode 16.0.0 tables of the regex-syntax crate.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

VERSION = "16.0.0"
MAX_CODE_POINT = 0x10FFFF


def ucd_lines(path: Path):
    """Yield the data fields of a UCD file, comments and blank lines removed."""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            yield [field.strip() for field in line.split(";")]


def code_points(field: str) -> range:
    first, _, last = field.partition("..")
    return range(int(first, 16), int(last or first, 16) + 1)


def runs(values: list[int]) -> list[tuple[int, int]]:
    """Collapse sorted code points into maximal (first, last) runs."""
    out: list[tuple[int, int]] = []
    for cp in values:
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def fmt(cp: int) -> str:
    return f"{cp:04X}"


def fmt_run(first: int, last: int) -> str:
    return fmt(first) if first == last else f"{fmt(first)}..{fmt(last)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ucd", type=Path, required=True, help="folder with PropList.txt and CaseFolding.txt")
    args = parser.parse_args()

    import unicodedata2  # a dev-only input, imported here so the module docstring stays importable

    if unicodedata2.unidata_version != VERSION:
        sys.exit(f"unicodedata2 carries Unicode {unicodedata2.unidata_version}; install unicodedata2=={VERSION}")

    category = [unicodedata2.category(chr(cp)) for cp in range(MAX_CODE_POINT + 1)]
    assigned = [c != "Cn" for c in category]

    white_space = sorted(
        cp
        for fields in ucd_lines(args.ucd / "PropList.txt")
        if fields[1] == "White_Space"
        for cp in code_points(fields[0])
        if assigned[cp]
    )

    # Simple case folding uses the C (common) and S (simple) rows; F and T are full and Turkic.
    folds_to: dict[int, int] = {}
    for fields in ucd_lines(args.ucd / "CaseFolding.txt"):
        source, status = int(fields[0], 16), fields[1]
        if status in ("C", "S") and assigned[source]:
            folds_to[source] = int(fields[2], 16)
    orbits: dict[int, set[int]] = defaultdict(set)
    for source, target in folds_to.items():
        orbits[target].update((source, target))

    out = sys.stdout
    out.write(f"# Unicode {VERSION} data pinned by the bytebpe spec (spec/bpe.md §2.3). Do not edit:\n")
    out.write("# regenerate with spec/unicode/derive_table.py (its docstring names the inputs).\n")
    out.write("#\n# [general_category]  FIRST..LAST CATEGORY, maximal runs; a code point not listed is Cn.\n")
    out.write("# [white_space]       the code points with the White_Space property.\n")
    out.write("# [case_orbits]       each line a set of code points that simple case folding (C+S) makes equal.\n")
    out.write(f"@version {VERSION}\n\n[general_category]\n")
    start = 0
    for cp in range(1, MAX_CODE_POINT + 2):
        if cp > MAX_CODE_POINT or category[cp] != category[start]:
            if category[start] != "Cn":
                out.write(f"{fmt_run(start, cp - 1)} {category[start]}\n")
            start = cp
    out.write("\n[white_space]\n")
    for first, last in runs(white_space):
        out.write(fmt_run(first, last) + "\n")
    out.write("\n[case_orbits]\n")
    for members in sorted(sorted(orbit) for orbit in orbits.values()):
        out.write(" ".join(fmt(cp) for cp in members) + "\n")


if __name__ == "__main__":
    main()
