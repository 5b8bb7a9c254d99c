"""``bytebpe encode-dataset``: a corpus on disk encoded into token shards for training."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from bytebpe.cli.arguments import TOKEN_ID, add_command, positive_int, ray_address, utf8_text
from bytebpe.cli.errors import EXIT_OK, CommandError
from bytebpe.cli.loading import add_loading_options, load_tokenizer
from bytebpe.cli.messages import log, plural
from bytebpe.cli.train import add_corpus_options, corpus_of
from bytebpe.cli.train_report import log_skipped
from bytebpe.corpus_paths import STDIN
from bytebpe.progress import ProgressBars, byte_size, duration
from bytebpe.shards import DEFAULT_SHARD_TOKENS, FORMATS, verify

_DESCRIPTION = """\
Encode every document of FILES into token shards in the directory --out, in
the files training loops read:
  bin      llm.c / modded-nanogpt .bin: a 256-int32 header (magic 20240520,
           version 1 for uint16; magic 20240801, version 7 for uint32; the
           token count), then the ids
  npy      numpy .npy files (numpy.load)
  memmap   one raw file, tokens.bin, as nanoGPT's train.bin
index.json beside them records the tokenizer, the options, and each shard's
file, token count, document count and sha256.

FILES are read as "bytebpe train" reads them (see its --help): .jsonl(.gz),
.parquet and plain text, directories, globs and - for stdin. Each document is
encoded with special-token strings as plain text; --bos and --eot put a token
before and after each one. A shard holds whole documents (a longer one has a
shard of its own) unless --split-documents.

Each shard is written under a temporary name and renamed when complete. A run
that is stopped resumes, when started again with the same arguments, after its
last complete shard, and ends with the same bytes as one that was not. Shards
of other arguments in --out are replaced only with --force; a directory that
holds anything else is never written to."""

_EPILOG = """\
examples:
  bytebpe encode-dataset tok corpus.txt --out shards --shard-tokens 1e8 --eot '<|endoftext|>'
  bytebpe encode-dataset tok 'data/*.parquet' --out shards --to npy --bos '<|bos|>'
  bytebpe encode-dataset tok corpus.txt --out data --to memmap --dtype uint32 --force
  bytebpe encode-dataset tok data/ --ray --out shards

--ray encodes each file in a Ray task and writes the shards on this machine,
the same bytes as without it."""


def add_encode_dataset(commands: Any) -> None:
    """The ``encode-dataset`` subcommand."""
    parser = add_command(
        commands, "encode-dataset", "encode a corpus into token shards", _DESCRIPTION, _EPILOG, run=run_encode_dataset
    )
    add_loading_options(parser)
    parser.add_argument("files", nargs="+", metavar="FILES", help="files, directories, glob patterns and - (stdin)")
    parser.add_argument("--out", "-o", required=True, metavar="DIR", help="the directory of the shards (required)")
    parser.add_argument("--force", action="store_true", help="replace shards of other arguments in --out")
    shards = parser.add_argument_group("the shards")
    shards.add_argument("--to", choices=FORMATS, default="bin", help="the file format (default: bin)")
    shards.add_argument(
        "--dtype", choices=("uint16", "uint32"), help="the id type (default: uint16 when every id fits, else uint32)"
    )
    shards.add_argument(
        "--shard-tokens",
        type=positive_int,
        default=DEFAULT_SHARD_TOKENS,
        metavar="N",
        help=f"ids per shard (default: {DEFAULT_SHARD_TOKENS:.0e})",
    )
    shards.add_argument("--bos", type=_token, metavar="TOKEN", help="a special token (or an id) before each document")
    shards.add_argument("--eot", type=_token, metavar="TOKEN", help="a special token (or an id) after each document")
    shards.add_argument(
        "--split-documents", action="store_true", help="fill every shard, cutting documents where a shard ends"
    )
    shards.add_argument("--threads", type=positive_int, metavar="N", help="threads that encode (default: all cores)")
    shards.add_argument("--verify", action="store_true", help="read every shard back at the end and check its sha256")
    add_corpus_options(parser.add_argument_group("reading the corpus"))
    cluster = parser.add_argument_group("encoding on a Ray cluster (pip install ray)")
    cluster.add_argument("--ray", action="store_true", help="encode each file in a Ray task")
    cluster.add_argument(
        "--ray-address", type=ray_address, metavar="ADDRESS", help="the cluster to join (implies --ray)"
    )
    output = parser.add_argument_group("output on stderr").add_mutually_exclusive_group()
    output.add_argument("--progress", action="store_const", const=True, dest="progress", help="show progress (default)")
    output.add_argument(
        "--no-progress", action="store_const", const=False, dest="progress", help="show only the summary at the end"
    )
    output.add_argument("--quiet", "-q", action="store_const", const=None, dest="progress", help="show only errors")
    parser.set_defaults(progress=True)


def _token(text: str) -> int | str:
    """A special token's string, or an id."""
    utf8_text(text)
    if not text:
        raise argparse.ArgumentTypeError("a token must not be empty")
    return int(text) if TOKEN_ID.fullmatch(text) else text


def run_encode_dataset(args: argparse.Namespace) -> int:
    """``bytebpe encode-dataset``: FILES into shards in --out."""
    tokenizer = load_tokenizer(args)
    on_ray = args.ray or args.ray_address is not None
    if on_ray:
        if args.max_chars is not None:
            raise CommandError("--max-chars does not work with --ray")
        if STDIN in args.files:
            raise CommandError("- (stdin) does not work with --ray: the files are read on other machines")
    corpus = corpus_of(args)
    quiet = args.progress is None
    if not quiet:
        log_skipped(corpus.skipped)
    bars = ProgressBars(sys.stderr) if args.progress else None
    options = {
        "format": args.to,
        "dtype": args.dtype,
        "shard_tokens": args.shard_tokens,
        "bos": args.bos,
        "eot": args.eot,
        "split_documents": args.split_documents,
        "overwrite": args.force,
        "progress": bars,
    }
    started = time.monotonic()
    try:
        if on_ray:
            from bytebpe.shards.on_ray import encode_to_shards_on_ray

            index = encode_to_shards_on_ray(tokenizer, corpus, args.out, address=args.ray_address, **options)
        else:
            index = tokenizer.encode_to_shards(corpus, args.out, num_threads=args.threads, **options)
    finally:
        if bars is not None:
            bars.close()
    if args.verify:
        verify(args.out)
    if not quiet:
        seconds = time.monotonic() - started
        rate = f" ({byte_size((corpus.size or 0) / seconds)}/s)" if corpus.size and seconds > 0 else ""
        log(
            f"wrote {plural(len(index['shards']), 'shard')} to {args.out}: {index['tokens']:,} tokens, "
            f"{plural(index['documents'], 'document')} in {duration(seconds)}{rate}"
            + (", all checksums verified" if args.verify else "")
        )
    return EXIT_OK
