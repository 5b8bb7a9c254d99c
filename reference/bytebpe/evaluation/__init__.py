"""Judging tokenizers: compression side by side, every vocabulary size from one training,
vocabulary diffs and token health.

``bytebpe.evaluate`` is :func:`evaluate`, the one name people reach for first.

* :func:`evaluate`: bytes, characters and words per token of each tokenizer on each group of
  texts, against a baseline (``bytebpe eval``).
* :func:`size_curve`: the same for one tokenizer truncated to many sizes (spec §5.5), with the
  knee of the curve (``bytebpe eval --sizes``).
* :func:`vocabulary_diff`: where two vocabularies part and what each has alone (``bytebpe diff``).
* :func:`token_health`: unreachable tokens (spec §6.7) and the other suspects of glitch-token
  failures (``bytebpe eval --health``).
* :func:`open_tokenizer`: a bytebpe, tiktoken, Hugging Face, nanochat or rustbpe tokenizer, by
  path, name or object.
"""

from __future__ import annotations

from bytebpe.evaluation.compression import Evaluation, Score, evaluate
from bytebpe.evaluation.diff import VocabularyDiff, vocabulary_diff
from bytebpe.evaluation.health import TokenHealth, token_health
from bytebpe.evaluation.opening import Opened, open_tokenizer
from bytebpe.evaluation.plot import plot_evaluation, plot_sizes
from bytebpe.evaluation.sizes import SizeCurve, size_curve
from bytebpe.evaluation.texts import TextGroup, text_groups

__all__ = [
    "Evaluation",
    "Opened",
    "Score",
    "SizeCurve",
    "TextGroup",
    "TokenHealth",
    "VocabularyDiff",
    "evaluate",
    "open_tokenizer",
    "plot_evaluation",
    "plot_sizes",
    "size_curve",
    "text_groups",
    "token_health",
    "vocabulary_diff",
]
