"""``bytebpe train DATA_DIR --nanochat``: nanochat's ``scripts/tok_train.py`` from the command line.

It runs :func:`bytebpe.nanochat.tok_train`: the shards of nanochat's data directory but the
last (its validation split), each document cut to ``--doc-cap``, documents read until more than
``--max-chars`` characters (the last one whole, as nanochat reads them), nanochat's pattern and
special tokens, and nanochat's files saved beside bytebpe's.
"""

from __future__ import annotations

import argparse
from typing import Any

from bytebpe.cli.errors import CommandError
from bytebpe.patterns import DEFAULT_PATTERN
from bytebpe.progress import ProgressCallback
from bytebpe.tokenizer import Tokenizer

HELP = (
    "train as nanochat's scripts/tok_train.py: FILES is nanochat's data directory (base_data), whose last "
    ".parquet shard is left out for validation; nanochat's pattern and special tokens; --max-chars (default "
    "1e10, the document that crosses it read whole) and --doc-cap (default 10000); and tokenizer.pkl and "
    "token_bytes.pt (with torch) written beside bytebpe's files, for nanochat's RustBPETokenizer.from_directory"
)


def add_nanochat_option(parser: Any) -> None:
    """The ``--nanochat`` option of ``bytebpe train``."""
    parser.add_argument("--nanochat", action="store_true", help=HELP)


def train_like_tok_train(args: argparse.Namespace, *, progress: ProgressCallback) -> Tokenizer:
    """Run tok_train.py's recipe with the options of ``bytebpe train``; return the saved tokenizer.

    The options that nanochat's recipe fixes must be left at their defaults; ``args.special_tokens``
    is set to nanochat's, so that the summary counts them.
    """
    from bytebpe.nanochat import SPECIAL_TOKENS, tok_train
    from bytebpe.nanochat.training import DOC_CAP, MAX_CHARS

    fixed = {
        "--pattern": args.pattern != DEFAULT_PATTERN,
        "--special-token": bool(args.special_tokens),
        "--min-frequency": args.min_frequency != 1,
        "--ray": args.ray or args.ray_address is not None,
        "--format": args.format is not None,
        "--include/--exclude": bool(args.include or args.exclude),
    }
    given = [name for name, changed in fixed.items() if changed]
    if given:
        raise CommandError(f"--nanochat trains with nanochat's own settings: leave out {', '.join(given)}")
    if len(args.files) != 1:
        raise CommandError("--nanochat reads one directory, nanochat's base_data: give it as the only FILES")
    tokenizer = tok_train(
        args.files[0],
        args.out,
        vocab_size=args.vocab_size,
        max_chars=args.max_chars if args.max_chars is not None else MAX_CHARS,
        doc_cap=args.doc_cap if args.doc_cap is not None else DOC_CAP,
        max_token_length=args.max_token_length,
        implementation=args.implementation,
        progress=progress,
        overwrite=args.force,
    )
    args.special_tokens = list(SPECIAL_TOKENS)
    return tokenizer.enc
