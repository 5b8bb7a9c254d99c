"""Child process for test_interrupt.py: start one long job, send ourselves SIGINT after DELAY
seconds, and report how long KeyboardInterrupt took to arrive (None if the job ended first).

    python _interrupt_child.py JOB DELAY_SECONDS [PATH]

JOB is one of the names in ``JOBS``; PATH is the FIFO that the ``fifo`` job trains on.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

import bytebpe

# Started from a background job, this process would inherit SIGINT ignored: put back the
# handler a terminal's Ctrl-C meets.
signal.signal(signal.SIGINT, signal.default_int_handler)

# Each search of this pattern on this text backtracks for about a tenth of a second (a core
# that looked at Ctrl-C only every few thousand pieces would answer after minutes).
BACKTRACKING = r"(?:(?=a)a|a)*c"


def backtracking_training() -> None:
    bytebpe.Tokenizer.train([("a" * 18 + "bc") * 2000], 300, pattern=BACKTRACKING)


def fifo_training(path: str) -> None:
    bytebpe.Tokenizer.train(bytebpe.Corpus(path), 300)


# Qwen's split pattern: not a named one, so it runs on the compiled splitter.
COMPILED = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)


def long_encode(method: str, pattern: str = bytebpe.DEFAULT_PATTERN) -> Callable[[], None]:
    def run() -> None:
        tok = bytebpe.Tokenizer.train(["hello world, the quick brown fox"] * 50, 300, pattern=pattern)
        text = "the quick brown fox jumps over the lazy dog. " * 3_000_000  # 135 M characters
        # Encoded until Ctrl-C comes, so that it lands inside an encode (of seconds each) however
        # fast the machine is, not after the last one.
        while True:
            if method == "encode_ordinary":
                tok.encode_ordinary(text)
            elif method == "encode":
                tok.encode(text, allowed_special="all")
            else:
                tok.encode_ordinary_batch([text[: len(text) // 4]] * 4)

    return run


def backtracking_encode() -> None:
    tok = bytebpe.Tokenizer.train(["abc"] * 50, 260, pattern=BACKTRACKING)
    tok.encode_ordinary(("a" * 18 + "bc") * 2000)


def main() -> None:
    job, delay = sys.argv[1], float(sys.argv[2])
    jobs: dict[str, Callable[[], None]] = {
        "backtracking-training": backtracking_training,
        "backtracking-encode": backtracking_encode,
        "fifo-training": lambda: fifo_training(sys.argv[3]),
        "encode_ordinary": long_encode("encode_ordinary"),
        "encode": long_encode("encode"),
        "encode_ordinary_batch": long_encode("encode_ordinary_batch"),
        "compiled-encode_ordinary": long_encode("encode_ordinary", COMPILED),
        "compiled-encode": long_encode("encode", COMPILED),
    }
    state: dict[str, float] = {}

    def send() -> None:
        state["sent"] = time.monotonic()
        os.kill(os.getpid(), signal.SIGINT)

    # A timer thread can only fire if the job leaves the GIL free.
    threading.Timer(delay, send).start()
    try:
        jobs[job]()
    except KeyboardInterrupt:
        print(json.dumps({"latency": time.monotonic() - state["sent"]}))
        return
    print(json.dumps({"latency": None}))


if __name__ == "__main__":
    main()
