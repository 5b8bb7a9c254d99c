"""Regenerate the conformance vectors in spec/vectors/ from the reference implementation.

    python spec/vectors/generate.py          # rewrite every vector file
    python spec/vectors/generate.py --check  # exit 1, naming the stale files, if any differ

Each case below is an input and the reason it exists; the expected output is whatever the
reference implementation (the executable spec) computes. Every implementation runs every vector:
pytest (tests/test_vectors.py) for both Python-visible implementations, and `cargo test`
(fast/tests/vectors.rs) for the Rust core on its own.

File format (one JSON object per file, keys in this order):
  name, why, sections  the case, the reason it exists, the spec sections it pins down
  kind                 "train": learn from texts, then encode; "ranks": encode with a given table;
                       "merges": encode with a given table and merge list (§6.8-§6.11);
                       "offsets": encode with a table and special tokens, with offsets (§6.12);
                       "extend": extend a table on texts (§4.7), then encode
                       "truncate": learn from texts to vocab_size, truncate to truncate_to (§5.5)
  input                train: texts, vocab_size, pattern, min_frequency, probes, and
                       max_token_length where the case limits it (§4.3.1; absent: no limit)
                       ranks: ranks ([hex token bytes, rank] pairs), pattern, probes
                       merges: ranks, merges ([left, right] rank pairs), ignore_merges, pattern, probes
                       offsets: ranks, special_tokens ([text, id] pairs), pattern, probes
                       extend: ranks, special_tokens, texts, vocab_size, pattern, probes
                       truncate: texts, vocab_size, truncate_to (both counting special_tokens),
                       special_tokens, pattern, min_frequency, probes
  expected             pieces   the split of every text and probe, in order
                       merges   train: [left, right, count] per merge;
                                ranks: [left, right] per merge that §5.3 recovers
                       tokens   train: hex bytes of tokens 256, 257, ... (§5.1)
                       ids      the encoding of every text and probe, in order (§6)
                       offsets: ids, and byte_offsets and offsets ([start, end] per token)
                       extend: merges, tokens (of the new ids, from n_vocab), ids of texts and probes
                       truncate: pieces, merges and tokens of the truncation (which are the first
                                merges and tokens of the longer training, and all of a training to
                                truncate_to), special_tokens ({token: id} after truncation), ids
Token bytes are lowercase hex so that any byte string fits in JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bytebpe import checks, reference, truncation

HERE = Path(__file__).resolve().parent
COMMAND = "python spec/vectors/generate.py"

MULTILINGUAL = "Hello world's 2024 costs $1,234.56!\n  Größe: café naïve; 日本語 テキスト, Привет мир.\r\n\t ok   \n"


def every_reachable_byte() -> str:
    """A text whose UTF-8 form holds every byte value that UTF-8 text can hold.

    Single bytes 00-7F; every lead byte C2-DF, E0-EF, F0-F4 (as the first byte of some
    character); every continuation byte 80-BF. C0, C1 and F5-FF never occur in UTF-8.
    """
    chars = [chr(c) for c in range(0x80)]
    chars += [chr(c) for c in range(0x80, 0xC0)]  # C2 80 .. C2 BF: all continuation bytes
    chars += [chr((lead - 0xC0) << 6) for lead in range(0xC2, 0xE0)]  # 2-byte lead bytes
    chars += [chr(max((lead - 0xE0) << 12, 0x800)) for lead in range(0xE0, 0xF0)]  # 3-byte leads (ED 80 80 = U+D000)
    chars += [chr(max((lead - 0xF0) << 18, 0x10000)) for lead in range(0xF0, 0xF5)]  # 4-byte leads
    return "".join(chars)


def train_case(name: str, why: str, sections: list[str], texts: list[str], vocab_size: int, *,
               pattern: str = "gpt4", min_frequency: int = 1, max_token_length: int | None = None,
               probes: tuple[str, ...] = ()) -> dict:  # fmt: skip
    merges = reference.train(
        texts, vocab_size, pattern=pattern, min_frequency=min_frequency, max_token_length=max_token_length
    )
    limit = {} if max_token_length is None else {"max_token_length": max_token_length}
    vocab = reference.vocabulary_from_merges(merges)
    ranks = {token: rank for rank, token in vocab.items()}
    samples = [*texts, *probes]
    return {
        "name": name,
        "why": why,
        "sections": sections,
        "kind": "train",
        "input": {
            "texts": texts,
            "vocab_size": vocab_size,
            "pattern": pattern,
            "min_frequency": min_frequency,
            **limit,
            "probes": list(probes),
        },
        "expected": {
            "pieces": [reference.split(text, pattern) for text in samples],
            "merges": [list(merge) for merge in merges],
            "tokens": [vocab[256 + i].hex() for i in range(len(merges))],
            "ids": [reference.encode_ordinary(text, ranks, pattern) for text in samples],
        },
    }


def ranks_case(name: str, why: str, sections: list[str], ranks: dict[bytes, int], probes: list[str],
               pattern: str = "gpt4") -> dict:  # fmt: skip
    checked = checks.check_ranks(ranks)
    return {
        "name": name,
        "why": why,
        "sections": sections,
        "kind": "ranks",
        "input": {
            "ranks": [[token.hex(), rank] for token, rank in sorted(checked.items(), key=lambda item: item[1])],
            "pattern": pattern,
            "probes": probes,
        },
        "expected": {
            "pieces": [reference.split(text, pattern) for text in probes],
            "merges": [list(merge) for merge in reference.merges_from_ranks(checked)],
            "ids": [reference.encode_ordinary(text, checked, pattern) for text in probes],
        },
    }


def merges_case(name: str, why: str, sections: list[str], ranks: dict[bytes, int], merges: list[bytes],
                probes: list[str], *, ignore_merges: bool = False, pattern: str = r"[^\n]+") -> dict:  # fmt: skip
    """A merge-list model; each merge is written as "left+right" bytes, split at the "+"."""
    checked = checks.check_ranks(ranks)
    pairs = [tuple(checked[half] for half in merge.split(b"+")) for merge in merges]
    model = reference.merge_list(checks.check_merge_list(pairs, checked), ignore_merges)
    return {
        "name": name,
        "why": why,
        "sections": sections,
        "kind": "merges",
        "input": {
            "ranks": [[token.hex(), rank] for token, rank in sorted(checked.items(), key=lambda item: item[1])],
            "merges": [list(pair) for pair in pairs],
            "ignore_merges": ignore_merges,
            "pattern": pattern,
            "probes": probes,
        },
        "expected": {
            "pieces": [reference.split(text, pattern) for text in probes],
            "ids": [reference.encode_ordinary(text, checked, pattern, model) for text in probes],
        },
    }


def offsets_case(name: str, why: str, sections: list[str], ranks: dict[bytes, int], special_tokens: dict[str, int],
                 probes: list[str], *, pattern: str = "gpt4") -> dict:  # fmt: skip
    """Encoding with offsets (§6.12), every special token allowed."""
    checked = checks.check_ranks(ranks)
    encoded = [reference.encode_with_offsets(text, checked, pattern, special_tokens, special_tokens) for text in probes]
    return {
        "name": name,
        "why": why,
        "sections": sections,
        "kind": "offsets",
        "input": {
            "ranks": [[token.hex(), rank] for token, rank in sorted(checked.items(), key=lambda item: item[1])],
            "special_tokens": [[text, token_id] for text, token_id in special_tokens.items()],
            "pattern": pattern,
            "probes": probes,
        },
        "expected": {
            "ids": [ids for ids, _, _ in encoded],
            "byte_offsets": [[list(span) for span in spans] for _, spans, _ in encoded],
            "offsets": [[list(span) for span in spans] for _, _, spans in encoded],
        },
    }


def extend_case(name: str, why: str, sections: list[str], ranks: dict[bytes, int], special_tokens: dict[str, int],
                texts: list[str], vocab_size: int, *, pattern: str = "gpt4",
                probes: tuple[str, ...] = ()) -> dict:  # fmt: skip
    """Extending the rank table ``ranks`` (with its special tokens) on ``texts`` (§4.7)."""
    checked = checks.check_ranks(ranks)
    first_id = max([*checked.values(), *special_tokens.values()]) + 1
    counts = reference.count_pieces(texts, pattern)
    merges = reference.extend_from_counts(counts, checked, vocab_size, first_id)
    vocab = {rank: token for token, rank in checked.items()}
    for i, (left, right, _) in enumerate(merges):
        vocab[first_id + i] = vocab[left] + vocab[right]
    extended = {token: rank for rank, token in vocab.items()}
    samples = [*texts, *probes]
    return {
        "name": name,
        "why": why,
        "sections": sections,
        "kind": "extend",
        "input": {
            "ranks": [[token.hex(), rank] for token, rank in sorted(checked.items(), key=lambda item: item[1])],
            "special_tokens": [[text, token_id] for text, token_id in special_tokens.items()],
            "texts": texts,
            "vocab_size": vocab_size,
            "pattern": pattern,
            "probes": list(probes),
        },
        "expected": {
            "merges": [list(merge) for merge in merges],
            "tokens": [vocab[first_id + i].hex() for i in range(len(merges))],
            "ids": [reference.encode_ordinary(text, extended, pattern) for text in samples],
        },
    }


def truncate_case(name: str, why: str, sections: list[str], texts: list[str], vocab_size: int, truncate_to: int,
                  *, special_tokens: tuple[str, ...] = (), min_frequency: int = 1, pattern: str = "gpt4",
                  probes: tuple[str, ...] = ()) -> dict:  # fmt: skip
    """A training to ``vocab_size`` truncated to ``truncate_to`` (both counting the special tokens)."""
    n_special = len(special_tokens)
    longer = reference.train(texts, vocab_size - n_special, pattern=pattern, min_frequency=min_frequency)
    vocab = reference.vocabulary_from_merges(longer)
    specials = {token: len(vocab) + j for j, token in enumerate(special_tokens)}
    ranks, kept_specials, k = truncation.truncate({t: r for r, t in vocab.items()}, specials, truncate_to)
    # The corollary of §5.5, checked where the vector is made: the truncation is the shorter training.
    shorter = reference.train(texts, truncate_to - n_special, pattern=pattern, min_frequency=min_frequency)
    assert shorter == longer[:k], name
    samples = [*texts, *probes]
    return {
        "name": name,
        "why": why,
        "sections": sections,
        "kind": "truncate",
        "input": {
            "texts": texts,
            "vocab_size": vocab_size,
            "truncate_to": truncate_to,
            "special_tokens": list(special_tokens),
            "pattern": pattern,
            "min_frequency": min_frequency,
            "probes": list(probes),
        },
        "expected": {
            "pieces": [reference.split(text, pattern) for text in samples],
            "merges": [list(merge) for merge in longer[:k]],
            "tokens": [vocab[256 + i].hex() for i in range(k)],
            "special_tokens": kept_specials,
            "ids": [reference.encode_ordinary(text, ranks, pattern) for text in samples],
        },
    }


def byte_ranks(order: list[int] | None = None) -> dict[bytes, int]:
    return {bytes([b]): rank for rank, b in enumerate(order or range(256))}


def cases() -> list[dict]:
    """Every vector, in file-name order of their names."""
    out = [
        train_case(
            "wikipedia-aaabdaaabac",
            "The worked example of Wikipedia's byte-pair-encoding article: aa, then ab (a tie with "
            "(aa, a), broken towards the smaller pair), then (aa)(ab).",
            ["4.2", "4.3", "4.4"],
            ["aaabdaaabac"],
            259,
            probes=("aaab", "daaabac"),
        ),
        train_case(
            "empty-corpus",
            "No texts at all: no pieces, no pairs, no merges, and no error.",
            ["4.5"],
            [],
            300,
            probes=("still encodes",),
        ),
        train_case(
            "empty-texts",
            "Texts that are empty strings give no pieces; training ends with no merges.",
            ["2.4", "4.5"],
            ["", "", ""],
            300,
        ),
        train_case("one-byte", "A one-byte piece holds no pair: nothing to merge.", ["4.2", "4.5"], ["a"], 300),
        train_case(
            "overlap-aaaa",
            "Overlapping positions count: 'aaaa' holds (a, a) three times; the merge applies left to "
            "right without overlap, leaving (aa, aa).",
            ["4.2", "4.4"],
            ["aaaa"],
            260,
            probes=("aaa", "aaaaaaa"),
        ),
        train_case(
            "overlap-aaaaa",
            "'aaaaa' holds (a, a) four times; after the merge (aa, aa) and (aa, a) tie at 1 and the "
            "smaller pair (aa, a) wins.",
            ["4.2", "4.3", "4.4"],
            ["aaaaa"],
            260,
            probes=("aaaaaa",),
        ),
        train_case(
            "every-reachable-byte",
            "Every byte value that UTF-8 text can hold (all but C0, C1 and F5-FF) appears in a piece, "
            "so token ids 0..255 are exercised as bytes, including continuation and lead bytes.",
            ["3", "4.1"],
            [every_reachable_byte()] * 2,
            300,
            pattern=r"[\s\S]{1,4}",
        ),
        train_case(
            "emoji",
            "Emoji are four-byte characters, often joined by ZWJ (U+200D) and variation selectors; "
            "their bytes merge like any others.",
            ["3", "4.4"],
            ["👋🏽 hi 👨‍👩‍👧 🇯🇵🇯🇵 👋🏽👋🏽 ✌️"] * 3,
            300,
            probes=("👨‍👩‍👧‍👦 🇯🇵",),
        ),
        train_case(
            "combining-marks",
            "Combining marks (decomposed é, Vietnamese, Devanagari) are \\p{M}, not \\p{L}: the named "
            "patterns cut words at them, so they change the pieces.",
            ["2.1", "2.3"],
            ["cafe\u0301 tie\u0302\u0301ng Vie\u0323\u0302t हिन्दी नमस्ते"] * 2,
            300,
            probes=("e\u0301e\u0301", "हिन्दी"),
        ),
        train_case(
            "cjk",
            "CJK text without spaces is one long \\p{L} run: a single piece of three-byte characters.",
            ["2.1", "3"],
            ["日本語のテキストを分割する。中文没有空格。", "日本語日本語"],
            320,
            probes=("日本語のテキスト",),
        ),
        train_case(
            "crlf",
            "Windows line endings: \\r\\n runs and trailing spaces before them, under the \\s* rules.",
            ["2.1"],
            ["line one\r\nline two  \r\n\r\n\tindented\r\n"] * 2,
            290,
            probes=("a\r\n\r\nb",),
        ),
        train_case(
            "all-counts-tie",
            "Every pair occurs once, so every selection is a tie, broken by the smallest (left, right).",
            ["4.3"],
            ["ab", "cd", "ef", "ba", "dc"],
            270,
        ),
        train_case(
            "vocab-256",
            "vocab_size 256 asks for no merges: encoding is one token per byte.",
            ["4.5", "8"],
            ["hello hello"],
            256,
            probes=("héllo",),
        ),
        train_case(
            "corpus-too-small",
            "The corpus runs out of pairs long before vocab_size: fewer merges, not an error.",
            ["4.5"],
            ["hello world"],
            1000,
        ),
        train_case(
            "min-frequency",
            "Training stops at the first best pair whose count is below min_frequency.",
            ["4.5"],
            ["abab abab abab cdcd"],
            300,
            min_frequency=3,
        ),
        train_case(
            "max-token-length",
            "No merge makes a token longer than max_token_length (3 bytes): the most frequent pair, "
            "(aa, aa), is passed over for good, ties are broken among the pairs within the limit, "
            "and training goes on with them.",
            ["4.3.1", "4.3", "4.5"],
            ["aaaa aaaa aaaa aaaa aaaa abab abc cab"],
            280,
            max_token_length=3,
            probes=("aaaaaaaa", "ababab"),
        ),
        train_case(
            "max-token-length-min-frequency",
            "min_frequency compares with the best pair within the limit: the too-long (aa, aa) "
            "occurs 4 times, the best pair within 2 bytes twice, so training stops there.",
            ["4.3.1", "4.5"],
            ["aaaa aaaa aaaa aaaa ab ab cd"],
            280,
            min_frequency=3,
            max_token_length=2,
        ),
        train_case(
            "max-token-length-one",
            "With max_token_length 1 no pair is within the limit: no merges, and no error.",
            ["4.3.1", "4.5"],
            ["aaaa abab"],
            280,
            max_token_length=1,
        ),
        train_case(
            "unicode-pinned",
            "The split follows Unicode 16.0.0: U+A7CB (a letter since 16.0) is \\p{L}; U+0C5C "
            "(unassigned in 16.0, a letter since 17.0) is not, although newer engines say it is.",
            ["2.3"],
            ["a\ua7cbb a\u0c5cb"],
            260,
            probes=("\u0c5c\u0c5c",),
        ),
        train_case(
            "case-folding",
            "(?i) follows simple case folding: the contractions match in any case, and ſ (U+017F) "
            "folds to s, so 's and 'ſ are the same branch.",
            ["2.3"],
            ["DON'T I'M HE'LL we'VE it'ſ"],
            262,
        ),
        train_case(
            "custom-pattern",
            "A custom regex instead of a named pattern.",
            ["2.2"],
            ["abc 123 def456 !!"] * 2,
            262,
            pattern=r"\p{L}+|\p{N}+|[^\p{L}\p{N}]+",
        ),
        train_case(
            "unmatched-text-dropped",
            "Text that the pattern does not match is not a piece: it is neither counted nor encoded (as in tiktoken).",
            ["2.4", "6"],
            ["ab 12 cd ab"],
            258,
            pattern=r"\p{L}+",
            probes=("12 ab 34",),
        ),
        train_case(
            "empty-matches",
            "An empty match is not a piece, and the search resumes one character after it, so a "
            "non-empty match at the same position is never tried (as in Rust's engines).",
            ["2.4"],
            ["ab b"],
            258,
            pattern=r"b|(?:)|a",
            probes=("bab",),
        ),
        train_case(
            "long-piece",
            "A piece of 300 bytes: the fast core merges long pieces with a heap, short ones by scanning.",
            ["4.4", "6"],
            ["ab" * 150, "a" * 300],
            270,
            probes=("ab" * 200,),
        ),
        ranks_case(
            "ranks-lowest-rank-wins",
            "Hand-written ranks bc=256, ab=257, abc=258: 'xabc' is x, abc, because a+bc is ranked, "
            "although no merge list would ever join a with bc. This is tiktoken's rule.",
            ["5.2", "5.3", "6"],
            {**byte_ranks(), b"bc": 256, b"ab": 257, b"abc": 258},
            ["xabc", "abc", "ab", "bcab", "abcabc"],
            pattern=r"[^\n]+",
        ),
        ranks_case(
            "ranks-shuffled-bytes",
            "Single bytes need not have ranks 0..255 in byte order (GPT-2's table does not).",
            ["5.2"],
            {**byte_ranks(list(range(255, -1, -1))), b"he": 256, b"ll": 257, b"hell": 258, b"hello": 259},
            ["hello", "shell", "hellhello"],
        ),
        ranks_case(
            "ranks-with-gaps",
            "Ranks need not be contiguous; a token whose bytes no lower-ranked pair can build (xyz) "
            "has no merge, and is reached only as a whole piece.",
            ["5.2", "5.3"],
            {**byte_ranks(), b"ab": 1000, b"abab": 5000, b"xyz": 7000},
            ["ababab", "xyz", "xyzab", "abab"],
        ),
        merges_case(
            "merges-unlisted-token",
            "Only listed pairs join (§6.9): bc is a token of low rank, but no merge forms it, so 'bc' "
            "stays two bytes while 'xabc' joins a+b, then ab+c. tiktoken's rule would make bc.",
            ["6.8", "6.9"],
            {**byte_ranks(), b"bc": 256, b"ab": 257, b"abc": 258},
            [b"a+b", b"ab+c"],
            ["xabc", "bc", "abcbc", "cab"],
        ),
        merges_case(
            "merges-out-of-rank-order",
            "The list's order decides, not the ranks: b+c is listed before a+b, so 'abc' is a, bc, "
            "although ab has the lower rank (tiktoken's rule gives ab, c).",
            ["6.9"],
            {**byte_ranks(), b"ab": 256, b"bc": 257},
            [b"b+c", b"a+b"],
            ["abc", "abab", "cabc"],
        ),
        merges_case(
            "merges-repeated-pair",
            "A pair listed twice has the priority of its last position: a+b comes after b+c, so "
            "'abc' is a, bc.",
            ["6.8"],
            {**byte_ranks(), b"ab": 256, b"bc": 257},
            [b"a+b", b"b+c", b"a+b"],
            ["abc", "ab"],
        ),
        merges_case(
            "merges-ignore-merges",
            "With ignore_merges a piece that is a token is that token, even one no merge forms (xyz); "
            "other pieces join by the list.",
            ["6.10"],
            {**byte_ranks(), b"xy": 256, b"xyz": 300, b"yz": 301},
            [b"y+z", b"x+y"],
            ["xyz", "xyzz", "xxyz"],
            ignore_merges=True,
            pattern=r"\S+|\s+",
        ),
        merges_case(
            "merges-long-piece",
            "Pieces of 64 bytes and more: the fast core joins them with a heap of candidates "
            "instead of a scan; ties go to the leftmost pair as in the scan.",
            ["6.9"],
            {**byte_ranks(), b"ab": 256, b"abab": 257, b"ba": 258, b"aa": 259},
            [b"b+a", b"a+b", b"ab+ab", b"a+a"],
            ["ab" * 100, "a" * 101, "b" + "ab" * 70 + "aab"],
        ),
        extend_case(
            "extend-repeated-bytes",
            "Extending keeps every id, starts new ids after the special token's, and passes over a "
            "pair whose bytes are already a token (ab + c would repeat abc, which no pair reaches).",
            ["4.7"],
            {**byte_ranks(), b"abc": 256, b"xy": 257},
            {"<|s|>": 260},
            ["abce abce abcd xyab xyab", "abc"],
            270,
            probes=("abcdxy", "xyabcd abc"),
        ),
        offsets_case(
            "offsets-split-character",
            "A character whose bytes are split between tokens is in the character span of each; a "
            "special token's span is its occurrence; text the pattern drops has no token.",
            ["6.12"],
            {**byte_ranks(), b"a\xf0": 256, b"\x9f\x98": 257, "é".encode(): 258},
            {"<|e|>": 300},
            ["a😀b", "1 é<|e|>é😀", "日本<|e|><|e|>"],
            pattern=r"\p{L}+|\p{So}+|<\|e\|>|[^\d]",
        ),
    ]
    for name in ("gpt4", "cl100k", "o200k", "gpt2", "nanochat"):
        out.append(
            train_case(
                f"pattern-{name}",
                f"The named pattern {name} on one multilingual text with numbers, contractions, "
                "punctuation and trailing whitespace; the pieces show how the patterns differ.",
                ["2.1"],
                [MULTILINGUAL],
                280,
                pattern=name,
                probes=("x \n ", "123456789", "a/b\n/c"),
            )
        )
    out += [
        truncate_case(
            "truncate-with-special-tokens",
            "A training to 300 truncated to 270 keeps the 256 bytes and its first 12 merges, and gives the "
            "two special tokens the ids after them (268, 269), as a training to 270 would.",
            ["5.5", "5.4"],
            [MULTILINGUAL * 3, "the cat sat on the mat; the hat sat on the cat. " * 4],
            300,
            270,
            special_tokens=("<|endoftext|>", "<|pad|>"),
            probes=("the mat", "Größe café"),
        ),
        truncate_case(
            "truncate-after-min-frequency",
            "min_frequency stops the training to 400 after 8 merges; its truncation to 262 is their first "
            "6, as a training to 262 with the same min_frequency gives.",
            ["5.5", "4.5"],
            ["aaabdaaabac abab abab cdcd cdcd cdcd"],
            400,
            262,
            min_frequency=2,
            probes=("abab", "aaab"),
        ),
    ]
    return sorted(out, key=lambda case: case["name"])


def render(case: dict) -> str:
    return json.dumps(case, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale or missing files")
    args = parser.parse_args()
    wanted = {f"{case['name']}.json": render(case) for case in cases()}
    present = {path.name for path in HERE.glob("*.json")}
    stale = sorted(
        name for name, text in wanted.items() if not (HERE / name).exists() or (HERE / name).read_text("utf-8") != text
    )
    extra = sorted(present - wanted.keys())
    if args.check:
        for name in stale + extra:
            print(f"spec/vectors/{name} is stale; run: {COMMAND}", file=sys.stderr)
        return 1 if stale or extra else 0
    for name in stale:
        (HERE / name).write_text(wanted[name], encoding="utf-8")
    for name in extra:
        (HERE / name).unlink()
    print(f"{len(wanted)} vectors, {len(stale)} rewritten, {len(extra)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
