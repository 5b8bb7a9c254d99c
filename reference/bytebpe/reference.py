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
* check its arguments. It takes what the spec calls a text, a pattern, a rank table; what is wrong
  with anything else, and the message that says so, is bytebpe.checks (§9).
* know files, threads, progress bars or other libraries. bytebpe.reference_implementation puts
  this module behind the interface the library and the fast core share.

It leans on two modules of the spec: bytebpe.patterns (the named patterns of §2.1) and
bytebpe.pattern_language, which makes Python's ``regex`` follow the Unicode version the spec
pins (§2.2-§2.3).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import pairwise
from typing import NamedTuple

from bytebpe.pattern_language import compile_pattern
from bytebpe.patterns import DEFAULT_PATTERN, SplitPattern

# ---------------------------------------------------------------------------------------------
# §1 Texts. A text is a str of Unicode scalar values; bytebpe.checks says what is not (§9).

# ---------------------------------------------------------------------------------------------
# §2 Splitting. A pattern cuts a text into pieces; nothing a pattern leaves unmatched is kept.


def split(text: str, pattern: str | SplitPattern = DEFAULT_PATTERN) -> list[str]:
    """Cut ``text`` into pieces with ``pattern`` (a name from PATTERNS or a regex), per §2.4.

    Search for the leftmost match at or after ``pos``. A non-empty match is a piece and the search
    resumes at its end. An empty match is not a piece: the search resumes one character after it
    (so a non-empty match starting at the same position is never tried, as in Rust's engines).
    """
    return [text[start:end] for start, end in piece_spans(text, pattern)]


def piece_spans(text: str, pattern: str | SplitPattern) -> list[tuple[int, int]]:
    """The (start, end) character positions of the pieces of §2.4, in order."""
    compiled = compile_pattern(SplitPattern.of(pattern).regex)
    spans: list[tuple[int, int]] = []
    pos = 0
    # subtle: regex clamps a start beyond the end back to the end, so the bound is checked here.
    while pos <= len(text) and (match := compiled.search(text, pos)) is not None:
        if match.end() > match.start():
            spans.append((match.start(), match.end()))
            pos = match.end()
        else:
            pos = match.start() + 1
    return spans


# ---------------------------------------------------------------------------------------------
# §3 Bytes. Each piece is UTF-8 encoded; token ids 0..255 are the 256 byte values.


def piece_bytes(piece: str) -> bytes:
    return piece.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# §4 Training.


def count_pieces(texts: Iterable[str], pattern: str | SplitPattern) -> Counter[bytes]:
    """§4.1: how often each distinct piece occurs. Pieces never cross the texts' boundaries.

    §4.1.1: these counts add up over shards of the corpus (``Counter`` addition), and training
    depends on the corpus through them alone, so the counts of the shards may be made anywhere.
    """
    counts: Counter[bytes] = Counter()
    for text in texts:
        for piece in split(text, pattern):
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


def pairs_within_length(
    pair_counts: Mapping[tuple[int, int], int], lengths: Mapping[int, int] | Sequence[int], max_token_length: int | None
) -> Mapping[tuple[int, int], int]:
    """§4.3.1: the pairs whose token would be at most ``max_token_length`` bytes long (all of them
    for None); ``lengths[i]`` is the byte length of token i."""
    if max_token_length is None:
        return pair_counts
    return {
        (left, right): count
        for (left, right), count in pair_counts.items()
        if lengths[left] + lengths[right] <= max_token_length
    }


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


def train_from_counts(
    counts: Mapping[bytes, int],
    vocab_size: int,
    *,
    min_frequency: int = 1,
    max_token_length: int | None = None,
    progress: Callable[[str, int, int], object] | None = None,
) -> list[tuple[int, int, int]]:
    """§4.2-§4.6 on piece counts: learn up to ``vocab_size - 256`` merges; return (left, right,
    count) in merge order.

    Merge i makes token 256 + i. Training stops early, with fewer merges and no error, when no
    pair is left (within ``max_token_length``, §4.3.1) or the best count is below
    ``min_frequency`` (§4.5). ``progress(stage, done, total)``, if given, hears of every merge.
    """
    words = {tuple(piece): frequency for piece, frequency in counts.items()}
    tokens = {i: bytes([i]) for i in range(256)}
    return _merge_loop(words, tokens, 256, vocab_size, min_frequency, max_token_length, progress, extending=False)


