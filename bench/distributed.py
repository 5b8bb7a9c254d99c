"""Distributed training: a local two-node Ray cluster against one process, on the same shards.

    python bench/distributed.py ~/.cache/bytebpe-corpora/linux_1g.txt --shards 16

The corpus is first cut into ``--shards`` .txt files at paragraph boundaries in a temporary
directory (joined, they are the corpus byte for byte, and bytebpe.Corpus reads the same documents
from them as from the corpus). Then, each in a fresh process:

* one process: ``Tokenizer.train(Corpus(shards), vocab_size)``, on all cores;
* Ray: a ray.cluster_utils.Cluster of ``--nodes`` nodes of ``--cpus-per-node`` CPUs on this
  machine, and ``bytebpe.distributed.train(shards, vocab_size)`` from a driver connected to it.

Reported: wall time (training only; the cluster's start is reported apart), the peak RSS
(VmHWM) of every process (the single process; the Ray driver, every worker that counted or
summed, and Ray's own daemons), and whether the merges are identical. The report (with the date)
goes to stdout and to bench/results/distributed-<corpus>-<machine>.md, replacing the last report for
that corpus and machine (bench/report_path.py), or to ``--out``.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import machine
import report_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="a .txt corpus, e.g. ~/.cache/bytebpe-corpora/linux_1g.txt")
    parser.add_argument("--shards", type=int, default=16, help="files to cut the corpus into (default 16)")
    parser.add_argument("--vocab-size", type=int, default=32768)
    parser.add_argument("--nodes", type=int, default=2, help="Ray nodes on this machine (default 2)")
    parser.add_argument("--cpus-per-node", type=int, default=1, help="CPUs per Ray node (default 1)")
    parser.add_argument(
        "--out",
        type=Path,
        help="the markdown report's path, or a folder for it under its stable name (default bench/results/)",
    )
    parser.add_argument("--child", choices=["single", "ray"], help=argparse.SUPPRESS)
    parser.add_argument("--shard-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = single(args) if args.child == "single" else on_ray(args)
        print(json.dumps(result))
        return
    if not args.corpus.is_file():
        parser.error(f"no such file: {args.corpus}")
    with tempfile.TemporaryDirectory(prefix="bytebpe-bench-shards-") as directory:
        shard_dir = Path(directory)
        start = time.perf_counter()
        sizes = cut(args.corpus, shard_dir, args.shards)
        print(
            f"cut {args.corpus.name} into {len(sizes)} shards in {time.perf_counter() - start:.1f} s", file=sys.stderr
        )
        results = {mode: child(args, mode, shard_dir) for mode in ("single", "ray")}
    report = markdown(args, sizes, results)
    print(report)
    info = machine.machine_info(["bytebpe", "ray"])
    path = report_path.report_path(args.out, args.corpus, info, kind="distributed")
    report_path.replace_file(path, report)
    print(f"written to {path}", file=sys.stderr)


def cut(corpus: Path, directory: Path, shards: int) -> list[int]:
    """Write the documents of ``corpus`` into about ``shards`` files of equal size; their sizes."""
    import bytebpe

    target = corpus.stat().st_size / shards
    sizes: list[int] = []
    out = None
    for document in bytebpe.Corpus(corpus):
        if out is None or (out.tell() >= target and len(sizes) < shards):
            if out is not None:
                out.close()
            out = open(directory / f"shard-{len(sizes) + 1:04d}.txt", "wb")  # closed above and below
            sizes.append(0)
        data = document.encode("utf-8")
        out.write(data)
        sizes[-1] += len(data)
    if out is not None:
        out.close()
    return sizes


def child(args: argparse.Namespace, mode: str, shard_dir: Path) -> dict[str, Any]:
    """Run one mode in a fresh process, so that its peak RSS is its own."""
    command = [sys.executable, __file__, str(args.corpus), "--child", mode, "--shard-dir", str(shard_dir)]
    command += ["--vocab-size", str(args.vocab_size), "--nodes", str(args.nodes)]
    command += ["--cpus-per-node", str(args.cpus_per_node)]
    print(f"running {mode} ...", file=sys.stderr)
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"})
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def merges_digest(merges: list[tuple[int, int]]) -> str:
    return hashlib.sha256(json.dumps(merges).encode()).hexdigest()[:16]


def vm_hwm(pid: int | str = "self") -> int | None:
    """A process's peak resident memory (VmHWM) in bytes, or None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def single(args: argparse.Namespace) -> dict[str, Any]:
    import bytebpe

    # Tokenizer.train is exactly these two steps (spec §4.1.1); timed apart to compare the halves.
    start = time.perf_counter()
    counts = bytebpe.implementation("fast").count(bytebpe.Corpus(args.shard_dir), "gpt4")
    counted = time.perf_counter() - start
    tok = bytebpe.Tokenizer.train_from_counts(counts, args.vocab_size)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "counting": counted,
        "peak_rss": vm_hwm(),
        "merges": len(tok.merges),
        "digest": merges_digest(tok.merges),
    }


