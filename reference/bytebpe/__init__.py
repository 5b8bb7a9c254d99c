"""bytebpe: byte-level BPE with two implementations held to one spec (spec/bpe.md).

* ``bytebpe.implementation("reference")``: pure Python, the executable spec.
* ``bytebpe.implementation("fast")``: the Rust core, which agrees with it merge for merge.
* ``bytebpe.Tokenizer``: train, encode, decode, save, load and export, on either of them.
* ``bytebpe.Corpus``: documents read lazily from .txt, .jsonl(.gz) and .parquet files.
* ``bytebpe.PieceCounts``: a corpus's piece counts, which add up across shards (spec §4.1.1).
* ``bytebpe.evaluate(tokenizers, texts)``: their compression side by side; ``bytebpe.evaluation``
  also judges a tokenizer at every size, diffs two, and reports its tokens' health.

    >>> import bytebpe
    >>> tok = bytebpe.Tokenizer.train(["hello hello world"], 260, implementation="reference")
    >>> tok.decode(tok.encode_ordinary("hello world"))
    'hello world'

The package is two layers (reference/README.md is the map):

* the executable spec: ``reference`` (the algorithm, one function per section, in the spec's
  order), ``checks`` (the errors of §9), ``patterns`` and ``pattern_language`` (§2) and the
  generated ``_unicode_data``. It imports nothing else, and never the compiled core.
* the library around it: everything else, from the Tokenizer to the command line. The two
  implementation modules, ``reference_implementation`` and ``fast``, put the spec and the Rust
  core (``_fast``) behind one interface.
"""

from __future__ import annotations

from bytebpe.corpus import Corpus
from bytebpe.counts import PieceCounts
from bytebpe.evaluation import evaluate
from bytebpe.files import FormatError
from bytebpe.implementations import IMPLEMENTATIONS, implementation
from bytebpe.patterns import DEFAULT_PATTERN, PATTERNS
from bytebpe.tokenizer import Tokenizer
from bytebpe.version import __version__

__all__ = [
    "DEFAULT_PATTERN",
    "IMPLEMENTATIONS",
    "PATTERNS",
    "Corpus",
    "FormatError",
    "PieceCounts",
    "Tokenizer",
    "__version__",
    "evaluate",
    "implementation",
]
