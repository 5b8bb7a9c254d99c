"""What training holds follows the corpus, not vocab_size (spec §4.5): a corpus that gives a few
merges trains under the largest vocab_size as under a small one, in a child process whose
address space is capped, so that a reservation by vocab_size fails there instead of passing.
Under such a cap, the large reservations (the training arena, the merge loop's tables and position
lists, the ids of an encoding and their Python list) are a MemoryError, never an abort."""

from __future__ import annotations

import json
import os
import re
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


MERGE_LOOP_CHILD = """
import random, resource, sys
import bytebpe
rng = random.Random(5)
piece = "".join(rng.choice("abcd") for _ in range(20_000_000)).encode()  # one piece of 20 MB
counts = bytebpe.PieceCounts({piece: 1})
cap = int(sys.argv[1]) << 20
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
try:
    tok = bytebpe.Tokenizer.train_from_counts(counts, 5000)
    print("trained", len(tok.merges))
except MemoryError as err:
    print("MemoryError:", err)
"""


def test_a_merge_loop_that_cannot_grow_is_a_memory_error():
    # The arena (320 MB) fits under 500 MiB; the position lists of the first merges, which grow
    # with the piece, do not beside it. Under 900 MiB the same training completes.
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    outcomes = []
    for cap_mib in (500, 900):
        command = [sys.executable, "-c", MERGE_LOOP_CHILD, str(cap_mib)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
        assert result.returncode == 0, (cap_mib, result.returncode, result.stderr[-3000:])
        outcomes.append(result.stdout.strip().splitlines()[-1])
    assert re.fullmatch(r"MemoryError: out of memory: cannot reserve \d+ MiB for .+", outcomes[0]), outcomes
    assert outcomes[1] == "trained 4744", outcomes


ENCODE_CHILD = """
import resource, sys
import bytebpe
tok = bytebpe.Tokenizer.from_ranks({bytes([b]): b for b in range(256)}, "gpt4")
text = "a " * 25_000_000  # 50 MB, one id a byte: 200 MB of ids, a list of 400 MB
tok.encode_ordinary_batch(["warm up the threads"] * 64)
with open("/proc/self/status") as status:
    used = next(int(line.split()[1]) << 10 for line in status if line.startswith("VmSize:"))
cap = used + (int(sys.argv[1]) << 20)
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
for call in (tok.encode_ordinary, tok.encode, lambda t: tok.encode_ordinary_batch([t])):
    try:
        call(text)
        print("encoded")
    except MemoryError as err:
        print("MemoryError:", err)
"""


def _encode_under(headroom_mib: int) -> list[str]:
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    command = [sys.executable, "-c", ENCODE_CHILD, str(headroom_mib)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, (result.returncode, result.stderr[-3000:])
    return result.stdout.strip().splitlines()


def test_ids_that_cannot_be_had_are_a_memory_error():
    # 100 MiB above what the process holds: the id buffer cannot grow to 200 MB.
    lines = _encode_under(100)
    assert len(lines) == 3, lines
    for line in lines:
        assert re.fullmatch(r"MemoryError: out of memory: cannot reserve \d+ MiB for the ids of an encoded text", line)


def test_a_list_of_ids_that_cannot_be_had_is_a_memory_error():
    # 450 MiB: the ids fit, the Python list of them (8 bytes an id) does not beside them.
    lines = _encode_under(450)
    assert lines == ["MemoryError: out of memory: cannot make a list of 50000000 items (381 MiB)"] * 3, lines
