"""Benchmark bytebpe against its peers on one corpus, in one run: training, encoding, memory, threads.

    python bench/run.py CORPUS [--vocab-size 32768] [--runs 3] [--threads 1,N] [--pattern gpt4] [--out FILE.md]

or ``make bench CORPUS=path [RUNS=3]``. CORPUS is any UTF-8 text file; it is cut into documents of
about 64 KB at line ends (bench/corpus.py) and every tool gets the same documents.

1. Training: bytebpe fast, rustbpe, Hugging Face tokenizers and bpeasy, each run in its own process
   (bench/worker.py) with all cores, the tools taking turns run by run; bytebpe fast and rustbpe
   (``--scaling-tools``) also at every thread count of ``--threads`` (thread scaling, set with
   RAYON_NUM_THREADS).
   bytebpe fast and rustbpe follow the same rules, so their vocabularies must be identical: if they
   are not, no time ratio is given for the pair. HF and bpeasy may break ties otherwise: the report
   counts how many of their tokens bytebpe did not learn.
2. Encoding, on the vocabulary bytebpe learned: first bytebpe, tiktoken (``tok.to_tiktoken()``)
   and HF (``tok.to_huggingface()``) encode the whole corpus and must give identical ids, else the
   run stops with exit status 1 before anything is timed. Then each tool encodes the corpus on one
   thread and in a batch on all cores, each run in its own process.
3. The report (medians, fast/peer ratios, peak RSS, speed-ups, the machine, the date) is printed as
   markdown and written with a plot and the raw numbers as JSON to
   bench/results/<corpus>-<machine>.{md,png,json}, replacing the last report for that corpus and
   machine (bench/report_path.py), or to ``--out``.

Progress goes to stderr, the report to stdout. Exit status: 0, 1 if a correctness check failed,
2 for bad arguments or an unusable corpus.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import encode_tools
import machine
import report
import report_path
import train_tools

BENCH = Path(__file__).resolve().parent
WORKER = BENCH / "worker.py"
SCALING_TOOLS = ("fast", "rustbpe")


def log(message: str) -> None:
    """A progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


