"""The ``bytebpe`` command line: train, encode, decode, inspect and export tokenizers.

::

    bytebpe train data/ --vocab-size 32768 --special-tokens '<|endoftext|>' --out tok
    echo 'Hello world!' | bytebpe encode -t tok
    bytebpe encode -t tok --lines < lines.txt | bytebpe decode -t tok --lines
    bytebpe inspect tok --text sample.txt
    bytebpe export tok --to tiktoken --out tok.tiktoken
    bytebpe export tok --to huggingface --out tok-hf

Every command follows the same conventions, so that it composes in pipelines:

* Data (ids, text, statistics) goes to stdout; progress bars and log lines go to stderr. ``bytebpe
  encode -t tok < in.txt > ids.txt`` thus captures the ids and nothing else.
* Text is read and written as UTF-8 bytes, whatever the locale, and never newline-translated, so a
  round trip through ``encode`` and ``decode`` gives back the input byte for byte ("\\r\\n" too).
* Exit status: 0 on success; 1 for an error, reported as one line ``bytebpe: error: ...`` on stderr
  and no traceback; 2 for a usage error (argparse's message); 130 after Ctrl-C, with
  ``bytebpe: interrupted`` on stderr. Only the errors the library raises for bad input, files or
  settings are reported this way; anything else is a bug and keeps its traceback.

The help texts of the parser below are the command's documentation: ``bytebpe COMMAND --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from bytebpe import IMPLEMENTATIONS, PATTERNS, Corpus, Tokenizer, __version__, files
from bytebpe.patterns import DEFAULT_PATTERN

__all__ = ["CommandError", "build_parser", "main"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# What a shell reports for a process that SIGPIPE ended; `bytebpe encode ... | head` gets it.
EXIT_BROKEN_PIPE = 141

# The library's errors for bad input, files and settings (bytebpe.FormatError is a ValueError,
# FileNotFoundError and FileExistsError are OSErrors). Anything else is a bug and keeps its traceback.
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (ValueError, TypeError, KeyError, OSError, ImportError)

# Lines encoded or decoded per batch with --lines: large enough for the fast core's threads,
# small enough that the output of a long stream starts at once.
LINE_BATCH = 1024
HISTOGRAM_WIDTH = 40
_NAME_LIKE = re.compile(r"[A-Za-z0-9_]+")
_IDS_TEXT = re.compile(r"[0-9\s]*")
_TOKEN_ID = re.compile(r"[0-9]+")


class CommandError(Exception):
    """An error of the command line itself (not of the library), reported as one line like the library's."""


