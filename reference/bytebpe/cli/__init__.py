"""The ``bytebpe`` command line: train, encode, decode, inspect and export tokenizers.

::

    bytebpe train data/ --vocab-size 32768 --special-token '<|endoftext|>' --out tok
    echo 'Hello world!' | bytebpe encode tok
    bytebpe encode tok --lines < lines.txt | bytebpe decode tok --lines
    bytebpe inspect tok --text sample.txt
    bytebpe export tok --to tiktoken --out tok.tiktoken
    bytebpe export tok --to huggingface --out tok-hf

Every command follows the same conventions, so that it composes in pipelines:

* One grammar: the tokenizer a command works with is its first argument, TOKENIZER; every
  option is spelled in the command line's words, and messages name options, never Python
  arguments. No option takes more than one word, so none can swallow FILES.
* Nothing is overwritten without ``--force``, and ``--force`` never replaces what bytebpe did
  not write.

* Data (ids, text, statistics) goes to stdout; progress bars and log lines go to stderr. ``bytebpe
  encode tok < in.txt > ids.txt`` thus captures the ids and nothing else.
* Text is read and written as UTF-8 bytes, whatever the locale, and never newline-translated, so a
  round trip through ``encode`` and ``decode`` gives back the input byte for byte ("\\r\\n" too).
* Exit status: 0 on success; 1 for an error, reported as one line ``bytebpe: error: ...`` on stderr
  and no traceback; 2 for a usage error (one line too); 130 after Ctrl-C, with
  ``bytebpe: interrupted`` on stderr. Only the errors the library raises for bad input, files or
  settings are reported this way; anything else is a bug and keeps its traceback.

Each command is a module of this package (``train``, ``encode``, ``decode``, ``inspect``,
``export``) holding its parser and its ``run_*`` function; their help texts are the command's
documentation: ``bytebpe COMMAND --help``. Every example a help text shows is run by the tests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from collections.abc import Iterator

from bytebpe import __version__
from bytebpe.cli.arguments import ArgumentParser, HelpFormatter
from bytebpe.cli.decode import add_decode
from bytebpe.cli.diff import add_diff
from bytebpe.cli.encode import add_encode
from bytebpe.cli.encode_dataset import add_encode_dataset
from bytebpe.cli.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    EXPECTED_ERRORS,
    CommandError,
    UsageError,
    describe_error,
)
from bytebpe.cli.eval import add_eval
from bytebpe.cli.export import add_export
from bytebpe.cli.inspect import add_inspect
from bytebpe.cli.train import add_train

__all__ = ["CommandError", "build_parser", "describe_error", "main"]

_DESCRIPTION = """\
Train, use and export byte-level BPE tokenizers.

Data (ids, text, statistics) goes to stdout; progress and logs go to stderr.
Exit status: 0 on success, 1 on an error (one line on stderr: "bytebpe: error:
..."), 2 on a usage error, 130 when interrupted with Ctrl-C."""

_EPILOG = """\
examples:
  bytebpe train data/ --vocab-size 32768 --special-token '<|endoftext|>' --out tok
  echo 'Hello world!' | bytebpe encode tok
  bytebpe encode tok --lines < lines.txt | bytebpe decode tok --lines
  bytebpe inspect tok --text sample.txt
  bytebpe export tok --to tiktoken --out tok.tiktoken

Run "bytebpe COMMAND --help" for the options of a command."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse's way out, for --help (0) and usage errors (2)
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    try:
        with _warnings_as_messages():
            return args.run(args)
    except KeyboardInterrupt:
        print("bytebpe: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`... | head`): nothing is wrong, and there is no one to tell.
        # Point stdout at /dev/null so that the interpreter's final flush does not complain.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except (CommandError, *EXPECTED_ERRORS) as error:
        options = {flag for action in args.parser._actions for flag in action.option_strings}
        if isinstance(error, UsageError):
            message = describe_error(error, options)
            print(f"bytebpe: error: {message} (see: bytebpe {args.command} --help)", file=sys.stderr)
            return EXIT_USAGE
        print(f"bytebpe: error: {describe_error(error, options)}", file=sys.stderr)
        return EXIT_ERROR


@contextlib.contextmanager
def _warnings_as_messages() -> Iterator[None]:
    """Show the library's warnings (bytebpe.FewerMergesWarning, ...) as one line each on stderr,
    ``bytebpe: warning: ...``, rather than as Python's file:line report."""
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _show_warning
        yield


def _show_warning(message: Warning | str, *_: object, **__: object) -> None:
    print(f"bytebpe: warning: {' '.join(str(message).split())}", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``bytebpe`` command; each subcommand sets ``run``."""
    parser = ArgumentParser(prog="bytebpe", description=_DESCRIPTION, epilog=_EPILOG, formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"bytebpe {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")
    add_train(commands)
    add_encode(commands)
    add_decode(commands)
    add_inspect(commands)
    add_export(commands)
    add_eval(commands)
    add_diff(commands)
    add_encode_dataset(commands)
    return parser
