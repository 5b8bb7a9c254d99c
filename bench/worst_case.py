"""The worst case for training and encoding: one long unbroken piece class against prose.

    python bench/worst_case.py PROSE_CORPUS [--mb 10] [--runs 3] [--vocab-size 32768] [--pattern gpt4] [--out FILE.md]

or ``make bench-worst CORPUS=path [WORST_ARGS='--runs 3']``. The target: "10 MB of one long unbroken
piece class (base64, minified JS, CJK without spaces, "aaaa…") | train and encode | no quadratic
blow-up: within 3× of the time for 10 MB of prose".

Six inputs of ``--mb`` MB (10⁶ bytes) of UTF-8 each are written to a temporary directory, all but
the first made up with ``random.Random(0)``:

* ``prose``: the first ``--mb`` MB of PROSE_CORPUS (repeated if it is shorter), cut at a character;
* ``base64``: base64 of random bytes, one line;
* ``minified JS``: identifiers each followed by an operator or punctuation, with no whitespace at all;
* ``CJK without spaces``: ideographs U+4E00..U+4E00+2999 with Zipf-like weights 1/(i+1);
* ``aaaa``: the letter a, repeated;
* ``CJK sentences``: the same ideographs in runs of 8 to 60, each ended by CJK punctuation, a line
  break after one in twenty: not one of the target's four classes, but what Chinese text looks like
  to the pattern (pieces of a few dozen bytes, nearly all distinct).

Each is cut into documents as the main benchmark cuts its corpus (bench/corpus.py: after a newline
every ~64 K characters; a longer line at its last whitespace, or anywhere). Then, for every input and
run, a fresh process (this script in its hidden worker mode) times, on the documents in memory:

1. training: ``bytebpe.Tokenizer.train(docs, vocab_size, pattern=pattern)`` on all cores;
2. encoding with the tokenizer trained on that input: ``encode_ordinary`` on each document, one thread;
3. encoding with a tokenizer trained on the prose input (trained in the worker before the clock
   starts), where the long pieces are not tokens.

The first run of each input also counts its distinct pieces and their bytes (``bytebpe.fast.count``):
they are what the merge loop works on.

Then the peers do the same on the same inputs, once each, a fresh process per input and stage, so that
the ratios can be read against what the tools bytebpe replaces do with such text: rustbpe trains
(``train_tools.train_rustbpe``), and tiktoken encodes with bytebpe's tokenizer (``to_tiktoken()``) trained
on the input and on the prose, its ids checked against bytebpe's. A peer stage that runs past
``--peer-timeout`` seconds (default 60) is reported as such, with the ratio it was at least. ``--no-peers``
leaves them out; a peer that is not installed is left out with a note.

The report (medians, ratios to prose, the 3× target, the date) is printed as markdown and written with
the raw numbers as JSON to bench/results/worst_case-<prose corpus>-<machine>.{md,json}, replacing the
last report for that corpus and machine (bench/report_path.py), or to ``--out``. A worker that fails
or runs past ``--timeout`` is reported as such, and its input gets no further runs.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import machine
import report
import report_path
import run
import worker

TARGET_RATIO = 3.0
"""The target: every input within this factor of the time for the same size of prose."""

JS_IDENTIFIERS = (
    "a", "b", "e", "t", "n", "fn", "this", "var", "function", "return", "length", "push", "null", "void", "0", "1",
)  # fmt: skip
JS_OPERATORS = ("=", "(", ")", "{", "}", ";", ",", ".", "+", "!", "==", "&&", "||", "?", ":", "[", "]")
CJK_FIRST = 0x4E00
CJK_COUNT = 3000
STAGES = ("train", "encode_own", "encode_prose")
STAGE_NAMES = {"train": "train", "encode_own": "encode (own tokenizer)", "encode_prose": "encode (prose tokenizer)"}
PEER_STAGES = {"rustbpe_train": "rustbpe", "tiktoken_own": "tiktoken", "tiktoken_prose": "tiktoken"}
"""Each peer stage, and the distribution that provides it."""
PEER_STAGE_NAMES = {
    "rustbpe_train": "rustbpe train",
    "tiktoken_own": "tiktoken encode own",
    "tiktoken_prose": "tiktoken encode prose-tok",
}


@dataclass(frozen=True)
class Input:
    """One generated input: its key (file name), its name in the report and how it was made."""

    key: str
    name: str
    description: str


INPUTS = (
    Input("prose", "prose", "the start of the prose corpus, cut at a character"),
    Input("base64", "base64", "base64 of random bytes, one line"),
    Input("minified_js", "minified JS", "identifiers and operators, no whitespace"),
    Input("cjk", "CJK without spaces", f"{CJK_COUNT} ideographs from U+4E00, weights 1/(i+1)"),
    Input("aaaa", "aaaa", "the letter a, repeated"),
    Input("cjk_sentences", "CJK sentences", "the same ideographs in runs of 8–60, each ended by CJK punctuation"),
)


def prose_text(path: Path, n_bytes: int) -> str:
    """The first ``n_bytes`` of ``path`` (repeated if it is shorter), cut back to a character boundary."""
    with path.open("rb") as handle:
        data = handle.read(n_bytes + 4)
    if not data:
        raise ValueError(f"{path} is empty")
    if len(data) < n_bytes + 4:
        data = data * (-(-(n_bytes + 4) // len(data)))
    cut = n_bytes
    while cut > 0 and data[cut] & 0xC0 == 0x80:  # data[cut] continues the character that starts before it
        cut -= 1
    try:
        return data[:cut].decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path} is not UTF-8: invalid byte at offset {err.start} ({err.reason})") from None


def base64_text(rng: random.Random, n_bytes: int) -> str:
    """``n_bytes`` characters of base64 of random bytes, without newlines."""
    return base64.b64encode(rng.randbytes(-(-n_bytes // 4) * 3)).decode("ascii")[:n_bytes]


def minified_js_text(rng: random.Random, n_bytes: int) -> str:
    """``n_bytes`` of synthetic minified code: identifiers each followed by an operator, no whitespace."""
    parts: list[str] = []
    size = 0
    while size < n_bytes:
        k = max(1024, (n_bytes - size) // 4)
        chunk = "".join(
            name + operator
            for name, operator in zip(rng.choices(JS_IDENTIFIERS, k=k), rng.choices(JS_OPERATORS, k=k), strict=True)
        )
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)[:n_bytes]


def cjk_ideographs(rng: random.Random, k: int) -> str:
    """``k`` CJK ideographs from U+4E00 on, the i-th drawn with weight 1/(i+1) (Zipf-like)."""
    alphabet = [chr(CJK_FIRST + i) for i in range(CJK_COUNT)]
    weights = [1 / (i + 1) for i in range(CJK_COUNT)]
    return "".join(rng.choices(alphabet, weights=weights, k=k))


def cjk_text(rng: random.Random, n_bytes: int) -> str:
    """As many CJK ideographs (3 bytes each) as fit in ``n_bytes``, Zipf-like, without spaces."""
    return cjk_ideographs(rng, n_bytes // 3)


def cjk_sentences_text(rng: random.Random, n_bytes: int) -> str:
    """Ideographs as in :func:`cjk_text`, in runs of 8 to 60 each ended by CJK punctuation, with a
    newline after about one in twenty; ``n_bytes`` bytes, less the part of a character that would not fit."""
    parts: list[str] = []
    size = 0
    while size < n_bytes:
        sentence = cjk_ideographs(rng, rng.randint(8, 60)) + rng.choice("，。、；：")
        if rng.random() < 0.05:
            sentence += "\n"
        parts.append(sentence)
        size += len(sentence.encode("utf-8"))
    return "".join(parts).encode("utf-8")[:n_bytes].decode("utf-8", "ignore")


def make_inputs(prose: Path, n_bytes: int, directory: Path) -> dict[str, Path]:
    """Write every input of INPUTS to ``directory`` as ``<key>.txt``; their paths by key."""
    texts = {
        "prose": lambda: prose_text(prose, n_bytes),
        "base64": lambda: base64_text(random.Random(0), n_bytes),
        "minified_js": lambda: minified_js_text(random.Random(0), n_bytes),
        "cjk": lambda: cjk_text(random.Random(0), n_bytes),
        "aaaa": lambda: "a" * n_bytes,
        "cjk_sentences": lambda: cjk_sentences_text(random.Random(0), n_bytes),
    }
    paths = {}
    for item in INPUTS:
        path = directory / f"{item.key}.txt"
        path.write_bytes(texts[item.key]().encode("utf-8"))
        paths[item.key] = path
    return paths


# The worker: one fresh process per input and run.


def emit(result: dict[str, Any]) -> None:
    """Print the result so far as one JSON line: the driver reads the last, even after a timeout."""
    print(json.dumps(result), flush=True)


def time_encoding(tokenizer: Any, docs: list[str], n_bytes: int) -> tuple[dict[str, Any], list[list[int]]]:
    """Time ``encode_ordinary`` (bytebpe's or tiktoken's) on each document, one thread, after one
    warm-up call; the timing and the ids."""
    tokenizer.encode_ordinary("warm up")
    encode = tokenizer.encode_ordinary
    start = time.perf_counter()
    ids = [encode(doc) for doc in docs]
    seconds = time.perf_counter() - start
    tokens = sum(len(doc_ids) for doc_ids in ids)
    return {"seconds": seconds, "tokens": tokens, "mb_per_s": n_bytes / 1e6 / seconds}, ids


def piece_stats(docs: list[str], pattern: str) -> dict[str, Any]:
    """The distinct pieces of ``docs``: how many, their total and largest size in bytes, and the
    seconds ``bytebpe.fast.count`` took."""
    import bytebpe.fast

    start = time.perf_counter()
    counts = bytebpe.fast.count(docs, pattern)
    seconds = time.perf_counter() - start
    data, offsets_buffer, _ = counts.core().to_buffers()
    offsets = array("q")
    offsets.frombytes(offsets_buffer)
    if sys.byteorder != "little":
        offsets.byteswap()
    longest = max((offsets[i + 1] - offsets[i] for i in range(len(offsets) - 1)), default=0)
    return {"count_seconds": seconds, "pieces": len(counts), "piece_bytes": len(data), "longest_piece": longest}


def work(args: argparse.Namespace) -> int:
    """The worker mode: time bytebpe's three stages (or, with ``--peer``, one peer stage) on one input,
    printing the result after each."""
    result: dict[str, Any] = {}
    try:
        docs = list(corpus.documents(args.worker))
        n_bytes = sum(len(doc.encode("utf-8")) for doc in docs)
        (time_peer if args.peer else time_bytebpe)(args, docs, n_bytes, result)
    except Exception as err:  # reported to the driver, which goes on with the other inputs and stages
        traceback.print_exc()
        result["error"] = f"{type(err).__name__}: {err}"
        emit(result)
        return 1
    return 0


def time_bytebpe(args: argparse.Namespace, docs: list[str], n_bytes: int, result: dict[str, Any]) -> None:
    """bytebpe's stages: training, encoding with that tokenizer, encoding with the prose one."""
    import bytebpe

    result.update(documents=len(docs), bytes=n_bytes)
    emit(result)
    cpu_start = worker.cpu_seconds()
    start = time.perf_counter()
    tokenizer = bytebpe.Tokenizer.train(docs, args.vocab_size, pattern=args.pattern, implementation="fast")
    seconds = time.perf_counter() - start
    cpu = worker.cpu_seconds() - cpu_start
    result["train"] = {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "merges": len(tokenizer.merges),
        "peak_mib": worker.peak_rss_mib(),
    }
    emit(result)
    result["encode_own"], _ = time_encoding(tokenizer, docs, n_bytes)
    emit(result)
    if args.worker.resolve() != args.corpus.resolve():
        prose_docs = list(corpus.documents(args.corpus))
        tokenizer = bytebpe.Tokenizer.train(prose_docs, args.vocab_size, pattern=args.pattern, implementation="fast")
        del prose_docs
    result["encode_prose"], _ = time_encoding(tokenizer, docs, n_bytes)
    emit(result)
    if args.count:
        result["pieces"] = piece_stats(docs, args.pattern)
        emit(result)


