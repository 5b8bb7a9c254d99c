"""Generate the Unicode tables of both implementations from spec/unicode/ucd-16.0.0.txt.

    python spec/unicode/generate_code.py          # rewrite both generated files
    python spec/unicode/generate_code.py --check  # exit 1 if either is stale

Outputs: reference/bytebpe/_unicode_data.py and fast/src/unicode/unicode_data.rs. Both carry the same
runs as the checked-in table; a test runs ``--check`` so that the three never drift apart.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "spec" / "unicode" / "ucd-16.0.0.txt"
PYTHON_OUT = ROOT / "reference" / "bytebpe" / "_unicode_data.py"
RUST_OUT = ROOT / "fast" / "src" / "unicode" / "unicode_data.rs"
COMMAND = "python spec/unicode/generate_code.py"


def parse_run(text: str) -> tuple[int, int]:
    first, _, last = text.partition("..")
    return int(first, 16), int(last or first, 16)


def read_table(path: Path = TABLE) -> dict:
    """Read the pinned table into {version, general_category, white_space, case_orbits}."""
    table: dict = {"general_category": [], "white_space": [], "case_orbits": []}
    section = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("@version "):
            table["version"] = line.split()[1]
        elif line.startswith("["):
            section = line.strip("[]")
        elif section == "general_category":
            run, category = line.split()
            table[section].append((*parse_run(run), category))
        elif section == "white_space":
            table[section].append(parse_run(line))
        elif section == "case_orbits":
            table[section].append(tuple(int(cp, 16) for cp in line.split()))
    return table


def python_source(table: dict) -> str:
    lines = [
        f'"""Unicode {table["version"]} data pinned by the spec (spec/bpe.md §2.3).',
        "",
        f"Generated from spec/unicode/ucd-{table['version']}.txt by `{COMMAND}`. Do not edit.",
        '"""',
        "",
        f'UNICODE_VERSION = "{table["version"]}"',
        "",
        "# (first, last, category) runs in code point order; a code point not listed is Cn.",
        "GENERAL_CATEGORY: tuple[tuple[int, int, str], ...] = (",
    ]
    lines += [f'    (0x{a:04X}, 0x{b:04X}, "{c}"),' for a, b, c in table["general_category"]]
    lines += [
        ")",
        "",
        "# (first, last) runs of the White_Space property.",
        "WHITE_SPACE: tuple[tuple[int, int], ...] = (",
    ]
    lines += [f"    (0x{a:04X}, 0x{b:04X})," for a, b in table["white_space"]]
    lines += [
        ")",
        "",
        "# Sets of code points that simple case folding makes equal.",
        "CASE_ORBITS: tuple[tuple[int, ...], ...] = (",
    ]
    lines += ["    (" + ", ".join(f"0x{cp:04X}" for cp in orbit) + ")," for orbit in table["case_orbits"]]
    lines += [")", ""]
    return "\n".join(lines)


def rust_source(table: dict) -> str:
    lines = [
        f"//! Unicode {table['version']} data pinned by the spec (spec/bpe.md §2.3).",
        "//!",
        f"//! Generated from spec/unicode/ucd-{table['version']}.txt by `{COMMAND}`. Do not edit.",
        "",
        "use super::category::GeneralCategory::{self, *};",
        "",
        f'pub const UNICODE_VERSION: &str = "{table["version"]}";',
        "",
        "/// `(first, last, category)` runs in code point order; a code point not listed is `Cn`.",
        "pub const GENERAL_CATEGORY: &[(u32, u32, GeneralCategory)] = &[",
    ]
    lines += [f"    (0x{a:04X}, 0x{b:04X}, {c})," for a, b, c in table["general_category"]]
    lines += [
        "];",
        "",
        "/// `(first, last)` runs of the White_Space property.",
        "pub const WHITE_SPACE: &[(u32, u32)] = &[",
    ]
    lines += [f"    (0x{a:04X}, 0x{b:04X})," for a, b in table["white_space"]]
    lines += [
        "];",
        "",
        "/// Sets of code points that simple case folding makes equal.",
        "pub const CASE_ORBITS: &[&[u32]] = &[",
    ]
    lines += ["    &[" + ", ".join(f"0x{cp:04X}" for cp in orbit) + "]," for orbit in table["case_orbits"]]
    lines += ["];", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the outputs are stale")
    args = parser.parse_args()
    table = read_table()
    outputs = {PYTHON_OUT: python_source(table), RUST_OUT: rust_source(table)}
    stale = [path for path, text in outputs.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale; run: {COMMAND}", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(outputs[path], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
