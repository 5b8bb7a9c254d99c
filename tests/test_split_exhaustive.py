r"""Every Unicode scalar value, in several contexts, splits the same way in both implementations
and in Hugging Face's Oniguruma (an engine we did not write, on the same Unicode 16.0.0), for
every named pattern (spec §2.1, §2.3). Not sampled: all 1,112,064 scalar values, every time.

Oniguruma gets the patterns as written: in these short contexts that is a check of its Unicode
data only. Over longer text it reads some constructs the Ruby way (cl100k's `\p{N}{1,3}+` is
`(?:\p{N}{1,3})+` there), which is why bytebpe.huggingface exports a pattern rendered from
bytebpe's own parse (tests/test_huggingface.py)."""

from __future__ import annotations

import pytest
from tokenizers import Regex, pre_tokenizers

import bytebpe

SCALAR_VALUES = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
CONTEXTS = {
    "after-letter": "a{}",
    "after-digit": "7{}",
    "after-space": " {}",
    "after-apostrophe": "'{}",
    "end-of-text": "{}",
    "mid-text": "x{} y",
}


def texts_in(context: str) -> list[str]:
    template = CONTEXTS[context]
    return [template.format(ch) for ch in SCALAR_VALUES]


@pytest.mark.slow
@pytest.mark.parametrize("context", sorted(CONTEXTS))
@pytest.mark.parametrize("pattern", sorted(bytebpe.PATTERNS))
def test_every_scalar_value_splits_alike(reference, fast, pattern, context):
    oniguruma = pre_tokenizers.Split(Regex(bytebpe.PATTERNS[pattern]), behavior="isolated")
    mismatches = []
    for text in texts_in(context):
        expected = reference.split(text, pattern)
        if fast.split(text, pattern) != expected or [p for p, _ in oniguruma.pre_tokenize_str(text)] != expected:
            mismatches.append(text)
    assert not mismatches, f"{len(mismatches)} texts split differently, e.g. {mismatches[:5]!r}"
