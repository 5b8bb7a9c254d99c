"""Nothing lost, nothing doubled: a shard run killed (SIGKILL) at random points and started again
ends with the bytes of a run that was never interrupted."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bytebpe
from bytebpe import shards

CHILD = Path(__file__).with_name("_shards_child.py")


def contents(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    rng = random.Random(7)
    lines = ["".join(rng.choice("ab \té") for _ in range(rng.randint(0, 40))) for _ in range(20000)]
    corpus = root / "corpus.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tokenizer = bytebpe.Tokenizer.train(lines[:500], 320, special_tokens=["<|endoftext|>"])
    tokenizer.save(root / "tok")
    return root


@pytest.mark.parametrize(("format", "split"), [("bin", "whole"), ("memmap", "split"), ("npy", "split")])
def test_killed_runs_resume_to_the_bytes_of_an_uninterrupted_one(job, tmp_path, format, split):
    arguments = [sys.executable, str(CHILD), str(job / "tok"), str(job / "corpus.txt")]
    whole = tmp_path / "whole"
    started = time.monotonic()
    subprocess.run([*arguments, str(whole), format, split], check=True)
    # Kills land at random points of a run as long as this one: timed here, not guessed, so
    # that a faster writer or a slower machine still sees runs cut short.
    duration = time.monotonic() - started
    expected = contents(whole)
    assert len(shards.verify(whole)["shards"]) > 20
    out = tmp_path / "killed"
    rng = random.Random(f"{format}{split}")
    kills = 0
    for _ in range(6):
        child = subprocess.Popen([*arguments, str(out), format, split])
        time.sleep(rng.uniform(0.2, 0.8) * duration)
        if child.poll() is not None:
            break
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        kills += 1
    subprocess.run([*arguments, str(out), format, split], check=True)
    assert kills > 0, "the child always finished before it was killed: make the job longer"
    assert contents(out) == expected
