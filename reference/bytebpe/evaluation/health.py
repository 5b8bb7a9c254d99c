"""Token health: the tokens behind under-trained-token ("glitch token") failures.

Tokens no text can produce (spec §6.7), tokens whose own text encodes to other tokens, tokens a
held-out text never produces, the longest tokens, tokens of one repeated character or of
whitespace only, and the tokens merged least often in training when the model recorded it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from bytebpe.evaluation.opening import open_tokenizer
from bytebpe.evaluation.reachability import piece_factors, whole_characters
from bytebpe.evaluation.texts import text_groups

NOT_UTF8 = "not UTF-8"
"""The reason of a token whose bytes no UTF-8 text holds (spec §6.7, rule 1)."""
NEVER_IN_A_PIECE = "never in a piece"
"""The reason of a token whose characters no match of the pattern holds (spec §6.7, rule 2)."""


@dataclass(frozen=True)
class TokenHealth:
    """The health of one vocabulary. Every map is token bytes to a value, in id order.

    ``unreachable``: id and reason (:data:`NOT_UTF8`, :data:`NEVER_IN_A_PIECE`) of each token no
    text can produce. ``not_own_encoding``: id and the ids its own text encodes to, for the
    other UTF-8 tokens whose text is not encoded as themselves (they may still be produced
    inside longer text). ``never_produced`` (with texts): the ids of the reachable tokens that
    the texts never produce, merged tokens before bytes, and ``produced`` how many tokens they did. ``longest``: the
    longest tokens. ``repeated`` and ``whitespace``: tokens of two or more characters, all one
    character, or all whitespace. ``least_merged`` (when the training counts are known): the
    tokens whose merge was counted least often when it was made, with that count.
    """

    name: str
    n_tokens: int
    unreachable: dict[bytes, tuple[int, str]]
    not_own_encoding: dict[bytes, tuple[int, list[int]]]
    longest: dict[bytes, int]
    repeated: dict[bytes, int]
    whitespace: dict[bytes, int]
    never_produced: dict[bytes, int] | None = None
    produced: int | None = None
    least_merged: dict[bytes, tuple[int, int]] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The health as JSON values; tokens as text when UTF-8, with their hex always."""

        def entries(tokens: dict[bytes, Any], field: str) -> list[dict[str, Any]]:
            return [{**_shown(token), field: value} for token, value in tokens.items()]

        return {
            "tokenizer": self.name,
            "tokens": self.n_tokens,
            "unreachable": [{**_shown(t), "id": v[0], "reason": v[1]} for t, v in self.unreachable.items()],
            "not_own_encoding": [
                {**_shown(t), "id": v[0], "encodes_to": v[1]} for t, v in self.not_own_encoding.items()
            ],
            "never_produced": None if self.never_produced is None else entries(self.never_produced, "id"),
            "produced": self.produced,
            "longest": entries(self.longest, "id"),
            "repeated_character": entries(self.repeated, "id"),
            "whitespace": entries(self.whitespace, "id"),
            "least_merged": None
            if self.least_merged is None
            else [{**_shown(t), "id": v[0], "count": v[1]} for t, v in self.least_merged.items()],
        }


def _shown(token: bytes) -> dict[str, Any]:
    try:
        text: str | None = token.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return {"text": text, "hex": token.hex()}


def token_health(tokenizer: Any, texts: Any = None, *, top: int = 20) -> TokenHealth:
    """The health of ``tokenizer``'s vocabulary (anything :func:`open_tokenizer` opens to a bytebpe
    tokenizer); with ``texts`` (held-out text, as for :func:`bytebpe.evaluation.evaluate`), also the
    tokens it never produces. ``top`` bounds the lists of longest and least-merged tokens."""
    opened = open_tokenizer(tokenizer)
    if opened.tokenizer is None:
        raise ValueError(f"{opened.name} is a Hugging Face tokenizer, whose vocabulary bytebpe cannot inspect")
    model = opened.tokenizer
    by_id = sorted(model.mergeable_ranks.items(), key=lambda item: item[1])
    unreachable = _unreachable(by_id, model.pattern)
    texts_of = {token: token.decode("utf-8") for token, _ in by_id if token not in unreachable and _is_utf8(token)}
    own = dict(zip(texts_of, model.encode_ordinary_batch(list(texts_of.values())), strict=True))
    not_own = {token: (rank, own[token]) for token, rank in by_id if token in own and own[token] != [rank]}
    health = TokenHealth(
        name=opened.name,
        n_tokens=len(by_id),
        unreachable=unreachable,
        not_own_encoding=not_own,
        longest=dict(sorted(by_id, key=lambda item: (-len(item[0]), item[1]))[:top]),
        repeated={t: r for t, r in by_id if t in texts_of and len(texts_of[t]) > 1 and len(set(texts_of[t])) == 1},
        whitespace={t: r for t, r in by_id if t in texts_of and len(texts_of[t]) > 1 and texts_of[t].isspace()},
        least_merged=_least_merged(model, by_id, top),
    )
    if texts is None:
        return health
    seen: Counter[int] = Counter()
    for encoded in model.encode_ordinary_batch([text for group in text_groups(texts) for text in group.texts]):
        seen.update(encoded)
    # Merged tokens first: a byte the texts lack is rarely news, an unused merge may be a glitch token.
    unused = [(token, rank) for token, rank in by_id if rank not in seen and token not in unreachable]
    never = dict(sorted(unused, key=lambda item: (len(item[0]) == 1, item[1])))
    produced = sum(1 for _, rank in by_id if rank in seen)
    return replace(health, never_produced=never, produced=produced)


def _unreachable(by_id: list[tuple[bytes, int]], pattern: str) -> dict[bytes, tuple[int, str]]:
    factors = piece_factors(pattern)
    found = {}
    for token, rank in by_id:
        characters = whole_characters(token)
        if characters is None:
            found[token] = (rank, NOT_UTF8)
        elif characters and not factors.holds(characters):
            found[token] = (rank, NEVER_IN_A_PIECE)
    return found


def _is_utf8(token: bytes) -> bool:
    try:
        token.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _least_merged(model: Any, by_id: list[tuple[bytes, int]], top: int) -> dict[bytes, tuple[int, int]] | None:
    # Merge i made the i-th token of two or more bytes (spec §5.1); the counts are known only for
    # a model that kept them from its training.
    counts = getattr(model, "merge_counts", None)
    longer = [(token, rank) for token, rank in by_id if len(token) > 1]
    if counts is None or len(counts) != len(longer):
        return None
    order = sorted(range(len(longer)), key=lambda index: (counts[index], index))[:top]
    return {longer[index][0]: (longer[index][1], counts[index]) for index in order}
