"""Progress from the Rust core through a Python callback at a bounded rate, the GIL free while it
works, tqdm bars for progress=True, and Ctrl-C that stops training within a second in any stage."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

import pytest

import bytebpe

HERE = Path(__file__).parent
STDLIB = Path(sysconfig.get_paths()["stdlib"])


def stdlib_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(STDLIB.glob("*.py"))[:60]]


def test_progress_reports_stages_in_order_at_a_bounded_rate(impl):
    calls: list[tuple[float, str, int, int]] = []
    texts, vocab_size = (stdlib_texts(), 4000) if impl.NAME == "fast" else (stdlib_texts()[:3], 300)
    start = time.monotonic()
    bytebpe.Tokenizer.train(
        texts, vocab_size, implementation=impl.NAME, progress=lambda *a: calls.append((time.monotonic(), *a))
    )
    elapsed = time.monotonic() - start
    stages = [stage for _, stage, _, _ in calls]
    assert stages[-1] == "merging" and calls[-1][2] == calls[-1][3] > 0
    merging = [c for c in calls if c[1] == "merging"]
    assert all(a[2] <= b[2] for a, b in itertools.pairwise(merging))
    if impl.NAME == "fast":
        assert stages.index("merging") > stages.index("counting") and stages[0] == "counting"
        # At most about ten reports a second, plus one per batch of texts and one per stage end.
        assert len(calls) <= elapsed / 0.1 + 6


def test_the_gil_is_free_while_the_core_trains():
    texts = stdlib_texts() * 3
    ticks = 0
    done = threading.Event()

    def train() -> None:
        # Several trainings, so that the core works for a good hundred milliseconds however fast it
        # gets: with the GIL held that whole time this thread would tick only between them.
        for _ in range(5):
            bytebpe.Tokenizer.train(texts, 20_000, implementation="fast")
        done.set()

    worker = threading.Thread(target=train)
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    assert ticks > 20  # this thread kept running Python code while the core worked


def test_progress_true_draws_tqdm_bars():
    script = "import bytebpe; bytebpe.Tokenizer.train(['hello world'] * 100, 270, progress=True)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "counting" in result.stderr and "merging: 100%" in result.stderr


def test_progress_errors_stop_training():
    def stop(stage: str, done: int, total: int) -> None:
        if stage == "merging" and done > 0:
            raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        bytebpe.Tokenizer.train(stdlib_texts(), 30_000, progress=stop)
    with pytest.raises(TypeError, match="progress must be"):
        bytebpe.Tokenizer.train(["ab"], 300, progress="yes")


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["counting", "merging"])
def test_ctrl_c_stops_training_within_a_second(stage):
    result = subprocess.run(
        [sys.executable, str(HERE / "_train_until_interrupted.py"), stage, "0.4"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["stage"] == stage, f"the interrupt landed in {report['stage']}: make the {stage} workload larger"
    assert report["latency"] is not None and report["latency"] < 1.0, report
