"""Truncation (spec §5.5): a vocabulary cut down to a smaller ``vocab_size``, the tokens of lowest rank kept.

For a trained vocabulary this is the vocabulary a training to the smaller size would have made,
which is how one training gives every smaller vocabulary (``Tokenizer.truncated``).
"""

from __future__ import annotations

from collections.abc import Mapping

from bytebpe import checks


def truncate(
    ranks: Mapping[bytes, int], special_tokens: Mapping[str, int], vocab_size: object
) -> tuple[dict[bytes, int], dict[str, int], int]:
    """The rank table and special tokens of the truncation to ``vocab_size``, and how many longer tokens it keeps.

    ``ranks`` is a checked rank table (§5.2) and ``special_tokens`` its special tokens (§5.4).
    """
    size = checks.check_vocab_size(vocab_size, len(special_tokens))
    by_rank = sorted(ranks.items(), key=lambda item: item[1])
    longer = [(token, rank) for token, rank in by_rank if len(token) > 1]
    keep = size - 256 - len(special_tokens)
    if keep > len(longer):
        most = 256 + len(longer) + len(special_tokens)
        raise ValueError(
            f"vocab_size {size} is larger than this tokenizer, which can be truncated to at most "
            f"{most} (256 byte tokens + {len(longer)} longer tokens + {len(special_tokens)} special tokens)"
        )
    kept = {token: rank for token, rank in by_rank if len(token) == 1}
    kept.update(longer[:keep])
    first_free = max(kept.values()) + 1
    in_order = sorted(special_tokens, key=special_tokens.__getitem__)
    return kept, {token: first_free + index for index, token in enumerate(in_order)}, keep
