"""Run ONE measurement in this process and print its result as one JSON line (the last on stdout).

    python bench/worker.py train TOOL CORPUS --vocab-size N --pattern P --regex R --hf-regex R [--dump RANKS_FILE]
    python bench/worker.py encode TOOL MODE CORPUS --ranks RANKS_FILE --pattern P --threads N
    python bench/worker.py verify CORPUS --ranks RANKS_FILE --pattern P --tools fast,tiktoken,hf

The driver (run.py) starts one worker per tool and run, so that every measurement starts from a
fresh process and peak RSS (the whole process, all threads: VmHWM on Linux, see :func:`peak_rss_mib`)
belongs to one tool. Thread counts are set by the driver through ``RAYON_NUM_THREADS`` and
``TOKENIZERS_PARALLELISM`` in the worker's environment.

* ``train`` streams the corpus (bench.corpus.documents) into the tool, so the corpus is never
  in memory; it reports seconds, CPU seconds, peak RSS, the RSS before training (interpreter and
  imports) and a digest of the vocabulary, and with ``--dump`` writes the vocabulary as a
  .tiktoken rank file.
* ``encode`` holds the documents in memory (the idle RSS, measured before the clock starts, says
  how much that and the tokenizer take) and times one mode of one tool; mode ``decode`` times
  decoding bytebpe's ids of every document back to text, and fails unless that gives the text.
* ``verify`` encodes the whole corpus with every tool and exits 1, describing the first difference,
  unless all give the same ids; it also checks that bytebpe's ids decode back to the text.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import resource
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import encode_tools
import train_tools

VERIFY_CHUNK = 64


def peak_rss_mib() -> float:
    """The peak resident set size of this process so far, in MiB.

    On Linux this is VmHWM of /proc/self/status, the high-water mark of this process's own memory
    since its exec. ``getrusage``'s ru_maxrss would also count the parent: Linux carries the
    maxrss of the memory a process had before exec into it, and subprocess starts a worker by
    vfork, so every worker would start at the driver's RSS. Elsewhere ru_maxrss is all there is.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process so far (all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def vocabulary_digest(ranks: dict[bytes, int]) -> str:
    """A digest of a vocabulary, equal for equal ``{token: rank}`` maps."""
    digest = hashlib.sha256()
    for token, rank in sorted(ranks.items(), key=lambda item: item[1]):
        digest.update(rank.to_bytes(8, "little") + len(token).to_bytes(8, "little") + token)
    return digest.hexdigest()


def write_ranks(ranks: dict[bytes, int], path: Path) -> None:
    """Write ``ranks`` as a .tiktoken file: base64 of the token, a space, the rank; by rank."""
    lines = [
        base64.b64encode(token) + b" " + str(rank).encode()
        for token, rank in sorted(ranks.items(), key=lambda item: item[1])
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")


def train(
    tool: str, corpus_path: Path, vocab_size: int, pattern: train_tools.Pattern, dump: Path | None
) -> dict[str, Any]:
    """Time one training of ``tool`` on the streamed corpus."""
    train_tools.prepare(tool)
    texts = corpus.documents(corpus_path)
    rss_before = peak_rss_mib()
    cpu_start = cpu_seconds()
    start = time.perf_counter()
    ranks = train_tools.TRAINERS[tool](texts, vocab_size, pattern)
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_start
    peak = peak_rss_mib()
    if dump is not None:
        write_ranks(ranks, dump)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mib": peak,
        "rss_before_mib": rss_before,
        "vocab_digest": vocabulary_digest(ranks),
        "n_vocab": len(ranks),
    }


def read_texts(corpus_path: Path) -> tuple[list[str], int]:
    """The corpus's documents in memory, and their size in UTF-8 bytes."""
    texts = list(corpus.documents(corpus_path))
    return texts, sum(len(text.encode("utf-8")) for text in texts)


def encode(tool: str, mode: str, corpus_path: Path, ranks: Path, pattern: str, threads: int) -> dict[str, Any]:
    """Time one encoding of the whole corpus by ``tool`` in ``mode`` (single, batch or decode)."""
    texts, n_bytes = read_texts(corpus_path)
    tokenizer = encode_tools.load_tokenizer(ranks, pattern)
    encoder = encode_tools.build(tool, tokenizer)
    # run(n) does the timed work on the first n documents; ids_of(its result) gives their ids.
    if mode == "decode":
        all_ids = tokenizer.encode_ordinary_batch(texts)

        def run(n: int) -> Any:
            return encoder.decode(all_ids[:n])

        def ids_of(decoded: list[str]) -> list[list[int]]:
            _check_decoded(tool, texts, decoded)
            return all_ids
    else:

        def run(n: int) -> Any:
            return encoder.run(texts[:n], mode, threads)

        ids_of = encoder.ids
    run(1)  # warm up: lazy initialisation, thread pools
    idle = peak_rss_mib()
    cpu_start = cpu_seconds()
    start = time.perf_counter()
    result = run(len(texts))
    seconds = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_start
    peak = peak_rss_mib()
    digest = encode_tools.IdsDigest()
    digest.update(ids_of(result))
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mib": peak,
        "idle_mib": idle,
        "bytes": n_bytes,
        "mb_per_s": n_bytes / 1e6 / seconds,
        "ids_digest": digest.hexdigest(),
        "n_tokens": digest.tokens,
    }


