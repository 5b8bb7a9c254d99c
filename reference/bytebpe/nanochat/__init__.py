"""bytebpe for nanochat: its tokenizer class, its chat format and its files, on bytebpe.

nanochat (``nanochat/tokenizer.py``) trains its tokenizer with rustbpe and encodes with tiktoken.
This package is a drop-in for that class, :class:`NanochatTokenizer`, with the same methods and
the same ids and masks; swapping it into nanochat is one line::

    from bytebpe.nanochat import NanochatTokenizer as RustBPETokenizer

* ``SPECIAL_TOKENS``, ``SPLIT_PATTERN``: nanochat's nine special tokens and its split regex.
* :class:`NanochatTokenizer`: train, encode, decode, save, load, ``render_conversation``.
* :func:`tok_train`: nanochat's ``scripts/tok_train.py`` in one call (parquet shards in, its
  ``tokenizer.pkl`` and ``token_bytes.pt`` out, beside bytebpe's own files).
* ``bytebpe.Tokenizer.load`` reads nanochat's directories, through a pickle reader that runs
  nothing (:mod:`bytebpe.nanochat.unpickle`).

docs/nanochat.md is the guide.
"""

from __future__ import annotations

from bytebpe.nanochat.conventions import SPECIAL_TOKENS, SPLIT_PATTERN
from bytebpe.nanochat.conversation import ConversationError
from bytebpe.nanochat.saving import TokenBytesWarning, nanochat_token_bytes
from bytebpe.nanochat.tokenizer import NanochatTokenizer
from bytebpe.nanochat.training import tok_train

__all__ = [
    "SPECIAL_TOKENS",
    "SPLIT_PATTERN",
    "ConversationError",
    "NanochatTokenizer",
    "TokenBytesWarning",
    "nanochat_token_bytes",
    "tok_train",
]
