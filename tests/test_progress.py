"""Progress from the Rust core through a Python callback at a bounded rate, the GIL free while it
works, the stages and their units, the built-in bars of progress=True (on a terminal, without
tqdm; off a terminal, as lines), and Ctrl-C that stops training within a second in any stage."""

from __future__ import annotations

import io
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


# A child that cannot import tqdm, as on a plain install: progress must not need it.
WITHOUT_TQDM = "import sys; sys.modules['tqdm'] = None; "


def run_on_a_terminal(code: str, columns: int = 80) -> tuple[int, str]:
    """Run ``python -c code`` with stderr on a pseudo-terminal of ``columns``; (exit status, what it showed)."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {**os.environ, "COLUMNS": str(columns)}
    process = subprocess.Popen([sys.executable, "-c", code], stderr=follower, stdout=subprocess.DEVNULL, env=env)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=120), shown.decode("utf-8")


def test_progress_true_draws_bars_on_a_terminal_without_tqdm():
    code, shown = run_on_a_terminal(
        WITHOUT_TQDM
        + "import bytebpe; bytebpe.Tokenizer.train(['hello world ' * 50] * 2000, 266, progress=True)"
    )
    assert code == 0, shown
    assert "\r" in shown  # redrawn in place
    lines = shown.replace("\r\n", "\n").split("\n")
    assert lines[0].split("\r")[-1].startswith("counting ") and " documents, " in lines[0]
    assert lines[1].split("\r")[-1].startswith("merging ") and " merges in " in lines[1]
    # No redraw is wider than the terminal, which would wrap and leave a line behind at each redraw.
    assert all(len(frame) < 80 for line in lines for frame in line.split("\r"))


def test_off_a_terminal_the_bars_are_lines_at_intervals(monkeypatch):
    from bytebpe import progress

    out = io.StringIO()
    bars = progress.ProgressBars(out)
    assert not bars._live
    monkeypatch.setattr(progress, "LOG_INTERVAL", 0.0)
    bars("counting", 5_000_000, 20_000_000)
    bars("counting", 10_000_000, 20_000_000)
    bars("counted", 1234, 567)
    bars("merging", 10, 100)
    bars("merging", 100, 100)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[0].startswith("counting ") and "25%" in lines[0] and "5.0/20.0 MB" in lines[0] and "ETA" in lines[0]
    assert "50%" in lines[1]
    assert lines[2].startswith("counting   10.0 MB in ") and lines[2].endswith(": 1,234 documents, 567 distinct pieces")
    assert "10/100 merges" in lines[3] and lines[4].startswith("merging    100 merges in ")


def test_a_stream_that_fails_turns_the_bars_off_and_training_goes_on():
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("stderr is gone")

    bars = bytebpe.progress.ProgressBars(Broken(), live=True)
    tok = bytebpe.Tokenizer.train(["hello world"] * 100, 270, progress=bars)
    bars.close()
    assert len(tok.merges) > 0


def test_the_bars_write_amounts_for_people():
    from bytebpe.progress import byte_size, duration

    assert [byte_size(n) for n in (0, 999, 1000, 12_345_678, 3 * 10**12)] == [
        "0 B",
        "999 B",
        "1.0 kB",
        "12.3 MB",
        "3.0 TB",
    ]
    assert [duration(s) for s in (0.04, 9.96, 42, 187, 7500)] == ["0.0 s", "10.0 s", "42 s", "3 min 07 s", "2 h 05 min"]


def test_counting_reports_bytes_of_the_corpus_size_then_what_was_counted(impl, tmp_path):
    for index in range(3):
        (tmp_path / f"part{index}.py").write_text(f"def f{index}(x):\n    return x\n\n" * 300, encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text('{"text": "a b c"}\n' * 200, encoding="utf-8")
    for paths in ([tmp_path / f"part{i}.py" for i in range(3)], [tmp_path]):  # read by the core; by Python
        corpus = bytebpe.Corpus(paths)
        calls: list[tuple[str, int, int]] = []
        vocab_size = 400 if impl.NAME == "fast" else 270
        bytebpe.Tokenizer.train(corpus, vocab_size, implementation=impl.NAME, progress=lambda *a, c=calls: c.append(a))
        counting = [call for call in calls if call[0] == "counting"]
        assert counting and all(total == corpus.size for _, _, total in counting)
        assert all(a[1] <= b[1] for a, b in itertools.pairwise(counting))
        assert counting[-1][1] == corpus.size
        [counted] = [call for call in calls if call[0] == "counted"]
        documents = list(corpus)
        pieces = bytebpe.implementation("reference").count(documents)
        assert counted == ("counted", len(documents), len(pieces))
        assert calls.index(counted) == len(counting) and calls[-1][0] == "merging"


def test_texts_from_an_iterable_count_as_their_utf8_bytes(impl):
    texts = ["héllo wörld 你好 "] * 50
    calls: list[tuple[str, int, int]] = []
    bytebpe.Tokenizer.train(texts, 300, implementation=impl.NAME, progress=lambda *a: calls.append(a))
    counting = [call for call in calls if call[0] == "counting"]
    assert counting[-1] == ("counting", sum(len(t.encode()) for t in texts), 0)


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
