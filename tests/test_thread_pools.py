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
texts = ["hello world, the quick brown fox"] * 200
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
