"""Saving a tokenizer for nanochat: its two files, beside bytebpe's own, in one atomic step.

* ``tokenizer.pkl``: the tokenizer as a pickled ``tiktoken.Encoding``, which nanochat's
  ``RustBPETokenizer.from_directory`` unpickles. Written with tiktoken itself, so it is exactly
  what nanochat writes for the same model (tiktoken must be installed; nanochat needs it anyway).
* ``token_bytes.pt``: a torch int32 tensor with one entry per id, which nanochat's
  ``get_token_bytes`` loads to report bits per byte. It is written only where torch imports;
  elsewhere a :class:`TokenBytesWarning` says so, and the rest is saved all the same.

The entries are what nanochat's ``scripts/tok_train.py`` computes: the length in UTF-8 of the
token decoded as text, with invalid bytes replaced (so a token that is part of a character counts
the three bytes of U+FFFD, not its own length), and 0 for the special tokens.
``tokenizer.tiktoken`` and ``bytebpe.json`` are written too, so that bytebpe reads the
directory back with the merge counts and the training record.
"""

from __future__ import annotations

import io
import os
import pickle
import warnings
from pathlib import Path

from bytebpe import files
from bytebpe.tokenizer import Tokenizer

__all__ = ["PICKLE_FILE", "TOKEN_BYTES_FILE", "TokenBytesWarning", "nanochat_token_bytes", "save_for_nanochat"]

PICKLE_FILE = files.NANOCHAT_PICKLE_FILE
TOKEN_BYTES_FILE = files.NANOCHAT_TOKEN_BYTES_FILE


class TokenBytesWarning(UserWarning):
    """token_bytes.pt was not written because torch is not installed; the other files were."""


def nanochat_token_bytes(tokenizer: Tokenizer) -> list[int]:
    """nanochat's byte count of every id from 0 to n_vocab - 1: the UTF-8 length of the token
    decoded with replacement, 0 for a special token (and for an id no token has)."""
    specials = tokenizer.special_tokens_set
    lengths = [0] * tokenizer.n_vocab
    for token, rank in tokenizer.mergeable_ranks.items():
        text = token.decode("utf-8", errors="replace")
        lengths[rank] = 0 if text in specials else len(text.encode("utf-8"))
    return lengths


def save_for_nanochat(
    tokenizer: Tokenizer, directory: str | os.PathLike, *, name: str = "rustbpe", overwrite: bool = False
) -> Path:
    """Write ``tokenizer`` to ``directory`` for nanochat and for bytebpe, atomically; see the module.

    ``name`` is the Encoding's name (nanochat's is "rustbpe"). ImportError before anything is
    written if tiktoken is missing; a previous save is replaced in one step, and only with
    ``overwrite=True``; a non-empty directory that bytebpe did not write is never replaced
    (FileExistsError).
    """
    try:
        import tiktoken  # noqa: F401  (to_tiktoken imports it; this says why it is needed)
    except ImportError as err:
        raise ImportError(
            f"{PICKLE_FILE} is a pickled tiktoken.Encoding, written with tiktoken: pip install tiktoken"
        ) from err
    extra = {PICKLE_FILE: pickle.dumps(tokenizer.to_tiktoken(name))}
    token_bytes = _token_bytes_file(nanochat_token_bytes(tokenizer))
    if token_bytes is not None:
        extra[TOKEN_BYTES_FILE] = token_bytes
    saved = tokenizer._write(directory, extra_files=extra, overwrite=overwrite)
    if token_bytes is None:  # said once the rest is saved, which the message promises
        warnings.warn(
            f"{TOKEN_BYTES_FILE} was not written: it is a torch tensor, and torch is not installed here. "
            "Everything else was saved; nanochat's get_token_bytes needs the file, so save again where torch "
            "is installed (the values are bytebpe.nanochat.nanochat_token_bytes(tokenizer))",
            TokenBytesWarning,
            stacklevel=3,
        )
    return saved


def _token_bytes_file(lengths: list[int]) -> bytes | None:
    """``torch.save`` of the lengths as an int32 tensor on the CPU; None without torch."""
    try:
        import torch
    except ImportError:
        return None
    buffer = io.BytesIO()
    torch.save(torch.tensor(lengths, dtype=torch.int32, device="cpu"), buffer)
    return buffer.getvalue()
