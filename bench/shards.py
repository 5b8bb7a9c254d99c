"""The whole pre-tokenizing job: a corpus into a uint16 token file, bytebpe against nanoGPT's way.

    python bench/shards.py CORPUS.txt [--runs 3] [--vocab-size 32768]

or ``make bench-shards CORPUS=path [SHARDS_ARGS='--runs 3']``. A tokenizer is trained on the
first 10 MB of CORPUS and exported to tiktoken (same ids). Then, each in a fresh process, with
the corpus cut into paragraphs (bytebpe.Corpus's documents) and ``<|endoftext|>`` after each:

* ``bytebpe``: ``Tokenizer.encode_to_shards(Corpus, out, format="memmap", dtype="uint16")``:
  reading, encoding on all cores with the GIL released, writing and the index;
* ``tiktoken pool``: nanoGPT's prepare.py: tiktoken's ``encode_ordinary`` mapped over the
  documents by a ``multiprocessing.Pool`` with one process per core, the ids appended to one
  uint16 file in order (in a stream rather than all in memory first, which is kinder to it).

Both files must be byte-identical (checked on the first run, before any figure is reported).
Reported: median seconds and MB/s of text, the ratio, and peak RSS (for the pool: the largest sum
of the resident sets of the parent and its workers, sampled every 20 ms). Runs alternate so that
a slow period of a shared machine hits both. The report goes to
bench/results/shards-<corpus>-<machine>.md (bench/report_path.py), or to ``--out``.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import machine
import report_path
import worker

MODES = ("bytebpe", "tiktoken pool")
TRAIN_BYTES = 10 * 2**20

_encoding: Any = None


def _init_pool(name: str, pattern: str, ranks_path: str, eot: int) -> None:
    global _encoding
    import tiktoken

    ranks = {bytes.fromhex(line.split()[0]): int(line.split()[1]) for line in Path(ranks_path).read_text().splitlines()}
    _encoding = tiktoken.Encoding(name, pat_str=pattern, mergeable_ranks=ranks, special_tokens={"<|endoftext|>": eot})


def _encode_document(text: str) -> bytes:
    import numpy as np

    ids = _encoding.encode_ordinary(text)
    ids.append(_encoding.eot_token)
    return np.array(ids, dtype=np.uint16).tobytes()


def _rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def measure(mode: str, corpus_path: str, tokenizer_dir: str, out: str) -> dict[str, Any]:
    """One run of ``mode`` in this process: seconds, peak RSS, and the output's sha256."""
    import bytebpe

    tokenizer = bytebpe.Tokenizer.load(tokenizer_dir)
    corpus = bytebpe.Corpus([corpus_path])
    if mode == "bytebpe":
        start = time.perf_counter()
        tokenizer.encode_to_shards(corpus, out, format="memmap", dtype="uint16", eot="<|endoftext|>")
        seconds = time.perf_counter() - start
        result = Path(out) / "tokens.bin"
        peak = worker.peak_rss_mib()
    else:
        ranks_path = Path(out + ".ranks")
        ranks_path.write_text("".join(f"{token.hex()} {rank}\n" for token, rank in tokenizer.mergeable_ranks.items()))
        peak_box = [0.0]
        stop = threading.Event()
        start = time.perf_counter()
        with multiprocessing.Pool(
            machine.usable_cores(),
            initializer=_init_pool,
            initargs=("bench", tokenizer.pattern, str(ranks_path), tokenizer.eot_token),
        ) as pool:
            pids = [os.getpid(), *(process.pid for process in pool._pool)]  # type: ignore[attr-defined]

            def sample() -> None:
                while not stop.is_set():
                    peak_box[0] = max(peak_box[0], sum(_rss_mib(pid) for pid in pids))
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            result = Path(out + ".bin")
            with open(result, "wb") as file:
                for ids in pool.imap(_encode_document, iter(corpus), chunksize=256):
                    file.write(ids)
            stop.set()
            sampler.join()
        seconds = time.perf_counter() - start
        peak = peak_box[0]
    digest = hashlib.sha256(result.read_bytes()).hexdigest()
    return {"seconds": seconds, "peak_rss_mib": peak, "sha256": digest, "bytes": result.stat().st_size}


