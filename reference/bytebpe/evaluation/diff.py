"""What changed between two vocabularies: where their merges part, which tokens each has alone,
which shared tokens moved, and, given text, which of those tokens the text actually uses."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from bytebpe.evaluation.opening import Opened, open_tokenizer
from bytebpe.evaluation.texts import text_groups
from bytebpe.tokenizer import Tokenizer


@dataclass(frozen=True)
class Divergence:
    """The first merge where two vocabularies differ: its number (from 0) and each side's token there
    (None on the side that has no merge of that number)."""

    merge: int
    a: bytes | None
    b: bytes | None


@dataclass(frozen=True)
class VocabularyDiff:
    """Two vocabularies compared token by token (bytes), special tokens by string.

    ``only_a`` and ``only_b`` map each side's own tokens to their ids, in id order; ``moved`` maps
    the shared tokens with different ids to ``(id in a, id in b)``. ``used_a`` and ``used_b``, when
    texts were given, count how often each side's encoding of them uses each of its own tokens.
    """

    a: str
    b: str
    divergence: Divergence | None
    shared: int
    only_a: dict[bytes, int]
    only_b: dict[bytes, int]
    moved: dict[bytes, tuple[int, int]]
    special_only_a: dict[str, int]
    special_only_b: dict[str, int]
    special_moved: dict[str, tuple[int, int]]
    used_a: dict[bytes, int] | None = None
    used_b: dict[bytes, int] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The diff as JSON values; tokens as text when they are UTF-8, with their hex always."""
        return {
            "a": self.a,
            "b": self.b,
            "first_difference": None
            if self.divergence is None
            else {"merge": self.divergence.merge, "a": _token(self.divergence.a), "b": _token(self.divergence.b)},
            "shared_tokens": self.shared,
            "only_in_a": [{**_token(token), "id": rank} for token, rank in self.only_a.items()],
            "only_in_b": [{**_token(token), "id": rank} for token, rank in self.only_b.items()],
            "other_ids": [{**_token(token), "id_a": ids[0], "id_b": ids[1]} for token, ids in self.moved.items()],
            "special_tokens": {
                "only_in_a": self.special_only_a,
                "only_in_b": self.special_only_b,
                "other_ids": {token: list(ids) for token, ids in self.special_moved.items()},
            },
            "used_in_text": None
            if self.used_a is None or self.used_b is None
            else {
                "only_in_a": [{**_token(token), "count": count} for token, count in self.used_a.items()],
                "only_in_b": [{**_token(token), "count": count} for token, count in self.used_b.items()],
            },
        }


def _token(token: bytes | None) -> dict[str, Any] | None:
    if token is None:
        return None
    try:
        text: str | None = token.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return {"text": text, "hex": token.hex()}


def vocabulary_diff(a: Any, b: Any, *, texts: Any = None) -> VocabularyDiff:
    """How the vocabularies of ``a`` and ``b`` differ (anything :func:`open_tokenizer` opens to a
    bytebpe tokenizer). With ``texts`` (as for :func:`bytebpe.evaluation.evaluate`), also which of
    each side's own tokens its encoding of the texts uses, and how often, most used first."""
    left, right = _bytebpe(open_tokenizer(a)), _bytebpe(open_tokenizer(b))
    ranks_a, ranks_b = left.tokenizer.mergeable_ranks, right.tokenizer.mergeable_ranks
    only_a = {token: rank for token, rank in sorted(ranks_a.items(), key=_by_id) if token not in ranks_b}
    only_b = {token: rank for token, rank in sorted(ranks_b.items(), key=_by_id) if token not in ranks_a}
    moved = {
        token: (rank, ranks_b[token])
        for token, rank in sorted(ranks_a.items(), key=_by_id)
        if token in ranks_b and ranks_b[token] != rank
    }
    specials_a, specials_b = left.tokenizer.special_tokens, right.tokenizer.special_tokens
    diff = VocabularyDiff(
        a=left.name,
        b=right.name,
        divergence=_divergence(ranks_a, ranks_b),
        shared=len(ranks_a) - len(only_a),
        only_a=only_a,
        only_b=only_b,
        moved=moved,
        special_only_a={token: i for token, i in specials_a.items() if token not in specials_b},
        special_only_b={token: i for token, i in specials_b.items() if token not in specials_a},
        special_moved={
            token: (i, specials_b[token])
            for token, i in specials_a.items()
            if token in specials_b and specials_b[token] != i
        },
    )
    if texts is None:
        return diff
    batch = [text for group in text_groups(texts) for text in group.texts]
    used_a, used_b = _used(left.tokenizer, batch, only_a), _used(right.tokenizer, batch, only_b)
    return replace(diff, used_a=used_a, used_b=used_b)


def _bytebpe(opened: Opened) -> Opened:
    if opened.tokenizer is None:
        raise ValueError(f"{opened.name} is a Hugging Face tokenizer, whose vocabulary bytebpe cannot compare")
    return opened


def _by_id(item: tuple[bytes, int]) -> int:
    return item[1]


def _divergence(ranks_a: dict[bytes, int], ranks_b: dict[bytes, int]) -> Divergence | None:
    # Merge i makes the i-th token of two or more bytes in rank order (spec §5.1); comparing those
    # bytes, rather than pairs of ids, also compares tables whose byte tokens have other ids.
    longer_a = [token for token, _ in sorted(ranks_a.items(), key=_by_id) if len(token) > 1]
    longer_b = [token for token, _ in sorted(ranks_b.items(), key=_by_id) if len(token) > 1]
    for merge, (token_a, token_b) in enumerate(zip(longer_a, longer_b, strict=False)):
        if token_a != token_b:
            return Divergence(merge, token_a, token_b)
    if len(longer_a) == len(longer_b):
        return None
    merge = min(len(longer_a), len(longer_b))
    return Divergence(
        merge, longer_a[merge] if merge < len(longer_a) else None, longer_b[merge] if merge < len(longer_b) else None
    )


def _used(tokenizer: Tokenizer, texts: list[str], own: dict[bytes, int]) -> dict[bytes, int]:
    ids = {rank: token for token, rank in own.items()}
    counts: Counter[int] = Counter()
    for encoded in tokenizer.encode_ordinary_batch(texts):
        counts.update(encoded)
    used = {ids[rank]: count for rank, count in counts.items() if rank in ids}
    return dict(sorted(used.items(), key=lambda item: (-item[1], own[item[0]])))
