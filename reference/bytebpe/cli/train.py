"""``bytebpe train``: learn a tokenizer from text on disk (or stdin) and save it."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from bytebpe import IMPLEMENTATIONS, PATTERNS, Corpus, FewerMergesWarning, Tokenizer, files
from bytebpe.cli.arguments import (
    add_command,
    add_special_token_options,
    pattern,
    positive_int,
    ray_address,
    utf8_text,
)
from bytebpe.cli.errors import EXIT_OK, CommandError
from bytebpe.cli.messages import log, plural
from bytebpe.cli.nanochat import add_nanochat_option, train_like_tok_train
from bytebpe.cli.train_report import log_result, log_skipped
from bytebpe.corpus_paths import FORMATS, STDIN
from bytebpe.patterns import DEFAULT_PATTERN
from bytebpe.progress import ProgressBars, TrainingRecord

_DESCRIPTION = f"""\
Learn a tokenizer from the documents in FILES and save it to the directory --out.

FILES are files, directories (searched recursively), glob patterns (quote
them: 'data/**/*.jsonl') and - for stdin, read lazily in the order given. A
file's name says how it is read:
  .jsonl, .ndjson,     one JSON object per line; the document is its
  .jsonl.gz            --text-field
  .parquet             the column --text-field (needs pyarrow)
  anything else        UTF-8 text (source code, Markdown, .txt, ...), cut
                       into documents by --txt-split
--format reads every file one way instead. Directories and globs take every
file but those whose names start with ".", those that look binary (a NUL
byte in their first 8 KiB) and those --include/--exclude leave out; what they
skip is listed on stderr. A file named on the command line is always read.

--vocab-size counts the 256 byte tokens, the merges and the special tokens,
whose ids follow the merges. Training stops early, with fewer merges and a
warning, when no pair is left (within --max-token-length) or the best pair
occurs fewer than --min-frequency times.

The tokenizer is saved atomically: an interrupted or failed run leaves no
partial directory. A tokenizer already at --out is replaced only with --force,
and stays whole until the new one takes its place; a directory that holds
anything else is never replaced. Named patterns: {", ".join(PATTERNS)}."""

_EPILOG = """\
examples:
  bytebpe train corpus.txt --vocab-size 4096 --out tok
  bytebpe train src/ --include '*.py' --exclude 'tests/*' --vocab-size 8192 --out tok-py
  bytebpe train 'data/*.parquet' --vocab-size 65536 --max-chars 2e9 --doc-cap 10000 \\
      --special-tokens '<|bos|>,<|user_start|>,<|user_end|>' --out tok
  cat notes.md | bytebpe train - --special-token '<|endoftext|>' --vocab-size 1024 --out tok --force
  bytebpe train data/ --ray --vocab-size 4096 --out tok-ray

