"""The Tokenizer's Hugging Face surface: ``from_huggingface``, ``encode_huggingface`` and the
exports ``to_huggingface`` and ``save_huggingface``, with what they need to know of a merge-list
model. A base class of bytebpe.Tokenizer."""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tokenizers
    from typing_extensions import Self

    from bytebpe.huggingface.pipeline import Pipeline
    from bytebpe.patterns import SplitPattern


@cache
def _no_pipeline() -> Pipeline:
    """The pipeline of a tokenizer that was not imported: it does nothing around the model."""
    from bytebpe.huggingface.pipeline import Pipeline

    return Pipeline()


class HuggingFaceSurface:
    """Methods of bytebpe.Tokenizer for Hugging Face: import, its encoding, export."""

    _encoder: Any
    _ranks: dict[bytes, int]
    _pattern: SplitPattern
    _special_tokens: dict[str, int]
    _merges: list[tuple[int, int]] | None
    _ignore_merges: bool | None
    _huggingface: Pipeline | None

    @classmethod
    def from_huggingface(cls, source: Any, *, implementation: str = "fast") -> Self:
        """The model of a Hugging Face byte-level BPE tokenizer: a path to ``tokenizer.json`` or its
        directory, a ``tokenizers.Tokenizer`` or a ``transformers`` fast tokenizer.

        :meth:`encode_huggingface` then gives Hugging Face's ids for every text. A component bytebpe
        cannot reproduce exactly raises bytebpe.huggingface.UnsupportedComponent (a ValueError)
        naming it and what is supported. The other encoding methods use the model alone: no
        normalizer, no split before the last, no ids added around a text.
        """
        from bytebpe.huggingface.importer import tokenizer_arguments

        return cls(**tokenizer_arguments(source), implementation=implementation)  # type: ignore[call-arg]

    @property
    def huggingface_pipeline(self) -> Pipeline | None:
        """What an imported Hugging Face tokenizer does around its model (normalizers, splits, ids
        added around a text), which :meth:`encode_huggingface` applies; None where it does nothing."""
        return self._huggingface

    def encode_huggingface(self, text: str, *, add_special_tokens: bool = True) -> list[int]:
        """Hugging Face's ``encode(text, add_special_tokens=...).ids``: every special token is
        recognised; an imported tokenizer's normalizers, splits and post-processor apply."""
        pipeline = _no_pipeline() if self._huggingface is None else self._huggingface
        return pipeline.encode(self._encoder, self._special_tokens, text, add_special_tokens)

    def encode_huggingface_batch(
        self, texts: Iterable[str], *, add_special_tokens: bool = True, num_threads: int | None = None
    ) -> list[list[int]]:
        """:meth:`encode_huggingface` for many texts, in parallel (fast implementation)."""
        pipeline = _no_pipeline() if self._huggingface is None else self._huggingface
        return pipeline.encode_batch(self._encoder, self._special_tokens, texts, add_special_tokens, num_threads)

    def to_huggingface(self) -> tokenizers.Tokenizer:
        """A Hugging Face ``tokenizers.Tokenizer`` that gives the same ids, special tokens included."""
        from bytebpe import huggingface

        return huggingface.to_huggingface(self._ranks, self._pattern, self._special_tokens, **self._merge_list())

    def save_huggingface(
        self,
        directory: str | os.PathLike,
        *,
        model_max_length: int | None = None,
        bos_token: str | None = None,
        eos_token: str | None = None,
        pad_token: str | None = None,
        unk_token: str | None = None,
        chat_template: str | None = None,
        overwrite: bool = False,
    ) -> Path:
        """Write tokenizer.json and tokenizer_config.json for ``tokenizers`` and ``transformers``;
        an earlier export in ``directory`` is replaced only with ``overwrite=True``. The roles,
        ``chat_template`` and ``model_max_length`` (2048 unless given) go to tokenizer_config.json,
        see bytebpe.huggingface.save_huggingface."""
        from bytebpe import huggingface

        options = {
            "model_max_length": model_max_length,
            "bos_token": bos_token,
            "eos_token": eos_token,
            "pad_token": pad_token,
            "unk_token": unk_token,
            "chat_template": chat_template,
            "overwrite": overwrite,
            **self._merge_list(),
        }
        return huggingface.save_huggingface(directory, self._ranks, self._pattern, self._special_tokens, **options)

    def _merge_list(self) -> dict[str, Any]:
        """The export's keywords for this model's merge list and imported pipeline."""
        from bytebpe.huggingface.export import merge_list_arguments

        return merge_list_arguments(self._merges, self._ignore_merges, self._huggingface)

    def _refuse_merge_list(self, what: str) -> None:
        """ValueError for ``what`` on a model that only Hugging Face's format holds: a merge-list
        model, or one imported with a pipeline around it (bytebpe's files do not hold one, and
        dropping it would change the ids)."""
        if self._ignore_merges is not None:
            raise ValueError(f"a merge-list model (spec §6.8, as imported from Hugging Face) cannot go to {what}")
        if self._huggingface is not None and not self._huggingface.is_empty:
            raise ValueError(
                "a tokenizer imported from Hugging Face with a pipeline around its model (normalizers, "
                f"splits, added-token flags or a post-processor) cannot go to {what}"
            )
