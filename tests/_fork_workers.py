"""Child process for test_fork.py: after parallel work in this process, worker processes started
by METHOD (fork, forkserver or spawn) must do the same work and get the same results.

    python _fork_workers.py METHOD

It runs three kinds of workers: a ``multiprocessing.Pool`` (as ``datasets.map(num_proc=...)``
does), worker processes fed batches through queues (as PyTorch's DataLoader does, without torch),
and, for fork, a bare ``os.fork()``. Every wait has a timeout, so a hung worker makes this process
fail instead of hang. Prints one JSON line: what each kind of worker got, compared with this
process's own results.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import signal
import sys
from typing import Any

import bytebpe

TIMEOUT = 60
# Batches of 50 of these are 12 KB, more than a batch that runs on the calling thread
# (SHARED_WORK_BYTES in fast/src/threads.rs): every batch goes to a pool.
TEXTS = [f"hello world {i} the quick brown fox, jumps over {i * 7} lazy dogs. " * 4 for i in range(300)]


def everything(tok: bytebpe.Tokenizer) -> dict[str, Any]:
    """Every kind of parallel call: batches on all cores and on a chosen number, training, counting."""
    counts = bytebpe.implementation("fast").count(TEXTS)
    return {
        "encode_batch": tok.encode_batch(TEXTS),
        "encode_ordinary_batch": tok.encode_ordinary_batch(TEXTS, num_threads=2),
        "encode_list": tok.encode(TEXTS[:50], num_threads=3),
        "train": bytebpe.Tokenizer.train(TEXTS, 400).merges,
        "count": sorted((piece.hex(), n) for piece, n in counts.as_dict().items()),
    }


_worker_tokenizer: bytebpe.Tokenizer | None = None


def _init(tok: bytebpe.Tokenizer) -> None:
    global _worker_tokenizer
    _worker_tokenizer = tok


def pool_task(_: int) -> dict[str, Any]:
    assert _worker_tokenizer is not None
    return everything(_worker_tokenizer)


def loader_worker(tok: bytebpe.Tokenizer, indices: Any, results: Any) -> None:
    """A DataLoader worker: take batch indices until None, put (index, encoded batch)."""
    while (index := indices.get()) is not None:
        batch = TEXTS[index * 50 : (index + 1) * 50]
        results.put((index, tok.encode_ordinary_batch(batch), tok.encode_batch(batch, num_threads=2)))


def with_pool(context: Any, tok: bytebpe.Tokenizer, expected: dict[str, Any]) -> bool:
    with context.Pool(2, initializer=_init, initargs=(tok,)) as pool:
        results = pool.map_async(pool_task, range(4)).get(timeout=TIMEOUT)
    return all(result == expected for result in results)


def with_loader_workers(context: Any, tok: bytebpe.Tokenizer) -> bool:
    indices, results = context.Queue(), context.Queue()
    workers = [context.Process(target=loader_worker, args=(tok, indices, results), daemon=True) for _ in range(2)]
    for worker in workers:
        worker.start()
    batches = len(TEXTS) // 50
    for index in range(batches):
        indices.put(index)
    got = {}
    try:
        for _ in range(batches):
            index, ordinary, special = results.get(timeout=TIMEOUT)
            got[index] = (ordinary, special)
    except queue.Empty:
        return False
    finally:
        for _ in workers:
            indices.put(None)
        for worker in workers:
            worker.join(TIMEOUT)
            if worker.is_alive():
                worker.kill()
    expected = {
        i: (tok.encode_ordinary_batch(TEXTS[i * 50 : (i + 1) * 50]), tok.encode_batch(TEXTS[i * 50 : (i + 1) * 50]))
        for i in range(batches)
    }
    return got == expected and all(worker.exitcode == 0 for worker in workers)


def with_bare_fork(tok: bytebpe.Tokenizer, expected: dict[str, Any]) -> bool:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        signal.alarm(TIMEOUT)  # a hang ends the child, and the parent sees it
        os.close(read)
        ok = everything(tok) == expected
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    return answer == b"1"


def main() -> None:
    method = sys.argv[1]
    tok = bytebpe.Tokenizer.train(TEXTS, 500, special_tokens=["<|endoftext|>"])
    # The parallel work in this process that a forked child inherits the pools of.
    expected = everything(tok)
    context = multiprocessing.get_context(method)
    report = {
        "pool": with_pool(context, tok, expected),
        "loader_workers": with_loader_workers(context, tok),
    }
    if method == "fork":
        report["bare_fork"] = with_bare_fork(tok, expected)
    # This process still works after its children did.
    report["parent_after"] = everything(tok) == expected
    print(json.dumps(report))


if __name__ == "__main__":
    main()