# -- entry point ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse's way out, for --help (0) and usage errors (2)
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("bytebpe: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`... | head`): nothing is wrong, and there is no one to tell.
        # Point stdout at /dev/null so that the interpreter's final flush does not complain.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except (CommandError, *EXPECTED_ERRORS) as error:
        print(f"bytebpe: error: {describe_error(error)}", file=sys.stderr)
        return EXIT_ERROR


def describe_error(error: BaseException) -> str:
    """The message of ``error`` as one line."""
    if isinstance(error, KeyError) and len(error.args) == 1 and isinstance(error.args[0], str):
        message = error.args[0]  # str(KeyError) would be the repr of its argument, quotes and all
    elif isinstance(error, OSError) and error.strerror and error.filename is not None:
        message = f"{error.filename}: {error.strerror}"  # rather than "[Errno 2] ...: 'name'"
    else:
        message = str(error) or type(error).__name__
    return " ".join(message.split("\n"))


# -- the parser ----------------------------------------------------------------------------------

_DESCRIPTION = """\
Train, use and export byte-level BPE tokenizers.

Data (ids, text, statistics) goes to stdout; progress and logs go to stderr.
Exit status: 0 on success, 1 on an error (one line on stderr: "bytebpe: error:
..."), 2 on a usage error, 130 when interrupted with Ctrl-C."""

_EPILOG = """\
examples:
  bytebpe train data/ --vocab-size 32768 --special-tokens '<|endoftext|>' --out tok
  echo 'Hello world!' | bytebpe encode -t tok
  bytebpe encode -t tok --lines < lines.txt | bytebpe decode -t tok --lines
  bytebpe inspect tok --text sample.txt
  bytebpe export tok --to tiktoken --out tok.tiktoken

Run "bytebpe COMMAND --help" for the options of a command."""

_TRAIN_DESCRIPTION = f"""\
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

_TRAIN_EPILOG = """\
examples:
  bytebpe train corpus.txt --vocab-size 4096 --out tok
  bytebpe train 'data/*.parquet' --vocab-size 65536 --max-chars 2e9 --doc-cap 10000 \\
      --special-tokens '<|bos|>' '<|user_start|>' '<|user_end|>' --out tok
  bytebpe train --special-tokens '<|endoftext|>' --vocab-size 32768 --out tok -- data/

--special-tokens takes every word after it up to the next option: put FILES
before it, or after "--" at the end as in the last example."""

_TOKENIZER_HELP = (
    "a directory written by 'bytebpe train' (or Tokenizer.save), or a bare .tiktoken rank file together with --pattern"
)

_ENCODE_DESCRIPTION = """\
Encode UTF-8 text from stdin into token ids on stdout.

By default the whole of stdin, its final newline included, is one text, and
the output is one line of ids separated by spaces. With --lines each line of
stdin (without its "\\n"; a "\\r" before it stays in the text) is encoded on
its own, and the output has one line of ids per input line. --json writes JSON
lists instead (with --lines, one list per line: JSON Lines).

Special-token strings in the text (such as <|endoftext|>) are an error by
default, as in tiktoken: text from outside should not be able to inject them.
Say what they are: --allow-special makes them the special tokens' ids,
--special-as-text encodes them as the ordinary text they are."""

_ENCODE_EPILOG = """\
examples:
  echo 'Hello world!' | bytebpe encode -t tok
  printf 'Hi<|endoftext|>' | bytebpe encode -t tok --allow-special --json
  bytebpe encode -t tok --lines < lines.txt > ids.txt
  bytebpe encode -t cl100k_base.tiktoken --pattern cl100k < in.txt > ids.txt"""

_DECODE_DESCRIPTION = """\
Decode token ids from stdin into text on stdout.

The input is token ids separated by whitespace, or a JSON list of them. By
default the whole of stdin is one sequence, and its text is written as it is,
with no newline added. With --lines each input line is one sequence, and each
text is written followed by a newline: the reverse of 'encode --lines'.

Token sequences that end in the middle of a UTF-8 character decode with
U+FFFD in its place by default (--errors replace); --bytes writes the exact
bytes instead. An id that the tokenizer does not have is an error."""

_DECODE_EPILOG = """\
examples:
  echo '9906 1917 0' | bytebpe decode -t tok
  echo '[9906, 1917, 0]' | bytebpe decode -t tok
  bytebpe decode -t tok --lines < ids.txt > lines.txt
  bytebpe encode -t tok < in.txt | bytebpe decode -t tok | cmp - in.txt"""

_INSPECT_DESCRIPTION = """\
Print statistics about a tokenizer to stdout: the vocabulary's size (bytes,
merges, special tokens), the split pattern, how it was trained, its longest
tokens and a histogram of token lengths in bytes. With --text, also how well it
compresses that file: tokens, and bytes and characters per token (special-token
strings in the file count as plain text).

Tokens are shown as Python literals: a str when their bytes are valid UTF-8,
else bytes (b'\\xe4\\xb8')."""

_EXPORT_DESCRIPTION = """\
Write a tokenizer in another library's format.

  --to tiktoken     the rank file (.tiktoken) that tiktoken's load_tiktoken_bpe
                    reads; it holds neither the split pattern nor the special
                    tokens, so a line on stderr shows how to pass them to
                    tiktoken.Encoding.
  --to huggingface  tokenizer.json and tokenizer_config.json in the directory
                    --out, for Hugging Face tokenizers and transformers
                    (PreTrainedTokenizerFast); they give the same ids."""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs keep their layout (lists, examples); option help is wrapped."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=min(100, _terminal_width()))


def _terminal_width() -> int:
    # Fixed when not on a terminal, so that the help pasted into the docs does not depend on who built them.
    return os.get_terminal_size(sys.stdout.fileno()).columns if sys.stdout.isatty() else 80


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``bytebpe`` command; each subcommand sets ``run``."""
    parser = argparse.ArgumentParser(
        prog="bytebpe", description=_DESCRIPTION, epilog=_EPILOG, formatter_class=_HelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"bytebpe {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")
    _add_train(commands)
    _add_encode(commands)
    _add_decode(commands)
    _add_inspect(commands)
    _add_export(commands)
    return parser