--ray counts the shards (files, and ranges of plain-text files larger than
--shard-size) in Ray tasks and merges on this machine, with the same result.
Without --ray-address it joins RAY_ADDRESS, or a cluster started here by `ray
start`, or starts a local one. FILES may then also be fsspec URLs (s3://,
gs://, ...); local paths must exist on every node."""


def add_train(commands: Any) -> None:
    """The ``train`` subcommand."""
    train = add_command(commands, "train", "learn a tokenizer from text files", _DESCRIPTION, _EPILOG, run=run_train)
    train.add_argument(
        "files", nargs="+", metavar="FILES", help="files, directories, glob patterns and - (stdin) to train on"
    )
    train.add_argument(
        "--out", "-o", required=True, metavar="DIR", help="the directory to save the tokenizer to (required)"
    )
    train.add_argument("--force", action="store_true", help="replace a tokenizer already saved at --out")
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
    add_special_token_options(
        model,
        with_ids=False,
        help_one="a special-token string such as '<|endoftext|>'; ids follow the merges, in order",
    )
    model.add_argument(
        "--min-frequency",
        type=positive_int,
        default=1,
        metavar="N",
        help="stop merging when the best pair occurs fewer than N times (default: 1)",
    )
    model.add_argument(
        "--max-token-length",
        type=positive_int,
        default=None,
        metavar="BYTES",
        help="never make a token longer than BYTES bytes: a longer pair is passed over for the best one within it",
    )
    model.add_argument(
        "--implementation",
        choices=IMPLEMENTATIONS,
        default="fast",
        help="train with the Rust core (fast, the default) or the pure-Python reference; both learn the same merges",
    )
    add_corpus_options(train.add_argument_group("reading the corpus"))
    add_nanochat_option(train.add_argument_group("training for nanochat"))
    cluster = train.add_argument_group("training on a Ray cluster (pip install ray fsspec)")
    cluster.add_argument("--ray", action="store_true", help="count in Ray tasks (see below)")
    cluster.add_argument(
        "--ray-address",
        type=ray_address,
        metavar="ADDRESS",
        help="the cluster to join: auto, local, HOST:PORT or ray://HOST:PORT (implies --ray)",
    )
    cluster.add_argument(
        "--shard-size",
        type=positive_int,
        default=64 * 2**20,
        metavar="BYTES",
        help="with --ray: cut plain-text files larger than this into ranges counted apart (default: 64 MiB)",
    )
    output = train.add_argument_group("output on stderr").add_mutually_exclusive_group()
    output.add_argument(
        "--progress",
        action="store_const",
        const=True,
        dest="progress",
        help="show progress (the default): a bar on a terminal, a line every 10 s elsewhere",
    )
    output.add_argument(
        "--no-progress", action="store_const", const=False, dest="progress", help="show only the summary at the end"
    )
    output.add_argument(
        "--quiet", "-q", action="store_const", const=None, dest="progress", help="show nothing but errors"
    )
    train.set_defaults(progress=True)


def add_corpus_options(corpus: Any) -> None:
    """The options that say how FILES are read, as bytebpe.Corpus takes them (see corpus_of)."""
    corpus.add_argument(
        "--format",
        choices=FORMATS,
        help="read every file in this format, whatever its name (default: by name, see above)",
    )
    corpus.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="in directories and globs, read only files that match, by name ('*.py') or by path below the "
        "directory ('src/*'); repeat it for more",
    )
    corpus.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="in directories and globs, skip files that match (as --include); repeat it for more",
    )
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
        type=utf8_text,
        default="text",
        metavar="F",
        help="the JSON field or Parquet column that holds the text (default: text)",
    )
    corpus.add_argument(
        "--txt-split",
        choices=("paragraph", "line", "file"),
        default="paragraph",
        help="what a document is in plain text: a paragraph (ended by blank lines; the default), a line, the file",
    )
    corpus.add_argument(
        "--errors",
        choices=("strict", "replace"),
        default="strict",
        help="bytes that are not UTF-8: an error naming file and line (strict, the default), or U+FFFD (replace)",
    )


def corpus_of(args: argparse.Namespace) -> Corpus:
    """The bytebpe.Corpus of FILES (``args.files``) read with the options of add_corpus_options."""
    return Corpus(
        args.files,
        text_field=args.text_field,
        txt_split=args.txt_split,
        max_chars=args.max_chars,
        doc_cap=args.doc_cap,
        errors=args.errors,
        format=args.format,
        include=args.include,
        exclude=args.exclude,
    )


def run_train(args: argparse.Namespace) -> int:
    """``bytebpe train``: train on a corpus on disk and save the tokenizer."""
    quiet = args.progress is None
    if quiet:  # nothing on stderr but errors; main's warning filters are restored on return
        warnings.simplefilter("ignore")
    out = Path(args.out)
    _check_stdin(args.files)
    # Checked now, not after hours of training, with the rule that Tokenizer.save applies.
    replacing = _check_output_directory(out, force=args.force)
    if args.nanochat:
        return _train_like_nanochat(args, out, replacing, quiet=quiet)
    settings = _settings(args)
    if args.ray or args.ray_address is not None:
        trained, record, corpus_record = _train_on_ray(args, settings, quiet=quiet)
    else:
        trained, record, corpus_record = _train_here(args, settings, quiet=quiet)
    tokenizer = _with_corpus_record(trained, corpus_record)
    tokenizer.save(out, overwrite=args.force)
    if not quiet:
        log_result(tokenizer, record, files=corpus_record["files"], args=args, out=out, replacing=replacing)
    return EXIT_OK


def _train_like_nanochat(args: argparse.Namespace, out: Path, replacing: bool, *, quiet: bool) -> int:
    """``bytebpe train DATA_DIR --nanochat``: nanochat's tok_train.py recipe, which saves itself."""
    record = _record(args, quiet=quiet)
    try:
        tokenizer = train_like_tok_train(args, progress=record)
    finally:
        _close(record)
    if not quiet:
        log_result(tokenizer, record, files=len(args.files), args=args, out=out, replacing=replacing)
    return EXIT_OK


