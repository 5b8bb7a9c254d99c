"""How the command line fails: its exit statuses, its own errors, and errors told as one line in
the command line's words."""

from __future__ import annotations

import re
from collections.abc import Collection

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# What a shell reports for a process that SIGPIPE ended; `bytebpe encode ... | head` gets it.
EXIT_BROKEN_PIPE = 141

# The library's errors for bad input, files and settings (bytebpe.FormatError is a ValueError,
# FileNotFoundError and FileExistsError are OSErrors); a number too large, a file nested too
# deep and a machine out of memory are bad input too, not bugs of the command line. Anything
# else is a bug and keeps its traceback.
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    TypeError,
    KeyError,
    OSError,
    ImportError,
    OverflowError,
    RecursionError,
    MemoryError,
)


class CommandError(Exception):
    """An error of the command line itself (not of the library), reported as one line like the library's."""


class UsageError(CommandError):
    """A command line that cannot be run as given (exit status 2, as argparse's errors)."""


# The library's messages name its Python arguments; the command line has options instead.
# (argument, option) pairs; "name='value'" becomes "--option value".
_OPTIONS = (
    ("vocab_size", "--vocab-size"),
    ("min_frequency", "--min-frequency"),
    ("max_chars", "--max-chars"),
    ("doc_cap", "--doc-cap"),
    ("text_field", "--text-field"),
    ("txt_split", "--txt-split"),
    ("special_tokens", "--special-token"),
    ("model_max_length", "--model-max-length"),
    ("allowed_special", "--allow-special"),
    ("shard_bytes", "--shard-size"),
    ("errors", "--errors"),
    ("pattern", "--pattern"),
    ("overwrite", "--force"),
)
_ASSIGNMENT = re.compile(r"\b(" + "|".join(name for name, _ in _OPTIONS) + r")=(?:'([^']*)'|\"([^\"]*)\"|(\w+))")
# Bare names only where they cannot be an English word: those with an underscore; and not in
# quotes, where they are the fields of a file ("field 'special_tokens' must be a dict").
_NAME = re.compile(r"(?<!['\"])\b(" + "|".join(name for name, _ in _OPTIONS if "_" in name) + r")\b(?!['\"])")
_FLAG = dict(_OPTIONS)


def in_cli_words(message: str, options: Collection[str] | None = None) -> str:
    """``message`` with the library's argument names as the command line's options:
    "pass errors='replace'" becomes "pass --errors replace", "vocab_size" "--vocab-size",
    "overwrite=True" "--force". With ``options`` (the flags of the command that ran), a name
    whose option the command lacks stays as it is: there it means something else."""

    def known(name: str) -> bool:
        return options is None or _FLAG[name] in options

    def assignment(match: re.Match[str]) -> str:
        if not known(match.group(1)):
            return match.group(0)
        flag = _FLAG[match.group(1)]
        value = next(group for group in match.groups()[1:] if group is not None)
        return flag if flag == "--force" else f"{flag} {value}"

    def name(match: re.Match[str]) -> str:
        return _FLAG[match.group(1)] if known(match.group(1)) else match.group(0)

    return _NAME.sub(name, _ASSIGNMENT.sub(assignment, message))


def describe_error(error: BaseException, options: Collection[str] | None = None) -> str:
    """The message of ``error`` as one line, in the command line's words (see :func:`in_cli_words`)."""
    if isinstance(error, KeyError) and len(error.args) == 1 and isinstance(error.args[0], str):
        message = error.args[0]  # str(KeyError) would be the repr of its argument, quotes and all
    elif isinstance(error, OSError) and error.strerror and error.filename is not None:
        message = f"{error.filename}: {error.strerror}"  # rather than "[Errno 2] ...: 'name'"
    elif isinstance(error, RecursionError):
        message = "the input is nested too deeply to read"
    elif isinstance(error, MemoryError):
        message = f"out of memory{': ' + str(error) if str(error) else ''}"
    else:
        message = str(error) or type(error).__name__
    if not isinstance(error, CommandError):
        message = in_cli_words(message, options)
    return " ".join(message.split("\n"))
