"""Truncation (spec §5.5): a vocabulary cut down to a smaller ``vocab_size``, the tokens of lowest rank kept.

For a trained vocabulary this is the vocabulary a training to the smaller size would have made,
which is how one training gives every smaller vocabulary (``Tokenizer.truncated``). A merge-list
model keeps the entries of its list that join kept tokens into a kept token (§5.5.1).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

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
    lowest = by_rank[0][1]
    first_free = max(kept.values()) + 1
    below = {token: i for token, i in special_tokens.items() if i < lowest}
    after = sorted((token for token in special_tokens if token not in below), key=special_tokens.__getitem__)
    return kept, {**below, **{token: first_free + index for index, token in enumerate(after)}}, keep


def truncated_arguments(arguments: Mapping[str, Any], vocab_size: object) -> dict[str, Any]:
    """The keyword arguments of ``bytebpe.Tokenizer`` for the truncation to ``vocab_size`` of the
    tokenizer that ``arguments`` build (§5.5; §5.5.1 for a merge-list model)."""
    ranks, specials, keep = truncate(arguments["mergeable_ranks"], arguments["special_tokens"], vocab_size)
    merges: Sequence[tuple[int, int]] | None = arguments["merges"]
    if arguments["ignore_merges"] is not None:
        merges = _kept_merges(merges or [], arguments["mergeable_ranks"], set(ranks.values()))
    elif merges is not None:
        # Merge i made the i-th longer token only when every longer token has a merge (§5.3).
        merges = merges[:keep] if len(merges) == len(arguments["mergeable_ranks"]) - 256 else None
    trained_by = arguments["trained_by"]
    if trained_by is not None:
        n_vocab = max([*arguments["mergeable_ranks"].values(), *arguments["special_tokens"].values()]) + 1
        trained_by = {**trained_by, "vocab_size": 256 + keep + len(specials), "truncated_from": n_vocab}
    counts = arguments["merge_counts"]
    return {
        **arguments,
        "mergeable_ranks": ranks,
        "special_tokens": specials,
        "merges": merges,
        "trained_by": trained_by,
        "merge_counts": counts[:keep] if counts is not None else None,
        "huggingface": _moved_pipeline(
            arguments["huggingface"], arguments["special_tokens"], specials, set(ranks.values())
        ),
    }


def _kept_merges(
    merges: Sequence[tuple[int, int]], ranks: Mapping[bytes, int], kept: set[int]
) -> list[tuple[int, int]]:
    """The entries of a merge list whose parts and result are all kept tokens, in order (§5.5.1)."""
    token_of = {rank: token for token, rank in ranks.items()}
    return [
        (left, right)
        for left, right in merges
        if left in kept and right in kept and ranks[token_of[left] + token_of[right]] in kept
    ]


def _moved_pipeline(pipeline: Any, before: Mapping[str, int], after: Mapping[str, int], kept: set[int]) -> Any:
    """An imported pipeline whose ids follow the truncation: a special token's to its new id, a kept
    token's as it is. An added token that is a token no longer kept goes; an id the pipeline adds
    around a text must stay."""
    if pipeline is None:
        return None
    moved = {before[token]: after[token] for token in before} | {i: i for i in kept}

    def move(ids: tuple[int, ...]) -> tuple[int, ...]:
        lost = [i for i in ids if i not in moved]
        if lost:
            raise ValueError(
                f"the imported pipeline adds id {lost[0]} around every text, which the truncation does not keep"
            )
        return tuple(moved[i] for i in ids)

    added = tuple(
        dataclasses.replace(token, id=moved[token.id]) for token in pipeline.added_tokens if token.id in moved
    )
    return dataclasses.replace(pipeline, prefix=move(pipeline.prefix), suffix=move(pipeline.suffix), added_tokens=added)
