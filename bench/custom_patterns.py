"""Encoding with the split patterns of deployed tokenizers that are not named patterns, against
the nearest named pattern and against tiktoken, on one vocabulary:

    python bench/custom_patterns.py CORPUS [--mb 11] [--vocab-size 32768] [--runs 3]

A vocabulary is trained on the first ``--mb`` MB of CORPUS with the named pattern ``gpt4``; then,
for ``gpt4`` and each pattern of fast/tests/common/deployed.rs (Llama 3, Qwen, Tekken, DeepSeek),
the same ranks with that pattern are encoded by bytebpe (``encode_ordinary``, one call on the whole
text, one thread) and by tiktoken (``to_tiktoken()``, the same call). The ids are checked equal
before timing; the encoders take turns, and each figure is the best of ``--runs`` rounds (on a
shared machine the best is the closest to the unloaded figure). The last column is bytebpe's time
against its own time with ``gpt4``.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from pathlib import Path

import bytebpe

DEPLOYED = Path(__file__).resolve().parent.parent / "fast" / "tests" / "common" / "deployed.rs"


def deployed_patterns() -> list[tuple[str, str]]:
    """Name and regex of each pattern in the Rust list (one copy of them, in the Rust tests)."""
    source = DEPLOYED.read_text(encoding="utf-8")
    entry = re.compile(r'\(\s*"(\w+)",\s*r(#*)"(.*?)"\2,?\s*\)', re.S)
    return [(name, regex) for name, _, regex in entry.findall(source)]


def seconds(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--mb", type=float, default=11.0)
    parser.add_argument("--vocab-size", type=int, default=32768)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text = args.corpus.read_text(encoding="utf-8")[: int(args.mb * 1e6)]
    mb = len(text.encode("utf-8")) / 1e6
    trained = bytebpe.Tokenizer.train([text], args.vocab_size, pattern="gpt4")
    ranks = trained.mergeable_ranks
    print(f"{args.corpus.name}, {mb:.1f} MB, vocabulary {len(ranks)} trained with gpt4; best of {args.runs}")
    print("| pattern | bytebpe MB/s | tiktoken MB/s | bytebpe / tiktoken | time / gpt4's |")
    print("|---|--:|--:|--:|--:|")
    encoders = []
    for name, pattern in [("gpt4", "gpt4"), *deployed_patterns()]:
        tokenizer = bytebpe.Tokenizer.from_ranks(ranks, pattern)
        encoding = tokenizer.to_tiktoken(name)
        if tokenizer.encode_ordinary(text) != encoding.encode_ordinary(text):
            raise SystemExit(f"{name}: bytebpe and tiktoken give different ids")
        encoders.append((name, tokenizer.encode_ordinary, encoding.encode_ordinary))
    # Rounds over every encoder in turn, so that a burst of load on the machine hits all alike.
    best = {(name, tool): float("inf") for name, *_ in encoders for tool in (0, 1)}
    for _ in range(args.runs):
        for name, ours, theirs in encoders:
            for tool, encode in enumerate((ours, theirs)):
                best[name, tool] = min(best[name, tool], seconds(lambda e=encode: e(text)))
    for name, *_ in encoders:
        ours, theirs = best[name, 0], best[name, 1]
        print(f"| {name} | {mb / ours:.0f} | {mb / theirs:.1f} | {theirs / ours:.1f}x | {ours / best['gpt4', 0]:.2f} |")


if __name__ == "__main__":
    main()
