"""The pieces every command's parser is built from: the help layout, the subcommand, and the types of option values."""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from bytebpe import PATTERNS
from bytebpe.cli.errors import EXIT_USAGE

_NAME_LIKE = re.compile(r"[A-Za-z0-9_]+")
TOKEN_ID = re.compile(r"[0-9]+")
# The largest number an option takes: what the core's 64-bit counters hold.
MAX_NUMBER = 2**63 - 1
# Python decodes the bytes of a command line that are not UTF-8 as lone surrogates.
_NOT_UTF8 = re.compile("[\ud800-\udfff]")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs keep their layout (lists, examples); option help is wrapped."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=min(100, _terminal_width()))


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser, with a usage error told as every other error is: one line,
    ``bytebpe: error: ...``, naming the command whose --help lists the options (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        # argparse spells an option with its aliases ("--out/-o"); the first is the one to name.
        message = _ALIASES.sub(r"\1", message)
        self.exit(EXIT_USAGE, f"bytebpe: error: {message} (see: {self.prog} --help)\n")


_ALIASES = re.compile(r"(--[a-z-]+)(?:/-[a-zA-Z])+")


def _terminal_width() -> int:
    # Fixed when not on a terminal, so that the help pasted into the docs does not depend on who built them.
    return os.get_terminal_size(sys.stdout.fileno()).columns if sys.stdout.isatty() else 80


def add_command(
    commands: Any,
    name: str,
    summary: str,
    description: str,
    epilog: str | None = None,
    *,
    run: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    """The parser of the subcommand ``name``, which runs ``run`` with the parsed arguments."""
    parser = commands.add_parser(
        name, help=summary, description=description, epilog=epilog, formatter_class=HelpFormatter
    )
    # The parser itself, so that errors are told in the options this command has (cli.errors).
    parser.set_defaults(run=run, parser=parser)
    return parser


# argparse calls these with the word from the command line; the function's name goes in its messages.


def positive_int(text: str) -> int:
    """A positive integer; 32_768 and 2e9 are accepted too."""
    value = non_negative_int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text!r}")
    return value


def non_negative_int(text: str) -> int:
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
    if value > MAX_NUMBER:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_NUMBER}, not {text!r}")
    return value


def utf8_text(text: str) -> str:
    """A word of the command line that must be text: its bytes are UTF-8."""
    if _NOT_UTF8.search(text):
        shown = text.encode("utf-8", "surrogateescape")
        raise argparse.ArgumentTypeError(f"{shown!r} is not UTF-8 text")
    return text


def pattern(text: str) -> str:
    """A pattern name, or a regex."""
    utf8_text(text)
    # A bare word is surely a misspelt name: as a regex it would match only itself, and the text
    # between its matches would never be trained on or encoded.
    if text not in PATTERNS and _NAME_LIKE.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a pattern name; the names are {', '.join(PATTERNS)} (or give a regex)"
        )
    return text


def token(text: str) -> list[str]:
    """One special-token string (for --special-token, which may be repeated)."""
    utf8_text(text)
    if not text:
        raise argparse.ArgumentTypeError("a special token must not be empty")
    return [text]


def token_list(text: str) -> list[str]:
    """Special-token strings separated by commas (for --special-tokens)."""
    tokens = utf8_text(text).split(",")
    if not all(tokens):
        raise argparse.ArgumentTypeError(
            f"expected tokens separated by commas, such as '<|bos|>,<|eos|>', not {text!r}; "
            "give a token that holds a comma with --special-token"
        )
    return tokens


def token_id(text: str) -> list[tuple[str, int]]:
    """TOKEN=ID, such as '<|endoftext|>=100257' (for --special-token, which may be repeated)."""
    name, equals, number = utf8_text(text).rpartition("=")
    if not equals or not name or not TOKEN_ID.fullmatch(number):
        raise argparse.ArgumentTypeError(f"expected TOKEN=ID, such as '<|endoftext|>=100257', not {text!r}")
    return [(name, int(number))]


def token_id_list(text: str) -> list[tuple[str, int]]:
    """TOKEN=ID pairs separated by commas (for --special-tokens)."""
    pairs = []
    for item in text.split(","):
        try:
            pairs += token_id(item)
        except argparse.ArgumentTypeError:
            raise argparse.ArgumentTypeError(
                f"expected TOKEN=ID pairs separated by commas, such as '<|bos|>=256,<|eos|>=257', not {text!r}; "
                "give a token that holds a comma with --special-token"
            ) from None
    return pairs


def add_special_token_options(group: Any, *, with_ids: bool, help_one: str) -> None:
    """--special-token (repeated) and --special-tokens (a comma list), which add to one list in
    the order given. Neither takes more than one word, so neither can swallow FILES."""
    one, many = (token_id, token_id_list) if with_ids else (token, token_list)
    metavar = "TOKEN=ID" if with_ids else "TOKEN"
    example = "'<|bos|>=256,<|eos|>=257'" if with_ids else "'<|bos|>,<|eos|>'"
    group.add_argument(
        "--special-token",
        dest="special_tokens",
        action="extend",
        type=one,
        default=[],
        metavar=metavar,
        help=f"{help_one}; repeat it for more",
    )
    group.add_argument(
        "--special-tokens",
        dest="special_tokens",
        action="extend",
        type=many,
        metavar=f"{metavar},...",
        help=f"several at once, separated by commas, e.g. {example}",
    )


_RAY_ADDRESS = re.compile(r"auto|local|ray://\S+|[A-Za-z0-9_.-]+:[0-9]+|\[[0-9A-Fa-f:.]+\]:[0-9]+")


def ray_address(text: str) -> str:
    """A Ray cluster's address: auto, local, HOST:PORT or ray://HOST:PORT."""
    if not _RAY_ADDRESS.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Ray address (auto, local, HOST:PORT or ray://HOST:PORT)")
    return text
