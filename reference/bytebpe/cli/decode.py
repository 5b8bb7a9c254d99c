"""``bytebpe decode``: token ids on stdin to text (or bytes) on stdout."""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from bytebpe import Tokenizer
from bytebpe.cli.arguments import TOKEN_ID, add_command
from bytebpe.cli.errors import EXIT_OK, CommandError
from bytebpe.cli.loading import add_loading_options, load_tokenizer
from bytebpe.cli.streams import place, stdin, stdin_line_batches, stdout, utf8

_IDS_TEXT = re.compile(r"[0-9\s]*")

_DESCRIPTION = """\
Decode token ids from stdin into text on stdout.

The input is token ids separated by whitespace, or a JSON list of them. By
default the whole of stdin is one sequence, and its text is written as it is,
with no newline added. With --lines each input line is one sequence, and each
text is written followed by a newline: the reverse of 'encode --lines'.

Token sequences that end in the middle of a UTF-8 character decode with
U+FFFD in its place by default (--errors replace); --bytes writes the exact
bytes instead. An id that the tokenizer does not have is an error."""

_EPILOG = """\
examples:
  echo '300 301 0' | bytebpe decode tok
  echo '[300, 301, 0]' | bytebpe decode tok
  bytebpe decode tok --lines < ids.txt > lines.txt
  bytebpe encode tok < in.txt | bytebpe decode tok | cmp - in.txt"""


def add_decode(commands: Any) -> None:
    """The ``decode`` subcommand."""
    decode = add_command(commands, "decode", "token ids on stdin to text", _DESCRIPTION, _EPILOG, run=run_decode)
    add_loading_options(decode)
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


def run_decode(args: argparse.Namespace) -> int:
    """``bytebpe decode``: ids on stdin to text (or bytes) on stdout."""
    tokenizer = load_tokenizer(args)
    out = stdout()
    if args.lines:
        for first, lines in stdin_line_batches(out):
            for number, line in enumerate(lines, start=first):
                where = place("stdin", number)
                ids = _parse_ids(utf8(line, "stdin", line=number), where)
                out.write(_decoded(tokenizer, ids, args, where) + b"\n")
    else:
        ids = _parse_ids(utf8(stdin().read(), "stdin"), "stdin")
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
        except RecursionError:
            raise CommandError(f"{where}: a JSON list nested too deeply to read") from None
        if not isinstance(value, list) or not all(type(item) is int for item in value):
            raise CommandError(f"{where}: expected a JSON list of integers (token ids)")
        return value
    words = stripped.split()
    if not _IDS_TEXT.fullmatch(stripped):
        bad = next(word for word in words if not TOKEN_ID.fullmatch(word))
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
