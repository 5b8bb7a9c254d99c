"""The implementations a Tokenizer can run on, by name: the one list of them.

Both modules offer the same interface: ``NAME``, ``split``, ``count``, ``train``,
``train_from_counts``, their ``*_with_ranks`` forms (the merges and the rank table of §5.1, which
is what a Tokenizer keeps) and the ``Encoder`` a Tokenizer encodes and decodes with. They give the
same results and raise the same errors (spec §9) for the same input; the tests check it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

_MODULES = {
    "reference": "bytebpe.reference_implementation",
    "fast": "bytebpe.fast",
}

IMPLEMENTATIONS: tuple[str, ...] = tuple(_MODULES)
"""The names :func:`implementation` accepts: the pure-Python executable spec and the Rust core."""


def implementation(name: str) -> ModuleType:
    """Return the module of the implementation called ``name`` (one of IMPLEMENTATIONS).

    Both modules offer ``split``, ``count``, ``train``, ``train_from_counts`` and ``Encoder`` with
    the same signatures and errors. Asking for "fast" when the compiled core is missing raises
    ImportError: bytebpe never falls back to the reference silently.
    """
    if name not in IMPLEMENTATIONS:
        raise ValueError(f"unknown implementation {name!r}; choose one of: {', '.join(map(repr, IMPLEMENTATIONS))}")
    return importlib.import_module(_MODULES[name])
