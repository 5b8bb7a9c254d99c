"""Extending a vocabulary (spec §4.7): ``Tokenizer.extend`` continues BPE from a model someone
else trained (a bytebpe tokenizer, a rank table such as cl100k, an imported Hugging Face model) on
new text, keeping every token and id and appending merges, as people adapt a tokenizer to a new
language or domain. :class:`ExtendSurface` is a base class of bytebpe.Tokenizer.

Both implementations count the pieces, encode them and run the merge loop themselves: the fast
one on all cores and in Rust (fast/src/train/extend.rs), from an arena of encoded pieces.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bytebpe import checks
from bytebpe.implementations import implementation as implementation_module
from bytebpe.merge_budget import warn_if_fewer
from bytebpe.progress import ProgressCallback, reporter
from bytebpe.version import __version__

if TYPE_CHECKING:
    from typing_extensions import Self

    from bytebpe.huggingface.pipeline import Pipeline
    from bytebpe.patterns import SplitPattern


class ExtendSurface:
    """The method of bytebpe.Tokenizer that extends its vocabulary."""

    _implementation: str
    _encoder: Any
    _ranks: dict[bytes, int]
    _pattern: SplitPattern
    _special_tokens: dict[str, int]
    _merges: list[tuple[int, int]] | None
    _ignore_merges: bool | None
    _huggingface: Pipeline | None
    n_vocab: int

    def extend(
        self,
        texts: Iterable[str],
        vocab_size: int,
        *,
        min_frequency: int = 1,
        max_token_length: int | None = None,
        progress: bool | ProgressCallback = False,
    ) -> Self:
        """A tokenizer of at most ``vocab_size`` ids that continues BPE from this one on ``texts``
        (spec §4.7): every token and special token keeps its id, new tokens take the ids from
        ``n_vocab`` on, and no new token repeats the bytes of one already there.

        Each piece of ``texts`` starts as its encoding by this tokenizer, then pairs are merged by
        training's rule (``min_frequency``, ``max_token_length`` and ``progress`` as in
        :meth:`train`). ValueError if ``vocab_size`` is below ``n_vocab``, or if this tokenizer was
        imported with Hugging Face normalizers or splits (the model alone would not see the text
        as Hugging Face does). A :class:`bytebpe.FewerMergesWarning` says when fewer merges were
        made than asked for.
        """
        if self._huggingface is not None and not self._huggingface.is_empty:
            raise ValueError(
                "extend: this tokenizer runs a Hugging Face pipeline (normalizers, splits or a "
                "post-processor) around its model; extend the model alone by importing it without them"
            )
        vocab_size = checks.check_vocab_size(vocab_size)
        if vocab_size < self.n_vocab:
            raise ValueError(f"extend: vocab_size must be at least n_vocab ({self.n_vocab}), got {vocab_size}")
        checks.check_min_frequency(min_frequency)
        checks.check_max_token_length(max_token_length)
        module = implementation_module(self._implementation)
        with reporter(progress) as callback:
            counts = module.count(texts, self._pattern, progress=callback)
            learned = module.extend_from_counts(
                counts,
                self._encoder,
                vocab_size,
                min_frequency=min_frequency,
                max_token_length=max_token_length,
                progress=callback,
            )
        settings = {"min_frequency": min_frequency, "max_token_length": max_token_length}
        warn_if_fewer(len(learned), vocab_size, self.n_vocab - 256, settings, stacklevel=2)
        return type(self)(**self._extended(learned, vocab_size, settings))  # type: ignore[call-arg]

    def _extended(
        self, learned: list[tuple[int, int, int]], vocab_size: int, settings: dict[str, Any]
    ) -> dict[str, Any]:
        """The Tokenizer's arguments for this model and the ``learned`` merges (§4.7 item 5)."""
        first_id = self.n_vocab  # a property that looks at every id: once, not per merge
        vocab = {rank: token for token, rank in self._ranks.items()}
        ranks = dict(self._ranks)
        for i, (left, right, _) in enumerate(learned):
            vocab[first_id + i] = vocab[left] + vocab[right]
            ranks[vocab[first_id + i]] = first_id + i
        new_merges = [(left, right) for left, right, _ in learned]
        merges = None if self._ignore_merges is None else [*(self._merges or []), *new_merges]
        trained_by = {
            "library": "bytebpe",
            "version": __version__,
            "implementation": self._implementation,
            "vocab_size": vocab_size,
            "pattern": str(self._pattern),
            "extended_from_n_vocab": first_id,
            **settings,
        }
        return {
            "mergeable_ranks": ranks,
            "pattern": self._pattern,
            "special_tokens": self._special_tokens,
            "implementation": self._implementation,
            "merges": merges,
            "trained_by": trained_by,
            "ignore_merges": self._ignore_merges,
        }