def run_fresh(mode: str, corpus_path: Path, tokenizer_dir: Path, work: Path, run: int) -> dict[str, Any]:
    out = work / f"{mode.replace(' ', '_')}-{run}"
    command = [sys.executable, __file__, str(corpus_path), "--worker", mode, "--tokenizer", str(tokenizer_dir)]
    done = subprocess.run([*command, "--worker-out", str(out)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def report(path: Path, vocab_size: int, results: dict[str, list[dict[str, Any]]]) -> str:
    info = machine.machine_info(["bytebpe", "tiktoken"])
    size = path.stat().st_size
    median = {mode: statistics.median(r["seconds"] for r in runs) for mode, runs in results.items()}
    rss = {mode: max(r["peak_rss_mib"] for r in runs) for mode, runs in results.items()}
    ratio = median["tiktoken pool"] / median["bytebpe"]
    runs = len(results["bytebpe"])
    lines = [
        f"# bytebpe: a corpus into a uint16 token file, against tiktoken over a multiprocessing.Pool ({path.name})",
        "",
        f"{size / 1e6:,.0f} MB, paragraphs as documents, `<|endoftext|>` after each, a {vocab_size}-id tokenizer "
        f"trained on its first 10 MB; medians of {runs} fresh processes per mode. Measured "
        f"{datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}.",
        "",
        f"**Machine:** {info['usable_cores']} cores, {info['cpu']}. Output files byte-identical: **yes** "
        f"({results['bytebpe'][0]['bytes'] // 2:,} tokens).",
        "",
        "| mode | seconds | MB/s | peak RSS MiB |",
        "|---|--:|--:|--:|",
    ]
    for mode in MODES:
        lines.append(f"| {mode} | {median[mode]:.2f} | {size / 1e6 / median[mode]:.1f} | {rss[mode]:.0f} |")
    lines += [
        "",
        f"**bytebpe / tiktoken pool throughput: {ratio:.2f}x**; peak memory {rss['bytebpe']:.0f} MiB against "
        f"{rss['tiktoken pool']:.0f} MiB ({rss['bytebpe'] / rss['tiktoken pool']:.2f}x).",
        "",
        "*bytebpe*: `Tokenizer.encode_to_shards(Corpus, out, format='memmap', dtype='uint16', eot=...)`, "
        "index and fsync included. *tiktoken pool*: nanoGPT's prepare.py way, `encode_ordinary` in a "
        "`multiprocessing.Pool(cores)` over the same documents (read by bytebpe.Corpus in the parent), "
        "the ids streamed into one file in order.",
        "",
        f"Command: `python bench/shards.py {path} --runs {runs} --vocab-size {vocab_size}`",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--vocab-size", type=int, default=32768)
    parser.add_argument("--out", type=Path, help="the markdown report's path, or a folder for it")
    parser.add_argument("--worker", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--tokenizer", help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.worker, args.corpus, args.tokenizer, args.worker_out)))
        return
    import bytebpe

    path = Path(args.corpus).expanduser().resolve()
    if not path.is_file():
        raise SystemExit(f"corpus {path} is not a file")
    with tempfile.TemporaryDirectory(prefix="bytebpe-bench-shards-") as temporary:
        work = Path(temporary)
        with open(path, "rb") as file:
            head = file.read(TRAIN_BYTES).decode("utf-8", "ignore")
        tokenizer = bytebpe.Tokenizer.train([head], args.vocab_size - 1, special_tokens=["<|endoftext|>"])
        tokenizer.save(work / "tok")
        results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
        for run in range(args.runs):
            for mode in MODES:
                results[mode].append(run_fresh(mode, path, work / "tok", work, run))
                for entry in work.iterdir():  # each run's output, once measured, is only in the way
                    if entry.name != "tok":
                        subprocess.run(["rm", "-rf", str(entry)], check=True)
            digests = {results[mode][-1]["sha256"] for mode in MODES}
            if len(digests) != 1:
                raise SystemExit("bytebpe and tiktoken wrote different tokens: no figures are reported")
    text = report(path, args.vocab_size, results)
    print(text)
    info = machine.machine_info(["bytebpe", "tiktoken"])
    out = report_path.report_path(args.out, path, info, kind="shards")
    report_path.replace_file(out, text)
    print(f"written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
