"""The fast core keeps a bounded number of thread pools, whatever thread counts it is asked for
(fast/src/threads.rs): a sweep over num_threads must not leave a pool of each size behind."""

from __future__ import annotations

import json
import subprocess
import sys

SWEEP = """
import json, os, time, bytebpe
from bytebpe import _fast

def threads():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("Threads:"))

tok = bytebpe.Tokenizer.train(["hello world"] * 100, 300)
# 33 KB: more than a batch that runs on the calling thread (SHARED_WORK_BYTES), so each call
# goes to a pool of its size.
texts = ["hello world, the quick brown fox"] * 1000
for n in range(1, 61):
    assert tok.encode_ordinary_batch(texts, num_threads=n) == tok.encode_ordinary_batch(texts)
    tok.encode_batch(texts, num_threads=n)
# A pool that drops out ends its threads once idle, a moment later.
deadline = time.monotonic() + 20
while threads() > int(os.environ["BOUND"]) and time.monotonic() < deadline:
    time.sleep(0.05)
print(json.dumps({"threads": threads()}))
"""


def test_a_sweep_over_thread_counts_leaves_a_bounded_number_of_threads():
    import os

    # The four sized pools kept (57..60 threads), the default pool and a few threads of Python's.
    bound = sum(range(57, 61)) + (os.cpu_count() or 1) + 8
    result = subprocess.run(
        [sys.executable, "-c", SWEEP],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "BOUND": str(bound)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    threads = json.loads(result.stdout.strip().splitlines()[-1])["threads"]
    # Without a bound, every size would keep its pool: 1 + 2 + ... + 60 = 1830 threads.
    assert threads <= bound, threads


def test_batches_on_either_side_of_the_shared_size_give_each_texts_ids():
    # Below 8 KB a batch runs on the calling thread, above it on a pool: the ids are the same,
    # and a bad num_threads is refused either way.
    import pytest

    import bytebpe

    tok = bytebpe.Tokenizer.train(["hello world, the quick brown fox 123"] * 50, 300, special_tokens=["<s>"])
    for impl in ("fast", "reference"):
        one = tok.with_implementation(impl)
        for count in (1, 2, 280, 300, 600):  # 280 and 300 texts: 8,020 and 8,600 bytes
            texts = [f"hello <s>{i:02d} world, the quick" for i in range(count)]
            assert (sum(map(len, texts)) < 8192) == (count <= 280)
            want = [one.encode(text, allowed_special="all") for text in texts]
            assert one.encode_batch(texts, allowed_special="all") == want
            assert one.encode_ordinary_batch(texts) == [one.encode_ordinary(text) for text in texts]
            for bad in (0, 10**6):
                with pytest.raises(ValueError, match="num_threads"):
                    one.encode_ordinary_batch(texts, num_threads=bad)