def _add_command(commands: Any, name: str, summary: str, description: str, epilog: str | None = None) -> Any:
    return commands.add_parser(
        name, help=summary, description=description, epilog=epilog, formatter_class=_HelpFormatter
    )


def _add_train(commands: Any) -> None:
    train = _add_command(commands, "train", "learn a tokenizer from text files", _TRAIN_DESCRIPTION, _TRAIN_EPILOG)
    train.set_defaults(run=run_train)
    train.add_argument("files", nargs="+", metavar="FILES", help="files, directories and glob patterns to train on")
    train.add_argument(
        "--out", "-o", required=True, metavar="DIR", help="the directory to save the tokenizer to (required)"
    )
    model = train.add_argument_group("the tokenizer")
    model.add_argument(
        "--vocab-size",
        required=True,
        type=_positive_int,
        metavar="N",
        help="the number of ids: 256 bytes + merges + special tokens (required)",
    )
    model.add_argument(
        "--pattern",
        type=_pattern,
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
        type=_positive_int,
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
        type=_positive_int,
        metavar="N",
        help="stop reading after N characters in all (e.g. 2e9); the document that crosses the limit is cut",
    )
    corpus.add_argument(
        "--doc-cap",
        type=_positive_int,
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


def _add_loading_options(parser: argparse.ArgumentParser, *, positional: bool) -> None:
    if positional:
        parser.add_argument("tokenizer", metavar="TOKENIZER", help=_TOKENIZER_HELP)
    else:
        parser.add_argument("--tokenizer", "-t", required=True, metavar="PATH", help=f"{_TOKENIZER_HELP} (required)")
    bare = parser.add_argument_group("loading a bare .tiktoken rank file")
    bare.add_argument(
        "--pattern",
        type=_pattern,
        metavar="NAME|REGEX",
        help=f"its split pattern: one of {', '.join(PATTERNS)}, or a regex",
    )
    bare.add_argument(
        "--special-tokens",
        nargs="+",
        action="extend",
        type=_special_token,
        metavar="TOKEN=ID",
        help="its special tokens and their ids, e.g. '<|endoftext|>=100257'",
    )
    parser.add_argument(
        "--implementation",
        choices=IMPLEMENTATIONS,
        default="fast",
        help="run on the Rust core (fast, the default) or the pure-Python reference; the ids are the same",
    )


def _add_encode(commands: Any) -> None:
    encode = _add_command(commands, "encode", "text on stdin to token ids", _ENCODE_DESCRIPTION, _ENCODE_EPILOG)
    encode.set_defaults(run=run_encode)
    _add_loading_options(encode, positional=False)
    encode.add_argument("--lines", action="store_true", help="encode each line of stdin on its own")
    encode.add_argument("--json", action="store_true", help="write a JSON list of ids (one per line with --lines)")
    specials = encode.add_mutually_exclusive_group()
    specials.add_argument(
        "--allow-special",
        action="store_true",
        help="encode special-token strings in the text as the special tokens",
    )
    specials.add_argument(
        "--special-as-text",
        action="store_true",
        help="encode special-token strings in the text as plain text",
    )


def _add_decode(commands: Any) -> None:
    decode = _add_command(commands, "decode", "token ids on stdin to text", _DECODE_DESCRIPTION, _DECODE_EPILOG)
    decode.set_defaults(run=run_decode)
    _add_loading_options(decode, positional=False)
    decode.add_argument("--lines", action="store_true", help="decode each line of stdin on its own")
    written = decode.add_mutually_exclusive_group()
    written.add_argument(
        "--errors",
        choices=("replace", "strict", "ignore", "backslashreplace", "surrogateescape"),
        default="replace",
        help="bytes that are not UTF-8: U+FFFD (replace, the default), an error (strict), dropped (ignore), "
        r"written as \xNN (backslashreplace), or written as they are (surrogateescape)",
    )
    written.add_argument("--bytes", action="store_true", help="write the decoded bytes exactly as they are")


def _add_inspect(commands: Any) -> None:
    inspect = _add_command(commands, "inspect", "vocabulary statistics of a tokenizer", _INSPECT_DESCRIPTION)
    inspect.set_defaults(run=run_inspect)
    _add_loading_options(inspect, positional=True)
    inspect.add_argument(
        "--text", metavar="FILE", help="also encode this UTF-8 file ('-' for stdin) and report the compression"
    )
    inspect.add_argument(
        "--top", type=_count, default=10, metavar="N", help="how many of the longest tokens to list (default: 10)"
    )
    inspect.add_argument("--json", action="store_true", help="write one JSON object instead of text")


def _add_export(commands: Any) -> None:
    export = _add_command(commands, "export", "write a tokenizer for tiktoken or Hugging Face", _EXPORT_DESCRIPTION)
    export.set_defaults(run=run_export)
    _add_loading_options(export, positional=True)
    export.add_argument("--to", required=True, choices=("tiktoken", "huggingface"), help="the format (required)")
    export.add_argument(
        "--out",
        "-o",
        required=True,
        metavar="PATH",
        help="the .tiktoken file, or the directory for Hugging Face, to write (required)",
    )
    export.add_argument(
        "--model-max-length",
        type=_positive_int,
        metavar="N",
        help="with --to huggingface: the model's context length, for tokenizer_config.json",
    )
    export.add_argument("--quiet", "-q", action="store_true", help="write nothing to stderr but errors")


# argparse calls these with the word from the command line; the function's name goes in its messages.


def _positive_int(text: str) -> int:
    """A positive integer; 32_768 and 2e9 are accepted too."""
    value = _count(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text!r}")
    return value


def _count(text: str) -> int:
    """A non-negative integer; 32_768 and 2e9 are accepted too."""
    try:
        value = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and number.is_integer()):
            raise argparse.ArgumentTypeError(f"must be an integer, not {text!r}") from None
        value = int(number)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {text!r}")
    return value


