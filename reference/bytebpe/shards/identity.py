"""A tokenizer's identity: one digest of everything that decides its ids."""

from __future__ import annotations

import hashlib
import struct

from bytebpe.shards.flat import TokenizerLike


def tokenizer_identity(tokenizer: TokenizerLike) -> str:
    """The sha256 (hex) of the rank table, the split pattern, the special tokens and, for a
    merge-list model, its merges: two tokenizers with the same identity give the same ids."""
    digest = hashlib.sha256(b"bytebpe tokenizer identity 1\n")
    ranks = sorted(tokenizer.mergeable_ranks.items(), key=lambda item: item[1])
    digest.update(struct.pack("<Q", len(ranks)))
    for token, rank in ranks:
        digest.update(struct.pack("<II", rank, len(token)) + token)
    pattern = tokenizer.pattern.encode("utf-8")
    digest.update(struct.pack("<Q", len(pattern)) + pattern)
    specials = sorted(tokenizer.special_tokens.items())
    digest.update(struct.pack("<Q", len(specials)))
    for text, rank in specials:
        encoded = text.encode("utf-8")
        digest.update(struct.pack("<II", rank, len(encoded)) + encoded)
    ignore_merges = tokenizer._ignore_merges
    if ignore_merges is not None:
        digest.update(struct.pack("<?Q", ignore_merges, len(tokenizer.merges)))
        for left, right in tokenizer.merges:
            digest.update(struct.pack("<II", left, right))
    return digest.hexdigest()
