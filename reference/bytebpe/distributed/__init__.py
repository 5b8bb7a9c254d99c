"""Training on a Ray cluster: count shards in parallel tasks, add the tables up in a tree, merge once.

Counting is most of the work of training and adds up across shards (spec §4.1.1), so::

    import bytebpe.distributed

    tok = bytebpe.distributed.train(["s3://bucket/corpus/*.parquet", "extra/"], 32768)

runs one Ray task per shard (a file, or a byte range of a large .txt file; see
:mod:`bytebpe.distributed.shards`), each calling the implementation's counter; sums the tables
pairwise in Ray tasks as they finish, so that no process ever holds them all; fetches the one
final table; and runs the merge loop on the driver with :meth:`bytebpe.Tokenizer.train_from_counts`.
The merges are exactly those of :meth:`bytebpe.Tokenizer.train` on :class:`bytebpe.Corpus` of the
same paths, and ``min_frequency`` applies to the final sum only.

Ray is an optional dependency (``pip install ray fsspec``, or the ``ray`` extra: ``pip install
'.[ray]'`` in a checkout), imported when a function here first needs it; ``import bytebpe`` never
imports it. The cluster is the one Ray is already initialised with in this process, else ``address``
(a Ray address such as "auto" or "ray://head:10001"), else what ``ray.init()`` finds:
``RAY_ADDRESS``, a cluster started with ``ray start`` on this machine, or a new local one. Every
node must be able to import bytebpe and to read the paths (a shared filesystem, or fsspec URLs such
as s3://).
"""

from __future__ import annotations

import contextlib
import os
import resource
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bytebpe import corpus
from bytebpe.counts import PieceCounts
from bytebpe.distributed.shards import DEFAULT_SHARD_BYTES, Shard, plan_shards, read_shard
from bytebpe.implementations import implementation as implementation_module
from bytebpe.merge_budget import FewerMergesWarning
from bytebpe.patterns import DEFAULT_PATTERN
from bytebpe.progress import ProgressCallback, reporter
from bytebpe.tokenizer import Tokenizer

__all__ = ["DEFAULT_SHARD_BYTES", "Shard", "ShardStats", "count", "count_shard", "plan_shards", "read_shard", "train"]

PathsArg = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


@dataclass(frozen=True)
class ShardStats:
    """What one counting task did, and where: given to ``on_shard`` on the driver as tasks finish."""

    shard: Shard
    node_id: str
    """The Ray node the task ran on (``ray.get_runtime_context().get_node_id()``)."""
    pid: int
    """The worker process."""
    seconds: float
    """Reading and counting, in the task."""
    documents: int
    characters: int
    bytes: int
    """The UTF-8 bytes of the documents."""
    pieces: int
    """Distinct pieces in the shard's table."""
    peak_rss: int
    """The worker process's peak resident memory so far, in bytes (workers are reused, so it
    covers earlier tasks in the same process too)."""


def count_shard(
    shard: Shard,
    *,
    pattern: str = DEFAULT_PATTERN,
    text_field: str = "text",
    txt_split: str = "paragraph",
    doc_cap: int | None = None,
    errors: str = "strict",
    implementation: str = "fast",
) -> PieceCounts:
    """The piece counts of one shard's documents (what each Ray task runs; Ray is not needed).

    Useful to count shards with another scheduler (Spark, Dask, a job array): add the results up
    and train on the sum with :meth:`bytebpe.Tokenizer.train_from_counts`.
    """
    return _count_shard(shard, pattern, text_field, txt_split, doc_cap, errors, implementation)[0]


