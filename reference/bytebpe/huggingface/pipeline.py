"""What a Hugging Face tokenizer does around its BPE model, as bytebpe reproduces it: the added
tokens found first, the normalizers applied to the text between them, the splits of a pre-tokenizer
``Sequence`` before its last (each cuts the pieces of the one before), and the ids the
post-processor adds around a text when ``add_special_tokens`` is on. The last split is the
encoder's own pattern.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bytebpe import checks, reference
from bytebpe.patterns import SplitPattern

# Hugging Face's normalizers that byte-level models use, by their "type" in tokenizer.json.
NORMALIZERS = ("NFC", "NFD", "NFKC", "NFKD", "Lowercase")


def _lowercase(text: str) -> str:
    # Hugging Face lowercases character by character (Rust's char::to_lowercase), so a final
    # sigma is σ, not the ς that str.lower() writes at the end of a word.
    return "".join(char.lower() for char in text)


@dataclass(frozen=True)
class Pipeline:
    """The normalizers (names from NORMALIZERS, in order), the split patterns applied before the
    encoder's (spec regexes, in order), and the ids a post-processor puts before and after the
    ids of one text."""

    normalizers: tuple[str, ...] = ()
    prefix: tuple[int, ...] = ()
    suffix: tuple[int, ...] = ()
    pre_splits: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True if it changes nothing: the encoder alone gives Hugging Face's ids."""
        return not (self.normalizers or self.prefix or self.suffix or self.pre_splits)

    def normalize(self, text: str) -> str:
        """``text`` after every normalizer, in order."""
        for name in self.normalizers:
            text = _lowercase(text) if name == "Lowercase" else unicodedata.normalize(name, text)
        return text

    def encode_batch(
        self,
        encoder: Any,
        added_tokens: Mapping[str, int],
        texts: Iterable[str],
        add_special_tokens: bool,
        num_threads: int | None,
    ) -> list[list[int]]:
        """Hugging Face's ids of ``texts`` with ``encoder`` (an implementation's Encoder) whose
        special tokens are the ``added_tokens``: every one recognised, the stretches between them
        normalized and split, the post-processor's ids around each text if ``add_special_tokens``."""
        if not isinstance(add_special_tokens, bool):
            raise TypeError(f"add_special_tokens must be a bool, not {type(add_special_tokens).__name__}")
        if self.normalizers or self.pre_splits:
            encoded = self._encode_by_stretches(encoder, added_tokens, list(checks.check_texts(texts)), num_threads)
        else:
            encoded = encoder.encode_batch(texts, list(added_tokens), num_threads)
        if not add_special_tokens or not (self.prefix or self.suffix):
            return encoded
        return [[*self.prefix, *ids, *self.suffix] for ids in encoded]

    def _encode_by_stretches(
        self, encoder: Any, added_tokens: Mapping[str, int], texts: list[str], num_threads: int | None
    ) -> list[list[int]]:
        # Each text becomes a plan: added-token ids, and indexes of stretches that the encoder
        # encodes in one batch (on all cores in the fast implementation).
        tokens = sorted(added_tokens, key=len, reverse=True)
        finder = re.compile("|".join(map(re.escape, tokens))) if tokens else None
        stretches: list[str] = []
        plans: list[list[tuple[bool, int]]] = []
        for text in texts:
            plan: list[tuple[bool, int]] = []
            pos = 0
            for found in finder.finditer(text) if finder is not None else ():
                plan += self._stretches(text[pos : found.start()], stretches)
                plan.append((True, added_tokens[found.group()]))
                pos = found.end()
            plans.append(plan + self._stretches(text[pos:], stretches))
        encoded = encoder.encode_ordinary_batch(stretches, num_threads)
        return [[i for is_id, value in plan for i in ([value] if is_id else encoded[value])] for plan in plans]

    def _stretches(self, text: str, stretches: list[str]) -> list[tuple[bool, int]]:
        pieces = [self.normalize(text)]
        for pattern in self.pre_splits:
            split = SplitPattern.of_regex(pattern)
            pieces = [part for piece in pieces for part in reference.split(piece, split)]
        start = len(stretches)
        stretches += [piece for piece in pieces if piece]
        return [(False, index) for index in range(start, len(stretches))]