def _pattern(text: str) -> str:
    # A bare word is surely a misspelt name: as a regex it would match only itself, and the text
    # between its matches would never be trained on or encoded.
    if text not in PATTERNS and _NAME_LIKE.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a pattern name; the names are {', '.join(PATTERNS)} (or give a regex)"
        )
    return text


def _special_token(text: str) -> tuple[str, int]:
    token, equals, number = text.rpartition("=")
    if not equals or not token or not _TOKEN_ID.fullmatch(number):
        raise argparse.ArgumentTypeError(f"expected TOKEN=ID, such as '<|endoftext|>=100257', not {text!r}")
    return token, int(number)


# -- train ---------------------------------------------------------------------------------------


def run_train(args: argparse.Namespace) -> int:
    """``bytebpe train``: train on a corpus on disk and save the tokenizer."""
    quiet = args.progress is False
    show_bars = args.progress if args.progress is not None else sys.stderr.isatty()
    out = Path(args.out)
    # Checked now, not after hours of training, with the rule that Tokenizer.save applies.
    replacing = _check_output_directory(out)
    corpus = Corpus(
        args.files,
        text_field=args.text_field,
        txt_split=args.txt_split,
        max_chars=args.max_chars,
        doc_cap=args.doc_cap,
        errors=args.errors,
    )
    special_tokens: list[str] = args.special_tokens
    settings = {
        "pattern": args.pattern,
        "special_tokens": special_tokens,
        "min_frequency": args.min_frequency,
        "implementation": args.implementation,
    }
    # A dry run on no text checks every setting (vocabulary size, pattern, special tokens) with the
    # library's own messages, before anything is logged or read.
    Tokenizer.train([], args.vocab_size, **settings)
    if show_bars:  # says what the bars are about; without them, only the summary at the end is logged
        _log(
            f"training a {args.vocab_size}-id tokenizer on {_plural(len(corpus.files), 'file')} "
            f"({args.implementation} implementation)"
        )
    start = time.monotonic()
    trained = Tokenizer.train(corpus, args.vocab_size, **settings, progress=show_bars)
    elapsed = time.monotonic() - start
    tokenizer = _with_corpus_record(trained, corpus)
    tokenizer.save(out)
    if not quiet:
        merges = len(tokenizer.merges)
        asked = args.vocab_size - 256 - len(special_tokens)
        _log(
            f"trained in {_duration(elapsed)}: {merges} merges, n_vocab {tokenizer.n_vocab} "
            f"(256 bytes + {_plural(merges, 'merge')} + {_plural(len(special_tokens), 'special token')})"
        )
        if merges < asked:
            _log(
                f"note: stopped after {merges} of the {asked} merges asked for: no pair was left "
                f"that occurs at least {args.min_frequency} times; the corpus may be too small"
            )
        _log(f"saved to {out}{' (replacing the tokenizer that was there)' if replacing else ''}")
    return EXIT_OK


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


