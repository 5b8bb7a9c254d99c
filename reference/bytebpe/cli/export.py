"""``bytebpe export``: write a tokenizer in tiktoken's or Hugging Face's format."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bytebpe import Tokenizer, atomic, files
from bytebpe.cli.arguments import add_command, positive_int
from bytebpe.cli.errors import EXIT_OK, CommandError
from bytebpe.cli.loading import add_loading_options, load_tokenizer
from bytebpe.cli.messages import log

_DESCRIPTION = """\
Write a tokenizer in another library's format.

  --to tiktoken     the rank file (.tiktoken) that tiktoken's load_tiktoken_bpe
                    reads; it holds neither the split pattern nor the special
                    tokens, so a line on stderr shows how to pass them to
                    tiktoken.Encoding.
  --to huggingface  tokenizer.json and tokenizer_config.json in the directory
                    --out, for Hugging Face tokenizers and transformers
                    (PreTrainedTokenizerFast); they give the same ids."""


def add_export(commands: Any) -> None:
    """The ``export`` subcommand."""
    export = add_command(
        commands, "export", "write a tokenizer for tiktoken or Hugging Face", _DESCRIPTION, run=run_export
    )
    add_loading_options(export, positional=True)
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
        type=positive_int,
        metavar="N",
        help="with --to huggingface: the model's context length, for tokenizer_config.json",
    )
    export.add_argument("--quiet", "-q", action="store_true", help="write nothing to stderr but errors")


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
        atomic.write_file(out, files.rank_file_bytes(tokenizer.mergeable_ranks), overwrite=True)
        if not args.quiet:
            log(f"wrote {out}; load it with tiktoken: {tiktoken_hint(tokenizer, out)}")
    else:
        written = tokenizer.save_huggingface(out, model_max_length=args.model_max_length, overwrite=True)
        if not args.quiet:
            log(
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
