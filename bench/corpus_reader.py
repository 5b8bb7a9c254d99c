"""Training on a Corpus of .txt files: read by the fast core, or by Python, on 1 thread and on all.

    python bench/corpus_reader.py CORPUS.txt [--runs 3] [--vocab-size 32768] [--threads 1,2,16]

or ``make bench-reader CORPUS=path [READER_ARGS='--runs 3']``. Every run is a fresh process that
times ``bytebpe.Tokenizer.train(corpus, vocab_size)`` with ``corpus = bytebpe.Corpus([CORPUS])``:

* ``core``: the Corpus object itself, which the fast core reads without Python (its .txt reader);
* ``python``: ``iter(corpus)``, which makes Python read the same documents and hand them over;
* ``python read only``: iterating the Corpus in Python and nothing else, what the core saves.

Both trainings must give the same vocabulary (digest compared): the documents are the same. Modes
and thread counts (``RAYON_NUM_THREADS``) alternate run by run, so that a slow period of a shared
machine hits them alike. Reported: median seconds, peak RSS (VmHWM), and the speed-up of the core's
reader from 1 thread to each thread count. The report (with the date) is printed as markdown and
written to bench/results/corpus_reader-<corpus>-<machine>.md, replacing the last report for that
corpus and machine (bench/report_path.py), or to ``--out``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import machine
import report_path
import worker

MODES = ("core", "python", "python read only")


def measure(mode: str, path: str, vocab_size: int) -> dict[str, Any]:
    """One run of ``mode``, in this process: seconds, peak RSS and the vocabulary's digest."""
    import bytebpe

    corpus = bytebpe.Corpus([path])
    start = time.perf_counter()
    if mode == "python read only":
        for _ in corpus:
            pass
        digest = None
    else:
        texts = corpus if mode == "core" else iter(corpus)
        tokenizer = bytebpe.Tokenizer.train(texts, vocab_size)
        digest = worker.vocabulary_digest(tokenizer.mergeable_ranks)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mib": worker.peak_rss_mib(), "digest": digest}


def run_fresh(mode: str, path: str, vocab_size: int, threads: int) -> dict[str, Any]:
    env = {**os.environ, "RAYON_NUM_THREADS": str(threads)}
    command = [sys.executable, __file__, "--worker", mode, path, "--vocab-size", str(vocab_size)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} on {threads} thread(s) failed:\n{done.stderr}")
    return json.loads(done.stdout)


def report(path: Path, vocab_size: int, results: dict[tuple[str, int], list[dict[str, Any]]]) -> str:
    info = machine.machine_info(["bytebpe"])
    median = {key: statistics.median(r["seconds"] for r in runs) for key, runs in results.items()}
    rss = {key: max(r["peak_rss_mib"] for r in runs) for key, runs in results.items()}
    threads = sorted({t for _, t in results})
    digests = {r["digest"] for (mode, _), runs in results.items() if mode != "python read only" for r in runs}
    lines = [
        f"# bytebpe: training on a Corpus of .txt files, read by the core or by Python ({path.name})",
        "",
        f"`Tokenizer.train(Corpus([{path.name}]), {vocab_size})`, {path.stat().st_size / 1e6:,.0f} MB, medians of "
        f"{len(next(iter(results.values())))} fresh processes per cell. Measured "
        f"{datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}.",
        "",
        f"**Machine:** {info['usable_cores']} cores, {info['cpu']}. Vocabularies identical across modes and "
        f"threads: **{'yes' if len(digests) == 1 else 'NO'}**.",
        "",
        "| threads | core s | python s | core / python | python read only s | core peak RSS MiB | python peak RSS MiB "
        "| core speed-up from 1 thread |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for t in threads:
        speedup = median[("core", threads[0])] / median[("core", t)]
        lines.append(
            f"| {t} | {median[('core', t)]:.2f} | {median[('python', t)]:.2f} | "
            f"{median[('core', t)] / median[('python', t)]:.2f} | {median[('python read only', t)]:.2f} | "
            f"{rss[('core', t)]:.0f} | {rss[('python', t)]:.0f} | {speedup:.2f}× (from {threads[0]}) |"
        )
    lines += [
        "",
        "*core*: the Corpus handed to training, read by the core's own .txt reader: one thread reads, the "
        "workers cut what it read into documents, decode and count them. *python*: `iter(corpus)`, the same "
        "documents read and decoded by bytebpe.corpus on the main thread. *python read only*: iterating the "
        "Corpus and nothing else.",
        "",
        f"Command: `python bench/corpus_reader.py {path} --runs {len(next(iter(results.values())))} "
        f"--threads {','.join(map(str, threads))}`",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--vocab-size", type=int, default=32768)
    parser.add_argument("--threads", default=None, help="comma-separated thread counts (default: 1 and all)")
    parser.add_argument(
        "--out",
        type=Path,
        help="the markdown report's path, or a folder for it under its stable name (default bench/results/)",
    )
    parser.add_argument("--worker", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker, args.corpus, args.vocab_size)))
        return
    path = Path(args.corpus).expanduser().resolve()
    if not path.is_file():
        raise SystemExit(f"corpus {path} is not a file")
    cores = machine.usable_cores()
    threads = [int(t) for t in args.threads.split(",")] if args.threads else sorted({1, cores})
    results: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for _ in range(args.runs):
        for t in threads:
            for mode in MODES:
                results.setdefault((mode, t), []).append(run_fresh(mode, str(path), args.vocab_size, t))
    text = report(path, args.vocab_size, results)
    print(text)
    info = machine.machine_info(["bytebpe"])
    out = report_path.report_path(args.out, path, info, kind="corpus_reader")
    report_path.replace_file(out, text)
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
