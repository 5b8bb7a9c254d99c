"""Offsets (spec §6.12): where each token of an encoding is in the text, by characters and by
bytes, as Hugging Face's ``Encoding.offsets`` and tiktoken's ``decode_with_offsets`` give them,
for span labelling and highlighting. :class:`OffsetsSurface` is a base class of bytebpe.Tokenizer.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from bytebpe import checks
from bytebpe.special_tokens import SpecialSet, check_disallowed, special_sets

if TYPE_CHECKING:
    from bytebpe.huggingface.pipeline import Piece, Pipeline

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
        ``encode_huggingface`` and ``offsets`` as Hugging Face's: spans of the text as given,
        read through the alignments of its normalizers and prefix spaces (spec §6.12), trimmed
        where the post-processor trims them, ``(0, 0)`` for the ids the post-processor adds."""
        from bytebpe.huggingface.pipeline import Pipeline

        if not isinstance(add_special_tokens, bool):
            raise TypeError(f"add_special_tokens must be a bool, not {type(add_special_tokens).__name__}")
        pipeline = Pipeline() if self._huggingface is None else self._huggingface
        if pipeline.by_encoder_alone(self._special_tokens, text):
            # The text is encoded as it is, every added token recognised: the core's spans.
            ids, byte_offsets, offsets = self._encoder.encode_with_offsets(text, "all")
            if pipeline.trim_offsets:
                offsets, byte_offsets = _trimmed(text, offsets, byte_offsets, self._spaces_at_edges(ids), pipeline)
        else:
            ids, offsets, byte_offsets = self._aligned(checks.check_text(text, "text"), pipeline)
        before, after = (list(pipeline.prefix), list(pipeline.suffix)) if add_special_tokens else ([], [])
        ends = [(0, 0)] * len(before), [(0, 0)] * len(after)
        return Encoding([*before, *ids, *after], [*ends[0], *offsets, *ends[1]], [*ends[0], *byte_offsets, *ends[1]])

    def _aligned(self, text: str, pipeline: Pipeline) -> tuple[list[int], list[Span], list[Span]]:
        """The ids, character spans and byte spans of ``text``'s tokens, through the sources of
        the pipeline's pieces (spec §6.12)."""
        from bytebpe.huggingface.normalizers import WHITE_SPACE

        byte_at = _byte_starts(text)
        pieces = pipeline.aligned_pieces(self._special_tokens, text)
        # One batch for every stretch, as encode_huggingface encodes them.
        encoded = iter(self._encoder.encode_ordinary_batch([piece.text for piece in pieces if piece.id is None]))
        ids: list[int] = []
        offsets: list[Span] = []
        byte_offsets: list[Span] = []
        edges: list[tuple[int, int]] = []
        for piece in pieces:
            if piece.id is not None:
                start, end = piece.sources[0], piece.sources[-1] + 1
                ids.append(piece.id)
                offsets.append((start, end))
                byte_offsets.append((byte_at[start], byte_at[end]))
                if pipeline.trim_offsets:
                    edges.append(_edges(piece.text, WHITE_SPACE + "\u0120"))
                continue
            for token, span, byte_span in self._model_tokens(text, piece, next(encoded), byte_at):
                ids.append(token)
                offsets.append(span)
                byte_offsets.append(byte_span)
                if pipeline.trim_offsets:
                    edges.append(_edges(self._encoder.decode_bytes([token]).decode("latin-1"), " "))
        if pipeline.trim_offsets:
            offsets, byte_offsets = _trimmed(text, offsets, byte_offsets, edges, pipeline)
        return ids, offsets, byte_offsets

    def _model_tokens(
        self, text: str, piece: Piece, tokens: list[int], byte_at: Sequence[int]
    ) -> list[tuple[int, Span, Span]]:
        """The model's ``tokens`` of a stretch ``piece`` of ``text``, each with its character span
        (from the source of the piece's character holding its first byte to the source of the
        one holding its last) and its byte span: the UTF-8 of those characters, to the byte at an
        end whose character is its source unchanged."""
        starts = _byte_starts(piece.text)  # where each of the piece's characters starts in its UTF-8
        spans = _one_after_another(self._encoder, tokens)
        if (spans[-1][1] if spans else 0) != starts[-1]:
            # The encoder's pattern leaves some of the stretch out (a Split that keeps only its
            # matches): the core finds where each token is.
            tokens, spans, _ = self._encoder.encode_with_offsets(piece.text, [])
        out = []
        for token, (token_start, token_end) in zip(tokens, spans, strict=True):
            first, last = bisect_right(starts, token_start) - 1, bisect_right(starts, token_end - 1) - 1
            start, end = piece.sources[first], piece.sources[last] + 1
            byte_start, byte_end = byte_at[start], byte_at[end]
            if text[start] == piece.text[first]:
                byte_start += token_start - starts[first]
            if text[end - 1] == piece.text[last]:
                byte_end = byte_at[end - 1] + token_end - starts[last]
            out.append((token, (start, end), (byte_start, byte_end)))
        return out

    def _spaces_at_edges(self, tokens: list[int]) -> list[tuple[int, int]]:
        """How many characters of white space start and end each token's text as Hugging Face
        writes it: spaces of a token of the model (its other bytes are no white space in GPT-2's
        byte map); Unicode's White_Space or GPT-2's space (Ġ) in an added token."""
        from bytebpe.huggingface.normalizers import WHITE_SPACE

        added = {token_id: text for text, token_id in self._special_tokens.items()}
        return [
            _edges(added[token], WHITE_SPACE + "\u0120")
            if token in added
            else _edges(self._encoder.decode_bytes([token]).decode("latin-1"), " ")
            for token in tokens
        ]