def parse_list(value: str, choices: tuple[str, ...], what: str) -> list[str]:
    """A comma-separated list of names from ``choices``, in the order of ``choices``."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in choices]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"{what}: expected names from {', '.join(choices)}, got {value!r}")
    return [name for name in choices if name in names]


def parse_threads(value: str, cores: int) -> list[int]:
    """Thread counts like ``1,2,4``; ``all`` stands for the usable cores."""
    counts = set()
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        count = cores if part == "all" else int(part) if part.isdigit() else 0
        if count < 1:
            raise argparse.ArgumentTypeError(f"--threads: expected positive integers or 'all', got {value!r}")
        counts.add(count)
    if not counts:
        raise argparse.ArgumentTypeError("--threads: no thread count given")
    return sorted(counts)


def available(distribution: str) -> bool:
    """Whether the package that provides a tool can be imported (each imports under its own name)."""
    return importlib.util.find_spec(distribution) is not None


def run_worker(arguments: list[str], threads: int, timeout: float | None) -> dict[str, Any]:
    """Run bench/worker.py with ``threads`` threads and return its JSON result, or one with
    ``error`` when it failed (with the tail of its stderr)."""
    env = dict(os.environ)
    env["RAYON_NUM_THREADS"] = str(threads)
    env["TOKENIZERS_PARALLELISM"] = "true" if threads > 1 else "false"
    env["PYTHONHASHSEED"] = "0"
    command = [sys.executable, str(WORKER), *arguments]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    try:
        result = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        result = None
    if not isinstance(result, dict):
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        result = {"error": f"worker exited with status {done.returncode}: {tail or 'no output'}"}
    elif done.returncode != 0 and "error" not in result:
        result["error"] = f"worker exited with status {done.returncode}"
    if "error" in result and done.returncode != 0 and not result.get("missing") and done.stderr.strip():
        log(done.stderr.rstrip())
    return result


def rotated(items: list[Any], run: int) -> list[Any]:
    """``items`` starting at position ``run``, so that no tool always runs first."""
    if not items:
        return items
    shift = run % len(items)
    return items[shift:] + items[:shift]


def run_training(args: argparse.Namespace, cores: int, workdir: Path, results: dict[str, Any]) -> None:
    """All training runs: every tool at all cores, the scaling tools at each thread count."""
    configs = [(tool, cores) for tool in args.train_tools]
    configs += [
        (tool, t) for t in args.threads for tool in args.scaling_tools if tool in args.train_tools and t != cores
    ]
    runs: list[dict[str, Any]] = results["training"]["runs"]
    dropped: set[tuple[str, int]] = set()
    for run in range(args.runs):
        for tool, threads in rotated(configs, run):
            if (tool, threads) in dropped:
                continue
            dump = workdir / f"{tool}.tiktoken"
            arguments = ["train", tool, str(args.corpus), "--vocab-size", str(args.vocab_size)]
            arguments += ["--pattern", args.pattern, "--regex", args.regex, "--hf-regex", args.hf_regex]
            if threads == cores and not dump.exists():
                arguments += ["--dump", str(dump)]
            outcome = run_worker(arguments, threads, args.timeout)
            outcome.update(tool=tool, threads=threads, run=run + 1)
            runs.append(outcome)
            if "error" in outcome:
                log(f"  train run {run + 1} {tool:8s} {threads:2d} threads  FAILED: {outcome['error']}")
                dropped.add((tool, threads))
                if tool == "fast":
                    raise SystemExit("bytebpe fast failed to train: nothing to compare")
            else:
                log(
                    f"  train run {run + 1} {tool:8s} {threads:2d} threads {outcome['seconds']:8.2f} s  "
                    f"peak {outcome['peak_mib']:7.0f} MiB"
                )


def compare_vocabularies(args: argparse.Namespace, workdir: Path, results: dict[str, Any]) -> None:
    """Compare each tool's vocabulary with bytebpe fast's (from the dumped rank files)."""
    fast_file = workdir / "fast.tiktoken"
    if not fast_file.exists():
        return
    fast = read_ranks(fast_file)
    checks = results["training"]["vocabularies"]
    for tool in args.train_tools:
        path = workdir / f"{tool}.tiktoken"
        if tool == "fast" or not path.exists():
            continue
        other = read_ranks(path)
        checks[tool] = {
            "n_vocab": len(other),
            "identical": other == fast,
            "same_tokens": set(other) == set(fast),
            "tokens_not_in_fast": len(set(other) - set(fast)),
            "fast_tokens_not_in_tool": len(set(fast) - set(other)),
        }


def read_ranks(path: Path) -> dict[bytes, int]:
    """Read a .tiktoken rank file written by the worker."""
    import base64

    ranks = {}
    for line in path.read_bytes().splitlines():
        token, rank = line.split()
        ranks[base64.b64decode(token)] = int(rank)
    return ranks


def run_encoding(args: argparse.Namespace, cores: int, workdir: Path, results: dict[str, Any]) -> bool:
    """Check that every encoder gives bytebpe's ids on the whole corpus, then time them.
    Returns False if the ids differ anywhere (nothing is timed then)."""
    encoding = results["encoding"]
    ranks = workdir / "fast.tiktoken"
    tools = list(args.encode_tools)
    if "hf" in tools and importlib.util.find_spec("bytebpe.huggingface") is None:
        tools.remove("hf")
        results["skipped"].append("hf encoding: bytebpe.huggingface (to_huggingface) is not importable")
    log(f"checking that {', '.join(tools)} give identical ids on the whole corpus")
    common = ["--ranks", str(ranks), "--pattern", args.pattern]
    verify = run_worker(["verify", str(args.corpus), *common, "--tools", ",".join(tools)], cores, args.timeout)
    encoding["verify"] = {**verify, "tools": tools}
    if "error" in verify:
        log(f"ENCODING CHECK FAILED: {verify['error']}")
        return False
    log(f"  identical ids: {verify['documents']} documents, {verify['tokens']} tokens")
    configs = [(mode, tool) for mode in encode_tools.MODES for tool in tools]
    dropped: set[tuple[str, str]] = set()
    for run in range(args.runs):
        for mode, tool in rotated(configs, run):
            if (mode, tool) in dropped:
                continue
            threads = cores if mode == "batch" else 1
            arguments = ["encode", tool, mode, str(args.corpus), *common, "--threads", str(threads)]
            outcome = run_worker(arguments, threads, args.timeout)
            outcome.update(tool=tool, mode=mode, threads=threads, run=run + 1)
            encoding["runs"].append(outcome)
            if "error" in outcome:
                log(f"  encode run {run + 1} {tool:8s} {mode:6s} FAILED: {outcome['error']}")
                dropped.add((mode, tool))
            elif outcome["ids_digest"] != verify["ids_digest"]:
                outcome["error"] = f"{tool} {mode} gave other ids than the checked ones"
                log(f"ENCODING CHECK FAILED: {outcome['error']}")
                return False
            else:
                log(f"  encode run {run + 1} {tool:8s} {mode:6s} {outcome['mb_per_s']:8.1f} MB/s")
    return True


def load_average() -> float | None:
    """The 1-minute load average (other work competing for the cores), where the OS tells it."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def bytebpe_commit() -> str | None:
    """The git commit of the bytebpe checkout this harness lives in, '+dirty' if changed."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(BENCH), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(BENCH), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("+dirty" if dirty else "")


def parse_args(argv: list[str] | None, cores: int) -> argparse.Namespace:
    """The driver's command line."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="a UTF-8 text file")
    parser.add_argument("--vocab-size", type=int, default=32768, help="256 bytes + merges (default 32768)")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool; the median is reported (default 3)")
    parser.add_argument(
        "--threads", default=f"1,{cores}", help=f"thread counts for the scaling of training (default 1,{cores})"
    )
    parser.add_argument("--pattern", default="gpt4", help="a bytebpe pattern name or a regex (default gpt4)")
    parser.add_argument("--train-tools", default=",".join(train_tools.TOOLS), help="default: all")
    parser.add_argument(
        "--scaling-tools",
        default=",".join(SCALING_TOOLS),
        help="tools trained at every thread count (default: fast,rustbpe)",
    )
    parser.add_argument("--encode-tools", default=",".join(encode_tools.TOOLS), help="default: all")
    parser.add_argument("--no-encode", action="store_true", help="skip the encoding benchmark")
    parser.add_argument(
        "--out",
        type=Path,
        help="the markdown report's path (.png and .json go beside it), or a folder for it under its stable "
        "name (default bench/results/)",
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds one worker may take (default 3600)")
    args = parser.parse_args(argv)
    try:
        args.threads = parse_threads(args.threads, cores)
        args.train_tools = parse_list(args.train_tools, train_tools.TOOLS, "--train-tools")
        args.scaling_tools = parse_list(args.scaling_tools, train_tools.TOOLS, "--scaling-tools")
        args.encode_tools = parse_list(args.encode_tools, encode_tools.TOOLS, "--encode-tools")
    except argparse.ArgumentTypeError as err:
        parser.error(str(err))
    if "fast" not in args.train_tools or "fast" not in args.encode_tools:
        parser.error("bytebpe fast is what every peer is compared with: keep 'fast' in the tool lists")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.vocab_size < 257:
        parser.error("--vocab-size must be above 256 (the byte tokens)")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the whole benchmark and write the report; see the module docstring."""
    cores = machine.usable_cores()
    args = parse_args(argv, cores)
    try:
        info = corpus.check_corpus(args.corpus)
    except corpus.CorpusError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    args.corpus = info.path
    import bytebpe

    if args.pattern not in bytebpe.PATTERNS:
        try:
            bytebpe.implementation("fast").split("", args.pattern)
        except Exception as err:
            print(
                f"error: --pattern {args.pattern!r} is neither a pattern name nor a valid regex: {err}", file=sys.stderr
            )
            return 2
    pattern, hf_source = train_tools.resolve_pattern(args.pattern)
    args.regex, args.hf_regex = pattern.regex, pattern.hf_regex
    now = datetime.datetime.now().astimezone()
    distributions = sorted({*train_tools.DISTRIBUTIONS.values(), *encode_tools.DISTRIBUTIONS.values()})
    machine_info = machine.machine_info(distributions)
    machine_info["bytebpe_commit"] = bytebpe_commit()
    machine_info["load_average_start"] = load_average()
    results: dict[str, Any] = {
        "schema": 1,
        "date": now.isoformat(timespec="seconds"),
        "command": ["bench/run.py", *(sys.argv[1:] if argv is None else argv)],
        "corpus": {
            "path": str(info.path),
            "name": info.path.name,
            "bytes": info.n_bytes,
            "documents": info.n_documents,
        },
        "settings": {
            "vocab_size": args.vocab_size,
            "pattern": args.pattern,
            "runs": args.runs,
            "cores": cores,
            "threads": args.threads,
            "regex": pattern.regex,
            "hf_pattern": hf_source,
            "document_chars": corpus.DOCUMENT_CHARS,
        },
        "machine": machine_info,
        "training": {"runs": [], "vocabularies": {}},
        "encoding": {"verify": None, "runs": []},
        "skipped": [],
        "ok": True,
    }
    for tools, distributions_of, stage in (
        (args.train_tools, train_tools.DISTRIBUTIONS, "training"),
        (args.encode_tools, encode_tools.DISTRIBUTIONS, "encoding"),
    ):
        for tool in list(tools):
            if not available(distributions_of[tool]):
                tools.remove(tool)
                results["skipped"].append(f"{tool} {stage}: {distributions_of[tool]} is not installed")
    if args.no_encode:
        args.encode_tools = []
        results["skipped"].append("encoding: skipped (--no-encode)")
    log(
        f"corpus {info.path} ({info.n_bytes / 1e6:.1f} MB, {info.n_documents} documents), vocab_size "
        f"{args.vocab_size}, pattern {args.pattern}, {args.runs} runs, {cores} cores, threads {args.threads}"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bytebpe-bench-") as tmp:
        workdir = Path(tmp)
        run_training(args, cores, workdir, results)
        compare_vocabularies(args, workdir, results)
        if args.encode_tools:
            results["ok"] = run_encoding(args, cores, workdir, results)
    results["wall_seconds"] = time.perf_counter() - started
    results["machine"]["load_average_end"] = load_average()
    out = report_path.report_path(args.out, info.path, machine_info)
    text = report.write(results, out)
    print(text)
    log(f"wrote {out}, {out.with_suffix('.png')} and {out.with_suffix('.json')}")
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