def _with_corpus_record(tokenizer: Tokenizer, corpus: Corpus) -> Tokenizer:
    # Tokenizer.train records its own settings; the corpus options matter as much to reproduce a
    # run, and only the command line knows them. They travel in trained_by, which bytebpe.json keeps.
    trained_by = tokenizer.trained_by or {}
    trained_by["corpus"] = {
        "paths": list(corpus.paths),
        "files": len(corpus.files),
        "text_field": corpus.text_field,
        "txt_split": corpus.txt_split,
        "max_chars": corpus.max_chars,
        "doc_cap": corpus.doc_cap,
        "errors": corpus.errors,
    }
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


# -- encode --------------------------------------------------------------------------------------


def run_encode(args: argparse.Namespace) -> int:
    """``bytebpe encode``: UTF-8 text on stdin to ids on stdout."""
    tokenizer = load_tokenizer(args)
    encode = _encoder(tokenizer, allow_special=args.allow_special, special_as_text=args.special_as_text)
    out = _stdout()
    if args.lines:
        interactive = _stdin_is_terminal()
        for first, lines in _line_batches(_stdin(), batch=1 if interactive else LINE_BATCH):
            texts = [_utf8(line, "stdin", line=number) for number, line in enumerate(lines, start=first)]
            for ids in encode(texts, first):
                out.write(_format_ids(ids, as_json=args.json))
            if interactive:
                out.flush()
    else:
        text = _utf8(_stdin().read(), "stdin")
        out.write(_format_ids(encode([text], None)[0], as_json=args.json))
    out.flush()
    return EXIT_OK


def _encoder(
    tokenizer: Tokenizer, *, allow_special: bool, special_as_text: bool
) -> Callable[[list[str], int | None], list[list[int]]]:
    """A function that encodes a batch of texts, the first of them on line ``first`` (None: all of stdin)."""
    specials = tokenizer.special_tokens_set
    finder = re.compile("|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True))) if specials else None

    def encode(texts: list[str], first: int | None) -> list[list[int]]:
        if allow_special:
            return tokenizer.encode_batch(texts, allowed_special="all")
        if finder is not None and not special_as_text:
            for index, text in enumerate(texts):
                found = finder.search(text)
                if found:
                    number = first + index if first is not None else text.count("\n", 0, found.start()) + 1
                    raise CommandError(
                        f"stdin line {number} contains the special token {found.group()!r}: pass --allow-special "
                        "to encode it as the special token, or --special-as-text to encode it as plain text"
                    )
        return tokenizer.encode_ordinary_batch(texts)

    return encode


def _format_ids(ids: list[int], *, as_json: bool) -> bytes:
    line = json.dumps(ids, separators=(",", ":")) if as_json else " ".join(map(str, ids))
    return line.encode("ascii") + b"\n"


# -- decode --------------------------------------------------------------------------------------


def run_decode(args: argparse.Namespace) -> int:
    """``bytebpe decode``: ids on stdin to text (or bytes) on stdout."""
    tokenizer = load_tokenizer(args)
    out = _stdout()
    if args.lines:
        interactive = _stdin_is_terminal()
        for first, lines in _line_batches(_stdin(), batch=1 if interactive else LINE_BATCH):
            for number, line in enumerate(lines, start=first):
                where = _place("stdin", number)
                ids = _parse_ids(_utf8(line, "stdin", line=number), where)
                out.write(_decoded(tokenizer, ids, args, where) + b"\n")
            if interactive:
                out.flush()
    else:
        ids = _parse_ids(_utf8(_stdin().read(), "stdin"), "stdin")
        out.write(_decoded(tokenizer, ids, args, "stdin"))
    out.flush()
    return EXIT_OK


def _parse_ids(text: str, where: str) -> list[int]:
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise CommandError(f"{where}: not a valid JSON list: {error.msg} (column {error.colno})") from None
        if not isinstance(value, list) or not all(type(item) is int for item in value):
            raise CommandError(f"{where}: expected a JSON list of integers (token ids)")
        return value
    words = stripped.split()
    if not _IDS_TEXT.fullmatch(stripped):
        bad = next(word for word in words if not _TOKEN_ID.fullmatch(word))
        raise CommandError(
            f"{where}: {bad[:40]!r} is not a token id; expected ids separated by whitespace, or a JSON list"
        )
    return [int(word) for word in words]


def _decoded(tokenizer: Tokenizer, ids: list[int], args: argparse.Namespace, where: str) -> bytes:
    try:
        data = tokenizer.decode_bytes(ids)
    except KeyError:
        known = {*tokenizer.mergeable_ranks.values(), *tokenizer.special_tokens.values()}
        position, bad = next((i, token) for i, token in enumerate(ids) if token not in known)
        raise CommandError(
            f"{where}: {bad} (the id at position {position}) is not a token id of this tokenizer "
            f"(n_vocab {tokenizer.n_vocab})"
        ) from None
    if args.bytes:
        return data
    try:
        text = data.decode("utf-8", errors=args.errors)
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{where}: the tokens decode to bytes that are not UTF-8 ({error.reason} at byte {error.start}); "
            "pass --errors replace to write U+FFFD there, or --bytes to write the bytes as they are"
        ) from None
    # surrogateescape gives back the very bytes that it took in; the other handlers leave no surrogates.
    return text.encode("utf-8", errors="surrogateescape")


