"""What a Hugging Face tokenizer does around its BPE model, as bytebpe reproduces it: the added
tokens found first (added_tokens.py: those matched in the text as given, then those matched in
normalized text), the normalizers applied to the text between them, the splits of a pre-tokenizer
``Sequence`` before its last (each cuts the pieces of the one before), ByteLevel's
``add_prefix_space`` (a space before each piece that does not start with one), and the ids the
post-processor adds around a text when ``add_special_tokens`` is on. The last split is the
encoder's own pattern. :meth:`Pipeline.aligned_pieces` does the same with each character's source
in the original text, for offsets (offsets.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from bytebpe import checks
from bytebpe.framing import framed
from bytebpe.huggingface.added_tokens import AddedToken, Finder
from bytebpe.huggingface.normalizers import UNICODE_FORMS, Normalizer
from bytebpe.huggingface.split_behavior import PreSplit


class Piece(NamedTuple):
    """One piece of a text as Hugging Face encodes it: an added token (its ``id``, ``text`` the
    text it took) or a stretch for the model to encode (``id`` None, ``text`` as normalized,
    split and prefixed), with ``sources``, for each of its characters the index of the
    character of the original text it came from."""

    id: int | None
    text: str
    sources: list[int]


@dataclass(frozen=True)
class Pipeline:
    """The normalizers (in order), the ``Split`` steps applied before the encoder's pattern (in
    order), the ids a post-processor puts before and after the ids of
    one text, ByteLevel's ``add_prefix_space``, the added tokens with their flags (those
    that are also tokens of the model among them, which the encoder does not hold as special
    tokens), and whether the post-processor trims white space off the offsets
    (``trim_offsets``, ByteLevel's or RoBERTa's; with its own ``add_prefix_space``, one space
    at the start of the first token stays: offsets.py)."""

    normalizers: tuple[Normalizer, ...] = ()
    prefix: tuple[int, ...] = ()
    suffix: tuple[int, ...] = ()
    pre_splits: tuple[PreSplit, ...] = ()
    add_prefix_space: bool = False
    added_tokens: tuple[AddedToken, ...] = ()
    trim_offsets: bool = False
    trim_keeps_prefix_space: bool = False

    @property
    def is_empty(self) -> bool:
        """True if it changes nothing: the encoder alone gives Hugging Face's ids and offsets."""
        changes = self.normalizers or self.prefix or self.suffix or self.pre_splits
        return not (changes or self.add_prefix_space or self.trim_offsets) and all(
            token == AddedToken(token.content, token.id) for token in self.added_tokens
        )

    @cached_property
    def _by_stretches(self) -> bool:
        """False if the encoder alone finds what Hugging Face does in a text that the normalizers
        leave as it is (:meth:`_unchanged`): no split or prefix space, normalizers that are
        Unicode forms only (leaving the normalized added tokens as they are), and the added
        tokens found by the encoder's scan for special tokens
        (spec §6.5): all in one search of the text as given, none stripping anything. Cached:
        encode_huggingface asks once a call."""
        plain = all(token.is_plain for token in self.added_tokens)
        one_search = len({token.normalized for token in self.added_tokens}) <= 1
        only_forms = all(normalizer.kind in UNICODE_FORMS for normalizer in self.normalizers)
        # A normalized added token is looked for as normalized: the scan finds it only as it is.
        normalized = [token.content for token in self.added_tokens if token.normalized]
        as_given = only_forms and all(self._unchanged(normalized))
        return bool(self.pre_splits or self.add_prefix_space) or not (plain and one_search and as_given)

    def _unchanged(self, texts: list[object]) -> list[bool]:
        """For each text, True if normalizers that are Unicode forms leave it as it is, asked of
        Python's quick check instead of normalizing. Each stretch between added tokens is then
        left as it is too: a part of a text in a Unicode form is in that form (decomposition is
        character by character, reordering sorts runs of marks, and a character composes only
        with one before it). ASCII text is in every form, and ``isascii`` is answered without
        reading the text. Anything but a str is not known to be unchanged. One call for many
        texts: a call per text would cost more than the check."""
        forms, is_normalized = self._forms, unicodedata.is_normalized
        return [
            type(text) is str and (text.isascii() or all(is_normalized(form, text) for form in forms)) for text in texts
        ]

    @cached_property
    def _forms(self) -> tuple[str, ...]:
        return tuple(normalizer.kind for normalizer in self.normalizers)

    def by_encoder_alone(self, added_tokens: Mapping[str, int], text: object) -> bool:
        """True if the encoder, with ``added_tokens`` as its special tokens, finds by itself
        what Hugging Face does in ``text`` (the post-processor's ids aside)."""
        return self._alone_if_unchanged(added_tokens) and self._unchanged([text])[0]

    def _alone_if_unchanged(self, added_tokens: Mapping[str, int]) -> bool:
        # Some added tokens that are tokens of the model too: the encoder does not hold them.
        return not (self._by_stretches or len(self.added_tokens) > len(added_tokens))

    def normalize(self, text: str) -> str:
        """``text`` after every normalizer, in order."""
        for normalizer in self.normalizers:
            text = normalizer(text)
        return text

    def encode(self, encoder: Any, added_tokens: Mapping[str, int], text: str, add_special_tokens: bool) -> list[int]:
        """:meth:`encode_batch` of one text, without a batch's set-up where the encoder alone
        finds what Hugging Face does (one call per document is how datasets are encoded)."""
        if not isinstance(add_special_tokens, bool) or not self.by_encoder_alone(added_tokens, text):
            return self.encode_batch(encoder, added_tokens, [text], add_special_tokens, None)[0]
        ids = encoder.encode(text, "all")
        return framed(ids, self.prefix, self.suffix) if add_special_tokens else ids

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
        if not self._alone_if_unchanged(added_tokens):
            encoded = self._encode_by_stretches(encoder, added_tokens, list(checks.check_texts(texts)), num_threads)
        elif self.normalizers:
            encoded = self._encode_unless_changed(encoder, added_tokens, texts, num_threads)
        else:
            encoded = encoder.encode_batch(texts, "all", num_threads)
        if add_special_tokens and (self.prefix or self.suffix):
            for ids in encoded:
                framed(ids, self.prefix, self.suffix)
        return encoded

    def _encode_unless_changed(
        self, encoder: Any, added_tokens: Mapping[str, int], texts: Iterable[str], num_threads: int | None
    ) -> list[list[int]]:
        # The texts the Unicode forms leave as they are (nearly all of a real corpus) go to the
        # encoder in one batch, as if there were no normalizer; the others by stretches. The
        # encoder checks the texts of a batch it is given whole; the others are checked here.
        texts = texts if isinstance(texts, list) else list(checks.check_texts(texts))
        unchanged = self._unchanged(texts)
        if all(unchanged):
            return encoder.encode_batch(texts, "all", num_threads)
        # A changed text is encoded as "" in the batch and redone by stretches: the others keep
        # their index, so an error of the encoder names the right text.
        encoded = encoder.encode_batch(
            [text if keep else "" for text, keep in zip(texts, unchanged, strict=True)], "all", num_threads
        )
        changed = [i for i, keep in enumerate(unchanged) if not keep]
        redone = [checks.check_text(texts[i], f"texts[{i}]") for i in changed]
        for i, ids in zip(changed, self._encode_by_stretches(encoder, added_tokens, redone, num_threads), strict=True):
            encoded[i] = ids
        return encoded

    def _finders(self, added_tokens: Mapping[str, int]) -> tuple[Finder, Finder]:
        """Finders of the added tokens matched in the text as given and in normalized text: the
        pipeline's own (built once: a call per document must not compile them again), else the
        tokenizer's special tokens, all matched as given."""
        if self.added_tokens:
            return self._own_finders
        return self._finders_of(tuple(AddedToken(text, token_id) for text, token_id in added_tokens.items()))

    @cached_property
    def _own_finders(self) -> tuple[Finder, Finder]:
        return self._finders_of(self.added_tokens)

    def _finders_of(self, tokens: tuple[AddedToken, ...]) -> tuple[Finder, Finder]:
        return (
            Finder(token for token in tokens if not token.normalized),
            Finder((token for token in tokens if token.normalized), self.normalize),
        )

    def _encode_by_stretches(
        self, encoder: Any, added_tokens: Mapping[str, int], texts: list[str], num_threads: int | None
    ) -> list[list[int]]:
        # Each text becomes a plan: added-token ids, and indexes of stretches that the encoder
        # encodes in one batch (on all cores in the fast implementation).
        raw, normalized = self._finders(added_tokens)
        stretches: list[str] = []
        plans: list[list[tuple[bool, int]]] = []
        for text in texts:
            plan: list[tuple[bool, int]] = []
            for is_token, value in raw.segments(text):
                if is_token:
                    plan.append((True, value))  # type: ignore[arg-type]
                    continue
                for is_normalized_token, part in normalized.segments(self.normalize(value)):  # type: ignore[arg-type]
                    if is_normalized_token:
                        plan.append((True, part))  # type: ignore[arg-type]
                    else:
                        plan += self._stretches(part, stretches)  # type: ignore[arg-type]
            plans.append(plan)
        encoded = encoder.encode_ordinary_batch(stretches, num_threads)
        return [[i for is_id, value in plan for i in ([value] if is_id else encoded[value])] for plan in plans]

    def _stretches(self, text: str, stretches: list[str]) -> list[tuple[bool, int]]:
        pieces = [text]
        for split in self.pre_splits:
            pieces = [part for piece in pieces for part in split.pieces(piece)]
        if self.add_prefix_space:
            pieces = [piece if piece.startswith(" ") else " " + piece for piece in pieces if piece]
        start = len(stretches)
        stretches += [piece for piece in pieces if piece]
        return [(False, index) for index in range(start, len(stretches))]

    def aligned_pieces(self, added_tokens: Mapping[str, int], text: str) -> list[Piece]:
        """The pieces of ``text`` that :meth:`encode_batch` finds, in order, each character with
        its source in ``text`` as Hugging Face aligns them (alignment.py): a stretch between
        added tokens is normalized as one; a split keeps the sources of what it keeps; a prefix
        space takes the source of the character it is put before."""
        raw, normalized = self._finders(added_tokens)
        out: list[Piece] = []
        for start, end, token in raw.cuts(text):
            part, sources = text[start:end], list(range(start, end))
            if token is not None:
                out.append(Piece(token, part, sources))
                continue
            for normalizer in self.normalizers:
                part, sources = normalizer.aligned(part, sources)
            for cut_start, cut_end, found in normalized.cuts(part):
                piece = Piece(found, part[cut_start:cut_end], sources[cut_start:cut_end])
                out += [piece] if found is not None else self._aligned_stretches(piece)
        return out

    def _aligned_stretches(self, piece: Piece) -> list[Piece]:
        pieces = [piece]
        for split in self.pre_splits:
            pieces = [
                Piece(None, each.text[start:end], each.sources[start:end])
                for each in pieces
                for start, end in split.piece_spans(each.text)
            ]
        if self.add_prefix_space:
            pieces = [
                each if each.text.startswith(" ") else Piece(None, " " + each.text, [each.sources[0], *each.sources])
                for each in pieces
            ]
        return pieces