def _merge_loop(
    words: Mapping[tuple[int, ...], int],
    tokens: dict[int, bytes],
    first_id: int,
    vocab_size: int,
    min_frequency: int,
    max_token_length: int | None,
    progress: Callable[[str, int, int], object] | None,
    *,
    extending: bool,
) -> list[tuple[int, int, int]]:
    """§4.2-§4.5 from ``words`` whose ids are the ``tokens`` (id -> bytes): merge i makes token
    ``first_id + i``, until id ``vocab_size``. Extending (§4.7) passes over a pair whose bytes
    are already a token."""
    lengths = {token: len(data) for token, data in tokens.items()}
    known = set(tokens.values()) if extending else set()
    merges: list[tuple[int, int, int]] = []
    for new_id in range(first_id, vocab_size):
        pair_counts = pairs_within_length(count_pairs(words), lengths, max_token_length)
        if extending:
            pair_counts = {pair: n for pair, n in pair_counts.items() if tokens[pair[0]] + tokens[pair[1]] not in known}
        if not pair_counts:
            break
        pair, pair_count = select_pair(pair_counts)
        if pair_count < min_frequency:
            break
        words = {apply_merge(ids, pair, new_id): frequency for ids, frequency in words.items()}
        tokens[new_id] = tokens[pair[0]] + tokens[pair[1]]
        known.add(tokens[new_id])
        lengths[new_id] = lengths[pair[0]] + lengths[pair[1]]
        merges.append((pair[0], pair[1], pair_count))
        if progress is not None:
            progress("merging", len(merges), vocab_size - first_id)
    if progress is not None and len(merges) < vocab_size - first_id:
        progress("merging", len(merges), len(merges))  # stopped early: the total is what was made
    return merges


def train(
    texts: Iterable[str],
    vocab_size: int,
    *,
    pattern: str | SplitPattern = DEFAULT_PATTERN,
    min_frequency: int = 1,
    max_token_length: int | None = None,
    progress: Callable[[str, int, int], object] | None = None,
) -> list[tuple[int, int, int]]:
    """§4: count the pieces of ``texts``, then train on the counts (§4.1.1 says that is all)."""
    counts = count_pieces(texts, pattern)
    return train_from_counts(
        counts, vocab_size, min_frequency=min_frequency, max_token_length=max_token_length, progress=progress
    )


def extend_from_counts(
    counts: Mapping[bytes, int],
    ranks: Mapping[bytes, int],
    vocab_size: int,
    first_id: int,
    *,
    merge_list: MergeList | None = None,
    min_frequency: int = 1,
    max_token_length: int | None = None,
    progress: Callable[[str, int, int], object] | None = None,
) -> list[tuple[int, int, int]]:
    """§4.7: continue training from the model ``ranks`` (with ``merge_list``, a merge-list model):
    each piece's word is its encoding (§6.1, §6.10), and merge i makes token ``first_id + i`` up
    to id ``vocab_size``, never a token whose bytes the vocabulary already holds."""
    words = {tuple(_encode_piece(piece, ranks, merge_list)): frequency for piece, frequency in counts.items()}
    tokens = {rank: token for token, rank in ranks.items()}
    return _merge_loop(words, tokens, first_id, vocab_size, min_frequency, max_token_length, progress, extending=True)


# ---------------------------------------------------------------------------------------------
# §5 Vocabulary. A token is a byte string; its rank is its id.


