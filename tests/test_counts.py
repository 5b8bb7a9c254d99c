"""Piece counts are a reduction (spec §4.1.1): the counts of any partition of a corpus into shards,
added in any order, train exactly the merges of the whole corpus, in both implementations; and the
table's Arrow form (spec §12.4) round-trips and rejects what is not a table of counts."""

from __future__ import annotations

import pickle
from itertools import pairwise

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe import PieceCounts
from strategies import NAMED_PATTERNS, corpora, vocab_sizes


@st.composite
def shards(draw, corpus: list[str]) -> list[list[str]]:
    """``corpus`` cut into consecutive shards (some may be empty), then shuffled."""
    cuts = sorted(draw(st.lists(st.integers(0, len(corpus)), max_size=5)))
    bounds = [0, *cuts, len(corpus)]
    parts = [corpus[start:end] for start, end in pairwise(bounds)]
    return draw(st.permutations(parts))


@given(data=st.data(), corpus=corpora(), vocab_size=vocab_sizes(), pattern=st.sampled_from(NAMED_PATTERNS))
def test_training_on_summed_shard_counts_equals_training_on_the_texts(impl, data, corpus, vocab_size, pattern):
    parts = data.draw(shards(corpus))
    min_frequency = data.draw(st.integers(1, 3))
    counter = bytebpe.implementation(data.draw(st.sampled_from(bytebpe.IMPLEMENTATIONS)))
    summed = sum((counter.count(part, pattern) for part in parts), PieceCounts(pattern=pattern))
    assert summed == impl.count(corpus, pattern)
    expected = impl.train(corpus, vocab_size, pattern=pattern, min_frequency=min_frequency)
    assert impl.train_from_counts(summed, vocab_size, min_frequency=min_frequency) == expected


@given(corpus=corpora(), pattern=st.sampled_from(NAMED_PATTERNS))
def test_both_implementations_count_the_same_table(reference, fast, corpus, pattern):
    assert fast.count(corpus, pattern).as_dict() == reference.count(corpus, pattern).as_dict()


def test_min_frequency_applies_to_the_sum_not_to_a_shard(impl):
    # "ab" occurs twice in each shard: below min_frequency 3 in every shard, 4 in total.
    parts = [["ab ab"], ["ab ab"]]
    counts = sum(impl.count(part) for part in parts)
    assert impl.train_from_counts(counts, 257, min_frequency=3) == [(97, 98, 4)]
    assert all(impl.train_from_counts(impl.count(p), 257, min_frequency=3) == [] for p in parts)


def test_tokenizer_from_counts_equals_tokenizer_from_texts(impl):
    corpus = ["the cat sat on the mat", "the dog sat on the log", "cats and dogs 123"]
    name = impl.NAME
    counts = impl.count(corpus[:2], "nanochat") + impl.count(corpus[2:], "nanochat")
    from_counts = bytebpe.Tokenizer.train_from_counts(counts, 300, special_tokens=["<|bos|>"], implementation=name)
    from_texts = bytebpe.Tokenizer.train(
        corpus, 300, pattern="nanochat", special_tokens=["<|bos|>"], implementation=name
    )
    assert from_counts.mergeable_ranks == from_texts.mergeable_ranks
    assert from_counts.merges == from_texts.merges
    assert from_counts.special_tokens == from_texts.special_tokens
    assert from_counts.trained_by == from_texts.trained_by
    assert from_counts.pattern == bytebpe.PATTERNS["nanochat"]


def test_tables_from_both_implementations_add_and_compare(reference, fast):
    a, b = reference.count(["aaa bbb"]), fast.count(["aaa ccc"])
    assert (a + b).as_dict() == (b + a).as_dict() == {b"aaa": 2, b" bbb": 1, b" ccc": 1}
    assert a + b == b + a
    assert fast.train_from_counts(a + b, 260) == reference.train_from_counts(b + a, 260)


def test_table_reads_like_a_mapping(impl):
    counts = impl.count(["hello hello world", "hello"], "gpt4")
    assert counts[b"hello"] == 2 and counts[b" hello"] == 1 and counts[b"nope"] == 0
    assert len(counts) == 3 and counts.total() == 4
    assert sorted(counts.items()) == sorted(counts.as_dict().items())
    assert counts.pattern == bytebpe.PATTERNS["gpt4"] and counts.pattern_name == "gpt4"
    assert "3 pieces" in repr(counts)
    with pytest.raises(TypeError, match="bytes"):
        counts["hello"]


def test_custom_pattern_counts(impl):
    counts = impl.count(["ab,cd"], r"[a-z]+|,")
    assert counts.as_dict() == {b"ab": 1, b",": 1, b"cd": 1}
    assert counts.pattern_name is None
    assert "custom" in repr(counts)


