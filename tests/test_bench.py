"""bench/run.py works end to end on a small corpus: every tool trains, every tool's ids are
checked equal before anything is timed, every encoding mode (decoding included) runs and gives
those ids back, and the report and its JSON say so; a second run on the same corpus replaces the
report rather than adding one. Nothing here looks at a time: speed is measured by `make bench`,
never asserted in the tests.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["the", "token", "merge", "über", "naïve", "日本語", "x1", "42", "don't", "  ", "\t", "(){}", "==", "é"]


def corpus_text(rng: random.Random, lines: int) -> str:
    return "".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12))) + "\n" for _ in range(lines))


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    root = tmp_path_factory.mktemp("bench")
    corpus = root / "small.txt"
    corpus.write_text(corpus_text(random.Random(4), 4000), encoding="utf-8")
    out = root / "report.md"
    command = [
        sys.executable,
        str(ROOT / "bench" / "run.py"),
        str(corpus),
        "--runs",
        "1",
        "--vocab-size",
        "600",
        "--threads",
        "1",
        "--train-tools",
        "fast,rustbpe",
        "--scaling-tools",
        "fast",
        "--out",
        str(out),
        "--timeout",
        "300",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out.read_text(encoding="utf-8"), json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))


def test_every_tool_trains_and_rustbpe_learns_bytebpes_vocabulary(bench_run):
    report, results = bench_run
    runs = results["training"]["runs"]
    assert {run["tool"] for run in runs} == {"fast", "rustbpe"}
    assert not [run for run in runs if "error" in run]
    digests = {run["vocab_digest"] for run in runs}
    assert len(digests) == 1, "rustbpe and bytebpe learn the same vocabulary"
    assert "| rustbpe |" in report and "identical" in report


def test_every_encoding_mode_runs_with_the_checked_ids(bench_run):
    report, results = bench_run
    encoding = results["encoding"]
    verify = encoding["verify"]
    assert "error" not in verify and verify["tools"] == ["fast", "tiktoken", "hf"]
    done = {(run["tool"], run["mode"]) for run in encoding["runs"] if "error" not in run}
    assert done == {(tool, mode) for tool in verify["tools"] for mode in ("single", "batch", "decode")}
    assert {run["ids_digest"] for run in encoding["runs"]} == {verify["ids_digest"]}
    assert "decode, 1 thread MB/s" in report
    assert "## Targets" in report


def test_a_second_run_replaces_the_report_for_its_corpus_and_machine(tmp_path):
    corpus = tmp_path / "small.txt"
    corpus.write_text(corpus_text(random.Random(5), 500), encoding="utf-8")
    results = tmp_path / "results"
    results.mkdir()
    for vocab_size in (300, 320):
        command = [sys.executable, str(ROOT / "bench" / "run.py"), str(corpus), "--runs", "1", "--threads", "1"]
        command += ["--vocab-size", str(vocab_size), "--train-tools", "fast", "--no-encode", "--out", str(results)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    stems = {path.stem for path in results.iterdir()}
    assert len(stems) == 1, f"one report per corpus and machine, found {sorted(results.iterdir())}"
    (stem,) = stems
    assert stem.startswith("small-") and not re.search(r"\d{4}-\d\d-\d\d", stem), stem
    assert {path.suffix for path in results.iterdir()} <= {".md", ".json", ".png"}
    report = (results / f"{stem}.md").read_text(encoding="utf-8")
    data = json.loads((results / f"{stem}.json").read_text(encoding="utf-8"))
    assert data["settings"]["vocab_size"] == 320 and "Vocabulary size 320" in report
    assert f"Measured {data['date']}" in report


def test_a_machine_without_matplotlib_gets_the_report_without_its_plot(bench_run, tmp_path, monkeypatch):
    _, results = bench_run
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import report as bench_report

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` raise ImportError
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    out = tmp_path / "report.md"
    text = bench_report.write(json.loads(json.dumps(results)), out)
    assert out.read_text(encoding="utf-8") == text
    assert not out.with_suffix(".png").exists() and ".png" not in text
    written = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert "plot: matplotlib is not installed" in written["skipped"]


def test_the_plot_has_a_panel_for_each_measurement_and_no_empty_one(bench_run, monkeypatch):
    _, results = bench_run
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import report as bench_report

    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    full = json.loads(json.dumps(results))
    one_count = json.loads(json.dumps(results))
    most = max(run["threads"] for run in one_count["training"]["runs"])
    one_count["training"]["runs"] = [run for run in one_count["training"]["runs"] if run["threads"] == most]
    for measured, panels in ((full, 4), (one_count, 3)):
        figure = bench_report.draw(measured, plt)
        try:
            titles = [ax.get_title() for ax in figure.axes]
            # One thread count is no scaling curve: its panel goes, and no quadrant is left empty.
            assert len(titles) == panels and ("Thread scaling of training" in titles) == (panels == 4), titles
            assert all(ax.has_data() for ax in figure.axes)
            assert "one run" in figure.texts[0].get_text()
        finally:
            plt.close(figure)


def test_a_run_at_nanochats_vocabulary_size_is_held_to_its_own_targets(bench_run, tmp_path, monkeypatch):
    _, results = bench_run
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import report as bench_report

    results = json.loads(json.dumps(results))
    results["settings"]["vocab_size"] = 65536
    results["corpus"]["name"] = "multilingual.txt"
    text = bench_report.write(results, tmp_path / "report.md")
    targets = text.split("## Targets for training and encoding (2 cores, GPT-4 pattern, vocab 65536)")[1]
    targets = targets.split("\n## ")[0]
    assert "| training time fast / rustbpe | ≤ 0.1 |" in targets
    assert "| training peak RSS fast / rustbpe | ≤ 0.5 |" in targets
    assert "set for" not in targets and "encode MB/s" not in targets
