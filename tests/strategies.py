"""Hypothesis strategies: corpora and texts with alphabets small enough that ties are common,
full-Unicode text, split patterns written in the spec's grammar, and rank tables by hand."""

from __future__ import annotations

from hypothesis import strategies as st

import bytebpe

# Alphabets chosen so that pair counts collide often (ties are the interesting case) and so that
# every branch of the named patterns is reached: letters, digits, apostrophes, spaces, newlines.
TINY_ALPHABETS = ["ab \n", "ab", "a", "abc '\n", "aB1 '\r\n\t", "ab12 .", "é日a 😀\n"]
NAMED_PATTERNS = sorted(bytebpe.PATTERNS)

# Custom patterns: hand-picked forms of the grammar (spec §2.2) that users write.
CUSTOM_PATTERNS = [
    r"\p{L}+|\p{N}+|[^\p{L}\p{N}]+",
    r"[ab]+|.",
    r"\s+|\S+",
    r"(?i:A+)|[^a]",
    r"a|ab|b+?",
    r"(?<=a)b|.",
    r"(?<![ab])\s|[^\s]{1,2}+|\s",
    r"(?>a+)b?|[\s\S]",
    r"'(?i:[sdmt]|ll|ve|re)|\p{Lu}?\p{Ll}+|\d|\D",
    r"^a|a$|(?m:^b)|(?m:b$)|[\s\S]",
    r"\P{L}+|[\p{Lu}\p{Lt}]\p{Ll}*|\p{L}",
    r"(?s:.{2})|\n",
    r"[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+",
    # Deployed tokenizers' own patterns (Llama 3, Qwen 3.5, DeepSeek as one alternation): the
    # compiled splitter runs them, as it runs every custom pattern it can.
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}"
    r"| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    r"\p{N}{1,3}|[\x{4E00}-\x{9FA5}\x{3040}-\x{309F}\x{30A0}-\x{30FF}]+|[!"
    '"'
    r"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+"
    r"| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
]

# Atoms for generated patterns; combined by the grammar below into arbitrary nestings.
_ATOMS = [
    "a", "b", " ", r"\n", ".", r"\s", r"\S", r"\d", r"\p{L}", r"\P{L}", r"\p{Lu}", r"\p{N}",
    "[ab]", "[^a]", r"[\s\p{L}]", r"[^\s\p{N}]", r"\x{e9}", "'", r"(?i:a)", r"(?i:[sS])",
]  # fmt: skip


def _quantified(atom: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    quantifier = st.sampled_from(["", "", "*", "+", "?", "{1,2}", "{2}", "*?", "+?", "++", "?+", "{0,2}+"])
    return st.tuples(atom, quantifier).map("".join)


def generated_patterns() -> st.SearchStrategy[str]:
    """Random patterns in the spec's grammar. Every one ends with a catch-all branch so that
    the pattern also exercises what happens after a partial match."""
    node = st.recursive(
        _quantified(st.sampled_from(_ATOMS)),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map("".join),
            st.lists(inner, min_size=2, max_size=3).map(lambda parts: "(?:" + "|".join(parts) + ")"),
            _quantified(inner.map(lambda p: f"(?:{p})")),
            inner.map(lambda p: f"(?>{p})"),
            st.tuples(st.sampled_from(["(?=", "(?!"]), inner).map(lambda t: t[0] + t[1] + ")"),
            st.sampled_from(["(?<=a)", "(?<![ab])", r"(?<=\s)", "^", "$", r"\A", r"\z"]),
        ),
        max_leaves=6,
    )
    return st.lists(node, min_size=1, max_size=3).map(lambda branches: "|".join([*branches, r"[\s\S]"]))


def patterns() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NAMED_PATTERNS), st.sampled_from(CUSTOM_PATTERNS), generated_patterns())


def tiny_texts(max_size: int = 30) -> st.SearchStrategy[str]:
    return st.sampled_from(TINY_ALPHABETS).flatmap(lambda alphabet: st.text(alphabet, max_size=max_size))


def unicode_texts(max_size: int = 30) -> st.SearchStrategy[str]:
    """Any str of scalar values, weighted towards the classes the patterns care about."""
    return st.text(st.characters(codec="utf-8"), max_size=max_size)


def texts(max_size: int = 30) -> st.SearchStrategy[str]:
    return st.one_of(tiny_texts(max_size), unicode_texts(max_size))


@st.composite
def corpora(draw: st.DrawFn, max_texts: int = 12, max_size: int = 60) -> list[str]:
    """A list of texts over one tiny alphabet (so that counts tie), or over all of Unicode."""
    if draw(st.booleans()):
        alphabet = draw(st.sampled_from(TINY_ALPHABETS))
        return draw(st.lists(st.text(alphabet, max_size=max_size), max_size=max_texts))
    return draw(st.lists(unicode_texts(max_size), max_size=max_texts))


def vocab_sizes() -> st.SearchStrategy[int]:
    return st.integers(min_value=256, max_value=256 + 80)


@st.composite
def hand_written_ranks(draw: st.DrawFn) -> dict[bytes, int]:
    """A rank table as a person might write one: all 256 bytes (in a shuffled order, like GPT-2),
    then multi-byte tokens over a small alphabet, unreachable ones and gaps in the ranks included."""
    byte_order = draw(st.permutations(range(256)))
    ranks = {bytes([b]): rank for rank, b in enumerate(byte_order)}
    tokens = draw(
        st.lists(
            st.binary(min_size=2, max_size=4).map(lambda b: bytes(98 + x % 3 for x in b)), max_size=12, unique=True
        )
    )
    next_rank = 256
    for token in tokens:
        next_rank += draw(st.integers(min_value=0, max_value=3))
        ranks[token] = next_rank
        next_rank += 1
    return ranks
