"""``bytebpe eval``: compression of several tokenizers side by side, or of one at many vocabulary sizes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bytebpe import atomic
from bytebpe.cli.arguments import add_command, positive_int
from bytebpe.cli.errors import EXIT_OK, CommandError
from bytebpe.cli.opening import TOKENIZER_KINDS, add_opening_options, open_all
from bytebpe.cli.streams import stdout
from bytebpe.evaluation.compression import evaluate
from bytebpe.evaluation.health import TokenHealth, token_health
from bytebpe.evaluation.plot import check_plot_path, plot_evaluation, plot_sizes
from bytebpe.evaluation.sizes import size_curve
from bytebpe.evaluation.tables import render_markdown, render_text

_DESCRIPTION = """\
Encode each text with each tokenizer and print, side by side, bytes per token,
characters per token, tokens per word and the tokens in all, with each
tokenizer's tokens against the baseline's in percent (negative: fewer tokens).
Each --text is one row: a file, or a directory whose files (hidden ones left
out) are one domain. Special-token strings in the texts count as plain text.

{kinds}

With --health, each tokenizer's token health instead, the texts taken as
held-out text: tokens no text can produce (spec 6.7), tokens whose own text
encodes to other tokens, tokens the texts never produce, the longest tokens,
those of one repeated character or of whitespace, and the tokens merged least
often in training when the model kept the counts.

