"""``bytebpe diff``: what changed between two tokenizers' vocabularies, and which of it a text uses."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bytebpe import atomic
from bytebpe.cli.arguments import add_command, non_negative_int
from bytebpe.cli.errors import EXIT_OK, CommandError
from bytebpe.cli.messages import plural
from bytebpe.cli.opening import TOKENIZER_KINDS, add_opening_options, open_all
from bytebpe.cli.streams import stdout
from bytebpe.evaluation.diff import VocabularyDiff, vocabulary_diff

_DESCRIPTION = """\
Compare the vocabularies of two tokenizers A and B: the first merge where they
part, the tokens only A has, those only B has, the shared tokens with other
ids, and the special tokens. With --text, also which of each side's own tokens
its encoding of the texts uses, most used first.

{kinds} Hugging Face tokenizers
cannot be compared.

Tokens are shown as Python literals: a str when their bytes are valid UTF-8,
else bytes."""


_DESCRIPTION = _DESCRIPTION.format(kinds=TOKENIZER_KINDS)


def add_diff(commands: Any) -> None:
    """The ``diff`` subcommand."""
    parser = add_command(commands, "diff", "what changed between two vocabularies", _DESCRIPTION, run=run_diff)
    parser.add_argument("a", metavar="A", help="the first tokenizer")
    parser.add_argument("b", metavar="B", help="the second tokenizer")
    parser.add_argument(
        "--text", nargs="+", action="extend", metavar="FILE_OR_DIR", help="UTF-8 texts to look for the tokens in"
    )
    parser.add_argument(
        "--top", type=non_negative_int, default=20, metavar="N", help="list at most N tokens of each kind (default: 20)"
    )
    parser.add_argument(
        "--json", metavar="PATH", help="write every token as JSON to PATH ('-' for stdout, instead of the text)"
    )
    parser.add_argument("--force", action="store_true", help="replace the file --json names")
    add_opening_options(parser)


def run_diff(args: argparse.Namespace) -> int:
    """``bytebpe diff``: the differences on stdout, or as JSON."""
    if args.json not in (None, "-") and Path(args.json).exists() and not args.force:
        raise CommandError(f"{args.json} exists; pass --force to replace it")
    a, b = open_all(args, [args.a, args.b])
    diff = vocabulary_diff(a, b, texts=args.text)
    rendered = json.dumps(diff.as_dict(), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    if args.json not in (None, "-"):
        atomic.write_file(args.json, rendered, overwrite=args.force)
    out = stdout()
    out.write(rendered if args.json == "-" else render_diff(diff, top=args.top).encode("utf-8") + b"\n")
    out.flush()
    return EXIT_OK


def render_diff(diff: VocabularyDiff, *, top: int) -> str:
    """The diff for people: counts, the first difference, and up to ``top`` tokens of each kind."""
    lines = [f"A  {diff.a}", f"B  {diff.b}", ""]
    if diff.divergence is None:
        lines.append("the merges are the same")
    else:
        where = diff.divergence
        lines.append(f"first difference at merge {where.merge}: A makes {_shown(where.a)}, B makes {_shown(where.b)}")
    lines.append(
        f"{plural(diff.shared, 'shared token')} ({len(diff.moved)} with other ids), "
        f"{len(diff.only_a)} only in A, {len(diff.only_b)} only in B"
    )
    for title, tokens in (("only in A", diff.only_a), ("only in B", diff.only_b)):
        if tokens:
            lines += ["", f"{title} (first {min(top, len(tokens))} by id):"]
            lines += [f"{rank:>9}  {_shown(token)}" for token, rank in list(tokens.items())[:top]]
    if diff.moved:
        lines += [
            "",
            f"shared with other ids (first {min(top, len(diff.moved))}):",
            f"{'id in A':>9}  {'id in B':>9}  token",
        ]
        lines += [f"{ids[0]:>9}  {ids[1]:>9}  {_shown(token)}" for token, ids in list(diff.moved.items())[:top]]
    specials = [
        *(f"  {token!r} only in A ({i})" for token, i in diff.special_only_a.items()),
        *(f"  {token!r} only in B ({i})" for token, i in diff.special_only_b.items()),
        *(f"  {token!r} is {ids[0]} in A, {ids[1]} in B" for token, ids in diff.special_moved.items()),
    ]
    if specials:
        lines += ["", "special tokens:", *specials]
    if diff.used_a is not None and diff.used_b is not None:
        for side, used, own in (("A", diff.used_a, diff.only_a), ("B", diff.used_b, diff.only_b)):
            lines += ["", f"{side}'s own tokens in the text: {len(used)} of {len(own)} used"]
            lines += [f"{count:>9}  {_shown(token)}" for token, count in list(used.items())[:top]]
    return "\n".join(lines)


def _shown(token: bytes | None) -> str:
    if token is None:
        return "nothing (no more merges)"
    try:
        return repr(token.decode("utf-8"))
    except UnicodeDecodeError:
        return repr(token)
