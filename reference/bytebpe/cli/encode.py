"""``bytebpe encode``: UTF-8 text on stdin to token ids on stdout."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from typing import Any

from bytebpe import Tokenizer
from bytebpe.cli.arguments import add_command
from bytebpe.cli.errors import EXIT_OK, CommandError
from bytebpe.cli.loading import add_loading_options, load_tokenizer
from bytebpe.cli.streams import stdin, stdin_line_batches, stdout, utf8

_DESCRIPTION = """\
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

_EPILOG = """\
examples:
  echo 'Hello world!' | bytebpe encode tok
  printf 'Hi<|endoftext|>' | bytebpe encode tok --allow-special --json
  bytebpe encode tok --lines < lines.txt > ids.txt
  bytebpe encode cl100k_base.tiktoken --pattern cl100k --special-token '<|endoftext|>=100257' < in.txt > ids.txt"""


def add_encode(commands: Any) -> None:
    """The ``encode`` subcommand."""
    encode = add_command(commands, "encode", "text on stdin to token ids", _DESCRIPTION, _EPILOG, run=run_encode)
    add_loading_options(encode)
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


def run_encode(args: argparse.Namespace) -> int:
    """``bytebpe encode``: UTF-8 text on stdin to ids on stdout."""
    tokenizer = load_tokenizer(args)
    encode = _encoder(tokenizer, allow_special=args.allow_special, special_as_text=args.special_as_text)
    out = stdout()
    if args.lines:
        for first, lines in stdin_line_batches(out):
            texts = [utf8(line, "stdin", line=number) for number, line in enumerate(lines, start=first)]
            for ids in encode(texts, first):
                out.write(_format_ids(ids, as_json=args.json))
    else:
        text = utf8(stdin().read(), "stdin")
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
