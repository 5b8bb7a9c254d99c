"""One training function per tool, all with the same signature and the same result.

Each function takes an iterator of texts, the vocabulary size (256 byte tokens + merges, no special
tokens) and a :class:`Pattern`, and returns the learned vocabulary as ``{token bytes: rank}``.
:func:`prepare` imports a tool's modules so that the timed call does not pay for imports. The peers'
processes never import bytebpe (whose import alone takes ~25 MiB): the driver resolves the pattern
to regexes once and hands them over.

Tools: ``fast`` (bytebpe's Rust core), ``rustbpe``, ``hf`` (Hugging Face tokenizers' BpeTrainer on
a byte-level BPE model) and ``bpeasy``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

TOOLS = ("fast", "rustbpe", "hf", "bpeasy")
"""The training tools, in the order the driver runs and reports them."""

DISTRIBUTIONS = {"fast": "bytebpe", "rustbpe": "rustbpe", "hf": "tokenizers", "bpeasy": "bpeasy"}
"""The package that provides each tool (for versions and availability)."""

MODULES = {"fast": ["bytebpe"], "rustbpe": ["rustbpe"], "hf": ["tokenizers"], "bpeasy": ["bpeasy"]}
"""What each tool's process imports before the clock starts (never bytebpe for a peer)."""

BPEASY_MAX_TOKEN_LENGTH = 1 << 20
"""bpeasy caps token length; the others do not, so the cap is set out of reach."""


@dataclass(frozen=True)
class Pattern:
    """The split pattern in the forms the tools take: bytebpe's name (or regex), the regex, and the
    regex for Hugging Face's Oniguruma."""

    name: str
    regex: str
    hf_regex: str


def pattern_regex(pattern: str) -> str:
    """The regex of a pattern name (or the regex itself if it is not a known name)."""
    import bytebpe

    return bytebpe.PATTERNS.get(pattern, pattern)


def resolve_pattern(pattern: str) -> tuple[Pattern, str]:
    """The :class:`Pattern` of a bytebpe pattern name or regex, and where its HF regex comes from."""
    hf_regex, source = hf_pattern(pattern)
    return Pattern(pattern, pattern_regex(pattern), hf_regex), source


def hf_pattern(pattern: str) -> tuple[str, str]:
    """The regex to give Hugging Face's Split pre-tokenizer, and where it comes from.

    bytebpe renders the pattern for Oniguruma (HF's engine reads Ruby syntax and carries its own
    Unicode tables) so that HF splits exactly as the spec does; without bytebpe.huggingface the
    pattern is passed as written.
    """
    regex = pattern_regex(pattern)
    try:
        from bytebpe.huggingface import oniguruma_pattern
    except ImportError:
        return regex, "the pattern as written (bytebpe.huggingface is not importable)"
    try:
        return oniguruma_pattern(regex), "the pattern rendered for Oniguruma by bytebpe.huggingface.oniguruma_pattern"
    except Exception as err:  # a pattern bytebpe accepts but cannot render: HF gets it as written
        return regex, f"the pattern as written (oniguruma_pattern failed: {err})"


def prepare(tool: str) -> None:
    """Import everything ``tool`` needs, outside the timed region."""
    for module in MODULES[tool]:
        importlib.import_module(module)


def train_fast(texts: Iterator[str], vocab_size: int, pattern: Pattern) -> dict[bytes, int]:
    """bytebpe's fast core: ``bytebpe.Tokenizer.train(texts, vocab_size, pattern=...)``."""
    import bytebpe

    tokenizer = bytebpe.Tokenizer.train(texts, vocab_size, pattern=pattern.name, implementation="fast")
    return tokenizer.mergeable_ranks


def train_rustbpe(texts: Iterator[str], vocab_size: int, pattern: Pattern) -> dict[bytes, int]:
    """rustbpe with its defaults (``buffer_size=8192`` texts held before each parallel count)."""
    import rustbpe

    trainer = rustbpe.Tokenizer()
    trainer.train_from_iterator(texts, vocab_size, pattern=pattern.regex)
    return dict(trainer.get_mergeable_ranks())


def _hf_byte_decoder() -> dict[str, int]:
    """GPT-2's byte-to-character map, inverted (HF's ByteLevel vocabulary strings back to bytes)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars = {byte: chr(byte) for byte in printable}
    extra = 0
    for byte in range(256):
        if byte not in chars:
            chars[byte] = chr(256 + extra)
            extra += 1
    return {char: byte for byte, char in chars.items()}


def train_hf(texts: Iterator[str], vocab_size: int, pattern: Pattern) -> dict[bytes, int]:
    """Hugging Face tokenizers: a BPE model behind Split(pattern, isolated) + ByteLevel(use_regex=False),
    trained by BpeTrainer with the 256 byte characters as initial alphabet and no special tokens."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(pattern.hf_regex), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[],
    )
    tokenizer.train_from_iterator(texts, trainer)
    decoder = _hf_byte_decoder()
    return {bytes(decoder[char] for char in token): rank for token, rank in tokenizer.get_vocab().items()}


def train_bpeasy(texts: Iterator[str], vocab_size: int, pattern: Pattern) -> dict[bytes, int]:
    """bpeasy: ``train_bpe(texts, regex, max_token_length, vocab_size)`` (its vocab_size counts the
    256 byte tokens, like the others)."""
    import bpeasy

    return dict(bpeasy.train_bpe(texts, pattern.regex, BPEASY_MAX_TOKEN_LENGTH, vocab_size))


TRAINERS: dict[str, Callable[[Iterator[str], int, Pattern], dict[bytes, int]]] = {
    "fast": train_fast,
    "rustbpe": train_rustbpe,
    "hf": train_hf,
    "bpeasy": train_bpeasy,
}