def count(
    paths: PathsArg,
    *,
    pattern: str = DEFAULT_PATTERN,
    text_field: str = "text",
    txt_split: str = "paragraph",
    doc_cap: int | None = None,
    errors: str = "strict",
    implementation: str = "fast",
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    cpus_per_task: int = 1,
    fan_in: int = 4,
    address: str | None = None,
    on_shard: Callable[[ShardStats], object] | None = None,
) -> PieceCounts:
    """The piece counts of the corpus at ``paths``, counted in Ray tasks and summed in a tree.

    ``paths``, ``text_field``, ``txt_split``, ``doc_cap`` and ``errors`` are those of
    :class:`bytebpe.Corpus` (``paths`` may also hold fsspec URLs; ``max_chars`` has no
    distributed meaning and is not offered). ``implementation`` counts in each task.

    * ``shard_bytes``: .txt files larger than this are cut into byte ranges of about this size.
    * ``cpus_per_task``: the CPUs each counting task reserves, and the threads it counts with.
    * ``fan_in``: how many tables one summing task adds up (at least 2).
    * ``address``: the Ray cluster to join when Ray is not initialised yet (see the module docstring).
    * ``on_shard``: called on the driver with each task's :class:`ShardStats` as it finishes.

    Arguments and paths are checked before Ray starts (TypeError, ValueError, FileNotFoundError);
    an error in a task (bad UTF-8, a bad JSON line) is raised here as the task raised it.
    """
    _check_cluster_options(cpus_per_task, fan_in, address, on_shard)
    _count_shard([], pattern, text_field, txt_split, doc_cap, errors, implementation)  # checks the settings
    shards = plan_shards(paths, txt_split=txt_split, shard_bytes=shard_bytes)
    settings = (pattern, text_field, txt_split, doc_cap, errors, implementation)
    with _ray(address) as ray:
        return _count_on_cluster(ray, shards, settings, cpus_per_task, fan_in, on_shard)


def train(
    paths: PathsArg,
    vocab_size: int,
    *,
    pattern: str = DEFAULT_PATTERN,
    special_tokens: Sequence[str] = (),
    min_frequency: int = 1,
    max_token_length: int | None = None,
    implementation: str = "fast",
    progress: bool | ProgressCallback = False,
    text_field: str = "text",
    txt_split: str = "paragraph",
    doc_cap: int | None = None,
    errors: str = "strict",
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    cpus_per_task: int = 1,
    fan_in: int = 4,
    address: str | None = None,
    on_shard: Callable[[ShardStats], object] | None = None,
) -> Tokenizer:
    """Train a tokenizer on the corpus at ``paths`` on a Ray cluster.

    The result is exactly ``Tokenizer.train(Corpus(paths, ...), vocab_size, ...)`` (for local
    paths): the tokenizer settings are :meth:`bytebpe.Tokenizer.train`'s, the corpus and cluster
    settings :func:`count`'s. ``min_frequency`` applies to the summed counts, on the driver.
    ``progress=True`` shows a bar of the bytes counted, then one of the merges; a callable hears
    of the stages of bytebpe.progress.
    """
    # A dry run on no text checks the tokenizer settings with the library's own messages; that
    # it makes no merges is no news.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewerMergesWarning)
        Tokenizer.train_from_counts(
            PieceCounts(pattern=pattern),
            vocab_size,
            special_tokens=special_tokens,
            min_frequency=min_frequency,
            max_token_length=max_token_length,
            implementation=implementation,
        )
    tally = [0, 0]  # documents, bytes
    with reporter(progress) as callback:

        def shard_done(stats: ShardStats) -> None:
            tally[0] += stats.documents
            tally[1] += stats.bytes
            if callback is not None:
                callback("counting", tally[1], 0)
            if on_shard is not None:
                on_shard(stats)

        counts = count(
            paths,
            pattern=pattern,
            text_field=text_field,
            txt_split=txt_split,
            doc_cap=doc_cap,
            errors=errors,
            implementation=implementation,
            shard_bytes=shard_bytes,
            cpus_per_task=cpus_per_task,
            fan_in=fan_in,
            address=address,
            on_shard=shard_done,
        )
        if callback is not None:
            callback("counted", tally[0], len(counts))
        return Tokenizer.train_from_counts(
            counts,
            vocab_size,
            special_tokens=special_tokens,
            min_frequency=min_frequency,
            max_token_length=max_token_length,
            implementation=implementation,
            progress=callback or False,
        )


# ---------------------------------------------------------------------------------------------
# The tasks. Module-level functions, so that workers import them from bytebpe like any module.


def _count_shard(
    shard: Shard | list[str],
    pattern: str,
    text_field: str,
    txt_split: str,
    doc_cap: int | None,
    errors: str,
    implementation: str,
) -> tuple[PieceCounts, int, int, int]:
    """(counts, documents, characters, bytes) of a shard; of an empty list of texts for checking settings."""
    if isinstance(shard, Shard):
        documents: Iterable[str] = read_shard(
            shard, text_field=text_field, txt_split=txt_split, doc_cap=doc_cap, errors=errors
        )
    else:
        corpus.check_options(text_field, txt_split, None, doc_cap, errors)
        documents = shard
    tally = [0, 0, 0]

    def tallied(texts: Iterable[str]) -> Iterator[str]:
        for text in texts:
            tally[0] += 1
            tally[1] += len(text)
            tally[2] += len(text.encode("utf-8", "surrogatepass"))
            yield text

    counts = implementation_module(implementation).count(tallied(documents), pattern)
    return counts, tally[0], tally[1], tally[2]


