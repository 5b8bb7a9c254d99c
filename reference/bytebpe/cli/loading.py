"""Loading the tokenizer a command works with: the TOKENIZER argument, how to load a bare rank
file, and the checks that the options fit together."""

from __future__ import annotations

import argparse
from pathlib import Path

from bytebpe import IMPLEMENTATIONS, PATTERNS, Tokenizer
from bytebpe.cli.arguments import add_special_token_options, pattern
from bytebpe.cli.errors import CommandError, UsageError
from bytebpe.cli.messages import log
from bytebpe.huggingface.importer import is_huggingface_path

_TOKENIZER_HELP = (
    "a directory written by 'bytebpe train' (or Tokenizer.save), a Hugging Face tokenizer.json (or its directory), "
    "or a bare .tiktoken rank file together with --pattern"
)


def add_loading_options(parser: argparse.ArgumentParser) -> None:
    """The tokenizer as the first argument, TOKENIZER, and the options that say how to load it.

    ``-t/--tokenizer PATH`` is the spelling of earlier versions for encode and decode: it still
    works, with a note on stderr, and is no longer listed.
    """
    parser.add_argument("tokenizer", nargs="?", metavar="TOKENIZER", help=_TOKENIZER_HELP)
    parser.add_argument("--tokenizer", "-t", dest="tokenizer_option", metavar="PATH", help=argparse.SUPPRESS)
    add_rank_file_options(parser, "loading")


def add_rank_file_options(parser: argparse.ArgumentParser, verb: str) -> None:
    """--pattern and --special-token(s) for a bare .tiktoken rank file, and --implementation."""
    bare = parser.add_argument_group(f"{verb} a bare .tiktoken rank file")
    bare.add_argument(
        "--pattern",
        type=pattern,
        metavar="NAME|REGEX",
        help=f"its split pattern: one of {', '.join(PATTERNS)}, or a regex",
    )
    add_special_token_options(
        bare, with_ids=True, help_one="one of its special tokens and its id, e.g. '<|endoftext|>=100257'"
    )
    parser.add_argument(
        "--implementation",
        choices=IMPLEMENTATIONS,
        default="fast",
        help="run on the Rust core (fast, the default) or the pure-Python reference; the ids are the same",
    )


def tokenizer_path(args: argparse.Namespace) -> str:
    """The TOKENIZER argument (or the old -t/--tokenizer option)."""
    if args.tokenizer_option is not None:
        if args.tokenizer is not None:
            raise UsageError(f"give the tokenizer once: {args.tokenizer} as TOKENIZER, or -t {args.tokenizer_option}")
        log(f"note: -t/--tokenizer is deprecated: give the tokenizer first, bytebpe {args.command} TOKENIZER")
        args.tokenizer, args.tokenizer_option = args.tokenizer_option, None
    if args.tokenizer is None:
        raise UsageError("the following arguments are required: TOKENIZER")
    return args.tokenizer


def load_tokenizer(args: argparse.Namespace) -> Tokenizer:
    """The tokenizer that TOKENIZER names, with --pattern and --special-token(s) for a bare rank file."""
    path = Path(tokenizer_path(args))
    special_tokens = dict(args.special_tokens) if args.special_tokens else None
    # The library's messages here name Python arguments (pattern=); these name the options.
    if path.is_dir() and (args.pattern is not None or special_tokens is not None):
        raise CommandError(
            f"{path} is a saved tokenizer, which holds its own pattern and special tokens; "
            "--pattern and --special-token are for a bare .tiktoken file"
        )
    if path.is_file() and args.pattern is None and not is_huggingface_path(path):
        raise CommandError(
            f"{path} is a bare rank file, which holds no split pattern: pass --pattern (a name such as cl100k, "
            "or a regex), and --special-token TOKEN=ID for each special token it has"
        )
    try:
        return Tokenizer.load(
            path, implementation=args.implementation, pattern=args.pattern, special_tokens=special_tokens
        )
    except RecursionError:
        raise CommandError(f"{path}: its JSON is nested too deeply to read") from None
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: a file in it is not UTF-8 ({error.reason} at byte {error.start})") from None
