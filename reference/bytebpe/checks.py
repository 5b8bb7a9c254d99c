"""The argument checks of spec §9, with their messages: the part of the executable spec that says
what is wrong with an input, kept apart so that bytebpe.reference reads as the algorithm alone.

Each check returns its argument (or a checked copy of it) and raises the exception §9 names, with
a message that names what was wrong. The Rust core checks the same inputs in Rust for its own
callers (fast/src/python/args.rs and the core's constructors), with the same messages;
tests/test_messages.py holds the two to the same exception and the same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

MAX_RANK = 2**32 - 2
"""The largest rank (§5.2): 2**32 - 1 is left free, so that an id fits 32 bits with one to spare."""
MAX_ID = 2**32 - 1
"""The largest special-token id."""
MAX_VOCAB_SIZE = 2**32 - 1
"""The largest vocab_size (§4.5): its largest id, vocab_size - 1, is then a possible rank."""
MAX_COUNT = 2**64 - 1
"""The largest pair count, and so the largest min_frequency (§4.5)."""
MAX_TOKEN_LENGTH = 2**32 - 1
"""The largest max_token_length (§4.3.1)."""


def check_text(text: object, where: str) -> str:
    """§1.1: ``text`` if it is a str without surrogates; TypeError/ValueError naming ``where``."""
    if not isinstance(text, str):
        raise TypeError(f"{where} is {type(text).__name__}, expected str")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(
            f"{where} holds the surrogate code point U+{ord(text[err.start]):04X} at index {err.start}; "
            "texts must be valid Unicode"
        ) from None
    return text


def check_texts(texts: object) -> Iterator[str]:
    """§1.2: a corpus is an iterable of texts; a lone str or bytes is a mistake worth naming.

    The iterable is checked now; each text is checked (§1.1, as ``texts[i]``) as it is pulled, so
    that a stream is read once and lazily.
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"texts must be an iterable of str, not a single {type(texts).__name__}; wrap it in a list")
    if not isinstance(texts, Iterable):
        raise TypeError(f"texts must be an iterable of str, not {type(texts).__name__}")
    return (check_text(text, f"texts[{index}]") for index, text in enumerate(texts))


def _check_int(value: object, name: str) -> int:
    # bool is an int subclass, and vocab_size=True is surely a mistake.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def check_vocab_size(vocab_size: object, reserved: int = 0) -> int:
    """§4.5, §8: an int counting the 256 bytes, the merges and ``reserved`` special tokens (§5.4),
    at most :data:`MAX_VOCAB_SIZE`."""
    vocab_size = _check_int(vocab_size, "vocab_size")
    if vocab_size < 256 + reserved:
        room = f" (256 byte tokens + {reserved} special tokens)" if reserved else ""
        raise ValueError(f"vocab_size must be at least {256 + reserved}{room}, got {vocab_size}")
    if vocab_size > MAX_VOCAB_SIZE:
        raise ValueError(f"vocab_size must be at most {MAX_VOCAB_SIZE}, got {vocab_size}")
    return vocab_size


def check_min_frequency(min_frequency: object) -> int:
    """§4.5: an int of at least 0 that a 64-bit count can reach."""
    min_frequency = _check_int(min_frequency, "min_frequency")
    if min_frequency < 0:
        raise ValueError(f"min_frequency must be at least 0, got {min_frequency}")
    if min_frequency > MAX_COUNT:
        raise ValueError(f"min_frequency must be at most {MAX_COUNT}, got {min_frequency}")
    return min_frequency


def check_max_token_length(max_token_length: object) -> int | None:
    """§4.3.1: None (no limit) or an int of at least 1 and at most 2**32-1."""
    if max_token_length is None:
        return None
    max_token_length = _check_int(max_token_length, "max_token_length")
    if max_token_length < 1:
        raise ValueError(f"max_token_length must be at least 1, got {max_token_length}")
    if max_token_length > MAX_TOKEN_LENGTH:
        raise ValueError(f"max_token_length must be at most {MAX_TOKEN_LENGTH}, got {max_token_length}")
    return max_token_length


def check_ranks(mergeable_ranks: object) -> dict[bytes, int]:
    """§5.2: distinct non-empty byte strings to distinct ranks in 0..2**32-2, all 256 bytes among them.

    Returns the table as a dict of its own.
    """
    if not isinstance(mergeable_ranks, Mapping):
        raise TypeError(f"mergeable_ranks must be a dict of bytes to int, not {type(mergeable_ranks).__name__}")
    ranks: dict[bytes, int] = {}
    owner: dict[int, bytes] = {}
    for token, rank in mergeable_ranks.items():
        if not isinstance(token, bytes) or isinstance(rank, bool) or not isinstance(rank, int):
            raise TypeError(f"mergeable_ranks must map bytes to int; found {token!r}: {rank!r}")
        if not token:
            raise ValueError("mergeable_ranks holds the empty byte string; tokens must be non-empty")
        if not 0 <= rank <= MAX_RANK:
            raise ValueError(f"rank {rank} of token {token!r} is out of range; ranks must be in 0..2**32-2")
        if rank in owner:
            raise ValueError(f"rank {rank} is given to two tokens, {owner[rank]!r} and {token!r}; ranks must be unique")
        owner[rank] = token
        ranks[token] = rank
    missing = [b for b in range(256) if bytes([b]) not in ranks]
    if missing:
        raise ValueError(
            f"mergeable_ranks lacks {len(missing)} single-byte token(s), e.g. {bytes([missing[0]])!r}; "
            "all 256 bytes must have a rank"
        )
    return ranks


