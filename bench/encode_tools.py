"""One encoder per tool, all built from the same bytebpe vocabulary and giving the same ids.

``fast`` is bytebpe's Rust core, ``tiktoken`` is ``tok.to_tiktoken()`` and ``hf`` is
``tok.to_huggingface()`` (Hugging Face tokenizers). Each encoder has three timed modes over a list of
documents:

* ``single``: one thread. bytebpe and tiktoken call ``encode_ordinary`` on each document; Hugging
  Face runs ``encode_batch_fast`` (its fastest call) with its parallelism switched off (the worker
  sets ``TOKENIZERS_PARALLELISM=false`` and ``RAYON_NUM_THREADS=1``).
* ``batch``: all cores. ``encode_ordinary_batch(texts)`` for bytebpe (rayon, GIL released),
  ``encode_ordinary_batch(texts, num_threads=cores)`` for tiktoken, ``encode_batch_fast`` for HF.
* ``decode``: one thread, ``decode(ids)`` (to str) on the ids of each document, for every tool;
  the ids are bytebpe's, which the driver checked equal to every tool's.

Every mode returns the ids of each document as a list of int (for HF, the ``ids`` of each Encoding
are read after the clock stops: HF keeps them in Rust until asked).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOOLS = ("fast", "tiktoken", "hf")
"""The encoding tools, in the order the driver runs and reports them."""

MODES = ("single", "batch", "decode")

DISTRIBUTIONS = {"fast": "bytebpe", "tiktoken": "tiktoken", "hf": "tokenizers"}
"""The package that provides each tool (for versions and availability)."""


@dataclass
class Encoder:
    """A tool's encoder: ``run(texts, mode, threads)`` and ``decode(ids_of_each_text)`` are timed,
    ``ids(result)`` turns run's result into lists of ids afterwards."""

    tool: str
    run: Callable[[Sequence[str], str, int], Any]
    ids: Callable[[Any], list[list[int]]]
    decode: Callable[[Sequence[Sequence[int]]], list[str]]


def load_tokenizer(ranks_path: Path | str, pattern: str) -> Any:
    """The bytebpe tokenizer of a .tiktoken rank file (written by the training worker)."""
    import bytebpe

    return bytebpe.Tokenizer.load(ranks_path, pattern=pattern, implementation="fast")


def _identity(result: Any) -> list[list[int]]:
    return result


def _fast(tokenizer: Any) -> Encoder:
    def run(texts: Sequence[str], mode: str, threads: int) -> list[list[int]]:
        if mode == "single":
            encode = tokenizer.encode_ordinary
            return [encode(text) for text in texts]
        return tokenizer.encode_ordinary_batch(texts, num_threads=threads)

    def decode(batch: Sequence[Sequence[int]]) -> list[str]:
        decode_one = tokenizer.decode
        return [decode_one(ids) for ids in batch]

    return Encoder("fast", run, _identity, decode)


def _tiktoken(tokenizer: Any) -> Encoder:
    encoding = tokenizer.to_tiktoken()

    def run(texts: Sequence[str], mode: str, threads: int) -> list[list[int]]:
        if mode == "single":
            encode = encoding.encode_ordinary
            return [encode(text) for text in texts]
        return encoding.encode_ordinary_batch(list(texts), num_threads=threads)

    def decode(batch: Sequence[Sequence[int]]) -> list[str]:
        decode_one = encoding.decode
        return [decode_one(ids) for ids in batch]

    return Encoder("tiktoken", run, _identity, decode)


def _hf(tokenizer: Any) -> Encoder:
    hf = tokenizer.to_huggingface()

    def run(texts: Sequence[str], mode: str, threads: int) -> list[Any]:
        return hf.encode_batch_fast(list(texts), add_special_tokens=False)

    def ids(result: list[Any]) -> list[list[int]]:
        return [encoding.ids for encoding in result]

    def decode(batch: Sequence[Sequence[int]]) -> list[str]:
        return [hf.decode(ids, skip_special_tokens=False) for ids in batch]

    return Encoder("hf", run, ids, decode)


BUILDERS: dict[str, Callable[[Any], Encoder]] = {"fast": _fast, "tiktoken": _tiktoken, "hf": _hf}


def build(tool: str, tokenizer: Any) -> Encoder:
    """The encoder of ``tool`` for a bytebpe tokenizer (not timed: building HF's takes a moment)."""
    return BUILDERS[tool](tokenizer)


class IdsDigest:
    """A running digest of the ids of a sequence of documents, the same for equal id lists."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.documents = 0
        self.tokens = 0

    def update(self, batch: Iterable[Sequence[int]]) -> None:
        """Add the ids of the next documents."""
        for ids in batch:
            self._hash.update(len(ids).to_bytes(8, "little"))
            self._hash.update(array("I", ids).tobytes())
            self.documents += 1
            self.tokens += len(ids)

    def hexdigest(self) -> str:
        """The digest so far (hex)."""
        return self._hash.hexdigest()
