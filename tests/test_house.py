"""The house rules that a machine can check (CONTRIBUTING.md): no hand-written source file over 600
lines, no two project files importing each other, no issue numbers in what is tracked, one
benchmark report per corpus and machine, and no path on the map (docs/architecture.md) that the
repository lacks. Each check is a function of a folder, so that the tests
below also prove, on small trees made up in a temporary folder, that it catches what it should.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600
SOURCE_FOLDERS = ("fast/src", "reference/bytebpe")
SOURCE_SUFFIXES = {".rs", ".py", ".pyi"}
GENERATED = {"unicode_data.rs", "_unicode_data.py"}
"""Generated from the pinned Unicode table (`make unicode`): long by nature, and never edited."""
REPORT_SUFFIXES = {".md", ".json", ".png"}
DATE_STAMP = re.compile(r"-\d{4}-\d\d-\d\d(?:-\d{4})?")
ISSUE_NUMBER = re.compile(r"\b(?:issues?|pull requests?|PRs?)\s*#\s*\d+", re.IGNORECASE)
MAP = "docs/architecture.md"
FILE_SUFFIXES = {".py", ".pyi", ".rs", ".md", ".toml", ".txt", ".json", ".yml", ".ipynb", ".css", ".lock", ".typed"}
"""A backticked span without spaces that holds a "/" or ends in one of these is a repository path."""
_BACKTICKED = re.compile(r"`([^`\n]+)`")
_FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_PLACEHOLDER = re.compile(r"<[^<>/]+>")

# -- the checks --------------------------------------------------------------------------------


def oversized(root: Path, folders: Iterable[str] = SOURCE_FOLDERS) -> list[str]:
    """'path: N lines' for every hand-written source file under ``folders`` longer than MAX_LINES."""
    found = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and path.name not in GENERATED and path.is_file():
                lines = len(path.read_text(encoding="utf-8").splitlines())
                if lines > MAX_LINES:
                    found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of files that import each other, directly or round a longer loop (the strongly
    connected components of more than one file, by Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(groups)


def describe_cycles(edges: dict[str, set[str]]) -> list[str]:
    """One line per group of files that import each other, naming every import inside the group."""
    lines = []
    for group in cycles(edges):
        inside = [f"{a} -> {b}" for a in group for b in sorted(edges[a]) if b in group]
        lines.append(" <-> ".join(group) + "  (" + ", ".join(inside) + ")")
    return lines


def python_imports(package: Path) -> dict[str, set[str]]:
    """The files of the Python package ``package`` each file imports (at module level or inside a
    function, TYPE_CHECKING blocks included), by path relative to the package's parent. A compiled
    module is the stub (.pyi) that describes it."""
    modules: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py*"), key=lambda path: path.suffix, reverse=True):
        if path.suffix in (".py", ".pyi"):
            parts = path.relative_to(package.parent).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path

    def file_of(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return str(modules[name].relative_to(package.parent)) if name else None

    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        if path.suffix != ".py":
            continue
        this = str(path.relative_to(package.parent))
        is_package = path.name == "__init__.py"
        targets: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(file_of(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = name.split(".")
                    parent = parent[: len(parent) - node.level + (1 if is_package else 0)]
                    base = ".".join([*parent, *([base] if base else [])])
                for alias in node.names:
                    # `from package import module` imports the module; any other name is the package's.
                    full = f"{base}.{alias.name}"
                    targets.add(file_of(full) if full in modules else file_of(base))
        edges[this] = {t for t in targets if t is not None and t != this}
    return edges


_RUST_NOISE = re.compile(r"//[^\n]*|/\*.*?\*/|b?r(#*)\".*?\"\1|b?\"(?:\\.|[^\\\"])*\"|b?'(?:\\.|[^\\'\n])'", re.DOTALL)
_RUST_USE = re.compile(r"\buse\s+([^;]+);")
_RUST_PATH = re.compile(r"(?<![\w:])((?:crate|super|self|[a-z_][a-z0-9_]*)(?:::[A-Za-z_][A-Za-z0-9_]*)+)")
_RUST_MOD = re.compile(r"\bmod\s+([a-z_][a-z0-9_]*)\s*(;|\{)")


def _use_paths(tree: str) -> list[str]:
    """The paths a ``use`` tree names: ``crate::{a::X, b::{Y, Z}}`` gives crate::a::X, crate::b::Y
    and crate::b::Z."""
    tree = re.sub(r"\s+", "", re.sub(r"\s+as\s+\w+", "", tree))
    if "{" not in tree:
        return [tree]
    head, _, rest = tree.partition("{")
    inner = rest[: rest.rfind("}")]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return [path for part in parts if part for path in _use_paths(head + part)]


def rust_imports(src: Path) -> dict[str, set[str]]:
    """The files of the crate in ``src`` each file refers to: through ``use`` and through paths in
    the code, from ``crate::``, ``super::``, ``self::`` or a child module it declares with ``mod``.
    Inline modules (``mod tests { use super::*; }``) belong to their file."""
    files: dict[tuple[str, ...], Path] = {}
    for path in src.rglob("*.rs"):
        parts = path.relative_to(src).with_suffix("").parts
        if parts in (("lib",), ("main",)) or (len(parts) > 1 and parts[-1] == "mod"):
            parts = parts[:-1]
        files[parts] = path

    def file_of(module: tuple[str, ...]) -> Path | None:
        while module not in files and module:
            module = module[:-1]
        return files.get(module)

    edges: dict[str, set[str]] = {}
    for module, path in files.items():
        code = _RUST_NOISE.sub(" ", path.read_text(encoding="utf-8"))
        children = {m.group(1) for m in _RUST_MOD.finditer(code) if m.group(2) == ";"}
        # The inline modules each position sits in, so that `super::` there means the right module.
        inline: list[tuple[int, int, str]] = []
        for found in _RUST_MOD.finditer(code):
            if found.group(2) == "{":
                depth, end = 1, found.end()
                while depth and end < len(code):
                    depth += {"{": 1, "}": -1}.get(code[end], 0)
                    end += 1
                inline.append((found.end(), end, found.group(1)))
        paths = [(m.start(), p) for m in _RUST_USE.finditer(code) for p in _use_paths(m.group(1))]
        rest = _RUST_USE.sub(lambda m: " " * len(m.group(0)), code)
        paths += [(m.start(), m.group(1)) for m in _RUST_PATH.finditer(rest)]
        targets = set()
        for position, text in paths:
            words = text.split("::")
            here = module + tuple(name for start, end, name in inline if start <= position < end)
            if words[0] == "crate":
                base, words = (), words[1:]
            elif words[0] in ("super", "self"):
                base = here
                while words and words[0] in ("super", "self"):
                    base = base[:-1] if words.pop(0) == "super" else base
            elif words[0] in children and here == module:
                base = module
            else:
                continue  # another crate (std, rayon, pyo3) or a local name
            target = file_of(base + tuple(w for w in words if w != "*"))
            if target is not None and target != path:
                targets.add(str(target.relative_to(src)))
        edges[str(path.relative_to(src))] = targets
    return edges


def issue_numbers(root: Path, files: Iterable[str]) -> list[str]:
    """'path:line: text' for every mention of an issue or pull request number in ``files``."""
    found = []
    for name in files:
        path = root / name
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
            continue  # binary (a plot), or a tracked file deleted in this checkout
        for number, line in enumerate(text.splitlines(), 1):
            if ISSUE_NUMBER.search(line):
                found.append(f"{name}:{number}: {line.strip()[:100]}")
    return found


def duplicate_reports(results: Path) -> list[str]:
    """What breaks "one report per corpus and machine" in ``results``: a file that is not part of a
    report (.md, .json, .png), and the reports that are one corpus and machine more than once (the
    same name but for a date in it)."""
    problems = []
    by_report: dict[str, set[str]] = {}
    for path in sorted(results.iterdir()):
        if path.suffix not in REPORT_SUFFIXES or not path.is_file():
            problems.append(f"{path.name}: not a report's .md, .json or .png")
            continue
        by_report.setdefault(DATE_STAMP.sub("", path.stem), set()).add(path.stem)
    for key, stems in sorted(by_report.items()):
        if len(stems) > 1:
            problems.append(f"{key}: {len(stems)} reports ({', '.join(sorted(stems))})")
    return problems


def missing_paths(root: Path, page: str = MAP) -> list[str]:
    """'page:line: `path`' for every repository path that ``page`` names in backticks and ``root`` lacks.

    A path is a backticked span without spaces that holds a "/" (a folder ends with one) or ends in
    a suffix of FILE_SUFFIXES, relative to the root; ``*`` and ``<name>`` stand for any name, and at
    least one file must match. URLs and code blocks are not paths."""
    text = (root / page).read_text(encoding="utf-8")
    text = _FENCED.sub(lambda block: "\n" * block.group().count("\n"), text)  # keeps line numbers
    found = []
    for match in _BACKTICKED.finditer(text):
        span = match.group(1)
        if any(c.isspace() for c in span) or "://" in span:
            continue
        if "/" not in span and Path(span).suffix not in FILE_SUFFIXES:
            continue
        pattern = _PLACEHOLDER.sub("*", span).rstrip("/")
        if "*" in pattern:
            exists = any(root.glob(pattern))
        else:
            exists = (root / pattern).is_dir() if span.endswith("/") else (root / pattern).exists()
        if not exists:
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{page}:{line}: `{span}`")
    return found


def tracked_files() -> list[str]:
    """The files git tracks in this checkout."""
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        pytest.skip(f"not a git checkout ({err})")
    return [name for name in done.stdout.decode("utf-8").split("\0") if name]


# -- the rules, on the repository --------------------------------------------------------------


def test_no_hand_written_source_file_is_over_600_lines():
    found = oversized(ROOT)
    assert not found, f"split these into files of one idea each, at most {MAX_LINES} lines:\n" + "\n".join(found)


def test_no_two_python_files_import_each_other():
    found = describe_cycles(python_imports(ROOT / "reference" / "bytebpe"))
    assert not found, "these files of reference/ import each other:\n" + "\n".join(found)


def test_no_two_rust_files_import_each_other():
    found = describe_cycles(rust_imports(ROOT / "fast" / "src"))
    assert not found, "these files of fast/src/ refer to each other:\n" + "\n".join(found)


def test_no_issue_numbers_in_tracked_files():
    files = [name for name in tracked_files() if not (name.startswith("bench/results/") and name.endswith(".json"))]
    found = issue_numbers(ROOT, files)
    assert not found, "say what the target is instead of naming an issue:\n" + "\n".join(found)


def test_one_benchmark_report_per_corpus_and_machine():
    found = duplicate_reports(ROOT / "bench" / "results")
    assert not found, "bench/results/ keeps the newest report only (git has the rest):\n" + "\n".join(found)


def test_every_path_on_the_map_exists():
    found = missing_paths(ROOT)
    assert not found, "the map names paths the repository lacks (fix the row, or drop it):\n" + "\n".join(found)


# -- the checks catch what they should ---------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_the_size_check_names_long_files_and_spares_generated_ones(tmp_path):
    long = "x = 1\n" * (MAX_LINES + 1)
    write(
        tmp_path,
        {
            "fast/src/long.rs": long,
            "fast/src/unicode_data.rs": long,
            "fast/src/short.rs": "x = 1\n" * MAX_LINES,
            "reference/bytebpe/deep/long.py": long,
            "reference/bytebpe/_unicode_data.py": long,
            "reference/bytebpe/notes.txt": long,
        },
    )
    assert oversized(tmp_path) == [
        f"fast/src/long.rs: {MAX_LINES + 1} lines",
        f"reference/bytebpe/deep/long.py: {MAX_LINES + 1} lines",
    ]


def test_the_cycle_check_finds_pairs_and_longer_loops():
    edges = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert cycles(edges) == [["a", "b"], ["c", "d", "e"]]
    assert describe_cycles({"a": {"b"}, "b": {"a"}}) == ["a <-> b  (a -> b, b -> a)"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_python_graph_sees_every_kind_of_import(tmp_path):
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from .tok import Tokenizer\nNAMES = 1\n",
            "pkg/tok.py": "def f():\n    from pkg import NAMES\n    return NAMES\n",
            "pkg/a.py": "import pkg.b\n",
            "pkg/b.py": "from . import a\n",
            "pkg/sub/__init__.py": "from .leaf import x\n",
            "pkg/sub/leaf.py": "from ..c import y\nimport os\nx = 1\n",
            "pkg/c.py": "from .sub import leaf\ny = 2\n",
            "pkg/alone.py": "from .c import y\nfrom typing import TYPE_CHECKING\nfrom . import _ext\n",
            "pkg/_ext.pyi": "def f() -> None: ...\n",
        },
    )
    edges = python_imports(tmp_path / "pkg")
    assert edges["pkg/alone.py"] == {"pkg/c.py", "pkg/_ext.pyi"}, "a compiled module is its stub"
    assert edges["pkg/sub/__init__.py"] == {"pkg/sub/leaf.py"}
    assert cycles(edges) == [
        ["pkg/__init__.py", "pkg/tok.py"],
        ["pkg/a.py", "pkg/b.py"],
        ["pkg/c.py", "pkg/sub/leaf.py"],
    ]


def test_the_rust_graph_sees_use_paths_and_mod(tmp_path):
    write(
        tmp_path,
        {
            "src/lib.rs": "mod a;\nmod b;\nmod p;\nmod alone;\npub use a::A;\n",
            "src/a.rs": "use crate::{b::B as C, alone};\npub struct A;\n",
            "src/b.rs": '// use crate::alone;\npub fn f() -> u8 { crate::a::g() }\nconst S: &str = "crate::p";\n',
            "src/p/mod.rs": "mod q;\npub fn h() { q::k() }\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
            "src/p/q.rs": "pub fn k() { super::super::alone::m() }\npub fn j() { super::h() }\n",
            "src/alone.rs": "use std::collections::HashMap;\npub fn m() {}\n",
        },
    )
    edges = rust_imports(tmp_path / "src")
    assert edges["lib.rs"] == {"a.rs"}
    assert edges["b.rs"] == {"a.rs"}, "comments and strings are not code"
    assert edges["p/mod.rs"] == {"p/q.rs"}, "`super::*` in an inline test module is the file itself"
    assert edges["p/q.rs"] == {"alone.rs", "p/mod.rs"}
    assert edges["a.rs"] == {"alone.rs", "b.rs"}
    assert edges["alone.rs"] == set()
    assert cycles(edges) == [["a.rs", "b.rs"], ["p/mod.rs", "p/q.rs"]]


def test_the_issue_check_finds_numbers_in_any_case(tmp_path):
    hash_sign = "#"
    write(
        tmp_path,
        {
            "a.py": f"# see Issue {hash_sign}4\nx = 1\n",
            "b.md": f"Fixed in issues {hash_sign}6 and {hash_sign}7, see PR{hash_sign}12.\n",
            "c.css": "color: #111;\n",
            "d.md": "an issue, #1 of many: no number of an issue here\n",
        },
    )
    (tmp_path / "e.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert issue_numbers(tmp_path, ["a.py", "b.md", "c.css", "d.md", "e.png", "gone.md"]) == [
        f"a.py:1: # see Issue {hash_sign}4",
        f"b.md:1: Fixed in issues {hash_sign}6 and {hash_sign}7, see PR{hash_sign}12.",
    ]


def test_the_report_check_finds_a_second_report_of_one_corpus_and_machine(tmp_path):
    for name in ("en_docs-2c-amd-epyc.md", "en_docs-2c-amd-epyc.json", "en_docs-2c-amd-epyc.png"):
        (tmp_path / name).write_text("x")
    (tmp_path / "worst_case-en_docs-2c-amd-epyc.md").write_text("x")
    assert duplicate_reports(tmp_path) == []
    (tmp_path / "en_docs-2026-11-24-1201-2c-amd-epyc.json").write_text("x")
    (tmp_path / "worst_case-en_docs-2c-amd-epyc.txt").write_text("x")
    assert duplicate_reports(tmp_path) == [
        "worst_case-en_docs-2c-amd-epyc.txt: not a report's .md, .json or .png",
        "en_docs-2c-amd-epyc: 2 reports (en_docs-2026-11-24-1201-2c-amd-epyc, en_docs-2c-amd-epyc)",
    ]


def test_the_map_check_finds_paths_the_repository_lacks(tmp_path):
    write(
        tmp_path,
        {
            "fast/src/lib.rs": "",
            "spec/vectors/one.json": "{}",
            "reference/bytebpe/cli/train.py": "",
            "Cargo.toml": "",
            "map.md": (
                "| `fast/src/lib.rs` | `fast/src/` | `Cargo.toml` | `spec/vectors/*.json` |\n"
                "A command is `reference/bytebpe/cli/<command>.py`; `bytebpe._fast`, `make docs`, `.txt`,\n"
                "`https://example.org/a/b`, `tokenizer.tiktoken` and `(?i)` are not paths.\n"
                "`fast/src/gone.rs` and `fast/src/lib.rs/` and `gone.toml` and `spec/vectors/*.csv` are.\n"
                "```text\nfast/src/in_a_code_block.rs `fast/src/fenced.rs`\n```\n"
            ),
        },
    )
    assert missing_paths(tmp_path, "map.md") == [
        "map.md:4: `fast/src/gone.rs`",
        "map.md:4: `fast/src/lib.rs/`",
        "map.md:4: `gone.toml`",
        "map.md:4: `spec/vectors/*.csv`",
    ]
