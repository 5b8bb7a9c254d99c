"""The pieces every command's parser is built from: the help layout, the subcommand, and the types of option values."""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable
from typing import Any

from bytebpe import PATTERNS

_NAME_LIKE = re.compile(r"[A-Za-z0-9_]+")
TOKEN_ID = re.compile(r"[0-9]+")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs keep their layout (lists, examples); option help is wrapped."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=min(100, _terminal_width()))


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
    parser.set_defaults(run=run)
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
    return value


def pattern(text: str) -> str:
    """A pattern name, or a regex."""
    # A bare word is surely a misspelt name: as a regex it would match only itself, and the text
    # between its matches would never be trained on or encoded.
    if text not in PATTERNS and _NAME_LIKE.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a pattern name; the names are {', '.join(PATTERNS)} (or give a regex)"
        )
    return text


def special_token(text: str) -> tuple[str, int]:
    """TOKEN=ID, such as '<|endoftext|>=100257'."""
    token, equals, number = text.rpartition("=")
    if not equals or not token or not TOKEN_ID.fullmatch(number):
        raise argparse.ArgumentTypeError(f"expected TOKEN=ID, such as '<|endoftext|>=100257', not {text!r}")
    return token, int(number)


_RAY_ADDRESS = re.compile(r"auto|local|ray://\S+|[A-Za-z0-9_.-]+:[0-9]+|\[[0-9A-Fa-f:.]+\]:[0-9]+")


def ray_address(text: str) -> str:
    """A Ray cluster's address: auto, local, HOST:PORT or ray://HOST:PORT."""
    # --ray takes an optional word, so a file right after it would be read as the address; the
    # message says where FILES go instead, as for --special-tokens.
    if not _RAY_ADDRESS.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a Ray address (auto, local, HOST:PORT or ray://HOST:PORT); "
            "put FILES before --ray, or after '--' at the end"
        )
    return text
