"""The package's version, in a module of its own so that any module can record it without
importing the package (whose ``__init__`` imports them)."""

__version__ = "0.1.0"
"""The same as pyproject.toml's and fast/Cargo.toml's (a test checks). A constant rather than a
look-up in the installed metadata: importlib.metadata costs ~12 ms on first use, and every trained
tokenizer records the version."""
