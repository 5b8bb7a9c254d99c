"""Byte-level BPE, the executable spec: every function here is a section of spec/bpe.md.

Read it top to bottom. A text is split into pieces (§2), each piece becomes UTF-8 bytes (§3),
training counts adjacent pairs over the distinct pieces and merges the most frequent pair again
and again (§4), encoding replays what training learned through the ranks (§6), and decoding
concatenates bytes (§7).

What this module deliberately does not do:

* be fast. Training recounts every pair after every merge, and encoding scans all adjacent pairs
  for each merge. That is quadratic, and it is the point: nothing here needs a proof beyond
  reading it. Speed lives in the Rust core (bytebpe.fast), which must agree with this module merge
  for merge and id for id; the tests check that it does.
* stream. ``train`` keeps the distinct pieces in memory; so does the fast core, but it pulls the
  texts in bounded batches.
* know special tokens, files or other libraries. Those belong to the Tokenizer around it.

The one piece of machinery it leans on is bytebpe.pattern_language, which makes Python's
``regex`` module follow the Unicode version the spec pins (§2.3).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import pairwise

from bytebpe.counts import PieceCounts
from bytebpe.pattern_language import compile_pattern
from bytebpe.patterns import DEFAULT_PATTERN, resolve_pattern

NAME = "reference"

# ---------------------------------------------------------------------------------------------
# §1 Text. A text is a str of Unicode scalar values: a surrogate code point has no UTF-8 form.


def check_text(text: object, where: str) -> str:
    """Return ``text`` if it is a valid text (§1); raise TypeError/ValueError naming ``where``."""
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


def check_texts(texts: object) -> Iterable[object]:
    """A corpus is an iterable of texts; a lone str or bytes is a mistake worth naming (§1)."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"texts must be an iterable of str, not a single {type(texts).__name__}; wrap it in a list")
    if not isinstance(texts, Iterable):
        raise TypeError(f"texts must be an iterable of str, not {type(texts).__name__}")
    return texts


# ---------------------------------------------------------------------------------------------
# §2 Splitting. A pattern cuts a text into pieces; nothing a pattern leaves unmatched is kept.


def split(text: str, pattern: str = DEFAULT_PATTERN) -> list[str]:
    """Cut ``text`` into pieces with ``pattern`` (a name from PATTERNS or a regex), per §2.4.

    Search for the leftmost match at or after ``pos``. A non-empty match is a piece and the search
    resumes at its end. An empty match is not a piece: the search resumes one character after it
    (so a non-empty match starting at the same position is never tried, as in Rust's engines).
    """
    check_text(text, "text")
    compiled = compile_pattern(resolve_pattern(pattern))
    pieces: list[str] = []
    pos = 0
    # subtle: regex clamps a start beyond the end back to the end, so the bound is checked here.
    while pos <= len(text) and (match := compiled.search(text, pos)) is not None:
        if match.end() > match.start():
            pieces.append(match.group())
            pos = match.end()
        else:
            pos = match.start() + 1
    return pieces


# ---------------------------------------------------------------------------------------------
# §3 Bytes. Each piece is UTF-8 encoded; token ids 0..255 are the 256 byte values.


def piece_bytes(piece: str) -> bytes:
    return piece.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# §4 Training.


def count_pieces(texts: Iterable[str], pattern: str) -> Counter[bytes]:
    """§4.1: how often each distinct piece occurs. Pieces never cross the texts' boundaries."""
    counts: Counter[bytes] = Counter()
    for index, text in enumerate(check_texts(texts)):
        for piece in split(check_text(text, f"texts[{index}]"), pattern):
            counts[piece_bytes(piece)] += 1
    return counts


def count_pairs(words: Mapping[tuple[int, ...], int]) -> Counter[tuple[int, int]]:
    """§4.2: a pair's count is the sum over words of (word frequency x positions holding it).

    Positions overlap: the word (a, a, a) holds the pair (a, a) twice.
    """
    counts: Counter[tuple[int, int]] = Counter()
    for ids, frequency in words.items():
        for pair in pairwise(ids):
            counts[pair] += frequency
    return counts


def select_pair(pair_counts: Mapping[tuple[int, int], int]) -> tuple[tuple[int, int], int]:
    """§4.3: the highest count wins; among equal counts, the smallest (left, right) pair."""
    best = min(pair_counts, key=lambda pair: (-pair_counts[pair], pair))
    return best, pair_counts[best]


def apply_merge(ids: Sequence[int], pair: tuple[int, int], new_id: int) -> tuple[int, ...]:
    """§4.4: replace occurrences of ``pair`` by ``new_id``, left to right, without overlap."""
    out: list[int] = []
    i = 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return tuple(out)