def _check_decoded(tool: str, texts: Sequence[str], decoded: Sequence[str]) -> None:
    wrong = next((i for i, (text, back) in enumerate(zip(texts, decoded, strict=True)) if text != back), None)
    if wrong is not None:
        raise ValueError(f"{tool} decoded document {wrong} to other text than was encoded")


def _first_difference(a: Sequence[int], b: Sequence[int]) -> int:
    for position, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return position
    return min(len(a), len(b))


def verify(corpus_path: Path, ranks: Path, pattern: str, tools: list[str]) -> dict[str, Any]:
    """Encode the whole corpus with every tool in ``tools`` (the first is the reference) and
    compare the ids document by document; raise SystemExit(1) on the first difference."""
    texts, n_bytes = read_texts(corpus_path)
    tokenizer = encode_tools.load_tokenizer(ranks, pattern)
    encoders = [encode_tools.build(tool, tokenizer) for tool in tools]
    threads = os.cpu_count() or 1
    digest = encode_tools.IdsDigest()
    for first in range(0, len(texts), VERIFY_CHUNK):
        chunk = texts[first : first + VERIFY_CHUNK]
        results = [encoder.ids(encoder.run(chunk, "batch", threads)) for encoder in encoders]
        expected = results[0]
        for offset, ids in enumerate(expected):
            text = chunk[offset]
            if tokenizer.decode_bytes(ids) != text.encode("utf-8"):
                _fail(f"{tools[0]}'s ids of document {first + offset} do not decode back to its text")
            for tool, other in zip(tools[1:], results[1:], strict=True):
                if other[offset] != ids:
                    position = _first_difference(ids, other[offset])
                    around = slice(max(0, position - 3), position + 4)
                    _fail(
                        f"{tool} and {tools[0]} give different ids for document {first + offset} "
                        f"(of {len(texts)}), first at token {position}: {tools[0]} {ids[around]} "
                        f"{[tokenizer.decode_single_token_bytes(t) for t in ids[around]]}, "
                        f"{tool} {other[offset][around]}"
                    )
        digest.update(expected)
    return {"documents": digest.documents, "tokens": digest.tokens, "bytes": n_bytes, "ids_digest": digest.hexdigest()}


def _fail(message: str) -> None:
    print(json.dumps({"error": message, "mismatch": True}))
    raise SystemExit(1)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run one measurement and print its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p_train = commands.add_parser("train")
    p_train.add_argument("tool", choices=train_tools.TOOLS)
    p_train.add_argument("corpus", type=Path)
    p_train.add_argument("--vocab-size", type=int, required=True)
    p_train.add_argument("--pattern", required=True, help="bytebpe's pattern name or regex")
    p_train.add_argument("--regex", required=True, help="the pattern's regex, for rustbpe and bpeasy")
    p_train.add_argument("--hf-regex", required=True, help="the pattern's regex for HF (Oniguruma)")
    p_train.add_argument("--dump", type=Path)
    p_encode = commands.add_parser("encode")
    p_encode.add_argument("tool", choices=encode_tools.TOOLS)
    p_encode.add_argument("mode", choices=encode_tools.MODES)
    p_encode.add_argument("corpus", type=Path)
    p_encode.add_argument("--ranks", type=Path, required=True)
    p_encode.add_argument("--pattern", required=True)
    p_encode.add_argument("--threads", type=int, required=True)
    p_verify = commands.add_parser("verify")
    p_verify.add_argument("corpus", type=Path)
    p_verify.add_argument("--ranks", type=Path, required=True)
    p_verify.add_argument("--pattern", required=True)
    p_verify.add_argument("--tools", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            pattern = train_tools.Pattern(args.pattern, args.regex, args.hf_regex)
            result = train(args.tool, args.corpus, args.vocab_size, pattern, args.dump)
        elif args.command == "encode":
            result = encode(args.tool, args.mode, args.corpus, args.ranks, args.pattern, args.threads)
        else:
            result = verify(args.corpus, args.ranks, args.pattern, args.tools.split(","))
    except ImportError as err:
        print(json.dumps({"error": f"not installed: {err}", "missing": True}))
        return 1
    except Exception as err:  # report any tool's failure to the driver, which goes on without it
        traceback.print_exc()
        print(json.dumps({"error": f"{type(err).__name__}: {err}"}))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
