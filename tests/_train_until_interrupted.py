"""Child process for test_progress.py: train, send ourselves SIGINT some time after a chosen stage
starts, and report how long KeyboardInterrupt took to arrive and in which stage it did.

    python _train_until_interrupted.py STAGE DELAY_SECONDS
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import threading
import time

import bytebpe

# Started from a shell's background job, this process would inherit SIGINT ignored (and Python
# would then install no KeyboardInterrupt handler): put the handler a terminal's Ctrl-C meets.
signal.signal(signal.SIGINT, signal.default_int_handler)


def corpus(stage: str) -> tuple[list[str], str]:
    rng = random.Random(0)
    if stage == "merging":
        # Long runs of CJK: counting is quick, the merge loop has 100k merges to make.
        alphabet = [chr(0x4E00 + i) for i in range(3000)]
        return ["".join(rng.choices(alphabet, k=200_000)) + " " for _ in range(20)], "gpt4"
    # Counting: plenty of text under a custom pattern with lookarounds (no hand-written splitter).
    words = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 10))) for _ in range(50_000)]
    texts = [" ".join(rng.choices(words, k=12_000)) for _ in range(800)]
    return texts, r"(?<=\s)\S+|\S+|\s+(?!\S)|\s"


def main() -> None:
    target, delay = sys.argv[1], float(sys.argv[2])
    texts, pattern = corpus(target)
    state = {"stage": None, "sent": None}

    def send() -> None:
        state["sent"] = time.monotonic()
        os.kill(os.getpid(), signal.SIGINT)

    def progress(stage: str, done: int, total: int) -> None:
        if stage == target and state["stage"] != target:
            # A timer thread can only fire if training leaves the GIL free.
            threading.Timer(delay, send).start()
        state["stage"] = stage

    try:
        bytebpe.Tokenizer.train(texts, 100_000, pattern=pattern, progress=progress)
    except KeyboardInterrupt:
        caught = time.monotonic()
        print(json.dumps({"stage": state["stage"], "latency": caught - state["sent"]}))
        return
    print(json.dumps({"stage": state["stage"], "latency": None}))


if __name__ == "__main__":
    main()
