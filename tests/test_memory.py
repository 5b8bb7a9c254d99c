"""What training holds follows the corpus, not vocab_size (spec §4.5): a corpus that gives a few
merges trains under the largest vocab_size as under a small one, in a child process whose
address space is capped, so that a reservation by vocab_size fails there instead of passing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

CHILD = """
import json, resource, sys
import bytebpe
cap = 3 << 30
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
report = {}
for vocab_size in [10**8, 2**32 - 1]:
    tok = bytebpe.Tokenizer.train(["hello world"], vocab_size)
    report[str(vocab_size)] = len(tok.merges)
print(json.dumps(report))
"""


def test_a_huge_vocab_size_costs_what_the_corpus_gives():
    # Few malloc arenas, so that the cap on address space is not spent on one per thread.
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=300, env=env)
    # Reserving by vocab_size failed under the cap: a MemoryError, or an abort (rc -6) for 2**32 - 1.
    assert result.returncode == 0, (result.returncode, result.stderr[-3000:])
    merges = json.loads(result.stdout.strip().splitlines()[-1])
    assert merges == {str(10**8): 9, str(2**32 - 1): 9}, merges


ARENA_CHILD = """
import resource
import bytebpe
counts = bytebpe.PieceCounts({b"ab" * 50_000_000: 2})  # 100 MB: an arena of 1.6 GB
cap = 1 << 30
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
try:
    bytebpe.Tokenizer.train_from_counts(counts, 300)
except MemoryError as err:
    print("MemoryError:", err)
"""


def test_an_arena_that_cannot_be_had_is_a_memory_error():
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    result = subprocess.run([sys.executable, "-c", ARENA_CHILD], capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, (result.returncode, result.stderr[-3000:])
    assert "MemoryError: out of memory: cannot reserve" in result.stdout, result.stdout
    assert "training arena" in result.stdout, result.stdout