# -- inspect -------------------------------------------------------------------------------------


def run_inspect(args: argparse.Namespace) -> int:
    """``bytebpe inspect``: statistics of a tokenizer, as text or JSON, on stdout."""
    tokenizer = load_tokenizer(args)
    stats = tokenizer_statistics(tokenizer, top=args.top)
    stats = {"tokenizer": args.tokenizer, **stats}
    if args.text is not None:
        stats["text"] = text_statistics(tokenizer, args.text)
    rendered = json.dumps(stats, indent=2, ensure_ascii=False) if args.json else _render_statistics(stats)
    out = _stdout()
    out.write(rendered.encode("utf-8") + b"\n")
    out.flush()
    return EXIT_OK


def tokenizer_statistics(tokenizer: Tokenizer, *, top: int = 10) -> dict[str, Any]:
    """The vocabulary statistics that ``bytebpe inspect --json`` prints (without "tokenizer" and "text")."""
    ranks = tokenizer.mergeable_ranks
    specials = tokenizer.special_tokens
    lengths: dict[int, int] = {}
    for token in ranks:
        lengths[len(token)] = lengths.get(len(token), 0) + 1
    longest = sorted(ranks.items(), key=lambda item: (-len(item[0]), item[1]))[:top]
    return {
        "n_vocab": tokenizer.n_vocab,
        "byte_tokens": 256,
        # Every token beyond the 256 bytes is one merge (spec §5.3).
        "merges": len(ranks) - 256,
        "special_tokens": specials,
        # Ids that no token has: rank tables such as cl100k_base have gaps.
        "unused_ids": tokenizer.n_vocab - len(ranks) - len(specials),
        "pattern_name": tokenizer.pattern_name,
        "pattern": tokenizer.pattern,
        "trained_by": tokenizer.trained_by,
        "longest_tokens": [
            {"id": rank, "length": len(token), "text": _utf8_or_none(token), "hex": token.hex()}
            for token, rank in longest
        ],
        "token_lengths": {str(length): lengths[length] for length in sorted(lengths)},
    }


def text_statistics(tokenizer: Tokenizer, path: str) -> dict[str, Any]:
    """How ``tokenizer`` compresses the UTF-8 file ``path`` ('-': stdin), special-token strings as text."""
    data = _stdin().read() if path == "-" else Path(path).read_bytes()
    text = _utf8(data, "stdin" if path == "-" else path)
    tokens = len(tokenizer.encode_ordinary(text))
    return {
        "path": path,
        "characters": len(text),
        "bytes": len(data),
        "tokens": tokens,
        "bytes_per_token": round(len(data) / tokens, 4) if tokens else None,
        "characters_per_token": round(len(text) / tokens, 4) if tokens else None,
    }