def _train_here(
    args: argparse.Namespace, settings: dict[str, Any], *, quiet: bool
) -> tuple[Tokenizer, TrainingRecord, dict[str, Any]]:
    corpus = corpus_of(args)
    # A dry run on no text checks every setting (vocabulary size, pattern, special tokens) with the
    # library's own messages, before anything is logged or read.
    _check_settings(args.vocab_size, settings)
    if not quiet:
        log_skipped(corpus.skipped)
    record = _record(args, quiet=quiet)
    if isinstance(record, ProgressBars):  # says what the bars are about
        log(
            f"training a {args.vocab_size}-id tokenizer on {plural(len(corpus.files), 'file')} "
            f"({args.implementation} implementation)"
        )
    try:
        trained = Tokenizer.train(corpus, args.vocab_size, **settings, progress=record)
    finally:
        _close(record)
    return trained, record, _corpus_record(corpus.paths, len(corpus.files), args)


def _train_on_ray(
    args: argparse.Namespace, settings: dict[str, Any], *, quiet: bool
) -> tuple[Tokenizer, TrainingRecord, dict[str, Any]]:
    """``bytebpe train --ray``: count in Ray tasks (bytebpe.distributed), merge here."""
    for flag, value in (("--max-chars", args.max_chars), ("--format", args.format)):
        if value is not None:
            raise CommandError(f"{flag} does not work with --ray")
    if args.include or args.exclude:
        raise CommandError("--include and --exclude do not work with --ray: name the files or globs instead")
    if STDIN in args.files:
        raise CommandError("- (stdin) does not work with --ray: the shards are read on other machines")
    from bytebpe import distributed  # imports Ray only when it runs

    shards = distributed.plan_shards(args.files, txt_split=args.txt_split, shard_bytes=args.shard_size)
    _check_settings(args.vocab_size, settings)  # before Ray starts, as above
    files = len({shard.path for shard in shards})
    record = _record(args, quiet=quiet)
    if isinstance(record, ProgressBars):
        log(
            f"training a {args.vocab_size}-id tokenizer on {plural(files, 'file')} in "
            f"{plural(len(shards), 'shard')} on Ray ({args.implementation} implementation)"
        )
    try:
        trained = distributed.train(
            args.files,
            args.vocab_size,
            **settings,
            progress=record,
            text_field=args.text_field,
            txt_split=args.txt_split,
            doc_cap=args.doc_cap,
            errors=args.errors,
            shard_bytes=args.shard_size,
            address=args.ray_address,
        )
    finally:
        _close(record)
    corpus_record = _corpus_record(args.files, files, args)
    corpus_record["ray"] = {"shards": len(shards), "shard_size": args.shard_size}
    return trained, record, corpus_record


def _record(args: argparse.Namespace, *, quiet: bool) -> TrainingRecord:
    """What listens to training: bars (on a terminal, else log lines), or only a record for the summary."""
    return ProgressBars(sys.stderr) if args.progress and not quiet else TrainingRecord()


def _close(record: TrainingRecord) -> None:
    if isinstance(record, ProgressBars):
        record.close()


def _check_stdin(paths: list[str]) -> None:
    if STDIN in paths and _stdin_is_terminal():
        raise CommandError(
            "- reads stdin, which is a terminal here: pipe the text in, as in: cat notes.md | bytebpe train - ..."
        )


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed, or replaced
        return False


def _check_output_directory(out: Path, *, force: bool) -> bool:
    """Fail now if ``out`` cannot take a saved tokenizer; return whether one is there to replace."""
    try:
        replacing = files.check_save_target(out, overwrite=force)
    except FileExistsError as error:
        raise FileExistsError(f"--out {error}") from None  # the library's message starts with the path
    if replacing:
        return True
    existing = next(parent for parent in (out.absolute(), *out.absolute().parents) if parent.exists())
    if not os.access(existing, os.W_OK):
        raise PermissionError(f"--out {out}: cannot write to {existing}")
    return False


def _check_settings(vocab_size: int, settings: dict[str, Any]) -> None:
    """Train on no text, which checks every setting; that it makes no merges is no news."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewerMergesWarning)
        Tokenizer.train([], vocab_size, **settings)


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """The tokenizer settings, as Tokenizer.train and bytebpe.distributed.train take them."""
    special_tokens: list[str] = args.special_tokens
    return {
        "pattern": args.pattern,
        "special_tokens": special_tokens,
        "min_frequency": args.min_frequency,
        "max_token_length": args.max_token_length,
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
        "format": args.format,
        "include": args.include,
        "exclude": args.exclude,
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
        merge_counts=tokenizer.merge_counts,
    )
