"""The two implementations agree: same pieces, same merges and counts, same ids (spec §2-§6).

Inputs are generated: tiny alphabets so that counts tie often, full Unicode, every named pattern,
hand-picked custom patterns and random ones in the spec's grammar. Nothing is filtered out.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

import bytebpe
from bytebpe.pattern_language import parse
from strategies import NAMED_PATTERNS, corpora, patterns, texts, vocab_sizes


def outcome(function, *args, **kwargs):
    """The result, or the exception type: rejecting the same input is agreement too."""
    try:
        return "ok", function(*args, **kwargs)
    except (ValueError, TypeError, KeyError) as err:
        return "error", type(err)


@given(text=texts(60), pattern=patterns())
def test_split_agrees(reference, fast, text, pattern):
    assert outcome(fast.split, text, pattern) == outcome(reference.split, text, pattern)


@given(pattern=patterns())
def test_both_compilers_build_the_same_tree(pattern):
    # The strongest form of "the pinned Unicode is followed by design": both parsers resolve
    # every class to the same explicit code point sets, and reject the same patterns.
    from bytebpe import _fast

    assert outcome(_fast.parse_pattern, pattern) == outcome(parse, bytebpe.PATTERNS.get(pattern, pattern))


@given(corpus=corpora(), vocab_size=vocab_sizes(), pattern=st.sampled_from(NAMED_PATTERNS))
def test_train_agrees_on_named_patterns(reference, fast, corpus, vocab_size, pattern):
    assert fast.train(corpus, vocab_size, pattern=pattern) == reference.train(corpus, vocab_size, pattern=pattern)


@given(corpus=corpora(), vocab_size=vocab_sizes(), pattern=st.sampled_from(NAMED_PATTERNS))
def test_train_with_ranks_agrees(reference, fast, corpus, vocab_size, pattern):
    # The fast core builds the rank table on another thread while the merge loop runs.
    merges, ranks = fast.train_with_ranks(corpus, vocab_size, pattern=pattern)
    assert (merges, ranks) == reference.train_with_ranks(corpus, vocab_size, pattern=pattern)
    assert list(ranks.values()) == list(range(256 + len(merges)))
    counts = fast.count(corpus, pattern)
    assert fast.train_from_counts_with_ranks(counts, vocab_size) == (merges, ranks)


@given(corpus=corpora(), vocab_size=vocab_sizes(), pattern=patterns(), min_frequency=st.integers(0, 4))
def test_train_agrees_on_any_pattern_and_min_frequency(reference, fast, corpus, vocab_size, pattern, min_frequency):
    expected = outcome(reference.train, corpus, vocab_size, pattern=pattern, min_frequency=min_frequency)
    assert outcome(fast.train, corpus, vocab_size, pattern=pattern, min_frequency=min_frequency) == expected
    if expected[0] == "ok":
        assert all(count >= max(min_frequency, 1) for _, _, count in expected[1])


@given(corpus=corpora(), vocab_size=vocab_sizes(), pattern=patterns(), probes=st.lists(texts(60), max_size=4))
def test_encode_agrees(corpus, vocab_size, pattern, probes):
    trained = outcome(bytebpe.Tokenizer.train, corpus, vocab_size, pattern=pattern, implementation="reference")
    assert outcome(bytebpe.Tokenizer.train, corpus, vocab_size, pattern=pattern, implementation="fast")[0] == trained[0]
    if trained[0] == "error":
        return
    ref = trained[1]
    fst = ref.with_implementation("fast")
    for text in [*corpus, *probes]:
        assert fst.encode_ordinary(text) == ref.encode_ordinary(text)
    assert fst.encode_ordinary_batch(probes) == ref.encode_ordinary_batch(probes)


@given(corpus=corpora(max_texts=4), vocab_size=vocab_sizes(), pattern=st.sampled_from(NAMED_PATTERNS))
def test_tokenizers_trained_on_each_implementation_are_identical(corpus, vocab_size, pattern):
    ref = bytebpe.Tokenizer.train(corpus, vocab_size, pattern=pattern, implementation="reference")
    fst = bytebpe.Tokenizer.train(corpus, vocab_size, pattern=pattern, implementation="fast")
    assert fst.mergeable_ranks == ref.mergeable_ranks
    assert fst.merges == ref.merges


@given(seed=st.integers(0, 2**32 - 1), text_bytes=st.integers(1, 40_000))
@settings(max_examples=3, deadline=None)
def test_train_agrees_when_the_texts_span_many_batches(reference, fast, seed, text_bytes):
    # The fast core pulls texts in batches that start at 256 KB and double; 2 MB of texts
    # cross several batch boundaries, anywhere inside a run of texts of random sizes.
    rng = random.Random(seed)
    words = ["ab", "ba", "aab", " a", " b", "\n", "  ", "b!", "12", "é"]
    corpus, total = [], 0
    while total < 2_000_000:
        size = rng.randint(1, text_bytes)
        text = "".join(rng.choice(words) for _ in range(size // 2 + 1))
        corpus.append(text)
        total += len(text)
    assert fast.train(iter(corpus), 300) == reference.train(corpus, 300)


@given(
    corpus=corpora(),
    vocab_size=vocab_sizes(),
    pattern=st.sampled_from(NAMED_PATTERNS),
    max_token_length=st.one_of(st.none(), st.integers(1, 6)),
    min_frequency=st.integers(0, 3),
)
def test_train_agrees_with_a_limit_on_token_length(reference, fast, corpus, vocab_size, pattern, max_token_length,
                                                   min_frequency):  # fmt: skip
    # §4.3.1: the same merges, ties and counts under the limit, and no token longer than it.
    settings_ = {"pattern": pattern, "min_frequency": min_frequency, "max_token_length": max_token_length}
    merges, ranks = reference.train_with_ranks(corpus, vocab_size, **settings_)
    assert fast.train_with_ranks(corpus, vocab_size, **settings_) == (merges, ranks)
    counts = fast.count(corpus, pattern)
    limits = {"min_frequency": min_frequency, "max_token_length": max_token_length}
    assert fast.train_from_counts_with_ranks(counts, vocab_size, **limits) == (merges, ranks)
    assert reference.train_from_counts_with_ranks(reference.count(corpus, pattern), vocab_size, **limits) == (
        merges,
        ranks,
    )
    if max_token_length is not None:
        assert all(len(token) <= max(max_token_length, 1) for token in ranks)  # the 256 bytes are 1 long
        # Without the limit the first merge too long would have been taken: the limit is what stopped it.
        unlimited = reference.train(corpus, vocab_size, pattern=pattern, min_frequency=min_frequency)
        kept = next((i for i, (a, b) in enumerate(zip(merges, unlimited, strict=False)) if a != b), None)
        if kept is not None:
            tokens = bytebpe.reference.vocabulary_from_merges(unlimited)
            assert len(tokens[256 + kept]) > max_token_length


@given(max_token_length=st.one_of(st.integers(-3, 0), st.just(True), st.just(2.0), st.just("3")))
def test_a_bad_max_token_length_is_refused_alike(reference, fast, max_token_length):
    expected = outcome(reference.train, ["ab ab"], 300, max_token_length=max_token_length)
    assert expected[0] == "error"
    assert outcome(fast.train, ["ab ab"], 300, max_token_length=max_token_length) == expected
