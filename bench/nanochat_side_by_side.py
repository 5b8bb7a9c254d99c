"""nanochat's tokenizer against bytebpe.nanochat, side by side in one run (docs/nanochat.md).

"nanochat" is rustbpe and tiktoken wrapped as nanochat's ``RustBPETokenizer`` wraps them, as the
tests rebuild it (tests/nanochat_oracle.py); nanochat itself need not be installed. Three steps,
each alternating the two and keeping the best of a few repetitions: training on the corpus (one
document per paragraph), encoding it as one batch, and rendering an eight-message conversation.
Both must learn the same ranks and give the same ids and renderings, or the run fails.

    python bench/nanochat_side_by_side.py CORPUS.txt [--vocab-size 8192] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from nanochat_oracle import Oracle

from bytebpe.nanochat import NanochatTokenizer


def best_of(repeats: int, steps: dict[str, Callable[[], object]]) -> tuple[dict[str, float], dict[str, object]]:
    """The best time of each step over ``repeats`` alternating rounds, and each step's last result."""
    best = dict.fromkeys(steps, float("inf"))
    results: dict[str, object] = {}
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            results[name] = step()
            best[name] = min(best[name], time.perf_counter() - start)
    return best, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--vocab-size", type=int, default=8192)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    docs = [doc for doc in args.corpus.read_text(encoding="utf-8").split("\n\n") if doc]
    megabytes = sum(len(doc.encode("utf-8")) for doc in docs) / 1e6
    print(f"{args.corpus.name}: {len(docs)} documents, {megabytes:.1f} MB; vocab_size {args.vocab_size}")
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")

    times, trained = best_of(
        2,
        {
            "nanochat": lambda: Oracle.train(docs, args.vocab_size),
            "bytebpe": lambda: NanochatTokenizer.train_from_iterator(docs, args.vocab_size),
        },
    )
    theirs, ours = trained["nanochat"], trained["bytebpe"]
    assert ours.enc.mergeable_ranks == theirs.enc._mergeable_ranks, "the two learned different ranks"
    report = {"train": times}

    times, encoded = best_of(
        3,
        {
            "nanochat": lambda: theirs.encode(docs, num_threads=args.threads),
            "bytebpe": lambda: ours.encode(docs, num_threads=args.threads),
        },
    )
    assert encoded["nanochat"] == encoded["bytebpe"], "the two gave different ids"
    report["encode"] = times

    roles = ("user", "assistant")
    chat = {"messages": [{"role": roles[i % 2], "content": doc[:300]} for i, doc in enumerate(docs[:8])]}
    times, rendered = best_of(
        3,
        {
            "nanochat": lambda: [theirs.render(chat) for _ in range(2000)][-1],
            "bytebpe": lambda: [ours.render_conversation(chat) for _ in range(2000)][-1],
        },
    )
    assert rendered["nanochat"] == rendered["bytebpe"], "the two rendered the conversation differently"
    report["render x2000"] = times

    print(f"{'step':14} {'nanochat':>10} {'bytebpe':>10} {'ratio':>7}")
    for step, pair in report.items():
        print(f"{step:14} {pair['nanochat']:9.3f}s {pair['bytebpe']:9.3f}s {pair['bytebpe'] / pair['nanochat']:7.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
