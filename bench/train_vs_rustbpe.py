"""Train bytebpe's fast core and rustbpe on the same corpus, in one run, and compare.

    python bench/train_vs_rustbpe.py CORPUS [--vocab-size 32768] [--runs 3] [--pattern gpt4]

Each training runs in a fresh process (so memory and caches start equal), the tools alternate,
and the median of the runs is reported with the ratio fast / rustbpe. Both tools get the very
same texts: the corpus cut into documents of about 64 KB at line boundaries, read lazily from disk
(the time includes reading, the same for both). Before anything is
reported, the two vocabularies are checked to be identical, rank for rank: a benchmark of two
tools that learn different things would measure nothing.

Corpora: ../shared/corpora/make-corpora builds en_docs.txt (11 MB) and linux_100m.txt (100 MB);
any UTF-8 text file works.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

DOCUMENT_BYTES = 64 * 1024


def documents(path: Path) -> Iterator[str]:
    """The corpus as texts of about DOCUMENT_BYTES each, cut after a newline, read lazily so that
    the corpus itself never sits in memory and peak RSS measures the tool."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        carry = ""
        while block := handle.read(DOCUMENT_BYTES):
            block = carry + block
            cut = block.rfind("\n") + 1
            if cut == 0:
                carry = block
                continue
            carry = block[cut:]
            yield block[:cut]
        if carry:
            yield carry


def train(tool: str, texts: Iterator[str], vocab_size: int, pattern: str) -> dict[bytes, int]:
    if tool == "fast":
        import bytebpe

        return bytebpe.Tokenizer.train(texts, vocab_size, pattern=pattern, implementation="fast").mergeable_ranks
    if tool == "rustbpe":
        import rustbpe

        import bytebpe

        trainer = rustbpe.Tokenizer()
        trainer.train_from_iterator(texts, vocab_size, pattern=bytebpe.PATTERNS[pattern])
        return dict(trainer.get_mergeable_ranks())
    raise ValueError(f"unknown tool {tool!r}")


def worker(tool: str, corpus: Path, vocab_size: int, pattern: str) -> None:
    texts = documents(corpus)
    start = time.perf_counter()
    ranks = train(tool, texts, vocab_size, pattern)
    seconds = time.perf_counter() - start
    digest = hashlib.sha256(repr(sorted(ranks.items(), key=lambda item: item[1])).encode()).hexdigest()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"tool": tool, "seconds": seconds, "peak_mib": peak_mib, "ranks": digest, "n_vocab": len(ranks)}))


def run_worker(tool: str, args: argparse.Namespace) -> dict:
    command = [
        sys.executable,
        __file__,
        "--worker",
        tool,
        str(args.corpus),
        "--vocab-size",
        str(args.vocab_size),
        "--pattern",
        args.pattern,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--vocab-size", type=int, default=32768)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pattern", default="gpt4")
    parser.add_argument("--worker", choices=["fast", "rustbpe"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.corpus, args.vocab_size, args.pattern)
        return 0

    size_mb = args.corpus.stat().st_size / 1e6
    print(f"corpus {args.corpus} ({size_mb:.1f} MB), vocab_size {args.vocab_size}, pattern {args.pattern}")
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}")
    results: dict[str, list[dict]] = {"fast": [], "rustbpe": []}
    for run in range(args.runs):
        for tool in results:
            outcome = run_worker(tool, args)
            results[tool].append(outcome)
            print(f"  run {run + 1} {tool:8s} {outcome['seconds']:7.2f} s  peak {outcome['peak_mib']:7.0f} MiB")
    digests = {outcome["ranks"] for outcomes in results.values() for outcome in outcomes}
    if len(digests) != 1:
        print("the two tools learned different vocabularies: no timing is reported", file=sys.stderr)
        return 1
    medians = {tool: statistics.median(o["seconds"] for o in outcomes) for tool, outcomes in results.items()}
    peaks = {tool: max(o["peak_mib"] for o in outcomes) for tool, outcomes in results.items()}
    print(f"\nidentical vocabularies ({results['fast'][0]['n_vocab']} tokens) from both tools")
    print("| tool | median seconds | peak RSS (MiB) |\n|---|---|---|")
    for tool in results:
        print(f"| {tool} | {medians[tool]:.2f} | {peaks[tool]:.0f} |")
    print(
        f"\nratio fast / rustbpe: time {medians['fast'] / medians['rustbpe']:.3f}, "
        f"peak memory {peaks['fast'] / peaks['rustbpe']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