def on_ray(args: argparse.Namespace) -> dict[str, Any]:
    import psutil
    import ray
    from ray.cluster_utils import Cluster

    import bytebpe.distributed

    start = time.perf_counter()
    node = {"num_cpus": args.cpus_per_node, "object_store_memory": 512 * 2**20}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    for _ in range(args.nodes - 1):
        cluster.add_node(**node)
    ray.init(address=cluster.address, log_to_driver=False)
    cluster.wait_for_nodes()
    startup = time.perf_counter() - start
    stats: list[Any] = []
    try:
        # bytebpe.distributed.train is exactly these two steps; timed apart to compare the halves.
        start = time.perf_counter()
        counts = bytebpe.distributed.count(args.shard_dir, cpus_per_task=args.cpus_per_node, on_shard=stats.append)
        counted = time.perf_counter() - start
        tok = bytebpe.Tokenizer.train_from_counts(counts, args.vocab_size)
        seconds = time.perf_counter() - start
        # Every process of the cluster is a descendant of this one; workers that summed report
        # here, counting workers also through their ShardStats (in case they already exited).
        processes = []
        for process in psutil.Process().children(recursive=True):
            try:
                name = " ".join(process.cmdline())
            except psutil.Error:
                continue
            processes.append({"pid": process.pid, "role": role(name), "peak_rss": vm_hwm(process.pid)})
    finally:
        ray.shutdown()
        cluster.shutdown()
    workers: dict[int, dict[str, Any]] = {}
    for s in stats:
        entry = workers.setdefault(s.pid, {"node": s.node_id[:8], "shards": 0, "seconds": 0.0, "peak_rss": 0})
        entry["shards"] += 1
        entry["seconds"] += s.seconds
        entry["peak_rss"] = max(entry["peak_rss"], s.peak_rss)
    return {
        "seconds": seconds,
        "counting": counted,
        "tasks": len(stats),
        "startup": startup,
        "peak_rss": vm_hwm(),
        "merges": len(tok.merges),
        "digest": merges_digest(tok.merges),
        "nodes": len({s.node_id for s in stats}),
        "counting_workers": workers,
        "processes": processes,
    }


def role(command: str) -> str:
    for marker, name in (
        ("gcs_server", "GCS"),
        ("raylet", "raylet"),
        ("ray::", "worker"),
        ("default_worker", "worker"),
        ("plasma", "object store"),
        ("log_monitor", "log monitor"),
        ("runtime_env", "runtime env agent"),
        ("dashboard/agent", "dashboard agent"),
        ("dashboard", "dashboard"),
    ):
        if marker in command:
            return name
    script = next((word for word in command.split() if word.endswith(".py")), None)
    return Path(script).name if script else command.split()[0] if command else "?"


def mib(value: int | None) -> str:
    return "–" if value is None else f"{value / 2**20:,.0f}"


def markdown(args: argparse.Namespace, sizes: list[int], results: dict[str, Any]) -> str:
    info = machine.machine_info(["bytebpe", "ray"])
    now = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    one, ray = results["single"], results["ray"]
    same = one["digest"] == ray["digest"]
    workers = ray["counting_workers"]
    others = [p for p in ray["processes"] if p["pid"] not in {int(pid) for pid in workers}]
    lines = [
        f"# bytebpe distributed training: {args.corpus.name}",
        "",
        f"Corpus `{args.corpus.name}`: {sum(sizes) / 1e6:,.1f} MB, cut at paragraph boundaries into "
        f"{len(sizes)} .txt shards of about {sum(sizes) / len(sizes) / 1e6:,.1f} MB. Vocabulary size "
        f"{args.vocab_size}, pattern `gpt4`. Measured {now}.",
        "",
        f"**Machine:** {info['usable_cores']} usable cores, {info['cpu']}, {info['memory_gib']:.1f} GiB RAM, "
        f"{info['os']}, Python {info['python']}; bytebpe {info['versions']['bytebpe']}, ray {info['versions']['ray']}.",
        "",
        "| run | training s | of which counting s | cluster start s | driver peak RSS MiB | merges "
        "| identical merges |",
        "|---|--:|--:|--:|--:|--:|---|",
        f"| one process (`Tokenizer.train(Corpus(shards))`, all cores) | {one['seconds']:.1f} | "
        f"{one['counting']:.1f} | – | {mib(one['peak_rss'])} | {one['merges']} | the reference |",
        f"| Ray: {args.nodes} nodes × {args.cpus_per_node} CPU (`bytebpe.distributed.train`) | {ray['seconds']:.1f} | "
        f"{ray['counting']:.1f} | {ray['startup']:.1f} | {mib(ray['peak_rss'])} | {ray['merges']} "
        f"| {'yes' if same else '**NO**'} |",
        "",
        f"{ray['tasks']} counting tasks (shards of more than 64 MiB are cut in two) ran on {ray['nodes']} of "
        f"{args.nodes} nodes. Counting workers (peak RSS is the process's own ru_maxrss when its last task ended):",
        "",
        "| worker pid | node | shards | task s | peak RSS MiB |",
        "|--:|---|--:|--:|--:|",
    ]
    for pid, entry in sorted(workers.items(), key=lambda item: int(item[0])):
        lines.append(
            f"| {pid} | {entry['node']} | {entry['shards']} | {entry['seconds']:.1f} | {mib(entry['peak_rss'])} |"
        )
    lines += [
        "",
        "The cluster's other processes still alive after training (peak RSS is VmHWM):",
        "",
        "| pid | role | peak RSS MiB |",
        "|--:|---|--:|",
    ]
    lines += [f"| {p['pid']} | {p['role']} | {mib(p['peak_rss'])} |" for p in sorted(others, key=lambda p: p["pid"])]
    lines += [
        "",
        "Training time excludes starting the cluster (a real cluster is already running); counting includes "
        "scheduling the tasks, reading, counting, the tree of sums and fetching the final table, and the rest "
        "is the merge loop on the driver. Each counting task counts with as many threads as it reserves CPUs.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