def check_vocab_size(vocab_size: object, reserved: int = 0) -> int:
    """§8: vocab_size is an int counting the 256 bytes, the merges and ``reserved`` specials."""
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, int):
        raise TypeError(f"vocab_size must be an int, not {type(vocab_size).__name__}")
    if vocab_size < 256 + reserved:
        raise ValueError(
            f"vocab_size must be at least {256 + reserved} (256 byte tokens + {reserved} special), got {vocab_size}"
        )
    return vocab_size


def check_min_frequency(min_frequency: object) -> int:
    if isinstance(min_frequency, bool) or not isinstance(min_frequency, int):
        raise TypeError(f"min_frequency must be an int, not {type(min_frequency).__name__}")
    if min_frequency < 0:
        raise ValueError(f"min_frequency must be >= 0, got {min_frequency}")
    return min_frequency


def count(
    texts: Iterable[str],
    pattern: str = DEFAULT_PATTERN,
    *,
    progress: Callable[[str, int, int], object] | None = None,
) -> PieceCounts:
    """§4.1.1: the piece counts of ``texts``, a table that adds to the counts of other shards.

    ``progress`` is accepted for the fast implementation's signature; the reference reports none.
    """
    compile_pattern(resolve_pattern(pattern))
    return PieceCounts(count_pieces(texts, pattern), pattern=pattern)


def train_from_counts(
    counts: PieceCounts,
    vocab_size: int,
    *,
    min_frequency: int = 1,
    progress: Callable[[str, int, int], object] | None = None,
) -> list[tuple[int, int, int]]:
    """§4.2-§4.6 on piece counts: learn up to ``vocab_size - 256`` merges; return (left, right,
    count) in merge order.

    Merge i makes token 256 + i. Training stops early, with fewer merges and no error, when no
    pair is left or the best count is below ``min_frequency`` (§4.5). ``progress(stage, done,
    total)``, if given, hears of every merge.
    """
    check_vocab_size(vocab_size)
    check_min_frequency(min_frequency)
    if not isinstance(counts, PieceCounts):
        raise TypeError(f"counts must be a bytebpe.PieceCounts, not {type(counts).__name__}")
    words = {tuple(piece): frequency for piece, frequency in counts.items()}
    merges: list[tuple[int, int, int]] = []
    for new_id in range(256, vocab_size):
        pair_counts = count_pairs(words)
        if not pair_counts:
            break
        pair, pair_count = select_pair(pair_counts)
        if pair_count < min_frequency:
            break
        words = {apply_merge(ids, pair, new_id): frequency for ids, frequency in words.items()}
        merges.append((pair[0], pair[1], pair_count))
        if progress is not None:
            progress("merging", len(merges), vocab_size - 256)
    if progress is not None and len(merges) < vocab_size - 256:
        progress("merging", len(merges), len(merges))  # stopped early: the total is what was made
    return merges


def train(
    texts: Iterable[str],
    vocab_size: int,
    *,
    pattern: str = DEFAULT_PATTERN,
    min_frequency: int = 1,
    progress: Callable[[str, int, int], object] | None = None,
) -> list[tuple[int, int, int]]:
    """§4: count the pieces of ``texts``, then train on the counts (§4.1.1 says that is all)."""
    check_vocab_size(vocab_size)
    check_min_frequency(min_frequency)
    return train_from_counts(count(texts, pattern), vocab_size, min_frequency=min_frequency, progress=progress)


def train_with_ranks(
    texts: Iterable[str],
    vocab_size: int,
    *,
    pattern: str = DEFAULT_PATTERN,
    min_frequency: int = 1,
    progress: Callable[[str, int, int], object] | None = None,
) -> tuple[list[tuple[int, int, int]], dict[bytes, int]]:
    """``train``, and the rank table of its merges (§5.1) alongside."""
    merges = train(texts, vocab_size, pattern=pattern, min_frequency=min_frequency, progress=progress)
    return merges, ranks_from_merges(merges)


def train_from_counts_with_ranks(
    counts: PieceCounts,
    vocab_size: int,
    *,
    min_frequency: int = 1,
    progress: Callable[[str, int, int], object] | None = None,
) -> tuple[list[tuple[int, int, int]], dict[bytes, int]]:
    """``train_from_counts``, and the rank table of its merges (§5.1) alongside."""
    merges = train_from_counts(counts, vocab_size, min_frequency=min_frequency, progress=progress)
    return merges, ranks_from_merges(merges)


# ---------------------------------------------------------------------------------------------
# §5 Vocabulary. A token is a byte string; its rank is its id.


def vocabulary_from_merges(merges: Iterable[Sequence[int]]) -> dict[int, bytes]:
    """§5.1: token 256 + i is the concatenation of the bytes of merge i's two tokens."""
    vocab = {i: bytes([i]) for i in range(256)}
    for i, (left, right, *_count) in enumerate(merges):
        vocab[256 + i] = vocab[left] + vocab[right]
    return vocab