def time_peer(args: argparse.Namespace, docs: list[str], n_bytes: int, result: dict[str, Any]) -> None:
    """One peer stage: rustbpe's training, or tiktoken's encoding with bytebpe's tokenizer (trained
    before the clock starts), its ids checked against bytebpe's."""
    if args.peer == "rustbpe_train":
        import train_tools

        pattern, _ = train_tools.resolve_pattern(args.pattern)
        train_tools.prepare("rustbpe")
        start = time.perf_counter()
        ranks = train_tools.train_rustbpe(iter(docs), args.vocab_size, pattern)
        result["seconds"] = time.perf_counter() - start
        result["merges"] = len(ranks) - 256
    else:
        import bytebpe

        trained_on = docs if args.peer == "tiktoken_own" else list(corpus.documents(args.corpus))
        tokenizer = bytebpe.Tokenizer.train(trained_on, args.vocab_size, pattern=args.pattern, implementation="fast")
        del trained_on
        timing, ids = time_encoding(tokenizer.to_tiktoken(), docs, n_bytes)
        result.update(timing)
        if ids != [tokenizer.encode_ordinary(doc) for doc in docs]:
            raise RuntimeError("tiktoken's ids differ from bytebpe's on this input")
    emit(result)


# The driver.


def run_worker(
    args: argparse.Namespace, prose: Path, path: Path, count: bool, cores: int, peer: str | None = None
) -> dict[str, Any]:
    """Run one worker (bytebpe's stages, or the ``peer`` stage) on ``path`` in a fresh process; its
    last JSON line, with ``error`` if it failed or timed out (the stages it finished before are kept)."""
    command = [sys.executable, str(Path(__file__).resolve()), str(prose), "--worker", str(path)]
    command += ["--vocab-size", str(args.vocab_size), "--pattern", args.pattern]
    command += ["--count"] if count else []
    command += ["--peer", peer] if peer else []
    timeout = args.peer_timeout if peer else args.timeout
    env = {**os.environ, "RAYON_NUM_THREADS": str(cores), "PYTHONHASHSEED": "0"}
    error = None
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)
        stdout, stderr, status = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as err:
        stdout, stderr, status = err.stdout or "", err.stderr or "", None
        error = f"timed out after {timeout:g} s"
    if isinstance(stdout, bytes):
        stdout = stdout.decode("utf-8", "replace")
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    result: dict[str, Any] = {}
    for line in reversed(stdout.strip().splitlines()):
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(parsed, dict):
            result = parsed
            break
    if error is not None:
        result["error"] = error
        result["timed_out"] = True
    elif status != 0 and "error" not in result:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        result["error"] = f"worker exited with status {status}: {tail or 'no output'}"
    if "error" in result and stderr.strip():
        run.log(stderr.rstrip())
    return result


