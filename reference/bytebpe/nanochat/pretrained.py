"""tiktoken's registered encodings (``gpt2``, ``cl100k_base``, ...), as nanochat's
``from_pretrained`` loads them, with an error that says where tiktoken looks for them.

tiktoken keeps no encoding in its package: the first ``get_encoding`` downloads the rank file and
caches it in ``$TIKTOKEN_CACHE_DIR``, else ``$DATA_GYM_CACHE_DIR``, else
``<temporary directory>/data-gym-cache``, under the SHA-1 of its URL. Offline, it finds the
file there or fails.
"""

from __future__ import annotations

import os
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

__all__ = ["cache_directory", "get_encoding"]


def cache_directory() -> str:
    """Where tiktoken caches the encodings it downloads, by the rule of its ``read_file_cached``
    ("" when caching is turned off)."""
    for variable in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if variable in os.environ:
            return os.environ[variable]
    return os.path.join(tempfile.gettempdir(), "data-gym-cache")


def get_encoding(name: str) -> tiktoken.Encoding:
    """``tiktoken.get_encoding(name)``; OSError naming tiktoken's cache when it cannot be read
    or downloaded, ImportError when tiktoken is missing, ValueError for an unknown name."""
    if not isinstance(name, str):
        raise TypeError(f"a tiktoken encoding's name is a str, not {type(name).__name__}")
    try:
        import tiktoken
    except ImportError as err:
        raise ImportError(f"loading tiktoken's encoding {name!r} needs tiktoken: pip install tiktoken") from err
    try:
        return tiktoken.get_encoding(name)
    except OSError as err:  # requests' errors are OSErrors too
        cache = cache_directory()
        raise OSError(
            f"tiktoken could not load the encoding {name!r} ({type(err).__name__}: {err}). tiktoken reads it from "
            f"its cache, {cache!r} (TIKTOKEN_CACHE_DIR, else DATA_GYM_CACHE_DIR, else <tmp>/data-gym-cache), and "
            "downloads it from the internet only when it is not there. Offline, copy a cache that holds it to that "
            "directory, or point TIKTOKEN_CACHE_DIR at one."
        ) from err