def vocabulary_from_merges(merges: Iterable[Sequence[int]]) -> dict[int, bytes]:
    """§5.1: token 256 + i is the concatenation of the bytes of merge i's two tokens."""
    vocab = {i: bytes([i]) for i in range(256)}
    for i, (left, right, *_count) in enumerate(merges):
        vocab[256 + i] = vocab[left] + vocab[right]
    return vocab


def ranks_from_merges(merges: Iterable[Sequence[int]]) -> dict[bytes, int]:
    """§5.1 as a rank table (§5.2): each token's bytes to its id."""
    return {token: rank for rank, token in vocabulary_from_merges(merges).items()}


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


def special_token_ids(special_tokens: Sequence[str], n_merges: int) -> dict[str, int]:
    """§5.4: after training, special token k gets id 256 + (merges made) + k."""
    return {text: 256 + n_merges + k for k, text in enumerate(special_tokens)}


# ---------------------------------------------------------------------------------------------
# §6 Encoding. tiktoken's rule, which needs only ranks, so it also serves hand-written tables;
# and Hugging Face's, which joins only the pairs of a merge list, in the list's order (§6.8-§6.11).


def encode_piece(piece: bytes, ranks: Mapping[bytes, int]) -> list[int]:
    """§6.1: a piece that is a token is that token; otherwise byte_pair_merge decides."""
    if piece in ranks:
        return [ranks[piece]]
    return [ranks[part] for part in byte_pair_merge(piece, ranks)]


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


def encode_ordinary(
    text: str,
    ranks: Mapping[bytes, int],
    pattern: str | SplitPattern = DEFAULT_PATTERN,
    merge_list: MergeList | None = None,
) -> list[int]:
    """§6.4: split, then encode each piece on its own: by §6.1, or by §6.10 for a merge-list model
    (§6.11)."""
    ids: list[int] = []
    for piece in split(text, pattern):
        ids.extend(_encode_piece(piece_bytes(piece), ranks, merge_list))
    return ids


def _encode_piece(piece: bytes, ranks: Mapping[bytes, int], merge_list: MergeList | None) -> list[int]:
    """§6.1, or §6.10 for a merge-list model (§6.11)."""
    if merge_list is None:
        return encode_piece(piece, ranks)
    return encode_piece_by_merges(piece, ranks, merge_list)


def find_special(text: str, start: int, allowed: Iterable[str]) -> tuple[int, str] | None:
    """§6.5: the leftmost occurrence at or after ``start`` of an allowed string; the longest on ties."""
    best: tuple[int, str] | None = None
    for token in allowed:
        at = text.find(token, start)
        if at >= 0 and (best is None or (at, -len(token)) < (best[0], -len(best[1]))):
            best = (at, token)
    return best


def encode(
    text: str,
    ranks: Mapping[bytes, int],
    pattern: str | SplitPattern,
    special_tokens: Mapping[str, int],
    allowed: Iterable[str],
    merge_list: MergeList | None = None,
) -> list[int]:
    """§6.5: allowed special tokens become their ids; the text between them is encoded by §6.4
    (with ``merge_list``, by §6.11)."""
    allowed = [token for token in set(allowed) if token in special_tokens]
    ids: list[int] = []
    pos = 0
    while (found := find_special(text, pos, allowed)) is not None:
        at, token = found
        ids += encode_ordinary(text[pos:at], ranks, pattern, merge_list)
        ids.append(special_tokens[token])
        pos = at + len(token)
    return ids + encode_ordinary(text[pos:], ranks, pattern, merge_list)


class MergeList(NamedTuple):
    """§6.8: the merges of a merge-list model, by priority, and its ``ignore_merges`` flag."""

    priorities: dict[tuple[int, int], int]
    """(left rank, right rank) -> the position of the pair's last occurrence in the list."""
    ignore_merges: bool
    """Whether a piece whose bytes are a token is taken whole (§6.10)."""


def merge_list(merges: Iterable[Sequence[int]], ignore_merges: bool) -> MergeList:
    """§6.8: each pair's priority is its position in ``merges``; a repeated pair keeps its last."""
    return MergeList({(left, right): priority for priority, (left, right) in enumerate(merges)}, ignore_merges)