def run_peers(args: argparse.Namespace, paths: dict[str, Path], cores: int, results: dict[str, Any]) -> None:
    """Every installed peer stage once on every input, into ``results["peers"]``."""
    missing = sorted({dist for dist in PEER_STAGES.values() if importlib.util.find_spec(dist) is None})
    if missing:
        results["peers_missing"] = ", ".join(missing) + " not installed"
    results["peers"] = {}
    for item in INPUTS:
        timings = results["peers"].setdefault(item.key, {})
        for stage, dist in PEER_STAGES.items():
            if dist in missing:
                continue
            outcome = run_worker(args, paths["prose"], paths[item.key], False, cores, peer=stage)
            timings[stage] = outcome
            shown = f"{outcome['seconds']:.3f} s" if "seconds" in outcome else outcome.get("error", "?").splitlines()[0]
            run.log(f"  peer {PEER_STAGE_NAMES[stage]:26s} {item.name:18s} {shown}")


def progress_line(item: Input, number: int, outcome: dict[str, Any]) -> str:
    """One line on stderr for a finished worker."""
    parts = []
    for stage in STAGES:
        if stage in outcome:
            value = outcome[stage]
            speed = f" ({value['mb_per_s']:.1f} MB/s)" if "mb_per_s" in value else ""
            parts.append(f"{stage} {value['seconds']:.3f} s{speed}")
    if "error" in outcome:
        parts.append(f"FAILED: {outcome['error'].splitlines()[0]}")
    return f"  run {number} {item.name:18s} " + ", ".join(parts)


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    """Medians per input and stage, the ratios to prose, and whether each is within TARGET_RATIO."""
    summary: dict[str, Any] = {}
    for item in INPUTS:
        outcomes = [r for r in results["runs"] if r["input"] == item.key]
        entry: dict[str, Any] = {"runs": len(outcomes)}
        for stage in STAGES:
            done = [r[stage] for r in outcomes if stage in r]
            if done:
                entry[stage] = {key: statistics.median(d[key] for d in done) for key in done[0]}
            else:
                failed = next((r for r in outcomes if "error" in r), None)
                entry[stage] = {
                    "failed": "timed out" if failed and failed.get("timed_out") else "failed" if failed else "not run"
                }
        pieces = next((r["pieces"] for r in outcomes if "pieces" in r), None)
        if pieces is not None:
            entry["pieces"] = pieces
        entry["errors"] = [r["error"] for r in outcomes if "error" in r]
        summary[item.key] = entry
    prose = summary["prose"]
    for item in INPUTS:
        entry = summary[item.key]
        verdicts = []
        for stage in STAGES:
            measured, reference = entry[stage].get("seconds"), prose[stage].get("seconds")
            if measured is None:
                entry[stage]["within_target"] = False
            elif reference:
                entry[stage]["ratio"] = measured / reference
                entry[stage]["within_target"] = measured / reference <= TARGET_RATIO
            verdicts.append(entry[stage].get("within_target"))
        entry["within_target"] = None if None in verdicts else all(verdicts)
    return summary


