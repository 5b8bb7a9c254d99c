"""Every command the docs, the README and the CLI's own help print runs as printed: each ``bytebpe``
command line parses with the CLI's parser (its flags exist and take what they are given), each
``make`` target exists in the Makefile, and each ``pip install '.[extra]'`` names an extra of
pyproject.toml. Commands that would need a cluster, a bucket or a download are parsed, not run;
tests/test_readme.py and tests/test_cli.py run the ones that can run here.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import tomllib

from bytebpe.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
SHELL_FENCE = re.compile(r"^ *```(?:sh|bash|console|shell)\b[^\n]*\n(.*?)^ *```", re.M | re.S)
PROMPT = re.compile(r"^\s*(?:\$ )?")


def command_lines(text: str) -> list[str]:
    """The lines of shell code in ``text``'s fences, continuations joined, prompts and comments dropped."""
    lines = []
    for block in SHELL_FENCE.findall(text):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = PROMPT.sub("", line, count=1)
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def documented() -> list[tuple[str, str]]:
    """(where, command line) for every shell line of the docs and the README."""
    return [(page.name, line) for page in PAGES for line in command_lines(page.read_text(encoding="utf-8"))]


def commands(line: str) -> list[list[str]]:
    """The words of each command of a shell line (split at pipes, ``;``, ``&&`` and redirections)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="|;&<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    out: list[list[str]] = [[]]
    for word in lexer:
        if word and set(word) <= set("|;&<>"):
            out.append([])
        else:
            out[-1].append(word)
    return [argv for argv in out if argv]


def bytebpe_argv(line: str) -> list[str] | None:
    """The arguments after ``bytebpe`` (or ``python -m bytebpe``) in ``line``, if it runs bytebpe."""
    for argv in commands(line):
        for start, word in enumerate(argv):
            if Path(word).name == "bytebpe":
                return argv[start + 1 :]
            if Path(word).name.startswith("python") and argv[start + 1 : start + 3] == ["-m", "bytebpe"]:
                return argv[start + 3 :]
    return None


def help_examples() -> list[tuple[str, str]]:
    """(command, line) for each example line in the help of every command."""
    commands = next(a for a in build_parser()._actions if a.dest == "command")
    examples = []
    for name, parser in commands.choices.items():
        for line in re.sub(r"\\\n\s*", " ", parser.epilog or "").splitlines():
            line = line.strip()
            if line.startswith(("bytebpe ", "cat ", "printf ", "echo ")) and "bytebpe" in line:
                examples.append((f"bytebpe {name} --help", line))
    return examples


BYTEBPE_LINES = [(where, line) for where, line in documented() + help_examples() if bytebpe_argv(line) is not None]


def test_the_docs_and_the_help_hold_bytebpe_commands():
    assert len(BYTEBPE_LINES) >= 15, BYTEBPE_LINES


@pytest.mark.parametrize(("where", "line"), BYTEBPE_LINES, ids=[f"{w}: {c[:60]}" for w, c in BYTEBPE_LINES])
def test_a_printed_bytebpe_command_parses(where, line, capsys):
    argv = bytebpe_argv(line)
    assert argv is not None
    try:
        build_parser().parse_args(argv)
    except SystemExit as stop:
        assert stop.code == 0, f"{where}: `{line}` does not parse: {capsys.readouterr().err.strip()}"


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {match for match in re.findall(r"^([A-Za-z][\w.-]*):", text, re.M)}


MAKE_LINES = [(where, line) for where, line in documented() if line.startswith("make ")]


@pytest.mark.parametrize(("where", "line"), MAKE_LINES, ids=[f"{w}: {c[:60]}" for w, c in MAKE_LINES])
def test_a_printed_make_command_names_a_target(where, line):
    targets = [word for word in commands(line)[0][1:] if "=" not in word and not word.startswith("-")]
    missing = [target for target in targets if target not in makefile_targets()]
    assert not missing, f"{where}: `{line}` names no Makefile target {missing}"


def test_every_extra_the_docs_install_exists():
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    named = {
        (page.name, extra)
        for page in PAGES
        for group in re.findall(r"(?:bytebpe|\.)\[([\w,]+)\]", page.read_text(encoding="utf-8"))
        for extra in group.split(",")
    }
    assert {(where, extra) for where, extra in named if extra not in extras} == set()
