"""``bytebpe extend``: continue BPE from a tokenizer on new text and save the larger tokenizer."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

from bytebpe import Corpus, files
from bytebpe.cli.arguments import add_command, non_negative_int, positive_int
from bytebpe.cli.errors import EXIT_OK
from bytebpe.cli.loading import add_loading_options, load_tokenizer
from bytebpe.cli.messages import log

_DESCRIPTION = """\
Extend a tokenizer's vocabulary: count the documents in INPUTS with its split
pattern, encode each piece with it, and go on merging by training's rule until
--vocab-size ids (spec 4.7). Every token and special token keeps its id; the new
tokens take the ids from the tokenizer's n_vocab on. This is how a tokenizer is
adapted to a new language or domain.

TOKENIZER is anything bytebpe loads: a saved tokenizer, a .tiktoken rank file
(with --pattern), nanochat's tokenizer.pkl or a Hugging Face tokenizer.json
without normalizers or pre-splits. The result is saved to --out as bytebpe saves
a tokenizer; an imported Hugging Face model is saved as tokenizer.json instead.
An existing --out is replaced only with --force."""

_EPILOG = """\
examples:
  bytebpe extend tok german/*.txt --vocab-size 40000 --out tok-de
  bytebpe extend cl100k_base.tiktoken code/ --pattern cl100k --vocab-size 110000 --out tok-code"""


def add_extend(commands: Any) -> None:
    """The ``extend`` subcommand."""
    extend = add_command(
        commands, "extend", "continue BPE from a tokenizer on new text", _DESCRIPTION, _EPILOG, run=run_extend
    )
    add_loading_options(extend)
    extend.add_argument("inputs", nargs="+", metavar="INPUTS", help="files, directories or globs of new text")
    extend.add_argument(
        "--vocab-size", type=positive_int, required=True, metavar="N", help="ids in all, at least n_vocab (required)"
    )
    extend.add_argument("--out", "-o", required=True, metavar="DIR", help="the directory to save to (required)")
    extend.add_argument("--force", action="store_true", help="replace a tokenizer already saved at --out")
    extend.add_argument("--min-frequency", type=non_negative_int, default=1, metavar="N", help="as in train")
    extend.add_argument("--max-token-length", type=positive_int, metavar="BYTES", help="as in train")
    extend.add_argument("--quiet", "-q", action="store_true", help="write nothing to stderr but errors")


def run_extend(args: argparse.Namespace) -> int:
    """``bytebpe extend``: extend the tokenizer and save it."""
    if args.quiet:
        warnings.simplefilter("ignore")
    out = Path(args.out)
    tokenizer = load_tokenizer(args)
    # A merge-list model (imported from Hugging Face) has no rank-table save; its export keeps it.
    as_huggingface = tokenizer._ignore_merges is not None
    if not as_huggingface:
        try:
            files.check_save_target(out, overwrite=args.force)
        except FileExistsError as error:
            raise FileExistsError(f"--out {error}") from None
    corpus = Corpus(args.inputs)
    extended = tokenizer.extend(
        corpus, args.vocab_size, min_frequency=args.min_frequency, max_token_length=args.max_token_length
    )
    if not as_huggingface:
        extended.save(out, overwrite=args.force)
    else:
        extended.save_huggingface(out, overwrite=args.force)
    if not args.quiet:
        log(f"extended {tokenizer.n_vocab} to {extended.n_vocab} ids; saved to {out}")
    return EXIT_OK
