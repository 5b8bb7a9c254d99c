"""nanochat's tokenizer conventions: its special tokens, in id order, and its split pattern.

Facts of nanochat's ``nanochat/tokenizer.py``: a tokenizer trained the nanochat way gives these
special tokens the ids right after the merges, in this order (spec §5.4), and splits text with
the named pattern ``nanochat`` (GPT-4's, with numbers in groups of at most two digits).
"""

from __future__ import annotations

from bytebpe.patterns import PATTERNS

SPECIAL_TOKENS: tuple[str, ...] = (
    "<|bos|>",  # begins every document
    "<|user_start|>",
    "<|user_end|>",
    "<|assistant_start|>",
    "<|assistant_end|>",
    "<|python_start|>",  # the assistant calls the Python tool
    "<|python_end|>",
    "<|output_start|>",  # the tool's output, read back to the assistant
    "<|output_end|>",
)
"""nanochat's nine special tokens, in the order of their ids."""

SPLIT_PATTERN: str = PATTERNS["nanochat"]
"""nanochat's split regex: bytebpe's named pattern ``nanochat``, character for character."""

BOS_TOKEN = "<|bos|>"
"""The token that starts a document in a tokenizer nanochat trained."""

PRETRAINED_BOS_TOKEN = "<|endoftext|>"
"""What tiktoken's encodings call the document delimiter; nanochat's from_pretrained uses it as BOS."""
