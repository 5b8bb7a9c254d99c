"""examples/quickstart.ipynb: it runs top to bottom without an error, and it stays a learner's notebook.

The notebook is committed without outputs (the docs site renders an executed copy); this test
executes a copy in memory, in a temporary directory, so the file in the repository is never
written. A cell appended to that copy checks that the kernel imports this very bytebpe, not some
other installed copy.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

import bytebpe

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "quickstart.ipynb"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
PROBE = """\
import json, sys
import bytebpe
print(json.dumps({"prefix": sys.prefix, "bytebpe": bytebpe.__file__}))"""


@pytest.fixture(scope="module")
def notebook() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_is_valid_and_committed_without_outputs(notebook):
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec == {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} has outputs: clear them before committing"
            assert cell.execution_count is None, f"cell {index} has an execution count: clear outputs first"


def test_every_code_cell_follows_a_markdown_cell(notebook):
    # A learner's notebook: each step says what it shows and why before it shows it.
    assert notebook.cells[0].cell_type == "markdown"
    for previous, cell in itertools.pairwise(notebook.cells):
        if cell.cell_type == "code":
            assert previous.cell_type == "markdown", f"no markdown cell before this code cell:\n{cell.source}"
    assert notebook.cells[-1].cell_type == "markdown", "the notebook should end by saying where to go next"


def describe_failure(cells: list[nbformat.NotebookNode]) -> str | None:
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                traceback = ANSI_ESCAPE.sub("", "\n".join(output.traceback))
                return (
                    f"cell {index} failed with {output.ename}: {output.evalue}\n"
                    f"--- source ---\n{cell.source}\n--- traceback ---\n{traceback}"
                )
    return None


def test_notebook_runs_top_to_bottom(notebook, tmp_path):
    executed = copy.deepcopy(notebook)
    executed.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = nbclient.NotebookClient(
        executed, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    failure = None
    try:
        client.execute()
    except CellExecutionError as error:
        failure = describe_failure(executed.cells) or ANSI_ESCAPE.sub("", str(error))
    if failure is not None:  # failed outside the except block, so that the report is ours alone
        pytest.fail(failure, pytrace=False)

    probe_output = "".join(o.get("text", "") for o in executed.cells[-1].outputs if o.output_type == "stream")
    kernel = json.loads(probe_output.strip().splitlines()[-1])
    assert Path(kernel["prefix"]).resolve() == Path(sys.prefix).resolve(), "the kernel runs another Python"
    assert Path(kernel["bytebpe"]).resolve() == Path(bytebpe.__file__).resolve(), "the kernel imports another bytebpe"
