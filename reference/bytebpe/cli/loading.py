"""Loading the tokenizer a command works with: the options that name it, and the checks that they fit together."""

from __future__ import annotations

import argparse
from pathlib import Path

from bytebpe import IMPLEMENTATIONS, PATTERNS, Tokenizer
from bytebpe.cli.arguments import pattern, special_token
from bytebpe.cli.errors import CommandError
from bytebpe.huggingface.importer import is_huggingface_path

_TOKENIZER_HELP = (
    "a directory written by 'bytebpe train' (or Tokenizer.save), a Hugging Face tokenizer.json (or its directory), "
    "or a bare .tiktoken rank file together with --pattern"
)


def add_loading_options(parser: argparse.ArgumentParser, *, positional: bool) -> None:
    """The tokenizer as the argument TOKENIZER (``positional``) or the option --tokenizer, and how to load it."""
    if positional:
        parser.add_argument("tokenizer", metavar="TOKENIZER", help=_TOKENIZER_HELP)
    else:
        parser.add_argument("--tokenizer", "-t", required=True, metavar="PATH", help=f"{_TOKENIZER_HELP} (required)")
    bare = parser.add_argument_group("loading a bare .tiktoken rank file")
    bare.add_argument(
        "--pattern",
        type=pattern,
        metavar="NAME|REGEX",
        help=f"its split pattern: one of {', '.join(PATTERNS)}, or a regex",
    )
    bare.add_argument(
        "--special-tokens",
        nargs="+",
        action="extend",
        type=special_token,
        metavar="TOKEN=ID",
        help="its special tokens and their ids, e.g. '<|endoftext|>=100257'",
    )
    parser.add_argument(
        "--implementation",
        choices=IMPLEMENTATIONS,
        default="fast",
        help="run on the Rust core (fast, the default) or the pure-Python reference; the ids are the same",
    )


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
    if path.is_file() and args.pattern is None and not is_huggingface_path(path):
        raise CommandError(
            f"{path} is a bare rank file, which holds no split pattern: pass --pattern (a name such as cl100k, "
            "or a regex), and --special-tokens TOKEN=ID if it has any"
        )
    return Tokenizer.load(path, implementation=args.implementation, pattern=args.pattern, special_tokens=special_tokens)
