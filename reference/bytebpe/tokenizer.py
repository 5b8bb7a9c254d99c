"""The Tokenizer: one model (a rank table, special tokens, a split pattern) on either implementation.

Its surface is tiktoken's (``encode``, ``encode_ordinary``, ``encode_batch``, ``decode``,
``decode_single_token_bytes``, ``n_vocab``, ``eot_token`` ...), with the same behaviour, plus
nanochat's conveniences (``prepend``/``append``, ``encode_special``, ``bos_token_id``,
``token_bytes``) and bytebpe's own: training, offsets, saving, loading, export to tiktoken and Hugging Face.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from bytebpe import argument_checks, checks, files
from bytebpe.counts import PieceCounts
from bytebpe.extend import ExtendSurface
from bytebpe.framing import framed
from bytebpe.huggingface.surface import HuggingFaceSurface
from bytebpe.implementations import implementation as implementation_module
from bytebpe.merge_budget import merge_budget, trained_model
from bytebpe.offsets import OffsetsSurface
from bytebpe.patterns import DEFAULT_PATTERN, SplitPattern
from bytebpe.progress import ProgressCallback, reporter
from bytebpe.shards.surface import ShardsSurface
from bytebpe.special_tokens import SpecialSet, check_disallowed, for_the_core
from bytebpe.truncation import truncated_arguments

if TYPE_CHECKING:
    import tiktoken

    from bytebpe.huggingface import Pipeline
    from bytebpe.visualize import TokenView

TokenRef = int | str


class Tokenizer(HuggingFaceSurface, ShardsSurface, OffsetsSurface, ExtendSurface):
    """A byte-level BPE tokenizer: a rank table (token bytes -> id), special tokens and a split pattern.

    Build one with :meth:`train`, :meth:`from_ranks`, :meth:`from_tiktoken` or :meth:`load`; each
    takes ``implementation`` ("fast", the default, or "reference"). Both implementations give the
    same ids for the same model (spec/bpe.md), and :meth:`with_implementation` moves a model from
    one to the other.
    """

    def __init__(
        self,
        mergeable_ranks: Mapping[bytes, int],
        pattern: str | SplitPattern = DEFAULT_PATTERN,
        *,
        special_tokens: Mapping[str, int] | None = None,
        implementation: str = "fast",
        merges: Sequence[tuple[int, int]] | None = None,
        trained_by: Mapping[str, Any] | None = None,
        merge_counts: Sequence[int] | None = None,
        ignore_merges: bool | None = None,
        huggingface: Pipeline | None = None,
    ) -> None:
        """The tokenizer of a model on ``implementation``: every other way to build one ends here.

        The implementation checks the model as it builds its encoder (spec §5.2, §5.4, §6.8, §2.2),
        once and in its own language, with the messages of spec §9. The tokenizer keeps copies of
        the rank table, the special tokens, ``merges``, ``trained_by`` and ``merge_counts`` (the
        count of each merge when training selected it, spec §4.6). With ``ignore_merges`` (a bool)
        it is a merge-list model (spec §6.8-§6.11) whose list is ``merges``; ``huggingface`` is the
        pipeline of an imported Hugging Face tokenizer.
        """
        module = implementation_module(implementation)
        split_pattern = SplitPattern.of(pattern)
        # Copies of the caller's tables; anything else goes to the encoder as it is, to be refused.
        ranks = dict(mergeable_ranks) if isinstance(mergeable_ranks, Mapping) else mergeable_ranks
        specials = {} if special_tokens is None else special_tokens
        specials = dict(specials) if isinstance(specials, Mapping) else specials
        if ignore_merges is None:
            self._encoder = module.Encoder(ranks, split_pattern, specials)
        else:
            merges = [] if merges is None else merges
            self._encoder = module.Encoder(ranks, split_pattern, specials, merges, ignore_merges)
        self._implementation = implementation
        self._pattern = split_pattern
        self._ranks: dict[bytes, int] = ranks
        self._special_tokens: dict[str, int] = specials
        self._merges = list(merges) if merges is not None else None
        self._trained_by = dict(trained_by) if trained_by is not None else None
        self._merge_counts = list(merge_counts) if merge_counts is not None else None
        self._ignore_merges = ignore_merges
        self._huggingface = huggingface

    @cached_property
    def _ids(self) -> set[int]:
        return {*self._ranks.values(), *self._special_tokens.values()}

    @cached_property
    def _all_special(self) -> frozenset[str]:
        """Every special token, as ``encode`` disallows them by default: one set for every call."""
        return frozenset(self._special_tokens)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def train(
        cls,
        texts: Iterable[str],
        vocab_size: int,
        *,
        pattern: str = DEFAULT_PATTERN,
        special_tokens: Sequence[str] = (),
        min_frequency: int = 1,
        max_token_length: int | None = None,
        implementation: str = "fast",
        progress: bool | ProgressCallback = False,
    ) -> Tokenizer:
        """Learn a tokenizer of at most ``vocab_size`` ids from ``texts`` (any iterable of str).

        ``vocab_size`` counts the 256 byte tokens, the merges and the ``special_tokens``, whose
        ids follow the merges (spec §5.4, §8). ``pattern`` is a name from bytebpe.PATTERNS or a
        regex. No merge makes a token longer than ``max_token_length`` bytes (None: no limit,
        spec §4.3.1). Training stops early, with fewer merges and a :class:`FewerMergesWarning`,
        when no pair is left or the best pair occurs fewer than ``min_frequency`` times.
        ``progress=True`` draws bars on stderr (a terminal, Jupyter, or log lines elsewhere); a
        callable receives ``(stage, done, total)`` for the stages of :mod:`bytebpe.progress`.
        Ctrl-C stops training with KeyboardInterrupt within a second.
        """
        specials = checks.check_special_token_list(special_tokens)
        merges_wanted = merge_budget(vocab_size, specials)
        module = implementation_module(implementation)
        split_pattern = SplitPattern.of(pattern)
        with reporter(progress) as callback:
            learned = module.train_with_ranks(
                texts,
                merges_wanted,
                pattern=split_pattern,
                min_frequency=min_frequency,
                max_token_length=max_token_length,
                progress=callback,
            )
        settings = {"min_frequency": min_frequency, "max_token_length": max_token_length}
        return cls(**trained_model(learned, split_pattern, specials, implementation, vocab_size, settings))

    @classmethod
    def train_from_counts(
        cls,
        counts: PieceCounts,
        vocab_size: int,
        *,
        special_tokens: Sequence[str] = (),
        min_frequency: int = 1,
        max_token_length: int | None = None,
        implementation: str = "fast",
        progress: bool | ProgressCallback = False,
    ) -> Tokenizer:
        """Learn a tokenizer from piece counts (:class:`bytebpe.PieceCounts`, spec §4.1.1).

        Gives exactly the tokenizer :meth:`train` would give on the texts the counts came from,
        however they were split into shards and added up; the split pattern is the counts'.
        ``min_frequency`` applies here, to the summed counts, never to a shard's.
        """
        specials = checks.check_special_token_list(special_tokens)
        merges_wanted = merge_budget(vocab_size, specials)
        module = implementation_module(implementation)
        with reporter(progress) as callback:
            learned = module.train_from_counts_with_ranks(
                counts, merges_wanted, min_frequency=min_frequency, max_token_length=max_token_length, progress=callback
            )
        settings = {"min_frequency": min_frequency, "max_token_length": max_token_length}
        return cls(**trained_model(learned, counts.split_pattern, specials, implementation, vocab_size, settings))

    @classmethod
    def from_ranks(
        cls,
        mergeable_ranks: Mapping[bytes, int],
        pattern: str = DEFAULT_PATTERN,
        *,
        special_tokens: Mapping[str, int] | None = None,
        implementation: str = "fast",
    ) -> Tokenizer:
        """A tokenizer for a rank table such as tiktoken's ``mergeable_ranks`` (spec §5.2).

        The table must give every one of the 256 single bytes a rank and no two tokens the same
        rank; ranks need not be contiguous. ``special_tokens`` maps strings to ids no rank uses.
        """
        return cls(mergeable_ranks, pattern, special_tokens=special_tokens, implementation=implementation)

    @classmethod
    def from_tiktoken(cls, encoding: tiktoken.Encoding, *, implementation: str = "fast") -> Tokenizer:
        """The model of a ``tiktoken.Encoding``: its ranks, pattern and special tokens."""
        try:
            ranks, pattern, specials = encoding._mergeable_ranks, encoding._pat_str, encoding._special_tokens
        except AttributeError:
            raise TypeError(f"expected a tiktoken.Encoding, not {type(encoding).__name__}") from None
        return cls(ranks, pattern, special_tokens=specials, implementation=implementation)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike,
        *,
        implementation: str = "fast",
        pattern: str | None = None,
        special_tokens: Mapping[str, int] | None = None,
    ) -> Tokenizer:
        """Read a tokenizer saved by :meth:`save` (a directory), or a bare .tiktoken rank file; a
        Hugging Face ``tokenizer.json`` (or a directory with one and no bytebpe.json) is read by
        :meth:`from_huggingface`.

        A bare rank file holds neither the split pattern nor special tokens: pass ``pattern`` (a
        name or regex) and, if any, ``special_tokens``. Damaged input raises
        bytebpe.files.FormatError (a ValueError) naming the file and line.

        nanochat's ``tokenizer.pkl`` (or a directory that holds it and no ``bytebpe.json``) loads
        too, read by an unpickler that admits only tiktoken's Encoding and plain data
        (bytebpe.nanochat.unpickle): a pickle that would run code is refused with FormatError.
        """
        from bytebpe.huggingface.importer import is_huggingface_path

        if is_huggingface_path(argument_checks.check_path(path)):
            return cls.from_huggingface(path, implementation=implementation)
        saved = files.read_tokenizer(path, pattern=pattern, special_tokens=special_tokens)
        try:
            tokenizer = cls(
                saved.ranks,
                saved.pattern,
                special_tokens=saved.special_tokens,
                implementation=implementation,
                trained_by=saved.trained_by,
                merge_counts=saved.merge_counts,
            )
        except ValueError as err:
            raise files.FormatError(saved.source, str(err)) from None
        saved.check_n_vocab(tokenizer.n_vocab)
        return tokenizer

    def with_implementation(self, implementation: str) -> Tokenizer:
        """The same model on another implementation; every id stays the same."""
        return type(self)(**{**self._arguments(), "implementation": implementation})

    def _arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``__init__`` that rebuild this tokenizer."""
        return {
            "mergeable_ranks": self._ranks,
            "pattern": self._pattern,
            "special_tokens": self._special_tokens,
            "implementation": self._implementation,
            "merges": self._merges,
            "trained_by": self._trained_by,
            "merge_counts": self._merge_counts,
            "ignore_merges": self._ignore_merges,
            "huggingface": self._huggingface,
        }

    def truncated(self, vocab_size: int) -> Tokenizer:
        """The tokenizer of ``vocab_size`` ids that a training to that size would have given (spec §5.5).

        It keeps the 256 byte tokens and the ``vocab_size - 256 - len(special_tokens)`` longer
        tokens of lowest rank, each with its id; special tokens with ids below every token keep
        them, and the others, in the order of their ids, take the ids right after the tokens
        kept. For a tokenizer trained by bytebpe this is
        exactly training to ``vocab_size`` with the same corpus and settings (``min_frequency``
        and special tokens included), so one training gives every smaller vocabulary. A merge-list
        model (one imported from Hugging Face) keeps the merges that join kept tokens (§5.5.1).
        ValueError if ``vocab_size`` leaves no room for the special tokens or is larger than this
        tokenizer.
        """
        return type(self)(**truncated_arguments(self._arguments(), vocab_size))

    # -- what it is -------------------------------------------------------------------------

    @property
    def implementation(self) -> str:
        """The name of the implementation behind this tokenizer ("fast" or "reference")."""
        return self._implementation

    @property
    def pattern(self) -> str:
        """The split regex (a named pattern is given as its regex, as tiktoken wants it)."""
        return self._pattern.regex

    @property
    def pattern_name(self) -> str | None:
        """The name of the split pattern in bytebpe.PATTERNS, or None for a custom regex."""
        return self._pattern.name

    @property
    def mergeable_ranks(self) -> dict[bytes, int]:
        """A copy of the rank table: token bytes -> id (special tokens not included)."""
        return dict(self._ranks)

    @property
    def special_tokens(self) -> dict[str, int]:
        """A copy of the special tokens: string -> id."""
        return dict(self._special_tokens)

    @property
    def special_tokens_set(self) -> set[str]:
        """The special-token strings (tiktoken's name)."""
        return set(self._special_tokens)

    @property
    def trained_by(self) -> dict[str, Any] | None:
        """How this tokenizer was trained (settings, implementation, bytebpe version), if known."""
        return dict(self._trained_by) if self._trained_by is not None else None

    @property
    def merge_counts(self) -> list[int] | None:
        """The count of each merge when training selected it, in merge order (entry i: token
        256 + i); None when unknown (not trained by bytebpe). The last show how rare merges got."""
        return list(self._merge_counts) if self._merge_counts is not None else None

    @property
    def merges(self) -> list[tuple[int, int]]:
        """The merges (left id, right id) in rank order; merge i made the token of rank 256 + i.

        For a trained tokenizer these are the training merges. For a rank table, spec §5.3
        recovers them: the token's bytes, merged with lower ranks only, end as two tokens.
        """
        if self._merges is None:
            self._merges = self._encoder.merges()
        return list(self._merges)

    @property
    def max_token_value(self) -> int:
        """The largest id, special tokens included."""
        return max([*self._ranks.values(), *self._special_tokens.values()])

    @property
    def n_vocab(self) -> int:
        """One more than the largest id, as tiktoken counts (= vocab_size for a trained tokenizer)."""
        return self.max_token_value + 1

    @property
    def eot_token(self) -> int:
        """The id of ``<|endoftext|>``; KeyError if this tokenizer has none (as in tiktoken)."""
        return self._special_tokens["<|endoftext|>"]

    @property
    def bos_token_id(self) -> int:
        """The id that starts a document: ``<|bos|>`` (nanochat) or else ``<|endoftext|>`` (GPT).
        KeyError if the tokenizer has neither."""
        for name in ("<|bos|>", "<|endoftext|>"):
            if name in self._special_tokens:
                return self._special_tokens[name]
        raise KeyError("this tokenizer has no <|bos|> or <|endoftext|> special token")

    def is_special_token(self, token: int) -> bool:
        """True if ``token`` is the id of a special token."""
        return token in self._special_tokens.values()

    def token_byte_values(self) -> list[bytes]:
        """The bytes of every mergeable token, sorted (tiktoken's ``token_byte_values``)."""
        return sorted(self._ranks)

    def token_bytes(self) -> list[int]:
        """The byte length of every id from 0 to n_vocab - 1; 0 for special tokens and unused ids.

        nanochat divides a model's loss by these to report bits per byte.
        """
        lengths = [0] * self.n_vocab
        for token, rank in self._ranks.items():
            lengths[rank] = len(token)
        return lengths

    # -- encoding ---------------------------------------------------------------------------

    def encode_ordinary(self, text: str) -> list[int]:
        """Encode ``text`` with special-token strings taken as plain text (spec §6.4)."""
        return self._encoder.encode_ordinary(text)

    def encode_ordinary_batch(self, texts: Iterable[str], *, num_threads: int | None = None) -> list[list[int]]:
        """Encode many texts; the fast implementation uses ``num_threads`` threads (default: all cores)."""
        return self._encoder.encode_ordinary_batch(texts, num_threads)

    @overload
    def encode(
        self,
        text: str,
        *,
        allowed_special: SpecialSet = ...,
        disallowed_special: SpecialSet = ...,
        prepend: TokenRef | None = ...,
        append: TokenRef | None = ...,
        num_threads: int | None = ...,
    ) -> list[int]: ...
    @overload
    def encode(
        self,
        text: Sequence[str],
        *,
        allowed_special: SpecialSet = ...,
        disallowed_special: SpecialSet = ...,
        prepend: TokenRef | None = ...,
        append: TokenRef | None = ...,
        num_threads: int | None = ...,
    ) -> list[list[int]]: ...
    def encode(
        self,
        text: str | Sequence[str],
        *,
        allowed_special: SpecialSet = frozenset(),
        disallowed_special: SpecialSet = "all",
        prepend: TokenRef | None = None,
        append: TokenRef | None = None,
        num_threads: int | None = None,
    ) -> list[int] | list[list[int]]:
        """Encode ``text`` the way tiktoken does, special tokens included (spec §6.5, §6.6).

        Special-token strings in the text raise ValueError unless they are in ``allowed_special``
        (then they become their ids) or left out of ``disallowed_special`` (then they are plain
        text); ``"all"`` means every special token. As in nanochat, ``text`` may be a list of
        texts (encoded in parallel), and ``prepend``/``append`` add a token, given as its id or as
        a special token's string, to the start/end of each encoding.
        """
        before = [] if prepend is None else [self._token_id(prepend, "prepend")]
        after = [] if append is None else [self._token_id(append, "append")]
        if isinstance(text, str):
            return framed(self._encode_one(text, allowed_special, disallowed_special), before, after)
        if isinstance(text, (bytes, bytearray)) or not isinstance(text, Iterable):
            raise TypeError(f"text must be a str or a list of str, not {type(text).__name__}")
        encoded = self.encode_batch(
            text, num_threads=num_threads, allowed_special=allowed_special, disallowed_special=disallowed_special
        )
        for ids in encoded:
            framed(ids, before, after)
        return encoded

    def encode_batch(
        self,
        texts: Iterable[str],
        *,
        num_threads: int | None = None,
        allowed_special: SpecialSet = frozenset(),
        disallowed_special: SpecialSet = "all",
    ) -> list[list[int]]:
        """:meth:`encode` for many texts, in parallel with the GIL released (fast implementation)."""
        allowed, disallowed = for_the_core(self._special_tokens, self._all_special, allowed_special, disallowed_special)
        if disallowed:
            # Checked as the core checks them: a lone str is not a corpus of its characters.
            texts = list(checks.check_texts(texts))
            for text in texts:
                check_disallowed(text, disallowed)
        return self._encoder.encode_batch(texts, allowed, num_threads)

    def _encode_one(self, text: str, allowed_special: SpecialSet, disallowed_special: SpecialSet) -> list[int]:
        allowed, disallowed = for_the_core(self._special_tokens, self._all_special, allowed_special, disallowed_special)
        if disallowed:
            check_disallowed(text, disallowed)
        return self._encoder.encode(text, allowed)

    def _token_id(self, token: TokenRef, what: str) -> int:
        if isinstance(token, str):
            return self.encode_special(token)
        if isinstance(token, bool) or not isinstance(token, int):
            raise TypeError(f"{what} must be a token id or a special token's string, not {type(token).__name__}")
        if token not in self._ids:
            raise KeyError(f"{what}: {token} is not an id of this tokenizer")
        return token

    def encode_special(self, text: str) -> int:
        """The id of the special token ``text`` (nanochat's name); KeyError if it is not one."""
        if argument_checks.check_token_text(text, "text", str) not in self._special_tokens:
            known = ", ".join(sorted(self._special_tokens)) or "none"
            raise KeyError(f"{text!r} is not a special token of this tokenizer (it has: {known})")
        return self._special_tokens[text]

    def encode_single_token(self, text_or_bytes: str | bytes) -> int:
        """The id of a text or bytes that is exactly one token (special tokens included); else KeyError."""
        if isinstance(argument_checks.check_token_text(text_or_bytes, "text_or_bytes", (str, bytes)), str):
            if text_or_bytes in self._special_tokens:
                return self._special_tokens[text_or_bytes]
            text_or_bytes = text_or_bytes.encode("utf-8")
        if text_or_bytes in self._ranks:
            return self._ranks[text_or_bytes]
        raise KeyError(f"{text_or_bytes!r} is not a single token of this tokenizer")

    # -- decoding ---------------------------------------------------------------------------

    def decode_bytes(self, tokens: Iterable[int]) -> bytes:
        """The concatenated bytes of the tokens (spec §7); KeyError for an id not in the vocabulary."""
        return self._encoder.decode_bytes(argument_checks.check_iterable(tokens, "tokens", "int ids"))

    def decode(self, tokens: Iterable[int], errors: str = "replace") -> str:
        """Decode to str; bytes that are not valid UTF-8 are handled by ``errors`` ("replace" by default)."""
        return self.decode_bytes(tokens).decode("utf-8", errors=argument_checks.check_errors(errors))

    def decode_single_token_bytes(self, token: int) -> bytes:
        """The bytes of one token; KeyError if ``token`` is not an id of this tokenizer."""
        return self._encoder.decode_bytes([token])

    def decode_tokens_bytes(self, tokens: Iterable[int]) -> list[bytes]:
        """The bytes of each token, one entry per token."""
        return [
            self.decode_single_token_bytes(token)
            for token in argument_checks.check_iterable(tokens, "tokens", "int ids")
        ]

    def decode_batch(self, batch: Iterable[Iterable[int]], errors: str = "replace") -> list[str]:
        """:meth:`decode` for many token lists."""
        handler = argument_checks.check_errors(errors)
        return [data.decode("utf-8", errors=handler) for data in self.decode_bytes_batch(batch)]

    def decode_bytes_batch(self, batch: Iterable[Iterable[int]]) -> list[bytes]:
        """:meth:`decode_bytes` for many token lists; an error names the list it is in."""
        decoded = []
        for index, tokens in enumerate(argument_checks.check_iterable(batch, "batch", "lists of int ids")):
            try:
                decoded.append(self.decode_bytes(tokens))
            except KeyError as err:
                raise KeyError(f"batch[{index}]: {err.args[0]}") from None
            except TypeError as err:
                raise TypeError(f"batch[{index}]: {err}") from None
        return decoded

    # -- files and other libraries ----------------------------------------------------------

    def save(self, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write the tokenizer to directory ``path`` (spec §12) atomically: ``tokenizer.tiktoken``
        (tiktoken's rank file) and ``bytebpe.json`` (pattern, special tokens, what trained it).

        A previous save there is replaced in one step, only with ``overwrite=True``; a directory
        holding anything else never is (FileExistsError naming the path; nothing is touched)."""
        return self._write(argument_checks.check_path(path), overwrite=overwrite)

    def _write(
        self, path: str | os.PathLike, extra_files: Mapping[str, bytes] | None = None, *, overwrite: bool = False
    ) -> Path:
        """:meth:`save`, and ``extra_files`` (name -> bytes) in the same atomic step (nanochat's)."""
        self._refuse_merge_list("save (bytebpe's files hold a rank table); save_huggingface keeps it")
        return files.write_tokenizer(
            path,
            ranks=self._ranks,
            pattern=self._pattern,
            special_tokens=self._special_tokens,
            n_vocab=self.n_vocab,
            trained_by=self._trained_by,
            merge_counts=self._merge_counts,
            extra_files=extra_files,
            overwrite=overwrite,
        )

    def to_tiktoken(self, name: str = "bytebpe") -> tiktoken.Encoding:
        """A ``tiktoken.Encoding`` with the same ranks, pattern and special tokens (the same ids)."""
        try:
            import tiktoken
        except ImportError as err:
            raise ImportError("to_tiktoken needs tiktoken: pip install tiktoken") from err
        self._refuse_merge_list("to_tiktoken (tiktoken encodes by ranks)")
        return tiktoken.Encoding(
            name,
            pat_str=self._pattern.regex,
            mergeable_ranks=dict(self._ranks),
            special_tokens=dict(self._special_tokens),
        )

    def visualize(self, text: str, *, allowed_special: SpecialSet = frozenset()) -> TokenView:
        """``text``'s tokens, boundaries coloured (:class:`bytebpe.visualize.TokenView`: ``.html``
        for Jupyter, ``.ansi`` to print, ``.tokens``). Special-token strings are special tokens only
        if in ``allowed_special`` (``"all"``: every one), else plain text, never refused."""
        from bytebpe import visualize

        return visualize.view(self, text, allowed_special=allowed_special)

    # -- Python protocols -------------------------------------------------------------------

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_rebuild, ({**self._arguments(), "pattern": self._pattern.regex},))

    def __eq__(self, other: object) -> bool:
        """Two tokenizers are equal when their models are: same ranks, special tokens and pattern."""
        if not isinstance(other, Tokenizer):
            return NotImplemented
        return self._model() == other._model()

    def _model(self) -> tuple[Any, ...]:
        merge_list = None if self._ignore_merges is None else (self.merges, self._ignore_merges)
        return (self._ranks, self._special_tokens, self._pattern, merge_list, self._huggingface)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        pattern = self.pattern_name or "custom"
        return (
            f"<bytebpe.Tokenizer n_vocab={self.n_vocab} specials={len(self._special_tokens)} "
            f"pattern={pattern} implementation={self._implementation}>"
        )


def _rebuild(state: dict[str, Any]) -> Tokenizer:
    """Unpickle a Tokenizer (the encoder is rebuilt); keys an older bytebpe did not pickle take defaults."""
    return Tokenizer(**{**state, "pattern": SplitPattern.of_regex(state["pattern"])})