def join_by_merge_priority(
    piece: bytes, ranks: Mapping[bytes, int], priorities: Mapping[tuple[int, int], int]
) -> list[bytes]:
    """§6.9: start from single bytes and repeatedly join the adjacent pair of parts that is a merge
    of the lowest priority (the leftmost on ties), until no adjacent pair is a merge. A pair's
    result is the token of its concatenated bytes (§6.8 makes it one).
    """
    parts = [piece[i : i + 1] for i in range(len(piece))]
    while True:
        best: tuple[int, int] | None = None
        for i in range(len(parts) - 1):
            priority = priorities.get((ranks[parts[i]], ranks[parts[i + 1]]))
            if priority is not None and (best is None or priority < best[0]):
                best = (priority, i)
        if best is None:
            return parts
        i = best[1]
        parts[i : i + 2] = [parts[i] + parts[i + 1]]


def encode_piece_by_merges(piece: bytes, ranks: Mapping[bytes, int], merge_list: MergeList) -> list[int]:
    """§6.10: with ignore_merges, a piece that is a token is that token; otherwise §6.9 decides."""
    if merge_list.ignore_merges and piece in ranks:
        return [ranks[piece]]
    return [ranks[part] for part in join_by_merge_priority(piece, ranks, merge_list.priorities)]


Span = tuple[int, int]


def encode_with_offsets(
    text: str,
    ranks: Mapping[bytes, int],
    pattern: str | SplitPattern,
    special_tokens: Mapping[str, int],
    allowed: Iterable[str],
    merge_list: MergeList | None = None,
) -> tuple[list[int], list[Span], list[Span]]:
    """§6.12: the ids of :func:`encode`, each token's byte span in the text's UTF-8 and its
    character span: from the character holding its first byte to the one holding its last."""
    allowed = [token for token in set(allowed) if token in special_tokens]
    lengths = {rank: len(token) for token, rank in ranks.items()}
    byte_at = [0]  # byte_at[c]: where character c starts in the UTF-8
    for char in text:
        byte_at.append(byte_at[-1] + len(char.encode("utf-8")))
    ids: list[int] = []
    byte_spans: list[Span] = []

    def stretch(start: int, end: int) -> None:
        for piece_start, piece_end in piece_spans(text[start:end], pattern):
            at = byte_at[start + piece_start]
            for token in _encode_piece(piece_bytes(text[start + piece_start : start + piece_end]), ranks, merge_list):
                ids.append(token)
                byte_spans.append((at, at + lengths[token]))
                at += lengths[token]

    pos = 0
    while (found := find_special(text, pos, allowed)) is not None:
        at, token = found
        stretch(pos, at)
        ids.append(special_tokens[token])
        byte_spans.append((byte_at[at], byte_at[at + len(token)]))
        pos = at + len(token)
    stretch(pos, len(text))
    return ids, byte_spans, char_spans(text, byte_spans)


def char_spans(text: str, byte_spans: Iterable[Span]) -> list[Span]:
    """§6.12: the character span of each non-empty byte span of ``text``'s UTF-8."""
    char_of_byte = [c for c, char in enumerate(text) for _ in char.encode("utf-8")]
    return [(char_of_byte[start], char_of_byte[end - 1] + 1) for start, end in byte_spans]


# ---------------------------------------------------------------------------------------------
# §7 Decoding.


def decode_bytes(ids: Iterable[int], vocab: Mapping[int, bytes]) -> bytes:
    """§7: the concatenation of the tokens' bytes.

    ``vocab`` maps every id to its bytes, special tokens (as UTF-8) included.
    """
    return b"".join(vocab[token] for token in ids)


def decode(ids: Iterable[int], vocab: Mapping[int, bytes], errors: str = "replace") -> str:
    """§7: decode_bytes, then UTF-8 to str with ``errors`` (replace by default)."""
    return decode_bytes(ids, vocab).decode("utf-8", errors=errors)
