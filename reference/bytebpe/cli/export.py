"""``bytebpe export``: write a tokenizer in tiktoken's or Hugging Face's format."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from bytebpe import Tokenizer, atomic, files
from bytebpe.cli.arguments import add_command, positive_int
from bytebpe.cli.errors import EXIT_OK, CommandError
from bytebpe.cli.loading import add_loading_options, load_tokenizer
from bytebpe.cli.messages import log

_RANK_FILE_PROBE = 64 * 1024
_RANK_LINE = re.compile(rb"[A-Za-z0-9+/]+={0,2} [0-9]+")

_DESCRIPTION = """\
Write a tokenizer in another library's format.

  --to tiktoken     the rank file (.tiktoken) that tiktoken's load_tiktoken_bpe
                    reads; it holds neither the split pattern nor the special
                    tokens, so the lines on stderr show the Python that builds
                    the tiktoken.Encoding with them.
  --to huggingface  tokenizer.json and tokenizer_config.json in the directory
                    --out, for Hugging Face tokenizers and transformers
                    (PreTrainedTokenizerFast); they give the same ids. Other
                    files in that directory (model weights) stay.

An existing --out is replaced only with --force, and then only if it holds what
an export writes: a rank file, or a directory with a tokenizer.json. Any other
file or directory is never replaced."""

_EPILOG = """\
examples:
  bytebpe export tok --to tiktoken --out tok.tiktoken
  bytebpe export tok --to huggingface --out tok-hf --model-max-length 2048
  bytebpe export tok --to tiktoken --out tok.tiktoken --force"""


def add_export(commands: Any) -> None:
    """The ``export`` subcommand."""
    export = add_command(
        commands, "export", "write a tokenizer for tiktoken or Hugging Face", _DESCRIPTION, _EPILOG, run=run_export
    )
    add_loading_options(export)
    export.add_argument("--to", required=True, choices=("tiktoken", "huggingface"), help="the format (required)")
    export.add_argument(
        "--out",
        "-o",
        required=True,
        metavar="PATH",
        help="the .tiktoken file, or the directory for Hugging Face, to write (required)",
    )
    export.add_argument("--force", action="store_true", help="replace an earlier export at --out")
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
        _check_rank_file_target(out, force=args.force)
        # The saved rank file, byte for byte: Tokenizer.load checked it against its checksum.
        atomic.write_file(out, files.rank_file_bytes(tokenizer.mergeable_ranks), overwrite=args.force)
        if not args.quiet:
            log(f"wrote {out}; load it with tiktoken in Python:\n  {tiktoken_hint(tokenizer, out)}")
    else:
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out} is a file; --to huggingface writes a directory")
        written = tokenizer.save_huggingface(out, model_max_length=args.model_max_length, overwrite=args.force)
        if not args.quiet:
            log(f"wrote tokenizer.json and tokenizer_config.json to {written}; load it in Python with:")
            for line in huggingface_hints(written):
                log(f"  {line}")
    return EXIT_OK


def _check_rank_file_target(out: Path, *, force: bool) -> None:
    """Fail unless ``out`` is free, or (with ``force``) an earlier rank file: never replace anything else."""
    if out.is_dir():
        raise CommandError(f"--out {out} is a directory; give the name of the .tiktoken file to write")
    if not out.exists():
        return
    if not _looks_like_rank_file(out):
        raise CommandError(
            f"--out {out} exists and is not a rank file; refusing to replace it, even with --force: choose another name"
        )
    if not force:
        raise CommandError(f"--out {out} exists (a rank file); pass --force to replace it")


def _looks_like_rank_file(path: Path) -> bool:
    """Whether the start of ``path`` is lines of "base64 rank" (only the start: --out may name a
    corpus of many GB, which is no rank file and must not be read whole to find that out)."""
    try:
        with open(path, "rb") as file:
            head = file.read(_RANK_FILE_PROBE + 1)
    except OSError:
        return False
    lines = head[:_RANK_FILE_PROBE].split(b"\n")
    if len(head) > _RANK_FILE_PROBE or lines[-1]:
        lines = lines[:-1]  # the last one is cut off, or has no newline
    lines = [line for line in lines if line]
    return bool(lines) and all(_RANK_LINE.fullmatch(line) for line in lines)


def tiktoken_hint(tokenizer: Tokenizer, path: Path) -> str:
    """One line of Python that builds the tiktoken.Encoding of ``tokenizer`` from its rank file at ``path``."""
    # tiktoken.load is a submodule that `import tiktoken` does not import.
    return (
        "import tiktoken, tiktoken.load; "
        f"enc = tiktoken.Encoding('bytebpe', pat_str={tokenizer.pattern!r}, "
        f"mergeable_ranks=tiktoken.load.load_tiktoken_bpe({str(path)!r}), "
        f"special_tokens={tokenizer.special_tokens!r})"
    )


def huggingface_hints(directory: Path) -> list[str]:
    """Lines of Python that load the export in ``directory`` with tokenizers and with transformers."""
    return [
        f"import tokenizers; tok = tokenizers.Tokenizer.from_file({str(Path(directory, 'tokenizer.json'))!r})",
        f"import transformers; tok = transformers.PreTrainedTokenizerFast.from_pretrained({str(directory)!r})",
    ]