def _render_statistics(stats: dict[str, Any]) -> str:
    specials = stats["special_tokens"]
    unused = f", {_plural(stats['unused_ids'], 'unused id')}" if stats["unused_ids"] else ""
    lines = [
        f"tokenizer       {stats['tokenizer']}",
        f"n_vocab         {stats['n_vocab']} "
        f"(256 bytes + {_plural(stats['merges'], 'merge')} + {_plural(len(specials), 'special token')}{unused})",
        "special tokens  " + (", ".join(f"{token} ({token_id})" for token, token_id in specials.items()) or "none"),
        f"pattern         {stats['pattern_name'] or 'custom'}",
        f"regex           {stats['pattern']}",
    ]
    lines += _render_trained_by(stats["trained_by"])
    longest = stats["longest_tokens"]
    if longest:
        lines += ["", f"longest tokens (top {len(longest)}):", f"{'id':>9}  {'bytes':>5}  token"]
        for entry in longest:
            shown = repr(entry["text"]) if entry["text"] is not None else repr(bytes.fromhex(entry["hex"]))
            lines.append(f"{entry['id']:>9}  {entry['length']:>5}  {shown}")
    lines += ["", "token lengths:", f"{'bytes':>9}  {'tokens':>6}"]
    counts = {int(length): count for length, count in stats["token_lengths"].items()}
    buckets = _length_buckets(max(counts))
    sizes = [sum(counts.get(length, 0) for length in range(low, high + 1)) for low, high in buckets]
    widest = max(sizes)
    for (low, high), size in zip(buckets, sizes, strict=True):
        label = str(low) if low == high else f"{low}-{high}"
        bar = "#" * math.ceil(HISTOGRAM_WIDTH * size / widest)
        lines.append(f"{label:>9}  {size:>6}  {bar}")
    if "text" in stats:
        text = stats["text"]
        lines += ["", f"on {text['path']}:"]
        lines.append(f"  {text['characters']} characters, {text['bytes']} bytes, {text['tokens']} tokens")
        if text["tokens"]:
            lines.append(
                f"  {text['bytes_per_token']:.3f} bytes per token, "
                f"{text['characters_per_token']:.3f} characters per token"
            )
    return "\n".join(lines)


def _render_trained_by(trained_by: dict[str, Any] | None) -> list[str]:
    if trained_by is None:
        return ["trained by      unknown (not trained by bytebpe, or saved without the record)"]
    settings = dict(trained_by)
    who = " ".join(str(settings.pop(key)) for key in ("library", "version") if key in settings) or "unknown"
    if "implementation" in settings:
        who += f", {settings.pop('implementation')} implementation"
    lines = [f"trained by      {who}"]
    nested = {key: value for key, value in settings.items() if isinstance(value, dict)}
    flat = {key: value for key, value in settings.items() if key not in nested}
    if flat:
        lines.append("  settings      " + _key_values(flat))
    for key, value in nested.items():
        lines.append(f"  {key:<14}{_key_values(value)}")
    return lines


def _key_values(values: dict[str, Any]) -> str:
    return " ".join(f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in values.items())


def _length_buckets(longest: int) -> list[tuple[int, int]]:
    # One row per length up to 16 bytes, where nearly all tokens are; then doubling ranges, so that
    # a token of 200 spaces adds four rows rather than 184.
    buckets = [(length, length) for length in range(1, min(longest, 16) + 1)]
    low = 17
    while low <= longest:
        buckets.append((low, 2 * low - 2))
        low = 2 * low - 1
    return buckets


def _utf8_or_none(token: bytes) -> str | None:
    try:
        return token.decode("utf-8")
    except UnicodeDecodeError:
        return None


# -- export --------------------------------------------------------------------------------------


