"""The Tokenizer's checks of arguments that no section of the spec covers: paths, iterables
of ids, token texts, error handlers. Each raises TypeError or ValueError naming the argument,
before a confusing error from deeper down ("'NoneType' object is not iterable") could.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable
from typing import Any


def check_path(path: Any) -> Any:
    """``path``, if it is a str, bytes or os.PathLike; TypeError naming it otherwise."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, not {type(path).__name__}")
    return path


def check_iterable(value: Any, name: str, of: str) -> Any:
    """``value``, if it is an iterable and not a str or bytes; TypeError naming ``name`` otherwise.

    Iterating bytes gives ints and a str its characters: either would pass item by item as
    something it is not.
    """
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be an iterable of {of}, not {type(value).__name__}")
    return value


def check_token_text(value: Any, name: str, kinds: type | tuple[type, ...]) -> Any:
    """``value``, if it is one of ``kinds`` (str, or str and bytes); TypeError naming ``name`` otherwise."""
    if not isinstance(value, kinds):
        wanted = " or ".join(kind.__name__ for kind in (kinds if isinstance(kinds, tuple) else (kinds,)))
        raise TypeError(f"{name} must be a {wanted}, not {type(value).__name__}")
    return value


def check_errors(errors: Any) -> str:
    """``errors``, if it names a registered error handler (``bytes.decode``'s); TypeError/ValueError otherwise."""
    if not isinstance(errors, str):
        raise TypeError(f"errors must be a str, not {type(errors).__name__}")
    try:
        codecs.lookup_error(errors)
    except (LookupError, ValueError):
        raise ValueError(f"errors must name an error handler such as 'replace' or 'strict', not {errors!r}") from None
    return errors
