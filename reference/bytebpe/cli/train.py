"""``bytebpe train``: learn a tokenizer from text files on disk and save it."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from bytebpe import IMPLEMENTATIONS, PATTERNS, Corpus, Tokenizer, files
from bytebpe.cli.arguments import add_command, pattern, positive_int, ray_address
from bytebpe.cli.errors import EXIT_OK, CommandError
from bytebpe.cli.messages import log, plural
from bytebpe.patterns import DEFAULT_PATTERN

_DESCRIPTION = f"""\
Learn a tokenizer from the documents in FILES and save it to the directory --out.

FILES are files, directories (searched recursively) and glob patterns
(quote them: 'data/**/*.jsonl'), read lazily in the order given:
  .txt                 UTF-8 text, cut into documents by --txt-split
  .jsonl, .ndjson,     one JSON object per line; the document is its
  .jsonl.gz            --text-field
  .parquet             the column --text-field (needs pyarrow)
In directories and globs, other files and names starting with "." are skipped.

--vocab-size counts the 256 byte tokens, the merges and the special tokens,
whose ids follow the merges. Training stops early, with fewer merges, when no
pair is left or the best pair occurs fewer than --min-frequency times.

The tokenizer is saved atomically: an interrupted or failed run leaves no
partial directory, and a previous tokenizer at --out stays whole until the new
one replaces it. --out must not be a non-empty directory that holds anything
else. Named patterns: {", ".join(PATTERNS)}."""

_EPILOG = """\
examples:
  bytebpe train corpus.txt --vocab-size 4096 --out tok
  bytebpe train 'data/*.parquet' --vocab-size 65536 --max-chars 2e9 --doc-cap 10000 \\
      --special-tokens '<|bos|>' '<|user_start|>' '<|user_end|>' --out tok
  bytebpe train --special-tokens '<|endoftext|>' --vocab-size 32768 --out tok -- data/
  bytebpe train 's3://bucket/corpus/*.parquet' big.txt --ray --vocab-size 65536 --out tok

--special-tokens takes every word after it up to the next option: put FILES
before it, or after "--" at the end as in the third example. So does --ray
with its optional ADDRESS.