def _count_task(shard: Shard, settings: tuple[Any, ...]) -> tuple[PieceCounts, ShardStats]:
    import ray

    start = time.perf_counter()
    counts, documents, characters, size = _count_shard(shard, *settings)
    stats = ShardStats(
        shard=shard,
        node_id=ray.get_runtime_context().get_node_id(),
        pid=os.getpid(),
        seconds=time.perf_counter() - start,
        documents=documents,
        characters=characters,
        bytes=size,
        pieces=len(counts),
        peak_rss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # KiB on Linux
    )
    return counts, stats


def _sum_task(*tables: PieceCounts) -> PieceCounts:
    total = tables[0]
    for table in tables[1:]:
        total = total + table
    return total


# ---------------------------------------------------------------------------------------------
# The driver


def _count_on_cluster(
    ray: Any,
    shards: list[Shard],
    settings: tuple[Any, ...],
    cpus_per_task: int,
    fan_in: int,
    on_shard: Callable[[ShardStats], object] | None,
) -> PieceCounts:
    # The counter runs on all of a process's cores unless told otherwise (RAYON_NUM_THREADS is
    # read when its thread pool starts): it gets as many threads as the task reserves CPUs, so
    # that tasks sharing a node do not oversubscribe it.
    count_task = ray.remote(_count_task).options(
        num_cpus=cpus_per_task,
        num_returns=2,
        scheduling_strategy="SPREAD",  # spreads the reading over the nodes, not only the counting
        runtime_env={"env_vars": {"RAYON_NUM_THREADS": str(cpus_per_task)}},
    )
    sum_task = ray.remote(_sum_task).options(num_cpus=1)
    stats_of: dict[Any, Any] = {}
    pending: list[Any] = []
    for shard in shards:
        counts_ref, stats_ref = count_task.remote(shard, settings)
        stats_of[counts_ref] = stats_ref
        pending.append(counts_ref)
    ready: list[Any] = []
    try:
        # A tree reduction: tables are summed fan_in at a time as they become ready, in tasks
        # placed near their inputs; the driver holds references only, and fetches the last sum.
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            for ref in done:
                stats_ref = stats_of.pop(ref, None)
                if stats_ref is not None:
                    stats = ray.get(stats_ref)  # raises the task's error, if it failed
                    if on_shard is not None:
                        on_shard(stats)
                ready.append(ref)
            while len(ready) >= fan_in or (len(ready) >= 2 and not pending):
                group, ready = ready[:fan_in], ready[fan_in:]
                pending.append(sum_task.remote(*group))
        return ray.get(ready[0])
    except BaseException as error:
        # Failed, or interrupted: the rest is of no use, even on a cluster that outlives us.
        for ref in pending:
            with contextlib.suppress(Exception):
                ray.cancel(ref)
        if isinstance(error, ray.exceptions.RayTaskError) and isinstance(error.cause, Exception):
            # The task's own error (a ValueError naming the file and line), not Ray's wrapper.
            raise error.cause from error
        raise


def _check_cluster_options(cpus_per_task: object, fan_in: object, address: object, on_shard: object) -> None:
    for name, value, least in (("cpus_per_task", cpus_per_task, 1), ("fan_in", fan_in, 2)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if value < least:
            raise ValueError(f"{name} must be at least {least}, not {value}")
    if address is not None and not isinstance(address, str):
        raise TypeError(f"address must be a str or None, not {type(address).__name__}")
    if on_shard is not None and not callable(on_shard):
        raise TypeError(f"on_shard must be a callable or None, not {type(on_shard).__name__}")


def _import_ray() -> Any:
    try:
        import ray
    except ImportError as error:
        raise ImportError(
            f"bytebpe.distributed runs on Ray, an optional dependency: pip install ray fsspec ({error})"
        ) from error
    return ray


@contextmanager
def _ray(address: str | None) -> Iterator[Any]:
    """Ray, initialised: as the caller left it, or joined (or started) here and shut down after."""
    ray = _import_ray()
    if ray.is_initialized():
        yield ray
        return
    # address=None lets ray.init() look for RAY_ADDRESS, then for a cluster that `ray start`
    # started on this machine, then start a local one; no address is ever made up here.
    ray.init(address=address)
    try:
        yield ray
    finally:
        ray.shutdown()
