"""``bytebpe inspect``: a tokenizer's vocabulary statistics, and how well it compresses a text, as text or JSON."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from bytebpe import Tokenizer
from bytebpe.cli.arguments import add_command, non_negative_int
from bytebpe.cli.errors import EXIT_OK
from bytebpe.cli.loading import add_loading_options, load_tokenizer
from bytebpe.cli.messages import plural
from bytebpe.cli.streams import stdin, stdout, utf8

HISTOGRAM_WIDTH = 40

_DESCRIPTION = """\
Print statistics about a tokenizer to stdout: the vocabulary's size (bytes,
merges, special tokens), the split pattern, how it was trained, its longest
tokens and a histogram of token lengths in bytes. With --text, also how well it
compresses that file: tokens, and bytes and characters per token (special-token
strings in the file count as plain text).

Tokens are shown as Python literals: a str when their bytes are valid UTF-8,
else bytes (b'\\xe4\\xb8')."""

_EPILOG = """\
examples:
  bytebpe inspect tok
  bytebpe inspect tok --text sample.txt --top 5
  bytebpe inspect tok --json"""


def add_inspect(commands: Any) -> None:
    """The ``inspect`` subcommand."""
    inspect = add_command(
        commands, "inspect", "vocabulary statistics of a tokenizer", _DESCRIPTION, _EPILOG, run=run_inspect
    )
    add_loading_options(inspect)
    inspect.add_argument(
        "--text", metavar="FILE", help="also encode this UTF-8 file ('-' for stdin) and report the compression"
    )
    inspect.add_argument(
        "--top",
        type=non_negative_int,
        default=10,
        metavar="N",
        help="how many of the longest tokens to list (default: 10)",
    )
    inspect.add_argument("--json", action="store_true", help="write one JSON object instead of text")


def run_inspect(args: argparse.Namespace) -> int:
    """``bytebpe inspect``: statistics of a tokenizer, as text or JSON, on stdout."""
    tokenizer = load_tokenizer(args)  # sets args.tokenizer from the old -t too
    stats = tokenizer_statistics(tokenizer, top=args.top)
    stats = {"tokenizer": args.tokenizer, **stats}
    if args.text is not None:
        stats["text"] = text_statistics(tokenizer, args.text)
    rendered = json.dumps(stats, indent=2, ensure_ascii=False) if args.json else _render_statistics(stats)
    out = stdout()
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
    data = stdin().read() if path == "-" else Path(path).read_bytes()
    text = utf8(data, "stdin" if path == "-" else path)
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
    unused = f", {plural(stats['unused_ids'], 'unused id')}" if stats["unused_ids"] else ""
    lines = [
        f"tokenizer       {stats['tokenizer']}",
        f"n_vocab         {stats['n_vocab']} "
        f"(256 bytes + {plural(stats['merges'], 'merge')} + {plural(len(specials), 'special token')}{unused})",
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
