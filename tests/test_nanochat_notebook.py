"""examples/nanochat.ipynb: committed with its outputs so that it reads on GitHub, and those outputs
are what the notebook prints today.

The test executes a copy in a temporary directory (the file in the repository is never written)
and compares every cell's printed text and results with the saved ones. Progress bars and
warnings on stderr are left out of the comparison: the bars' timings differ from run to run, and
what is on stderr depends on what is installed (torch, for one). To refresh the saved outputs
after a change, execute the notebook in place with
``.venv/bin/jupyter execute --inplace examples/nanochat.ipynb``.
"""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path

import nbclient
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "nanochat.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"
# A timing, however it is printed ("0.42 s", "3.1 MB/s", tqdm's "[00:01<00:00, 12.3it/s]").
TIMING = re.compile(r"\d+(?:\.\d+)?\s*(?:s|ms|MB/s)\b|\[\d\d:\d\d<[^\]]*\]")


@pytest.fixture(scope="module")
def notebook() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def shown(cell: nbformat.NotebookNode) -> dict[str, str]:
    """What a code cell shows that must not go stale: stdout, and its results' text and HTML."""
    seen: dict[str, str] = {"stdout": ""}
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.name == "stdout":
            seen["stdout"] += output.text
        elif output.output_type in ("execute_result", "display_data") and WIDGET not in output.data:
            for kind in ("text/plain", "text/html"):
                if kind in output.data:
                    seen[kind] = seen.get(kind, "") + output.data[kind]
        elif output.output_type == "error":
            seen["error"] = f"{output.ename}: {output.evalue}"
    return {kind: TIMING.sub("<time>", text) for kind, text in seen.items()}


def test_notebook_is_committed_with_outputs_and_reads_as_a_walkthrough(notebook):
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec == {"name": "python3", "display_name": "Python 3", "language": "python"}
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[-1].cell_type == "markdown"
    for previous, cell in itertools.pairwise(notebook.cells):
        if cell.cell_type == "code":
            assert previous.cell_type == "markdown", f"no markdown cell before this code cell:\n{cell.source}"
            assert cell.outputs, f"this cell was committed without its outputs:\n{cell.source}"
            assert "error" not in shown(cell), f"this cell was committed with an error:\n{cell.source}"
    assert "examples/nanochat.ipynb" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_saved_outputs_are_what_the_notebook_prints(notebook, tmp_path):
    executed = copy.deepcopy(notebook)
    client = nbclient.NotebookClient(
        executed, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    for index, (saved, now) in enumerate(zip(notebook.cells, executed.cells, strict=True)):
        if saved.cell_type == "code":
            assert shown(now) == shown(saved), (
                f"cell {index} now shows something else than its saved output; re-execute the notebook "
                f"(see this module's docstring). The cell:\n{saved.source}"
            )