def run_export(args: argparse.Namespace) -> int:
    """``bytebpe export``: write the tokenizer for tiktoken or Hugging Face."""
    tokenizer = load_tokenizer(args)
    out = Path(args.out)
    if args.to == "tiktoken":
        if args.model_max_length is not None:
            raise CommandError("--model-max-length is for --to huggingface only")
        if out.is_dir():
            raise CommandError(f"--out {out} is a directory; give the name of the .tiktoken file to write")
        # The saved rank file, byte for byte: Tokenizer.load checked it against its checksum.
        _write_file_atomically(out, files.rank_file_bytes(tokenizer.mergeable_ranks))
        if not args.quiet:
            _log(f"wrote {out}; load it with tiktoken: {tiktoken_hint(tokenizer, out)}")
    else:
        written = tokenizer.save_huggingface(out, model_max_length=args.model_max_length)
        if not args.quiet:
            _log(
                f"wrote tokenizer.json and tokenizer_config.json to {written}; load it with "
                f"tokenizers.Tokenizer.from_file({str(Path(written, 'tokenizer.json'))!r}) "
                f"or transformers.PreTrainedTokenizerFast.from_pretrained({str(written)!r})"
            )
    return EXIT_OK


def tiktoken_hint(tokenizer: Tokenizer, path: Path) -> str:
    """A Python expression that builds the tiktoken.Encoding of ``tokenizer`` from its rank file at ``path``."""
    return (
        f"tiktoken.Encoding('bytebpe', pat_str={tokenizer.pattern!r}, "
        f"mergeable_ranks=tiktoken.load.load_tiktoken_bpe({str(path)!r}), "
        f"special_tokens={tokenizer.special_tokens!r})"
    )


def _write_file_atomically(path: Path, data: bytes) -> None:
    # As Tokenizer.save does for directories: the file appears whole or not at all.
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.tmp-{uuid.uuid4().hex}"
    try:
        with open(staging, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(staging, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            staging.unlink()


# -- shared --------------------------------------------------------------------------------------


def load_tokenizer(args: argparse.Namespace) -> Tokenizer:
    """The tokenizer that ``--tokenizer`` (or the TOKENIZER argument) names, with --pattern and --special-tokens."""
    path = Path(args.tokenizer)
    special_tokens = dict(args.special_tokens) if args.special_tokens else None
    # The library's messages here name Python arguments (pattern=); these name the options.
    if path.is_dir() and (args.pattern is not None or special_tokens is not None):
        raise CommandError(
            f"{path} is a saved tokenizer, which holds its own pattern and special tokens; "
            "--pattern and --special-tokens are for a bare .tiktoken file"
        )
    if path.is_file() and args.pattern is None:
        raise CommandError(
            f"{path} is a bare rank file, which holds no split pattern: pass --pattern (a name such as cl100k, "
            "or a regex), and --special-tokens TOKEN=ID if it has any"
        )
    return Tokenizer.load(path, implementation=args.implementation, pattern=args.pattern, special_tokens=special_tokens)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _stdin() -> BinaryIO:
    # Bytes, not text: UTF-8 whatever the locale, and no newline translation, so "\r\n" survives.
    return sys.stdin.buffer


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except ValueError:  # a closed stdin
        return False


def _stdout() -> BinaryIO:
    sys.stdout.flush()  # anything written as text so far goes first
    return sys.stdout.buffer


def _line_batches(stream: BinaryIO, *, batch: int) -> Iterator[tuple[int, list[bytes]]]:
    """(number of the first line, lines without their "\\n") for each run of ``batch`` lines."""
    lines: list[bytes] = []
    first = 1
    for line in stream:
        lines.append(line[:-1] if line.endswith(b"\n") else line)
        if len(lines) == batch:
            yield first, lines
            first += len(lines)
            lines = []
    if lines:
        yield first, lines


def _utf8(data: bytes, source: str, *, line: int | None = None) -> str:
    """``data`` decoded; else an error naming ``source`` ("stdin" or a file) and the line, which is
    ``line`` when ``data`` is that one line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        number = line if line is not None else data.count(b"\n", 0, error.start) + 1
        start = error.start - (data.rfind(b"\n", 0, error.start) + 1)
        raise CommandError(
            f"{_place(source, number)}: not valid UTF-8 ({error.reason}: byte 0x{data[error.start]:02x} "
            f"at byte {start} of the line)"
        ) from None


def _place(source: str, line: int) -> str:
    return f"stdin line {line}" if source == "stdin" else f"{source}:{line}"