def summarize_peers(results: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """Per input and peer stage: the seconds (or the timeout it ran past), the ratio to prose (or the
    least it can be), and bytebpe's ratio for the same work."""
    timings = results.get("peers", {})
    prose = timings.get("prose", {})
    ours = {"rustbpe_train": "train", "tiktoken_own": "encode_own", "tiktoken_prose": "encode_prose"}
    peers: dict[str, Any] = {}
    for item in INPUTS:
        entry: dict[str, Any] = {}
        for stage in PEER_STAGES:
            outcome = timings.get(item.key, {}).get(stage)
            if outcome is None:
                continue
            reference = prose.get(stage, {}).get("seconds")
            our_seconds = summary[item.key][ours[stage]].get("seconds")
            value: dict[str, Any] = {"bytebpe_ratio": summary[item.key][ours[stage]].get("ratio")}
            if "seconds" in outcome:
                value["seconds"] = outcome["seconds"]
                if reference:
                    value["ratio"] = outcome["seconds"] / reference
                if our_seconds:
                    value["over_bytebpe"] = outcome["seconds"] / our_seconds
            elif outcome.get("timed_out"):
                value["at_least_seconds"] = results["settings"]["peer_timeout"]
                if reference:
                    value["ratio_at_least"] = value["at_least_seconds"] / reference
                if our_seconds:
                    value["over_bytebpe_at_least"] = value["at_least_seconds"] / our_seconds
            else:
                value["failed"] = outcome.get("error", "failed").splitlines()[-1]
            entry[stage] = value
        peers[item.key] = entry
    return peers


def _seconds(value: float) -> str:
    return (
        f"{value:.4f}"
        if value < 0.01
        else f"{value:.3f}"
        if value < 1
        else f"{value:.2f}"
        if value < 100
        else f"{value:.0f}"
    )


def _stage_cells(entry: dict[str, Any], stage: str, is_prose: bool) -> list[str]:
    """The seconds and the ratio to prose (with the verdict) of one stage."""
    value = entry[stage]
    if "seconds" not in value:
        return [f"**{value['failed']}**", "**no**"]
    if is_prose:
        return [_seconds(value["seconds"]), "1 (reference)"]
    ratio = value.get("ratio")
    if ratio is None:
        return [_seconds(value["seconds"]), "–"]
    return [_seconds(value["seconds"]), f"{ratio:.2f} yes" if value["within_target"] else f"**{ratio:.2f} no**"]


def _speed_cells(value: dict[str, Any]) -> list[str]:
    if "seconds" not in value:
        return ["–", "–"]
    return [f"{value['tokens']:,.0f}", f"{value['mb_per_s']:.1f}"]


def markdown(results: dict[str, Any]) -> str:
    """The report as markdown."""
    summary, settings, info = results["summary"], results["settings"], results["machine"]
    mb = settings["mb"]
    lines = [
        f"# bytebpe worst case: {mb:g} MB of one long piece class against {mb:g} MB of prose",
        "",
        f"Prose: the first {mb:g} MB of `{results['corpus']['name']}`. Every input is {mb:g} MB of UTF-8 (MB = 10⁶ "
        f"bytes), cut into documents as the main benchmark cuts its corpus (after a newline every ~"
        f"{settings['document_chars'] // 1024} K characters; a line of more than {settings['max_document_chars']:,} "
        f"characters at its last whitespace, or anywhere). Vocabulary size {settings['vocab_size']:,}, pattern "
        f"`{settings['pattern']}`. Every time is the median of {settings['runs']} runs, each in a fresh process. "
        f"Measured {results['date']}.",
        "",
        *report.machine_lines(info),
    ]
    lines += [
        "",
        f"## Time against prose (target: within {TARGET_RATIO:g}×)",
        "",
        "| input | bytes | documents | train s | ×prose | encode own s | ×prose | encode prose-tok s | ×prose "
        f"| all within {TARGET_RATIO:g}× |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for item in INPUTS:
        entry, data = summary[item.key], results["inputs"][item.key]
        is_prose = item.key == "prose"
        cells = [item.name, f"{data['bytes']:,}", f"{data['documents']:,}"]
        for stage in STAGES:
            cells += _stage_cells(entry, stage, is_prose)
        verdict = entry["within_target"]
        cells.append("the reference" if is_prose else "–" if verdict is None else "yes" if verdict else "**no**")
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Pieces and encoding speed",
        "",
        "| input | distinct pieces | distinct-piece MB | longest piece bytes | count s | train ns / distinct byte "
        "| merges | own: tokens | own: MB/s | prose-tok: tokens | prose-tok: MB/s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for item in INPUTS:
        entry = summary[item.key]
        pieces, train = entry.get("pieces"), entry["train"]
        if pieces is None:
            cells = ["–"] * 5
        else:
            per_byte = (
                f"{train['seconds'] / pieces['piece_bytes'] * 1e9:,.0f}"
                if "seconds" in train and pieces["piece_bytes"]
                else "–"
            )
            cells = [
                f"{pieces['pieces']:,}",
                f"{pieces['piece_bytes'] / 1e6:,.2f}",
                f"{pieces['longest_piece']:,}",
                _seconds(pieces["count_seconds"]),
                per_byte,
            ]
        cells.append(f"{train['merges']:,.0f}" if "merges" in train else "–")
        cells += _speed_cells(entry["encode_own"]) + _speed_cells(entry["encode_prose"])
        lines.append(f"| {item.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"*train*: `Tokenizer.train(docs, {settings['vocab_size']})` on {settings['threads']} threads, the documents "
        "already in memory; it includes counting the pieces. *encode own*: `encode_ordinary` on each document, one "
        "thread, with the tokenizer trained on that same input. *encode prose-tok*: the same with the tokenizer "
        "trained on the prose input, which has no tokens for the long pieces. *×prose* is the input's time divided by "
        f"the time for prose of the same size; the target is no quadratic blow-up: every ratio at most "
        f"{TARGET_RATIO:g}×. *Distinct pieces* are the pieces of the pattern counted once each "
        "(`bytebpe.fast.count`, first run, *count s* its time): the merge loop works on their bytes, so a training "
        "time per distinct byte that stays flat across the inputs says the cost is linear in them. *Tokens* and "
        "MB/s (10⁶ bytes of text per second) are for the whole input.",
        "",
        "Inputs: " + "; ".join(f"*{item.name}*: {item.description}" for item in INPUTS) + ".",
    ]
    lines += peer_lines(results)
    errors = [(item, error) for item in INPUTS for error in summary[item.key]["errors"]]
    if errors:
        lines += ["", "Failures:", ""]
        lines += [f"* {item.name}: {error.splitlines()[-1]}" for item, error in errors]
    lines += [
        "",
        f"Command: `python {' '.join(results['command'])}` ({results['wall_seconds']:.0f} s in all).",
        "",
    ]
    return "\n".join(lines)


def _peer_cells(value: dict[str, Any] | None, is_prose: bool) -> list[str]:
    """A peer stage's seconds, its ratio to prose, bytebpe's ratio for the same work, and the peer's
    time over bytebpe's."""
    if value is None:
        return ["–"] * 4
    ours = value.get("bytebpe_ratio")
    ours_cell = "1" if is_prose else "–" if ours is None else f"{ours:.2f}"
    if "seconds" in value:
        ratio = "1" if is_prose else f"{value['ratio']:.2f}" if "ratio" in value else "–"
        over = f"{value['over_bytebpe']:.1f}" if "over_bytebpe" in value else "–"
        return [_seconds(value["seconds"]), ratio, ours_cell, over]
    if "at_least_seconds" in value:
        ratio = f"> {value['ratio_at_least']:,.0f}" if "ratio_at_least" in value else "–"
        over = f"> {value['over_bytebpe_at_least']:,.0f}" if "over_bytebpe_at_least" in value else "–"
        return [f"> {value['at_least_seconds']:g} (timed out)", ratio, ours_cell, over]
    return [f"failed: {value['failed']}", "–", ours_cell, "–"]


def peer_lines(results: dict[str, Any]) -> list[str]:
    """The section on the peers: the same inputs and stages, rustbpe and tiktoken."""
    settings, peers = results["settings"], results["summary"].get("peers")
    if not peers or not any(peers.values()):
        missing = results.get("peers_missing")
        return ["", f"Peers: not run ({missing})." if missing else "Peers: not run (--no-peers)."]
    lines = [
        "",
        "## Peers on the same inputs",
        "",
        "| input | rustbpe train s | ×prose | bytebpe ×prose | ÷bytebpe | tiktoken encode own s | ×prose "
        "| bytebpe ×prose | ÷bytebpe | tiktoken encode prose-tok s | ×prose | bytebpe ×prose | ÷bytebpe |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for item in INPUTS:
        cells = [item.name]
        for stage in PEER_STAGES:
            cells += _peer_cells(peers[item.key].get(stage), item.key == "prose")
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Each peer stage ran once per input, in a fresh process, and was stopped after {settings['peer_timeout']:g} s "
        "(*> N*: the ratio it would have at least). *rustbpe train*: `train_from_iterator` on the same documents, "
        f"{settings['threads']} threads. *tiktoken encode*: `encode_ordinary` on each document, one thread, with "
        "bytebpe's tokenizer (`to_tiktoken()`) trained on that input (*own*) or on the prose (*prose-tok*); its ids "
        "were checked equal to bytebpe's. *bytebpe ×prose* repeats bytebpe's ratio for the same work from the "
        "first table, and *÷bytebpe* is the peer's time divided by bytebpe's median time for it (above 1: bytebpe "
        "is faster). A ratio to prose says how a tool copes with the input compared with its own prose speed; a "
        "tool that is slow on prose has more room there, so read the two together.",
    ]
    missing = results.get("peers_missing")
    if missing:
        lines += ["", f"Not run: {missing}."]
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (the worker mode's options are hidden)."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, help="a UTF-8 prose text file; its first --mb MB are the prose input")
    parser.add_argument("--mb", type=float, default=10.0, help="MB (10⁶ bytes) of each input (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per input; the median is reported (default 3)")
    parser.add_argument("--vocab-size", type=int, default=32768, help="256 bytes + merges (default 32768)")
    parser.add_argument("--pattern", default="gpt4", help="a bytebpe pattern name or a regex (default gpt4)")
    parser.add_argument(
        "--out",
        type=Path,
        help="the markdown report's path (the .json goes beside it), or a folder for it under its stable "
        "name (default bench/results/)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds one worker may take (default 600)")
    parser.add_argument("--peer-timeout", type=float, default=60, help="seconds one peer stage may take (default 60)")
    parser.add_argument("--no-peers", action="store_true", help="time bytebpe only, not rustbpe and tiktoken")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--peer", choices=sorted(PEER_STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.vocab_size < 257:
        parser.error("--vocab-size must be above 256 (the byte tokens)")
    if round(args.mb * 1e6) < 3:
        parser.error("--mb is too small")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with the hidden --worker, one measurement); see the module docstring."""
    args = parse_args(argv)
    if args.worker is not None:
        return work(args)
    if not args.corpus.is_file():
        print(f"error: no such file: {args.corpus}", file=sys.stderr)
        return 2
    import bytebpe.fast

    if args.pattern not in bytebpe.PATTERNS:
        try:
            bytebpe.fast.split("", args.pattern)
        except Exception as err:
            print(
                f"error: --pattern {args.pattern!r} is neither a pattern name nor a valid regex: {err}", file=sys.stderr
            )
            return 2
    cores = machine.usable_cores()
    now = datetime.datetime.now().astimezone()
    info = machine.machine_info(["bytebpe", *sorted(set(PEER_STAGES.values()))])
    info["bytebpe_commit"] = run.bytebpe_commit()
    info["load_average_start"] = run.load_average()
    n_bytes = round(args.mb * 1e6)
    results: dict[str, Any] = {
        "schema": 1,
        "date": now.isoformat(timespec="seconds"),
        "command": ["bench/worst_case.py", *(sys.argv[1:] if argv is None else argv)],
        "corpus": {"path": str(args.corpus.resolve()), "name": args.corpus.name},
        "settings": {
            "mb": args.mb,
            "bytes": n_bytes,
            "runs": args.runs,
            "vocab_size": args.vocab_size,
            "pattern": args.pattern,
            "threads": cores,
            "timeout": args.timeout,
            "peer_timeout": args.peer_timeout,
            "target_ratio": TARGET_RATIO,
            "document_chars": corpus.DOCUMENT_CHARS,
            "max_document_chars": corpus.MAX_DOCUMENT_CHARS,
        },
        "machine": info,
        "inputs": {},
        "runs": [],
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bytebpe-worst-") as tmp:
        try:
            paths = make_inputs(args.corpus, n_bytes, Path(tmp))
        except (OSError, ValueError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        for item in INPUTS:
            path = paths[item.key]
            documents = sum(1 for _ in corpus.documents(path))
            results["inputs"][item.key] = {"name": item.name, "bytes": path.stat().st_size, "documents": documents}
            run.log(f"{item.name}: {path.stat().st_size:,} bytes, {documents:,} documents")
        dropped: set[str] = set()
        for number in range(args.runs):
            for item in run.rotated(list(INPUTS), number):
                if item.key in dropped:
                    continue
                outcome = run_worker(args, paths["prose"], paths[item.key], number == 0, cores)
                outcome.update(input=item.key, run=number + 1)
                results["runs"].append(outcome)
                run.log(progress_line(item, number + 1, outcome))
                if "error" in outcome:
                    dropped.add(item.key)
        if not args.no_peers:
            run_peers(args, paths, cores, results)
    results["wall_seconds"] = time.perf_counter() - started
    info["load_average_end"] = run.load_average()
    results["summary"] = summarize(results)
    results["summary"]["peers"] = summarize_peers(results, results["summary"])
    out = report_path.report_path(args.out, args.corpus, info, kind="worst_case")
    text = markdown(results)
    report_path.replace_file(out.with_suffix(".json"), json.dumps(results, indent=1) + "\n")
    report_path.replace_file(out, text)
    print(text)
    run.log(f"wrote {out} and {out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
