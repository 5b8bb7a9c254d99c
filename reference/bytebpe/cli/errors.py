"""How the command line fails: its exit statuses, its own error, and errors told as one line."""

from __future__ import annotations

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# What a shell reports for a process that SIGPIPE ended; `bytebpe encode ... | head` gets it.
EXIT_BROKEN_PIPE = 141

# The library's errors for bad input, files and settings (bytebpe.FormatError is a ValueError,
# FileNotFoundError and FileExistsError are OSErrors). Anything else is a bug and keeps its traceback.
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (ValueError, TypeError, KeyError, OSError, ImportError)


class CommandError(Exception):
    """An error of the command line itself (not of the library), reported as one line like the library's."""


def describe_error(error: BaseException) -> str:
    """The message of ``error`` as one line."""
    if isinstance(error, KeyError) and len(error.args) == 1 and isinstance(error.args[0], str):
        message = error.args[0]  # str(KeyError) would be the repr of its argument, quotes and all
    elif isinstance(error, OSError) and error.strerror and error.filename is not None:
        message = f"{error.filename}: {error.strerror}"  # rather than "[Errno 2] ...: 'name'"
    else:
        message = str(error) or type(error).__name__
    return " ".join(message.split("\n"))
