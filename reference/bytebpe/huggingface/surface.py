"""The Tokenizer's Hugging Face import surface: ``from_huggingface`` and ``encode_huggingface``,
and what the exports need to know of a merge-list model. A base class of bytebpe.Tokenizer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

    from bytebpe.huggingface.pipeline import Pipeline


class HuggingFaceSurface:
    """Methods of bytebpe.Tokenizer for tokenizers imported from Hugging Face."""

    _encoder: Any
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

    def encode_huggingface(self, text: str, *, add_special_tokens: bool = True) -> list[int]:
        """Hugging Face's ``encode(text, add_special_tokens=...).ids``: every special token is
        recognised; an imported tokenizer's normalizers, splits and post-processor apply."""
        return self.encode_huggingface_batch([text], add_special_tokens=add_special_tokens)[0]

    def encode_huggingface_batch(
        self, texts: Iterable[str], *, add_special_tokens: bool = True, num_threads: int | None = None
    ) -> list[list[int]]:
        """:meth:`encode_huggingface` for many texts, in parallel (fast implementation)."""
        from bytebpe.huggingface.pipeline import Pipeline

        pipeline = Pipeline() if self._huggingface is None else self._huggingface
        return pipeline.encode_batch(self._encoder, self._special_tokens, texts, add_special_tokens, num_threads)

    def _merge_list(self) -> dict[str, Any]:
        """The export's keywords for this model's merge list; ValueError for an imported pipeline."""
        from bytebpe.huggingface.export import merge_list_arguments

        return merge_list_arguments(self._merges, self._ignore_merges, self._huggingface)

    def _refuse_merge_list(self, what: str) -> None:
        if self._ignore_merges is not None:
            raise ValueError(f"a merge-list model (spec §6.7, as imported from Hugging Face) cannot go to {what}")
