"""Worker processes after parallel work: fork, forkserver and spawn, a multiprocessing Pool and
DataLoader-style workers all get working thread pools (fast/src/threads.rs says why a forked child
needs new ones). Each run has a timeout, so that a hang fails the test rather than CI."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_workers_started_after_parallel_work_do_the_same_work(method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    result = subprocess.run(
        [sys.executable, str(HERE / "_fork_workers.py"), method], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report and all(report.values()), report