@pytest.mark.parametrize("counted_by", bytebpe.IMPLEMENTATIONS)
def test_arrow_round_trip(counted_by):
    corpus = ["naïve café 日本語 😀", "x" * 5000, "tab\tsep 12345"]
    counts = bytebpe.implementation(counted_by).count(corpus, "o200k")
    table = counts.to_arrow()
    assert table.schema.field("piece").type == pa.large_binary()
    assert table.schema.field("count").type == pa.int64()
    assert table.schema.metadata[b"bytebpe.pattern"] == bytebpe.PATTERNS["o200k"].encode()
    assert PieceCounts.from_arrow(table) == counts
    # Slices, several chunks and plain binary columns (other writers) read the same.
    chunked = pa.concat_tables([table.slice(0, 2), table.slice(2)])
    assert PieceCounts.from_arrow(chunked) == counts
    plain = table.cast(pa.schema([("piece", pa.binary()), ("count", pa.int64())], metadata=table.schema.metadata))
    assert PieceCounts.from_arrow(plain) == counts
    columns = table.column("piece").to_pylist(), table.column("count").to_pylist()
    assert dict(zip(*columns, strict=True)) == counts.as_dict()


def test_empty_table_round_trips(impl):
    empty = impl.count([])
    assert len(empty) == 0 and empty.total() == 0
    assert PieceCounts.from_arrow(empty.to_arrow()) == empty
    assert impl.train_from_counts(empty, 1000) == []


def test_pickles_compactly(fast):
    counts = fast.count(["some text " * 100, "more words"])
    assert pickle.loads(pickle.dumps(counts)) == counts
    assert pickle.loads(pickle.dumps(PieceCounts({b"ab": 3}))) == PieceCounts({b"ab": 3})


def arrow(pieces: list, counts: list, metadata: dict | None = None, piece_type=None) -> pa.Table:
    schema = pa.schema(
        [("piece", piece_type or pa.large_binary()), ("count", pa.int64())],
        metadata=metadata if metadata is not None else {b"bytebpe.pattern": b"gpt4"},
    )
    return pa.table({"piece": pieces, "count": counts}, schema=schema)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (arrow([b"a", b"a"], [1, 2]), "appears twice"),
        (arrow([b"a"], [0]), "at least 1"),
        (arrow([b"a"], [-5]), "at least 1"),
        (arrow([b""], [1]), "non-empty"),
        (arrow([b"a", None], [1, 1]), "nulls"),
        (arrow([b"a"], [None]), "nulls"),
        (arrow([b"a"], [1], metadata={}), r"pass pattern="),
        (pa.table({"piece": [b"a"]}), "columns"),
        (pa.table({"piece": [b"a"], "count": [1.0]}), "int64"),
        (pa.table({"piece": ["a"], "count": [1]}), "large_binary"),
    ],
)
def test_bad_arrow_tables_are_rejected(table, message):
    with pytest.raises(ValueError, match=message):
        PieceCounts.from_arrow(table)


def test_from_arrow_pattern_argument():
    table = arrow([b"ab"], [2], metadata={})
    assert PieceCounts.from_arrow(table, pattern="gpt2").pattern == bytebpe.PATTERNS["gpt2"]
    with pytest.raises(ValueError, match="differs"):
        PieceCounts.from_arrow(arrow([b"ab"], [2]), pattern="gpt2")
    with pytest.raises(TypeError, match=r"pyarrow\.Table"):
        PieceCounts.from_arrow({"piece": [b"a"], "count": [1]})


def test_tables_of_different_patterns_do_not_add(impl):
    with pytest.raises(ValueError, match="different split patterns"):
        impl.count(["a"], "gpt4") + impl.count(["a"], "gpt2")


@pytest.mark.parametrize("backing", ["dict", "core"])
def test_counts_that_would_pass_int64_are_rejected(backing):
    big = PieceCounts({b"a": 2**63 - 1})
    if backing == "core":
        big = PieceCounts.from_arrow(big.to_arrow())
    with pytest.raises(ValueError, match=r"63 bits|passes"):
        big + big


@pytest.mark.parametrize(
    ("counts", "error"),
    [
        ({"a": 1}, TypeError),
        ({b"a": 1.5}, TypeError),
        ({b"a": True}, TypeError),
        ({b"a": 0}, ValueError),
        ({b"": 1}, ValueError),
        ([(b"a", 1)], TypeError),
    ],
)
def test_bad_dicts_are_rejected(counts, error):
    with pytest.raises(error):
        PieceCounts(counts)


def test_train_from_counts_rejects_other_objects(impl):
    with pytest.raises(TypeError, match="PieceCounts"):
        impl.train_from_counts({b"ab": 2}, 300)
    with pytest.raises(TypeError, match="PieceCounts"):
        bytebpe.Tokenizer.train_from_counts({b"ab": 2}, 300)
    with pytest.raises(ValueError, match="vocab_size"):
        impl.train_from_counts(PieceCounts({b"ab": 2}), 100)


def test_unknown_pattern_is_rejected_when_counting(impl):
    with pytest.raises(ValueError):
        impl.count(["a"], "(unclosed")
