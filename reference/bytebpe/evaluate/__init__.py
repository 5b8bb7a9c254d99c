"""Judging tokenizers: compression side by side, every vocabulary size from one training,
vocabulary diffs and token health.

* :func:`evaluate`: bytes, characters and words per token of each tokenizer on each group of
  texts, against a baseline (``bytebpe eval``).
* :func:`open_tokenizer`: a bytebpe, tiktoken, Hugging Face, nanochat or rustbpe tokenizer, by
  path, name or object.
"""

from __future__ import annotations

from bytebpe.evaluate.compression import Evaluation, Score, evaluate
from bytebpe.evaluate.opening import Opened, open_tokenizer
from bytebpe.evaluate.texts import TextGroup, text_groups

__all__ = ["Evaluation", "Opened", "Score", "TextGroup", "evaluate", "open_tokenizer", "text_groups"]
