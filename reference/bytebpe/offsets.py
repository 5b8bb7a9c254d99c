"""Offsets (spec §6.12): where each token of an encoding is in the text, by characters and by
bytes, as Hugging Face's ``Encoding.offsets`` and tiktoken's ``decode_with_offsets`` give them,
for span labelling and highlighting. :class:`OffsetsSurface` is a base class of bytebpe.Tokenizer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bytebpe import checks, reference
from bytebpe.special_tokens import SpecialSet, check_disallowed, special_sets

if TYPE_CHECKING:
    from bytebpe.huggingface.pipeline import Pipeline

Span = tuple[int, int]


@dataclass(frozen=True)
class Encoding:
    """The ids of an encoding, each token's character span in the text (``offsets``, as Hugging
    Face's ``Encoding.offsets``: ``text[start:end]``) and its byte span in the text's UTF-8
    (``byte_offsets``). A character split between tokens is in the span of each (spec §6.12)."""

    ids: list[int]
    offsets: list[Span]
    byte_offsets: list[Span]

    def __len__(self) -> int:
        return len(self.ids)


class OffsetsSurface:
    """Methods of bytebpe.Tokenizer that give offsets."""

    _encoder: Any
    _special_tokens: dict[str, int]
    _huggingface: Pipeline | None

    def encode_with_offsets(
        self, text: str, *, allowed_special: SpecialSet = frozenset(), disallowed_special: SpecialSet = "all"
    ) -> Encoding:
        """The ids of :meth:`encode` (special tokens as it treats them) with each token's
        character and byte span in ``text`` (spec §6.12)."""
        allowed, disallowed = special_sets(self._special_tokens, allowed_special, disallowed_special)
        if disallowed:
            check_disallowed(text, disallowed)
        ids, byte_offsets, offsets = self._encoder.encode_with_offsets(text, allowed)
        return Encoding(ids, offsets, byte_offsets)

    def encode_huggingface_with_offsets(self, text: str, *, add_special_tokens: bool = True) -> Encoding:
        """Hugging Face's ``encode(text, add_special_tokens=...)``: the ids of
        ``encode_huggingface`` and ``offsets`` as Hugging Face's (in the text before
        normalizing, trimmed where the post-processor trims them), ``(0, 0)`` for the ids the
        post-processor adds. ValueError, naming the
        normalizers, when they change ``text``: its tokens then have no exact span in it."""
        from bytebpe.huggingface.pipeline import Pipeline

        ids = self.encode_huggingface(text, add_special_tokens=add_special_tokens)  # type: ignore[attr-defined]
        pipeline = Pipeline() if self._huggingface is None else self._huggingface
        before, after = (len(pipeline.prefix), len(pipeline.suffix)) if add_special_tokens else (0, 0)
        middle = ids[before : len(ids) - after]
        if not (pipeline.normalizers or pipeline.pre_splits):
            # The model alone, every added token recognised: the core's spans.
            model_ids, byte_offsets, offsets = self._encoder.encode_with_offsets(text, list(self._special_tokens))
        else:
            model_ids, byte_offsets = middle, self._spans_of(text, middle, pipeline)
            offsets = reference.char_spans(text, byte_offsets)
        if model_ids != middle:
            raise _changed(pipeline)
        if pipeline.trim_offsets:
            edges = self._spaces_at_edges(middle)
            offsets = _trimmed(offsets, edges, pipeline.trim_keeps_prefix_space)
            byte_offsets = _trimmed(byte_offsets, edges, pipeline.trim_keeps_prefix_space)
        ends = [(0, 0)] * before, [(0, 0)] * after
        return Encoding(ids, [*ends[0], *offsets, *ends[1]], [*ends[0], *byte_offsets, *ends[1]])

    def _spans_of(self, text: str, ids: list[int], pipeline: Pipeline) -> list[Span]:
        """The byte spans of tokens that follow one another from the start of ``text``;
        ValueError if their bytes are not ``text``'s."""
        pieces = [self._encoder.decode_bytes([token]) for token in ids]
        if b"".join(pieces) != checks.check_text(text, "text").encode("utf-8"):
            raise _changed(pipeline)
        spans, at = [], 0
        for piece in pieces:
            spans.append((at, at + len(piece)))
            at += len(piece)
        return spans

    def _spaces_at_edges(self, tokens: list[int]) -> list[tuple[int, int]]:
        """How many characters of white space start and end each token's text as Hugging Face
        writes it: spaces of a token of the model (its other bytes are no white space in GPT-2's
        byte map); Unicode's White_Space or GPT-2's space (Ġ) in an added token."""
        from bytebpe.huggingface.normalizers import WHITE_SPACE

        added = {token_id: text for text, token_id in self._special_tokens.items()}
        edges = []
        for token in tokens:
            if token in added:
                text, space = added[token], WHITE_SPACE + "\u0120"
            else:
                text, space = self._encoder.decode_bytes([token]).decode("latin-1"), " "
            # Counted from each end on its own: a token of spaces only has both.
            edges.append((len(text) - len(text.lstrip(space)), len(text) - len(text.rstrip(space))))
        return edges


def _trimmed(spans: list[Span], edges: list[tuple[int, int]], keep_first_space: bool) -> list[Span]:
    """Hugging Face's ``trim_offsets``: each span without the white space at the ends of its
    token, never past its other end; with ``keep_first_space`` (the post-processor's
    ``add_prefix_space``) one leading space of a token at the start of the text stays."""
    out = []
    for at, ((start, end), (lead, trail)) in enumerate(zip(spans, edges, strict=True)):
        if keep_first_space and lead == 1 and (at == 0 or start == 0):
            lead = 0
        start = min(start + lead, end)
        if trail and end >= trail:
            end = max(end - trail, start)
        out.append((start, end))
    return out


def _changed(pipeline: Pipeline) -> ValueError:
    what = f"the normalizers {', '.join(map(str, pipeline.normalizers))}" if pipeline.normalizers else "the pipeline"
    return ValueError(
        f"encode_huggingface_with_offsets: {what} changed the text, so its tokens have no exact span "
        "in it; offsets are given only where the text is left as it is (spec §6.12)"
    )