def ranks_from_merges(merges: Iterable[Sequence[int]]) -> dict[bytes, int]:
    """§5.1 as a rank table: each token's bytes to its id."""
    return {token: rank for rank, token in vocabulary_from_merges(merges).items()}


def check_ranks(mergeable_ranks: object) -> dict[bytes, int]:
    """§5.2: a rank table maps distinct non-empty byte strings to distinct ids >= 0 and holds all 256 bytes."""
    if not isinstance(mergeable_ranks, Mapping):
        raise TypeError(f"mergeable_ranks must be a dict of bytes to int, not {type(mergeable_ranks).__name__}")
    ranks: dict[bytes, int] = {}
    owner: dict[int, bytes] = {}
    for token, rank in mergeable_ranks.items():
        if not isinstance(token, bytes) or isinstance(rank, bool) or not isinstance(rank, int):
            raise TypeError(f"mergeable_ranks must map bytes to int; found {token!r}: {rank!r}")
        if not token:
            raise ValueError("mergeable_ranks holds the empty byte string; tokens must be non-empty")
        if not 0 <= rank < 2**32 - 1:
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


def merges_from_ranks(ranks: Mapping[bytes, int]) -> list[tuple[int, int]]:
    """§5.3: the merges a rank table implies, in rank order.

    A token of two or more bytes has a merge when its bytes, joined by byte_pair_merge using only
    lower-ranked tokens, end as exactly two tokens; those two are its merge. Every token of a
    trained vocabulary has one, and this recovers the training merges. A hand-written token may
    have none (it is then reachable only as a whole piece) and is skipped.
    """
    merges: list[tuple[int, int]] = []
    for token, rank in sorted(ranks.items(), key=lambda item: item[1]):
        if len(token) >= 2:
            parts = byte_pair_merge(token, ranks, below=rank)
            if len(parts) == 2:
                merges.append((ranks[parts[0]], ranks[parts[1]]))
    return merges


def check_special_tokens(special_tokens: object, ranks: Mapping[bytes, int]) -> dict[str, int]:
    """§5.4: special tokens are distinct non-empty str with ids that no rank and no other special uses."""
    if not isinstance(special_tokens, Mapping):
        raise TypeError(f"special_tokens must be a dict of str to int, not {type(special_tokens).__name__}")
    if not special_tokens:
        return {}
    rank_owner = {rank: token for token, rank in ranks.items()}
    owner: dict[int, str] = {}
    for text, token_id in special_tokens.items():
        if not isinstance(text, str) or isinstance(token_id, bool) or not isinstance(token_id, int):
            raise TypeError(f"special_tokens must map str to int; found {text!r}: {token_id!r}")
        if not text:
            raise ValueError("a special token must be a non-empty str")
        if not 0 <= token_id < 2**32:
            raise ValueError(f"a special token id must be at least 0 and at most 4294967295, got {token_id}")
        if token_id in rank_owner:
            taken_by = rank_owner[token_id]
            raise ValueError(f"special token {text!r} has id {token_id}, which the rank table gives to {taken_by!r}")
        if token_id in owner:
            raise ValueError(f"special token {text!r} has id {token_id}, which another special token has too")
        owner[token_id] = text
    return dict(special_tokens)


def special_token_ids(special_tokens: Sequence[str], n_merges: int) -> dict[str, int]:
    """§5.4: after training, special token k gets id 256 + (merges made) + k."""
    for text in special_tokens:
        if not isinstance(text, str):
            raise TypeError(f"special tokens must be str, not {type(text).__name__}")
        if not text:
            raise ValueError("a special token must be a non-empty str")
    if len(set(special_tokens)) != len(special_tokens):
        repeated = next(t for t in special_tokens if list(special_tokens).count(t) > 1)
        raise ValueError(f"special token {repeated!r} appears twice")
    return {text: 256 + n_merges + k for k, text in enumerate(special_tokens)}


# ---------------------------------------------------------------------------------------------
# §6 Encoding. tiktoken's rule, which needs only ranks, so it also serves hand-written tables.


def byte_pair_merge(piece: bytes, ranks: Mapping[bytes, int], below: int | None = None) -> list[bytes]:
    """§6.2: start from single bytes and repeatedly join the adjacent pair whose concatenated
    bytes have the lowest rank (the leftmost such pair on ties), until no adjacent concatenation
    is a token. With ``below``, only tokens ranked lower than it may be formed (§5.3 uses this).
    """
    parts = [piece[i : i + 1] for i in range(len(piece))]
    while True:
        best: tuple[int, int] | None = None
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and (below is None or rank < below) and (best is None or rank < best[0]):
                best = (rank, i)
        if best is None:
            return parts
        i = best[1]
        parts[i : i + 2] = [parts[i] + parts[i + 1]]


