"""NanochatTokenizer: nanochat's ``RustBPETokenizer``, method for method, on a bytebpe Tokenizer.

nanochat trains with rustbpe and encodes with a ``tiktoken.Encoding`` it wraps. This class wraps a
:class:`bytebpe.Tokenizer` instead, keeps nanochat's names, arguments and results, and gives the
same ids and masks as nanochat's class on the same model. So swapping it in is one line in
nanochat's ``nanochat/tokenizer.py``::

    from bytebpe.nanochat import NanochatTokenizer as RustBPETokenizer

Where nanochat is silent about bad input (an unknown id to prepend, a malformed conversation),
this class raises an exception that names the problem (docs/nanochat.md lists the differences).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

from bytebpe.merge_budget import FewerMergesWarning
from bytebpe.nanochat import conversation as chat
from bytebpe.nanochat import pretrained, saving
from bytebpe.nanochat.conventions import BOS_TOKEN, PRETRAINED_BOS_TOKEN, SPECIAL_TOKENS, SPLIT_PATTERN
from bytebpe.progress import ProgressCallback
from bytebpe.tokenizer import Tokenizer

__all__ = ["NanochatTokenizer"]

TokenRef = int | str


class NanochatTokenizer:
    """nanochat's tokenizer class on bytebpe: train, encode, decode, save and load as nanochat
    does, and render conversations in its chat format.

    ``enc`` is the :class:`bytebpe.Tokenizer` underneath (nanochat's ``enc`` is a
    ``tiktoken.Encoding``; bytebpe's Tokenizer has the same methods). ``bos_token`` names the
    special token that starts a document: ``<|bos|>`` for a tokenizer trained the nanochat way.
    """

    def __init__(self, enc: Tokenizer, bos_token: str = BOS_TOKEN) -> None:
        if not isinstance(enc, Tokenizer):
            raise TypeError(
                f"enc must be a bytebpe.Tokenizer, not {type(enc).__name__} "
                "(for a tiktoken.Encoding, pass bytebpe.Tokenizer.from_tiktoken(encoding))"
            )
        self.enc = enc
        self.bos_token_id = self.encode_special(bos_token)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def train_from_iterator(
        cls,
        text_iterator: Iterable[str],
        vocab_size: int,
        *,
        max_token_length: int | None = None,
        implementation: str = "fast",
        progress: bool | ProgressCallback = False,
    ) -> NanochatTokenizer:
        """Train as nanochat does: its split pattern, and its nine special tokens, whose ids follow
        the merges and count in ``vocab_size`` (so ``vocab_size - 9 - 256`` merges at most).

        The merges are rustbpe's for the same texts, so the ids are nanochat's. The keyword
        arguments are bytebpe's own (:meth:`bytebpe.Tokenizer.train`).
        """
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FewerMergesWarning)
            enc = Tokenizer.train(
                text_iterator,
                vocab_size,
                pattern=SPLIT_PATTERN,
                special_tokens=SPECIAL_TOKENS,
                max_token_length=max_token_length,
                implementation=implementation,
                progress=progress,
            )
        for warning in caught:  # said again, pointing at the caller rather than at this method
            warnings.warn(warning.message, warning.category, stacklevel=2)
        return cls(enc, BOS_TOKEN)

    @classmethod
    def from_directory(cls, tokenizer_dir: str | os.PathLike, *, implementation: str = "fast") -> NanochatTokenizer:
        """The tokenizer saved in ``tokenizer_dir``, by nanochat (``tokenizer.pkl``) or by bytebpe.

        The pickle is read safely: nothing but tiktoken's Encoding and plain data is admitted, so
        a file that would run code is refused (bytebpe.FormatError), and tiktoken is not needed.
        """
        return cls(Tokenizer.load(tokenizer_dir, implementation=implementation), BOS_TOKEN)

    @classmethod
    def from_pretrained(cls, tiktoken_name: str, *, implementation: str = "fast") -> NanochatTokenizer:
        """One of tiktoken's encodings ("gpt2", "cl100k_base", ...), with ``<|endoftext|>`` as BOS.

        tiktoken downloads its encodings once and caches them; offline, the OSError says in
        which directory tiktoken looked.
        """
        encoding = pretrained.get_encoding(tiktoken_name)
        return cls(Tokenizer.from_tiktoken(encoding, implementation=implementation), PRETRAINED_BOS_TOKEN)

    # -- what it is -------------------------------------------------------------------------

    def get_vocab_size(self) -> int:
        """One more than the largest id (tiktoken's n_vocab): the model's vocabulary size."""
        return self.enc.n_vocab

    def get_special_tokens(self) -> set[str]:
        """The special-token strings."""
        return self.enc.special_tokens_set

    def id_to_token(self, id: int) -> str:
        """The text of one token (U+FFFD for bytes that are part of a character)."""
        return self.enc.decode([id])

    def encode_special(self, text: str) -> int:
        """The id of ``text`` taken as one token: as tiktoken's ``encode_single_token``, an
        ordinary token of those bytes first, then a special token; KeyError if it is neither."""
        if not isinstance(text, str):
            raise TypeError(f"encode_special takes a str, not {type(text).__name__}")
        try:
            return self.enc.encode_single_token(text.encode("utf-8"))
        except KeyError:
            return self.enc.encode_special(text)

    def get_bos_token_id(self) -> int:
        """The id that starts every document."""
        return self.bos_token_id

    def token_bytes(self) -> list[int]:
        """Per id, the bytes nanochat counts for it in bits per byte (``token_bytes.pt``): the
        UTF-8 length of its text, with invalid bytes replaced, and 0 for a special token."""
        return saving.nanochat_token_bytes(self.enc)

    # -- encoding and decoding ------------------------------------------------------------------

    @overload
    def encode(
        self, text: str, prepend: TokenRef | None = ..., append: TokenRef | None = ..., num_threads: int = ...
    ) -> list[int]: ...
    @overload
    def encode(
        self, text: list[str], prepend: TokenRef | None = ..., append: TokenRef | None = ..., num_threads: int = ...
    ) -> list[list[int]]: ...
    def encode(
        self,
        text: str | list[str],
        prepend: TokenRef | None = None,
        append: TokenRef | None = None,
        num_threads: int = 8,
    ) -> list[int] | list[list[int]]:
        """Encode a text, or a list of texts on ``num_threads`` threads, as ordinary text: the
        string of a special token in the text is encoded like any other text.

        ``prepend`` and ``append`` add a token (a special token's string, or an id) at the start
        and end of each encoding. ValueError for a text that is neither a str nor a list.
        """
        before = [] if prepend is None else [self._token_id(prepend, "prepend")]
        after = [] if append is None else [self._token_id(append, "append")]
        if isinstance(text, str):
            return [*before, *self.enc.encode_ordinary(text), *after]
        if isinstance(text, list):
            rows = self.enc.encode_ordinary_batch(text, num_threads=num_threads)
            return [[*before, *row, *after] for row in rows]
        raise ValueError(f"text must be a str or a list of str, not {type(text).__name__}")

    __call__ = encode

    def decode(self, ids: Iterable[int]) -> str:
        """The text of ``ids`` (U+FFFD where the bytes are not UTF-8)."""
        return self.enc.decode(ids)

    def decode_single_token_bytes(self, token_id: int) -> bytes:
        """The bytes of one token."""
        return self.enc.decode_single_token_bytes(token_id)

    def _token_id(self, token: TokenRef, what: str) -> int:
        if isinstance(token, str):
            return self.encode_special(token)
        if isinstance(token, bool) or not isinstance(token, int):
            raise TypeError(f"{what} must be a token id or a special token's string, not {type(token).__name__}")
        try:
            self.enc.decode_single_token_bytes(token)
        except KeyError:
            vocab = self.get_vocab_size()
            raise KeyError(f"{what}={token} is not an id of this tokenizer (vocab size {vocab})") from None
        return token

    # -- files ------------------------------------------------------------------------------

    def save(self, tokenizer_dir: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write nanochat's files (``tokenizer.pkl``, and ``token_bytes.pt`` where torch is
        installed) and bytebpe's (``tokenizer.tiktoken``, ``bytebpe.json``) to ``tokenizer_dir``,
        atomically. nanochat's ``from_directory`` and ``get_token_bytes`` read it, and so does
        ``bytebpe.Tokenizer.load``. A previous save there is replaced only with ``overwrite=True``;
        a directory that holds files bytebpe did not write is never replaced (FileExistsError).
        """
        return saving.save_for_nanochat(self.enc, tokenizer_dir, overwrite=overwrite)

    # -- conversations ----------------------------------------------------------------------

    def render_conversation(
        self, conversation: Mapping[str, Any], max_tokens: int | None = 2048
    ) -> tuple[list[int], list[int]]:
        """``(ids, mask)`` of a chat conversation in nanochat's format; the mask is 1 where the model
        is trained (the assistant's words, tool calls and ``<|assistant_end|>``). Both are cut to
        ``max_tokens``. bytebpe.nanochat.conversation states the rules; a malformed conversation
        raises its ConversationError (a ValueError and an AssertionError)."""
        return chat.render_conversation(
            conversation, self._encode_text, self.encode_special, self.bos_token_id, max_tokens
        )

    def render_for_completion(self, conversation: Mapping[str, Any]) -> list[int]:
        """The ids of a conversation without its last (assistant) message, then
        ``<|assistant_start|>``: a prompt for the model to answer."""
        return chat.render_for_completion(conversation, self._encode_text, self.encode_special, self.bos_token_id)

    def visualize_tokenization(self, ids: Sequence[int], mask: Sequence[int], with_token_id: bool = False) -> str:
        """nanochat's view of a rendering: tokens in green where the mask is 1 and red where it is
        0 (ANSI colours), joined by ``|``, each followed by its id in grey with ``with_token_id``."""
        return chat.visualize_tokenization(ids, mask, self.enc.decode, with_token_id)

    def _encode_text(self, text: str) -> list[int]:
        return self.enc.encode_ordinary(text)

    def __repr__(self) -> str:
        return f"<bytebpe.nanochat.NanochatTokenizer vocab_size={self.get_vocab_size()} bos={self.bos_token_id}>"
