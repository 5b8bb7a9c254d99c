"""The README runs as printed: its Python example, and its shell example of the command line.

The install line (``pip install .``) and the ``make`` targets are not run here: they build the
package, which the test session already has; ``make test`` itself runs everything else.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"^```(\w+)\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)


def test_the_python_example_runs(tmp_path, monkeypatch):
    examples = [code for language, code in BLOCKS if language == "python"]
    assert examples
    monkeypatch.chdir(tmp_path)
    for code in examples:
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
    assert (tmp_path / "stdlib-tok" / "bytebpe.json").is_file()


@pytest.mark.parametrize("code", [code for language, code in BLOCKS if language == "sh" and "bytebpe " in code])
def test_the_command_line_example_runs(tmp_path, code):
    # `bytebpe` and `python` as a user's shell finds them: the interpreter running these tests.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    # Run twice: --force makes the example one to paste again.
    for _ in range(2):
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", code],
            cwd=tmp_path,
            env={**os.environ, "PATH": path},
            capture_output=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        assert b"Traceback" not in done.stderr