--ray counts the shards (files, and ranges of .txt files larger than
--shard-size) in Ray tasks and merges on this machine, with the same result.
Without ADDRESS it joins RAY_ADDRESS, or a cluster started here by `ray start`,
or starts a local one. FILES may then also be fsspec URLs (s3://, gs://, ...);
local paths must exist on every node."""


def add_train(commands: Any) -> None:
    """The ``train`` subcommand."""
    train = add_command(commands, "train", "learn a tokenizer from text files", _DESCRIPTION, _EPILOG, run=run_train)
    train.add_argument("files", nargs="+", metavar="FILES", help="files, directories and glob patterns to train on")
    train.add_argument(
        "--out", "-o", required=True, metavar="DIR", help="the directory to save the tokenizer to (required)"
    )
    model = train.add_argument_group("the tokenizer")
    model.add_argument(
        "--vocab-size",
        required=True,
        type=positive_int,
        metavar="N",
        help="the number of ids: 256 bytes + merges + special tokens (required)",
    )
    model.add_argument(
        "--pattern",
        type=pattern,
        default=DEFAULT_PATTERN,
        metavar="NAME|REGEX",
        help=f"the split pattern: one of {', '.join(PATTERNS)}, or a regex (default: {DEFAULT_PATTERN})",
    )
    model.add_argument(
        "--special-tokens",
        nargs="+",
        action="extend",
        default=[],
        metavar="TOKEN",
        help="special-token strings, given ids after the merges in this order, e.g. '<|endoftext|>'",
    )
    model.add_argument(
        "--min-frequency",
        type=positive_int,
        default=1,
        metavar="N",
        help="stop merging when the best pair occurs fewer than N times (default: 1)",
    )
    model.add_argument(
        "--implementation",
        choices=IMPLEMENTATIONS,
        default="fast",
        help="train with the Rust core (fast, the default) or the pure-Python reference; both learn the same merges",
    )
    corpus = train.add_argument_group("reading the corpus")
    corpus.add_argument(
        "--max-chars",
        type=positive_int,
        metavar="N",
        help="stop reading after N characters in all (e.g. 2e9); the document that crosses the limit is cut",
    )
    corpus.add_argument(
        "--doc-cap",
        type=positive_int,
        metavar="N",
        help="crop each document to its first N characters, so that no huge document dominates",
    )
    corpus.add_argument(
        "--text-field",
        default="text",
        metavar="F",
        help="the JSON field or Parquet column that holds the text (default: text)",
    )
    corpus.add_argument(
        "--txt-split",
        choices=("paragraph", "line", "file"),
        default="paragraph",
        help="what a document is in a .txt file: a paragraph (ended by blank lines; the default), a line, the file",
    )
    corpus.add_argument(
        "--errors",
        choices=("strict", "replace"),
        default="strict",
        help="bytes that are not UTF-8: an error naming file and line (strict, the default), or U+FFFD (replace)",
    )
    cluster = train.add_argument_group("training on a Ray cluster (pip install 'bytebpe[ray]')")
    cluster.add_argument(
        "--ray",
        nargs="?",
        const=True,  # not a str, which argparse would pass to ray_address
        type=ray_address,
        metavar="ADDRESS",
        help="count in Ray tasks: on the cluster at ADDRESS (auto, HOST:PORT, ray://HOST:PORT), else see below",
    )
    cluster.add_argument(
        "--shard-size",
        type=positive_int,
        default=64 * 2**20,
        metavar="BYTES",
        help="with --ray: cut .txt files larger than this into ranges counted apart (default: 64 MiB)",
    )
    output = train.add_argument_group("output on stderr").add_mutually_exclusive_group()
    output.add_argument(
        "--progress",
        action="store_const",
        const=True,
        dest="progress",
        help="show progress bars (the default when stderr is a terminal); a summary is logged at the end either way",
    )
    output.add_argument(
        "--quiet",
        "-q",
        action="store_const",
        const=False,
        dest="progress",
        help="show nothing but errors",
    )


def run_train(args: argparse.Namespace) -> int:
    """``bytebpe train``: train on a corpus on disk and save the tokenizer."""
    quiet = args.progress is False
    show_bars = args.progress if args.progress is not None else sys.stderr.isatty()
    out = Path(args.out)
    # Checked now, not after hours of training, with the rule that Tokenizer.save applies.
    replacing = _check_output_directory(out)
    if args.ray is not None:
        return _run_train_on_ray(args, out, replacing, quiet=quiet, show_bars=show_bars)
    corpus = Corpus(
        args.files,
        text_field=args.text_field,
        txt_split=args.txt_split,
        max_chars=args.max_chars,
        doc_cap=args.doc_cap,
        errors=args.errors,
    )
    settings = _settings(args)
    # A dry run on no text checks every setting (vocabulary size, pattern, special tokens) with the
    # library's own messages, before anything is logged or read.
    Tokenizer.train([], args.vocab_size, **settings)
    if show_bars:  # says what the bars are about; without them, only the summary at the end is logged
        log(
            f"training a {args.vocab_size}-id tokenizer on {plural(len(corpus.files), 'file')} "
            f"({args.implementation} implementation)"
        )
    start = time.monotonic()
    trained = Tokenizer.train(corpus, args.vocab_size, **settings, progress=show_bars)
    elapsed = time.monotonic() - start
    tokenizer = _with_corpus_record(trained, _corpus_record(corpus.paths, len(corpus.files), args))
    tokenizer.save(out, overwrite=True)  # _check_out above applied the CLI's own rule
    if not quiet:
        _log_result(tokenizer, args, elapsed, out, replacing)
    return EXIT_OK


def _run_train_on_ray(args: argparse.Namespace, out: Path, replacing: bool, *, quiet: bool, show_bars: bool) -> int:
    """``bytebpe train --ray``: count in Ray tasks (bytebpe.distributed), merge here."""
    if args.max_chars is not None:
        raise CommandError("--max-chars does not work with --ray: a budget over the whole corpus is not shardable")
    from bytebpe import distributed  # imports Ray only when it runs

    shards = distributed.plan_shards(args.files, txt_split=args.txt_split, shard_bytes=args.shard_size)
    settings = _settings(args)
    Tokenizer.train([], args.vocab_size, **settings)  # checks the settings before Ray starts, as above
    files = len({shard.path for shard in shards})
    if show_bars:
        log(
            f"training a {args.vocab_size}-id tokenizer on {plural(files, 'file')} in "
            f"{plural(len(shards), 'shard')} on Ray ({args.implementation} implementation)"
        )
    start = time.monotonic()
    trained = distributed.train(
        args.files,
        args.vocab_size,
        **settings,
        progress=show_bars,
        text_field=args.text_field,
        txt_split=args.txt_split,
        doc_cap=args.doc_cap,
        errors=args.errors,
        shard_bytes=args.shard_size,
        address=None if args.ray is True else args.ray,
    )
    elapsed = time.monotonic() - start
    record = _corpus_record(args.files, files, args) | {"ray": {"shards": len(shards), "shard_size": args.shard_size}}
    tokenizer = _with_corpus_record(trained, record)
    tokenizer.save(out, overwrite=True)  # _check_out above applied the CLI's own rule
    if not quiet:
        _log_result(tokenizer, args, elapsed, out, replacing)
    return EXIT_OK


def _log_result(tokenizer: Tokenizer, args: argparse.Namespace, elapsed: float, out: Path, replacing: bool) -> None:
    special_tokens: list[str] = args.special_tokens
    merges = len(tokenizer.merges)
    asked = args.vocab_size - 256 - len(special_tokens)
    log(
        f"trained in {_duration(elapsed)}: {merges} merges, n_vocab {tokenizer.n_vocab} "
        f"(256 bytes + {plural(merges, 'merge')} + {plural(len(special_tokens), 'special token')})"
    )
    if merges < asked:
        log(
            f"note: stopped after {merges} of the {asked} merges asked for: no pair was left "
            f"that occurs at least {args.min_frequency} times; the corpus may be too small"
        )
    log(f"saved to {out}{' (replacing the tokenizer that was there)' if replacing else ''}")


def _check_output_directory(out: Path) -> bool:
    """Fail now if ``out`` cannot take a saved tokenizer; return whether one is there to replace."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"--out {out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not (out / files.METADATA_FILE).exists():
            raise FileExistsError(
                f"--out {out} is a non-empty directory that does not hold a saved tokenizer; "
                "refusing to replace it: choose a new or empty directory"
            )
        return True
    existing = next(parent for parent in (out, *out.parents) if parent.exists())
    if not os.access(existing, os.W_OK):
        raise PermissionError(f"--out {out}: cannot write to {existing}")
    return False


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """The tokenizer settings, as Tokenizer.train and bytebpe.distributed.train take them."""
    special_tokens: list[str] = args.special_tokens
    return {
        "pattern": args.pattern,
        "special_tokens": special_tokens,
        "min_frequency": args.min_frequency,
        "implementation": args.implementation,
    }


def _corpus_record(paths: Any, files: int, args: argparse.Namespace) -> dict[str, Any]:
    return {
        "paths": list(paths),
        "files": files,
        "text_field": args.text_field,
        "txt_split": args.txt_split,
        "max_chars": args.max_chars,
        "doc_cap": args.doc_cap,
        "errors": args.errors,
    }


def _with_corpus_record(tokenizer: Tokenizer, record: dict[str, Any]) -> Tokenizer:
    # Tokenizer.train records its own settings; the corpus options matter as much to reproduce a
    # run, and only the command line knows them. They travel in trained_by, which bytebpe.json keeps.
    trained_by = tokenizer.trained_by or {}
    trained_by["corpus"] = record
    return Tokenizer(
        tokenizer.mergeable_ranks,
        tokenizer.pattern,
        special_tokens=tokenizer.special_tokens,
        implementation=tokenizer.implementation,
        merges=tokenizer.merges,
        trained_by=trained_by,
    )


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