def check_special_tokens(special_tokens: object, ranks: Mapping[bytes, int]) -> dict[str, int]:
    """§5.4: non-empty str with ids that no rank and no other special token has.

    Returns the special tokens as a dict of their own.
    """
    if not isinstance(special_tokens, Mapping):
        raise TypeError(f"special_tokens must be a dict of str to int, not {type(special_tokens).__name__}")
    rank_owner = {rank: token for token, rank in ranks.items()} if special_tokens else {}
    owner: dict[int, str] = {}
    for text, token_id in special_tokens.items():
        if not isinstance(text, str) or isinstance(token_id, bool) or not isinstance(token_id, int):
            raise TypeError(f"special_tokens must map str to int; found {text!r}: {token_id!r}")
        if token_id < 0:
            raise ValueError(f"a special token id must be at least 0, got {token_id}")
        if token_id > MAX_ID:
            raise ValueError(f"a special token id must be at most {MAX_ID}, got {token_id}")
        if not text:
            raise ValueError("a special token must be a non-empty str")
        check_text(text, f"special token {text!r}")
        if token_id in rank_owner:
            taken_by = rank_owner[token_id]
            raise ValueError(f"special token {text!r} has id {token_id}, which the rank table gives to {taken_by!r}")
        if token_id in owner:
            raise ValueError(f"special token {text!r} has id {token_id}, which another special token has too")
        owner[token_id] = text
    return dict(special_tokens)


def check_special_token_list(special_tokens: object) -> list[str]:
    """§5.4: the special tokens to train with, distinct non-empty str in order."""
    if isinstance(special_tokens, str) or not isinstance(special_tokens, Sequence):
        raise TypeError(f"special_tokens must be a list of str, not {type(special_tokens).__name__}")
    seen: set[str] = set()
    for text in special_tokens:
        if not isinstance(text, str):
            raise TypeError(f"special tokens must be str, not {type(text).__name__}")
        if not text:
            raise ValueError("a special token must be a non-empty str")
        check_text(text, f"special token {text!r}")
        if text in seen:
            raise ValueError(f"special token {text!r} appears twice")
        seen.add(text)
    return list(special_tokens)


def check_merge_list(merges: object, ranks: Mapping[bytes, int]) -> list[tuple[int, int]]:
    """§6.8: pairs of ranks of ``ranks`` whose concatenated bytes are a token; ValueError names the
    index of the first pair that is not."""
    if isinstance(merges, (str, bytes)) or not isinstance(merges, Iterable):
        raise TypeError(f"merges must be a list of (left rank, right rank) pairs, not {type(merges).__name__}")
    token_of = {rank: token for token, rank in ranks.items()}
    checked: list[tuple[int, int]] = []
    for index, pair in enumerate(merges):
        if (
            isinstance(pair, (str, bytes))
            or not isinstance(pair, Sequence)
            or len(pair) != 2
            or any(isinstance(rank, bool) or not isinstance(rank, int) for rank in pair)
        ):
            raise TypeError(f"merges[{index}] must be a pair of int ranks, not {pair!r}")
        left, right = pair
        for rank in (left, right):
            if rank not in token_of:
                raise ValueError(f"merges[{index}] names rank {rank}, which the rank table does not hold")
        if token_of[left] + token_of[right] not in ranks:
            joined = token_of[left] + token_of[right]
            raise ValueError(f"merges[{index}] joins {left} and {right} into {joined!r}, which is not a token")
        checked.append((left, right))
    return checked


def check_ids(ids: object, vocab: Mapping[int, bytes]) -> list[int]:
    """§7: token ids are ints (not bools) of the vocabulary; KeyError names an unknown one, once
    every item has been read as an id (a TypeError or an id beyond 32 bits comes first)."""
    if not isinstance(ids, Iterable):
        raise TypeError(f"ids must be an iterable of int, not {type(ids).__name__}")
    checked = []
    for position, token in enumerate(ids):
        if isinstance(token, bool) or not isinstance(token, int):
            raise TypeError(f"token ids must be int; ids[{position}] is {type(token).__name__}")
        if not 0 <= token <= MAX_ID:
            raise KeyError(f"unknown token id {token} at ids[{position}]")
        checked.append(token)
    # Only once every id is read: an item of the wrong type anywhere is the error to report.
    for position, token in enumerate(checked):
        if token not in vocab:
            raise KeyError(f"unknown token id {token} at ids[{position}]")
    return checked
