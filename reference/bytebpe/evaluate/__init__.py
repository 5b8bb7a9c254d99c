"""Judging tokenizers: compression side by side, every vocabulary size from one training,
vocabulary diffs and token health.

The module can be called: ``bytebpe.evaluate(tokenizers, texts)`` is
``bytebpe.evaluate.evaluate(tokenizers, texts)``.

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

import sys
import types
from typing import Any

from bytebpe.evaluate.compression import Evaluation, Score, evaluate
from bytebpe.evaluate.diff import VocabularyDiff, vocabulary_diff
from bytebpe.evaluate.health import TokenHealth, token_health
from bytebpe.evaluate.opening import Opened, open_tokenizer
from bytebpe.evaluate.plot import plot_evaluation, plot_sizes
from bytebpe.evaluate.sizes import SizeCurve, size_curve
from bytebpe.evaluate.texts import TextGroup, text_groups

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


class _CallableModule(types.ModuleType):
    """This module, which calling runs :func:`evaluate`: the one name people reach for first."""

    def __call__(self, *args: Any, **kwargs: Any) -> Evaluation:
        return evaluate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
