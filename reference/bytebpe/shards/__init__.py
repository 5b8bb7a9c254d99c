"""Token shards: a corpus encoded once, into the files training loops read.

:meth:`bytebpe.Tokenizer.encode_to_shards` (and ``bytebpe encode-dataset``) writes them; this
package holds the pieces: the formats (:mod:`~bytebpe.shards.formats`: llm.c ``.bin``, ``.npy``,
nanoGPT's memmap), the rule that cuts documents into shards (:mod:`~bytebpe.shards.packing`), the
index and its checks (:mod:`~bytebpe.shards.index`, :mod:`~bytebpe.shards.plan`), the local
writer (:mod:`~bytebpe.shards.writer`), the run on Ray (:mod:`~bytebpe.shards.on_ray`), the
flat batch encode (:mod:`~bytebpe.shards.flat`) and :func:`verify`. docs/shards.md is the guide.
"""

from __future__ import annotations

from bytebpe.shards.formats import DTYPES, FORMATS
from bytebpe.shards.identity import tokenizer_identity
from bytebpe.shards.index import INDEX_FILE, read_index
from bytebpe.shards.plan import DEFAULT_SHARD_TOKENS
from bytebpe.shards.verify import ShardError, verify

__all__ = [
    "DEFAULT_SHARD_TOKENS",
    "DTYPES",
    "FORMATS",
    "INDEX_FILE",
    "ShardError",
    "read_index",
    "tokenizer_identity",
    "verify",
]