def encode_piece(piece: bytes, ranks: Mapping[bytes, int]) -> list[int]:
    """§6.1: a piece that is a token is that token; otherwise byte_pair_merge decides."""
    if piece in ranks:
        return [ranks[piece]]
    return [ranks[part] for part in byte_pair_merge(piece, ranks)]


def encode_ordinary(text: str, ranks: Mapping[bytes, int], pattern: str = DEFAULT_PATTERN) -> list[int]:
    """§6: split, then encode each piece on its own."""
    ids: list[int] = []
    for piece in split(text, pattern):
        ids.extend(encode_piece(piece_bytes(piece), ranks))
    return ids


def find_special(text: str, start: int, allowed: Iterable[str]) -> tuple[int, str] | None:
    """§6.5: the leftmost occurrence at or after ``start`` of an allowed string; the longest on ties."""
    best: tuple[int, str] | None = None
    for token in allowed:
        at = text.find(token, start)
        if at >= 0 and (best is None or (at, -len(token)) < (best[0], -len(best[1]))):
            best = (at, token)
    return best


def encode(
    text: str, ranks: Mapping[bytes, int], pattern: str, special_tokens: Mapping[str, int], allowed: Iterable[str]
) -> list[int]:
    """§6.5: allowed special tokens become their ids; the text between them is encoded by §6.4."""
    allowed = [token for token in set(allowed) if token in special_tokens]
    ids: list[int] = []
    pos = 0
    while (found := find_special(text, pos, allowed)) is not None:
        at, token = found
        ids += encode_ordinary(text[pos:at], ranks, pattern)
        ids.append(special_tokens[token])
        pos = at + len(token)
    return ids + encode_ordinary(text[pos:], ranks, pattern)


# ---------------------------------------------------------------------------------------------
# §7 Decoding.


def decode_bytes(ids: Iterable[int], vocab: Mapping[int, bytes]) -> bytes:
    """§7: the concatenation of the tokens' bytes; an unknown id is a KeyError.

    ``vocab`` maps every id to its bytes, special tokens (as UTF-8) included.
    """
    out = bytearray()
    for position, token in enumerate(ids):
        if isinstance(token, bool) or not isinstance(token, int):
            raise TypeError(f"token ids must be int; ids[{position}] is {type(token).__name__}")
        if token not in vocab:
            raise KeyError(f"unknown token id {token} at ids[{position}]")
        out += vocab[token]
    return bytes(out)


def decode(ids: Iterable[int], vocab: Mapping[int, bytes], errors: str = "replace") -> str:
    """§7: decode_bytes, then UTF-8 to str with ``errors`` (replace by default)."""
    return decode_bytes(ids, vocab).decode("utf-8", errors=errors)


# ---------------------------------------------------------------------------------------------
# The encoder object the Tokenizer holds; the fast core offers one with the same methods.


class Encoder:
    """Encode and decode with a rank table, special tokens and a split pattern (§5-§7)."""

    def __init__(
        self,
        mergeable_ranks: Mapping[bytes, int],
        pattern: str = DEFAULT_PATTERN,
        special_tokens: Mapping[str, int] | None = None,
    ) -> None:
        self.ranks = check_ranks(mergeable_ranks)
        self.special_tokens = check_special_tokens(special_tokens or {}, self.ranks)
        self.pattern = pattern
        compile_pattern(resolve_pattern(pattern))
        self.vocab = {rank: token for token, rank in self.ranks.items()}
        self.vocab.update((token_id, text.encode("utf-8")) for text, token_id in self.special_tokens.items())

    def merges(self) -> list[tuple[int, int]]:
        return merges_from_ranks(self.ranks)

    def encode_ordinary(self, text: str) -> list[int]:
        return encode_ordinary(text, self.ranks, self.pattern)

    def encode_ordinary_batch(self, texts: Iterable[str], num_threads: int | None = None) -> list[list[int]]:
        return [self.encode_ordinary(check_text(text, f"texts[{i}]")) for i, text in enumerate(check_texts(texts))]

    def encode(self, text: str, allowed_special: Iterable[str]) -> list[int]:
        return encode(check_text(text, "text"), self.ranks, self.pattern, self.special_tokens, allowed_special)

    def encode_batch(
        self, texts: Iterable[str], allowed_special: Iterable[str], num_threads: int | None = None
    ) -> list[list[int]]:
        allowed = set(allowed_special)
        return [self.encode(check_text(text, f"texts[{i}]"), allowed) for i, text in enumerate(check_texts(texts))]

    def decode_bytes(self, ids: Iterable[int]) -> bytes:
        return decode_bytes(ids, self.vocab)
