"""Compression side by side: each tokenizer's tokens on each group of texts, against a baseline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bytebpe.evaluation.opening import Opened, is_named, open_tokenizer
from bytebpe.evaluation.texts import TextGroup, parts, text_groups


@dataclass(frozen=True)
class Score:
    """One tokenizer on one group of texts."""

    tokens: int
    n_bytes: int
    n_characters: int
    n_words: int
    baseline_tokens: int

    @property
    def bytes_per_token(self) -> float | None:
        """UTF-8 bytes per token (higher compresses better); None when there are no tokens."""
        return self.n_bytes / self.tokens if self.tokens else None

    @property
    def characters_per_token(self) -> float | None:
        """Characters per token; None when there are no tokens."""
        return self.n_characters / self.tokens if self.tokens else None

    @property
    def tokens_per_word(self) -> float | None:
        """Tokens per whitespace-separated word (lower is better); None when there are no words."""
        return self.tokens / self.n_words if self.n_words else None

    @property
    def vs_baseline(self) -> float | None:
        """Tokens relative to the baseline's, in percent: -10.0 is 10% fewer tokens than it."""
        if not self.baseline_tokens:
            return None
        return 100.0 * (self.tokens - self.baseline_tokens) / self.baseline_tokens

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON values."""
        return {
            "tokens": self.tokens,
            "bytes_per_token": self.bytes_per_token,
            "characters_per_token": self.characters_per_token,
            "tokens_per_word": self.tokens_per_word,
            "tokens_vs_baseline_percent": self.vs_baseline,
        }


@dataclass(frozen=True)
class Evaluation:
    """Every tokenizer on every group of texts, and on all of them together (``"all"``).

    ``scores[group][tokenizer]`` is a :class:`Score`; groups and tokenizers keep the order given.
    """

    tokenizers: list[Opened]
    groups: list[TextGroup]
    baseline: str
    scores: dict[str, dict[str, Score]] = field(default_factory=dict)

    @property
    def rows(self) -> list[str]:
        """The names of the rows: each group, then "all" when there are several."""
        return list(self.scores)

    def as_dict(self) -> dict[str, Any]:
        """The evaluation as JSON values: what ``bytebpe eval --json`` writes."""
        return {
            "baseline": self.baseline,
            "tokenizers": [{"name": opened.name, "n_vocab": opened.n_vocab} for opened in self.tokenizers],
            "groups": [
                {
                    "name": row,
                    "files": self._sources(row),
                    **self._sizes(row),
                    "results": {name: score.as_dict() for name, score in self.scores[row].items()},
                }
                for row in self.rows
            ],
        }

    def _sources(self, row: str) -> list[str]:
        return [source for group in self.groups if row in (group.name, "all") for source in group.sources]

    def _sizes(self, row: str) -> dict[str, int]:
        score = next(iter(self.scores[row].values()))
        return {"bytes": score.n_bytes, "characters": score.n_characters, "words": score.n_words}


def evaluate(
    tokenizers: Any,
    texts: Any,
    *,
    baseline: str | int = 0,
    num_threads: int | None = None,
) -> Evaluation:
    """How well each of ``tokenizers`` compresses each group of ``texts``, side by side.

    ``tokenizers`` is one tokenizer or a list; each may be anything :func:`open_tokenizer` opens
    (a :class:`bytebpe.Tokenizer`, a tiktoken or Hugging Face tokenizer, a path, a tiktoken
    encoding name), or a ``(name, tokenizer)`` pair to name it. ``texts`` is a path or a list of
    paths (each file is a group, and so is each directory, as one domain), or a dict of group name
    to text or list of texts. ``baseline`` is the tokenizer the others are compared with, by
    position or name (default: the first). Special-token strings in the texts count as plain text.
    """
    opened = _open_all(tokenizers)
    groups = text_groups(texts)
    names = [each.name for each in opened]
    base = _baseline(baseline, names)
    counts = {each.name: _group_counts(each, groups, num_threads) for each in opened}
    scores: dict[str, dict[str, Score]] = {}
    rows = [(group.name, [group]) for group in groups]
    if len(groups) > 1:
        rows.append(("all", groups))
    for row, members in rows:
        sizes = (
            sum(group.n_bytes for group in members),
            sum(group.n_characters for group in members),
            sum(group.n_words for group in members),
        )
        indexes = [groups.index(group) for group in members]
        tokens = {name: sum(counts[name][index] for index in indexes) for name in names}
        scores[row] = {name: Score(tokens[name], *sizes, baseline_tokens=tokens[base]) for name in names}
    return Evaluation(opened, groups, base, scores)


def _open_all(tokenizers: Any) -> list[Opened]:
    items = tokenizers if isinstance(tokenizers, (list, tuple)) and not is_named(tokenizers) else [tokenizers]
    opened = [open_tokenizer(item) for item in items]
    if not opened:
        raise ValueError("no tokenizers to evaluate: give at least one")
    names = [each.name for each in opened]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"two tokenizers are both named {repeated[0]!r}: give each a name of its own")
    return opened


def _baseline(baseline: str | int, names: Sequence[str]) -> str:
    if isinstance(baseline, bool) or not isinstance(baseline, (int, str)):
        raise TypeError(f"baseline must be a tokenizer's position or name, not {type(baseline).__name__}")
    if isinstance(baseline, int):
        if not 0 <= baseline < len(names):
            raise ValueError(f"baseline {baseline} is not the position of one of the {len(names)} tokenizers")
        return names[baseline]
    if baseline not in names:
        raise ValueError(f"baseline {baseline!r} is not one of the tokenizers: {', '.join(names)}")
    return baseline


def _group_counts(opened: Opened, groups: list[TextGroup], num_threads: int | None) -> list[int]:
    """Tokens in each group, all groups' texts encoded in one batch (in parts when long)."""
    pattern = opened.tokenizer.pattern if opened.tokenizer is not None else None
    batch: list[str] = []
    owners: list[int] = []
    for index, group in enumerate(groups):
        for text in group.texts:
            cut = parts(text, pattern)
            batch.extend(cut)
            owners.extend([index] * len(cut))
    totals = [0] * len(groups)
    for owner, count in zip(owners, opened.token_counts(batch, num_threads=num_threads), strict=True):
        totals[owner] += count
    return totals