def _byte_starts(text: str) -> Sequence[int]:
    """Where each character of ``text`` starts in its UTF-8, and its length last."""
    if text.isascii():
        return range(len(text) + 1)
    return list(accumulate(map(len, map(str.encode, text)), initial=0))


def _one_after_another(encoder: Any, tokens: list[int]) -> list[Span]:
    """The byte spans of ``tokens`` one after another from byte 0."""
    spans, at = [], 0
    for token in tokens:
        size = len(encoder.decode_bytes([token]))
        spans.append((at, at + size))
        at += size
    return spans


def _edges(text: str, space: str) -> tuple[int, int]:
    """How many characters of ``space`` start and end ``text``, each end counted on its own (a
    text of spaces only has both)."""
    return len(text) - len(text.lstrip(space)), len(text) - len(text.rstrip(space))


def _trimmed(
    text: str, offsets: list[Span], byte_offsets: list[Span], edges: list[tuple[int, int]], pipeline: Pipeline
) -> tuple[list[Span], list[Span]]:
    """Hugging Face's ``trim_offsets``: each character span without the white space at the ends
    of its token (``edges``), never past its other end; with the post-processor's
    ``add_prefix_space`` one leading space of a token at the start of the text stays. An end of a
    byte span whose character end moved is at the first byte of the character there."""
    byte_at = _byte_starts(text)
    trimmed: list[Span] = []
    trimmed_bytes: list[Span] = []
    for at, ((start, end), (byte_start, byte_end), (lead, trail)) in enumerate(
        zip(offsets, byte_offsets, edges, strict=True)
    ):
        if pipeline.trim_keeps_prefix_space and lead == 1 and (at == 0 or start == 0):
            lead = 0
        new_start = min(start + lead, end)
        new_end = max(end - trail, new_start) if trail and end >= trail else end
        if new_start != start:
            byte_start = byte_at[new_start]
            byte_end = max(byte_end, byte_start)
        if new_end != end:
            byte_end = byte_at[new_end]
            byte_start = min(byte_start, byte_end)
        trimmed.append((new_start, new_end))
        trimmed_bytes.append((byte_start, byte_end))
    return trimmed, trimmed_bytes