With --sizes, the one TOKENIZER is truncated to each size (its first merges,
exactly what training to that size gives) and the curve is reported, with the
knee: the size past which a larger vocabulary gains least."""

_DESCRIPTION = _DESCRIPTION.format(kinds=TOKENIZER_KINDS)

_EPILOG = """\
examples:
  bytebpe eval tok cl100k_base gpt2 --text news.txt code/ --markdown eval.md
  bytebpe eval tok --sizes 4096,8192,16384,32768 --text held-out/ --plot curve.png
  bytebpe eval tok --health --text held-out/"""


def add_eval(commands: Any) -> None:
    """The ``eval`` subcommand."""
    parser = add_command(
        commands,
        "eval",
        "compression of tokenizers side by side, or at many sizes",
        _DESCRIPTION,
        _EPILOG,
        run=run_eval,
    )
    parser.add_argument("tokenizers", nargs="+", metavar="TOKENIZER", help="the tokenizers to compare")
    parser.add_argument(
        "--text",
        nargs="+",
        action="extend",
        metavar="FILE_OR_DIR",
        help="UTF-8 texts, one row each: a file, or a directory as one domain (required but with --health)",
    )
    parser.add_argument(
        "--baseline", metavar="TOKENIZER", help="the tokenizer the others are compared with (default: the first)"
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        metavar="N,N,...",
        help="truncate the one TOKENIZER to each of these vocabulary sizes and report the curve",
    )
    parser.add_argument(
        "--health",
        action="store_true",
        help="report each tokenizer's token health instead: unreachable tokens, tokens not their own "
        "encoding, tokens the --text (held-out text) never produces, the longest and the repeated",
    )
    parser.add_argument(
        "--top",
        type=positive_int,
        default=20,
        metavar="N",
        help="with --health, list N tokens of each kind (default: 20)",
    )
    parser.add_argument("--markdown", metavar="PATH", help="also write the tables as markdown to PATH")
    parser.add_argument("--json", metavar="PATH", help="also write every figure as JSON to PATH ('-' for stdout alone)")
    parser.add_argument(
        "--plot", metavar="PATH", help="also draw bytes per token to PATH, a .png or .svg (needs matplotlib)"
    )
    parser.add_argument("--force", action="store_true", help="replace files that --markdown, --json or --plot name")
    parser.add_argument("--threads", type=positive_int, metavar="N", help="encode on N threads (default: all cores)")
    add_opening_options(parser)


def _sizes(text: str) -> list[int]:
    """Comma-separated vocabulary sizes."""
    try:
        sizes = [positive_int(word.strip()) for word in text.split(",") if word.strip()]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected sizes such as 4096,8192,16384, not {text!r}") from None
    if not sizes:
        raise argparse.ArgumentTypeError(f"expected sizes such as 4096,8192,16384, not {text!r}")
    return sizes


def run_eval(args: argparse.Namespace) -> int:
    """``bytebpe eval``: the tables on stdout, and the files asked for."""
    outputs = [path for path in (args.markdown, args.json, args.plot) if path not in (None, "-")]
    for path in outputs:
        if Path(path).exists() and not args.force:
            raise CommandError(f"{path} exists; pass --force to replace it")
    if args.plot is not None:
        check_plot_path(args.plot, overwrite=True)
    if args.health and (args.sizes or args.markdown or args.plot or args.baseline):
        raise CommandError("--health takes no --sizes, --baseline, --markdown or --plot")
    if not args.health and not args.text:
        raise CommandError("give the texts to evaluate on with --text FILE_OR_DIR")
    opened = open_all(args, args.tokenizers)
    if args.health:
        reports = [token_health(each, args.text, top=args.top) for each in opened]
        text = "\n\n".join(render_health(report, top=args.top) for report in reports)
        _write(args, {"health": [report.as_dict() for report in reports]}, text)
        return EXIT_OK
    if args.sizes is not None:
        if len(opened) != 1:
            raise CommandError(f"--sizes takes one TOKENIZER, not {len(opened)}")
        if args.baseline is not None:
            raise CommandError("--sizes compares every size with the largest; it takes no --baseline")
        curve = size_curve(opened[0], args.sizes, args.text, num_threads=args.threads)
        evaluation, figures = curve.evaluation, curve.as_dict()
        knees = [f"knee on {row}: {curve.knee(row):,}" for row in evaluation.rows if curve.knee(row) is not None]
        text = render_text(evaluation) + ("\n\n" + "\n".join(knees) if knees else "")
    else:
        evaluation = evaluate(
            opened, args.text, baseline=0 if args.baseline is None else args.baseline, num_threads=args.threads
        )
        figures, text = evaluation.as_dict(), render_text(evaluation)
    _write(args, figures, text)
    if args.markdown is not None:
        atomic.write_file(args.markdown, render_markdown(evaluation).encode("utf-8"), overwrite=args.force)
    if args.plot is not None:
        if args.sizes is not None:
            plot_sizes(curve, args.plot, overwrite=True)
        else:
            plot_evaluation(evaluation, args.plot, overwrite=True)
    return EXIT_OK


def _write(args: argparse.Namespace, figures: dict[str, Any], text: str) -> None:
    """The text on stdout, or the JSON there with ``--json -``; the JSON file --json names."""
    rendered = json.dumps(figures, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    out = stdout()
    out.write(rendered if args.json == "-" else text.encode("utf-8") + b"\n")
    out.flush()
    if args.json not in (None, "-"):
        atomic.write_file(args.json, rendered, overwrite=args.force)


def render_health(health: TokenHealth, *, top: int) -> str:
    """A token health report for people: each kind of token, counted, with up to ``top`` of them."""
    lines = [f"token health of {health.name} ({health.n_tokens} tokens)"]
    kinds: list[tuple[str, dict[bytes, Any], Any]] = [
        ("unreachable (spec §6.7)", health.unreachable, lambda value: f"{value[0]:>9}  {value[1]:<16}"),
        ("not their own encoding", health.not_own_encoding, lambda value: f"{value[0]:>9}  -> {value[1]}"),
    ]
    if health.never_produced is not None:
        lines.append(f"the texts produce {health.produced} of the {health.n_tokens} tokens")
        kinds.append(("reachable but never produced by the texts", health.never_produced, _id))
    kinds += [
        ("longest", health.longest, _id),
        ("one repeated character", health.repeated, _id),
        ("whitespace only", health.whitespace, _id),
    ]
    if health.least_merged is not None:
        kinds.append(
            ("merged least often in training", health.least_merged, lambda value: f"{value[0]:>9}  x{value[1]:<8}")
        )
    for title, tokens, shown in kinds:
        lines += ["", f"{title}: {len(tokens)}"]
        lines += [f"{shown(value)}  {_literal(token)}" for token, value in list(tokens.items())[:top]]
    return "\n".join(lines)


def _id(value: int) -> str:
    return f"{value:>9}"


def _literal(token: bytes) -> str:
    try:
        return repr(token.decode("utf-8"))
    except UnicodeDecodeError:
        return repr(token)
