"""bytebpe: byte-level BPE with two implementations held to one spec (spec/bpe.md).

* ``bytebpe.implementation("reference")``: pure Python, the executable spec.
* ``bytebpe.implementation("fast")``: the Rust core, which agrees with it merge for merge.
* ``bytebpe.Tokenizer``: train, encode, decode, save, load and export, on either of them.
* ``bytebpe.Corpus``: documents read lazily from .txt, .jsonl(.gz) and .parquet files.
* ``bytebpe.PieceCounts``: a corpus's piece counts, which add up across shards (spec §4.1.1).

    >>> import bytebpe
    >>> tok = bytebpe.Tokenizer.train(["hello hello world"], 260, implementation="reference")
    >>> tok.decode(tok.encode_ordinary("hello world"))
    'hello world'
"""

from __future__ import annotations

import importlib
from types import ModuleType

from bytebpe.corpus import Corpus
from bytebpe.counts import PieceCounts
from bytebpe.files import FormatError
from bytebpe.patterns import DEFAULT_PATTERN, PATTERNS
from bytebpe.tokenizer import Tokenizer

__all__ = [
    "DEFAULT_PATTERN",
    "IMPLEMENTATIONS",
    "PATTERNS",
    "Corpus",
    "FormatError",
    "PieceCounts",
    "Tokenizer",
    "__version__",
    "implementation",
]


__version__ = "0.1.0"
"""The package's version, the same as pyproject.toml's and fast/Cargo.toml's (a test checks). A
constant rather than a look-up in the installed metadata: importlib.metadata costs ~12 ms on first
use, and every trained tokenizer records the version."""


IMPLEMENTATIONS: tuple[str, ...] = ("reference", "fast")
"""The names :func:`implementation` accepts: the pure-Python executable spec and the Rust core."""


def implementation(name: str) -> ModuleType:
    """Return the module of the implementation called ``name`` (one of IMPLEMENTATIONS).

    Both modules offer ``split``, ``train`` and ``Encoder`` with the same signatures and errors.
    Asking for "fast" when the compiled core is missing raises ImportError: bytebpe never falls
    back to the reference silently.
    """
    if name not in IMPLEMENTATIONS:
        raise ValueError(f"unknown implementation {name!r}; choose one of: {', '.join(map(repr, IMPLEMENTATIONS))}")
    return importlib.import_module(f"bytebpe.{name}")
