"""bytebpe.distributed: shards read exactly Corpus's documents, and a real two-node Ray cluster
learns exactly the merges of single-process training, with tasks on both nodes.

The cluster (ray.cluster_utils.Cluster: two raylets on this machine, one CPU each) is started
once for the module; its tests share an xdist group so that, under ``--dist loadgroup``, one
pytest worker runs them all against that one cluster.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bytebpe
from bytebpe import Corpus, Tokenizer
from bytebpe.cli import main
from bytebpe.distributed import Shard, ShardStats, count, count_shard, plan_shards, read_shard, train

SYLLABLES = ["ka", "to", "ri", "mu", "sen", "dal", "qu", "ein", "über", "naï", "日本", "語", "12", "!!", "'t"]
WORDS = ["".join(random.Random(i).choices(SYLLABLES, k=1 + i % 4)) for i in range(400)]
cluster_test = pytest.mark.xdist_group("bytebpe-ray-cluster")


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)  # bytes: no newline translation
    return path


def prose(rng: random.Random, paragraphs: int) -> str:
    out = []
    for _ in range(paragraphs):
        for _ in range(rng.randint(1, 4)):
            out.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 10))) + rng.choice(["\n", "\r\n"]))
        out.append(rng.choice(["\n", "\n\n", " \n", "\t\r\n"]))
    return "".join(out)


@pytest.fixture(scope="module")
def corpus_dir() -> Path:
    """A corpus of every format, in files, a directory and a glob's worth."""
    rng = random.Random(6)
    with tempfile.TemporaryDirectory(prefix="bytebpe-distributed-") as name:
        root = Path(name)
        write(root / "big.txt", prose(rng, 400))  # ~20 kB: cut into ranges by a small shard_bytes
        write(root / "dir" / "a.txt", prose(rng, 20))
        write(
            root / "dir" / "nested" / "b.jsonl", "".join(json.dumps({"text": prose(rng, 3)}) + "\n" for _ in range(30))
        )
        write(root / "dir" / ".hidden.txt", "skipped, as Corpus skips it")
        lines = "".join(json.dumps({"text": prose(rng, 2)}) + "\n" for _ in range(30))
        write(root / "globbed" / "c.jsonl.gz", gzip.compress(lines.encode()))
        texts = [prose(rng, 2) for _ in range(40)] + [None]
        (root / "globbed").mkdir(exist_ok=True)
        pq.write_table(
            pa.table({"text": pa.array(texts, pa.string())}), root / "globbed" / "d.parquet", row_group_size=7
        )
        write(root / "remote" / "e.txt", prose(rng, 30))
        yield root


def local_and_url_paths(root: Path) -> tuple[list[str], list[str]]:
    """The same corpus named as Corpus can read it, and with a file:// URL for one part."""
    local = [str(root / "big.txt"), str(root / "dir"), str(root / "globbed" / "*"), str(root / "remote")]
    return local, [*local[:3], url(root / "remote")]


def url(path: Path) -> str:
    return f"file://{path}"  # not as_uri(), which quotes glob characters


# ---------------------------------------------------------------------------------------------
# Shards, without Ray


def shard_documents(paths, shard_bytes: int, **options) -> list[str]:
    split = options.get("txt_split", "paragraph")
    return [
        doc
        for shard in plan_shards(paths, txt_split=split, shard_bytes=shard_bytes)
        for doc in read_shard(shard, **options)
    ]


LINE_PARTS = ["word", " ", "é", "\u3000", "\u2028", "\x85", "\t", "\r", "long" * 40]


@settings(max_examples=200)
@given(
    lines=st.lists(st.lists(st.sampled_from(LINE_PARTS), max_size=4).map("".join), max_size=40),
    last_ends=st.booleans(),
    endings=st.lists(st.sampled_from(["\n", "\r\n"]), min_size=40, max_size=40),
    txt_split=st.sampled_from(["paragraph", "line", "file"]),
    doc_cap=st.sampled_from([None, 1, 5]),
    shard_bytes=st.integers(1, 64),
)
def test_txt_byte_ranges_read_exactly_the_documents_of_corpus(
    lines, last_ends, endings, txt_split, doc_cap, shard_bytes
):
    text = "".join(line + ending for line, ending in zip(lines, endings[: len(lines)], strict=True))
    if not last_ends and text:
        text = text.rstrip("\n")
    with tempfile.TemporaryDirectory() as name:
        path = write(Path(name, "c.txt"), text)
        expected = list(Corpus(path, txt_split=txt_split, doc_cap=doc_cap))
        assert shard_documents(path, shard_bytes, txt_split=txt_split, doc_cap=doc_cap) == expected


def test_plan_shards_expands_like_corpus_and_cuts_only_large_txt_files(corpus_dir):
    local, with_url = local_and_url_paths(corpus_dir)
    shards = plan_shards(with_url, shard_bytes=4096)
    files = list(dict.fromkeys(shard.path for shard in shards))
    assert files[:-1] == [str(path) for path in Corpus(local).files][:-1]
    assert files[-1] == url(corpus_dir / "remote" / "e.txt")  # a URL stays a URL
    big = [shard for shard in shards if shard.path.endswith("big.txt")]
    size = (corpus_dir / "big.txt").stat().st_size
    assert len(big) == -(-size // 4096) and big[0].start == 0 and big[-1].end == size
    assert all(left.end == right.start for left, right in itertools.pairwise(big))
    assert all(shard.end is None for shard in shards if not shard.path.endswith(("big.txt", "e.txt")))
    assert all(shard.end is None for shard in plan_shards(local, txt_split="file", shard_bytes=1))


def test_shards_read_the_documents_of_corpus_local_and_by_url(corpus_dir):
    local, with_url = local_and_url_paths(corpus_dir)
    for shard_bytes in (1000, 10**9):
        assert shard_documents(with_url, shard_bytes) == list(Corpus(local))
    # A whole file by URL is copied locally and read by Corpus's own readers.
    parquet = corpus_dir / "globbed" / "d.parquet"
    assert list(read_shard(Shard(url(parquet)))) == list(Corpus(parquet))
    assert count_shard(Shard(url(parquet))) == bytebpe.implementation("fast").count(Corpus(parquet), "gpt4")


@pytest.mark.parametrize("make_url", [False, True])
def test_missing_and_unsupported_paths_fail_before_anything_runs(tmp_path, make_url):
    def name(path: Path) -> str:
        return url(path) if make_url else str(path)

    with pytest.raises(FileNotFoundError, match="no such file"):
        plan_shards([name(tmp_path / "missing.txt")])
    with pytest.raises(FileNotFoundError, match="matches no file"):
        plan_shards([name(tmp_path / "*.jsonl")])
    # Any file that is not JSON Lines or Parquet is plain text, as for Corpus.
    assert [shard.path for shard in plan_shards([name(write(tmp_path / "notes.md", "x"))])] == [
        name(tmp_path / "notes.md")
    ]
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty" / ".hidden", "x")
    with pytest.raises(FileNotFoundError, match="holds no file"):
        plan_shards([name(tmp_path / "empty")])


def test_bad_arguments_fail_before_ray_is_needed(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails: nothing below may need it
    path = write(tmp_path / "a.txt", "hello world\n")
    with pytest.raises(ValueError, match="vocab_size"):
        train([path], 100)
    with pytest.raises(ValueError, match="cpus_per_task"):
        count([path], cpus_per_task=0)
    with pytest.raises(ValueError, match="fan_in"):
        count([path], fan_in=1)
    with pytest.raises(TypeError, match="shard_bytes"):
        count([path], shard_bytes=1.5)
    with pytest.raises(ValueError, match="txt_split"):
        count([path], txt_split="sentence")
    with pytest.raises(ValueError, match="unknown implementation"):
        train([path], 300, implementation="slow")
    with pytest.raises(FileNotFoundError):
        train([tmp_path / "missing.txt"], 300)
    with pytest.raises(ImportError, match=r"pip install ray fsspec"):
        train([path], 300)


def test_import_bytebpe_does_not_import_ray():
    code = "import sys, bytebpe, bytebpe.distributed, bytebpe.cli; assert 'ray' not in sys.modules, 'ray imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_cli_ray_refuses_what_it_cannot_do(tmp_path, capsys):
    path = write(tmp_path / "a.txt", "hello world\n")
    out = tmp_path / "tok"
    # --ray takes no value, so a file right after it is a file; the address has an option of its own.
    assert main(["train", "--ray", str(path), "--max-chars", "5", "--vocab-size", "300", "--out", str(out)]) == 1
    assert "--max-chars does not work with --ray" in capsys.readouterr().err
    assert main(["train", "--ray-address", str(path), "--vocab-size", "300", "--out", str(out)]) == 2
    assert "is not a Ray address" in capsys.readouterr().err
    for extra in (["--include", "*.txt"], ["--format", "text"]):
        assert main(["train", str(path), "--ray", *extra, "--vocab-size", "300", "--out", str(out)]) == 1
        assert "work with --ray" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# On a two-node cluster


@pytest.fixture(scope="module")
def cluster():
    """A two-node local Ray cluster, with this process connected as its driver."""
    ray = pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    saved = os.environ.get("RAY_USAGE_STATS_ENABLED")
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    node = {"num_cpus": 1, "object_store_memory": 80 * 2**20}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    try:
        cluster.add_node(**node)
        ray.init(address=cluster.address, log_to_driver=False)
        cluster.wait_for_nodes()
        yield cluster
    finally:
        ray.shutdown()
        cluster.shutdown()
        if saved is None:
            os.environ.pop("RAY_USAGE_STATS_ENABLED", None)
        else:
            os.environ["RAY_USAGE_STATS_ENABLED"] = saved


def node_ids(cluster) -> set[str]:
    return {node.node_id for node in [cluster.head_node, *cluster.worker_nodes]}


@cluster_test
def test_distributed_training_learns_exactly_the_merges_of_one_process(cluster, corpus_dir):
    local, with_url = local_and_url_paths(corpus_dir)
    stats: list[ShardStats] = []
    settings = {"special_tokens": ["<|endoftext|>"], "min_frequency": 2}
    distributed = train(with_url, 700, shard_bytes=2048, fan_in=2, on_shard=stats.append, **settings)
    single = Tokenizer.train(Corpus(local), 700, **settings)
    assert len(single.merges) > 300
    assert distributed.merges == single.merges
    assert distributed.mergeable_ranks == single.mergeable_ranks
    assert distributed.special_tokens == single.special_tokens
    # Every shard ran once, and the tasks ran on both nodes.
    shards = plan_shards(with_url, shard_bytes=2048)
    assert sorted(map(str, (s.shard for s in stats))) == sorted(map(str, shards))
    assert {s.node_id for s in stats} == node_ids(cluster)
    assert sum(s.documents for s in stats) == len(list(Corpus(local)))
    assert all(s.peak_rss > 0 and s.seconds >= 0 and s.pid > 0 for s in stats)


@cluster_test
def test_min_frequency_applies_after_the_final_sum(cluster, tmp_path):
    # " xy" occurs twice in each of four files: 2 per shard, 8 in all.
    paths = [write(tmp_path / f"{i}.txt", f"a{i} xy xy\n") for i in range(4)]
    for path in paths:  # one shard alone never reaches min_frequency=5
        assert Tokenizer.train(Corpus(path), 300, min_frequency=5).merges == []
    distributed = train(paths, 300, min_frequency=5)
    assert distributed.merges == Tokenizer.train(Corpus(paths), 300, min_frequency=5).merges
    assert distributed.merges == [(ord(" "), ord("x")), (256, ord("y"))]  # " xy", 8 times
    assert count(paths)[b" xy"] == 8


@cluster_test
def test_an_error_in_a_task_is_raised_as_the_task_raised_it(cluster, tmp_path):
    good = write(tmp_path / "good.txt", "fine text\n")
    bad = write(tmp_path / "bad.txt", b"ok\n\xff\xfe broken\n")
    with pytest.raises(ValueError, match=r"bad\.txt:2: invalid UTF-8"):
        count([good, bad])
    with pytest.raises(ValueError, match=r"bad\.jsonl:1: not valid JSON"):
        count([write(tmp_path / "bad.jsonl", "{nope\n")])


@cluster_test
def test_cli_train_ray_joins_the_cluster_of_ray_address(cluster, corpus_dir, tmp_path):
    local, _ = local_and_url_paths(corpus_dir)
    out = tmp_path / "tok"
    # A new process: --ray without ADDRESS joins RAY_ADDRESS, and leaves the cluster running.
    env = {**os.environ, "RAY_ADDRESS": cluster.address, "RAY_USAGE_STATS_ENABLED": "0"}
    argv = [*local, "--vocab-size", "500", "--out", out, "--shard-size", "4096", "--quiet", "--ray"]
    result = subprocess.run(
        [sys.executable, "-m", "bytebpe", "train", *map(str, argv)], env=env, capture_output=True, timeout=180
    )
    assert result.returncode == 0, result.stderr.decode()
    saved = Tokenizer.load(out)
    assert saved.merges == Tokenizer.train(Corpus(local), 500).merges
    assert saved.trained_by["corpus"]["ray"]["shards"] == len(plan_shards(local, shard_bytes=4096))
    # In this process Ray is already initialised: `--ray ADDRESS` uses it as it is.
    argv = ["train", *local, "--vocab-size", "500", "--out", str(out), "-q", "--ray-address", cluster.address]
    assert main([*argv, "--force"]) == 0
    assert Tokenizer.load(out).merges == saved.merges
    assert __import__("ray").is_initialized()


@cluster_test
def test_a_worker_killed_mid_count_is_retried_and_the_merges_stay_those_of_one_process(cluster, tmp_path):
    import psutil

    rng = random.Random(7)
    # The reference counts in Python, slowly enough (seconds a shard) for a task to be caught running.
    paths = [write(tmp_path / f"{i}.txt", prose(rng, 400)) for i in range(3)]
    killed: list[int] = []
    stop = threading.Event()

    def kill_one_counting_worker() -> None:
        # A Ray worker names itself after the task it runs ("ray::_count_task").
        while not stop.is_set() and not killed:
            for process in psutil.process_iter(["pid", "cmdline"]):
                if any("ray::_count_task" in part for part in process.info["cmdline"] or ()):
                    process.kill()
                    killed.append(process.info["pid"])
                    return
            stop.wait(0.05)

    killer = threading.Thread(target=kill_one_counting_worker)
    killer.start()
    try:
        counts = count(paths, implementation="reference", shard_bytes=1 << 30)
    finally:
        stop.set()
        killer.join()
    assert killed, "no counting worker was seen running"
    expected = Tokenizer.train(Corpus(paths), 400)
    assert Tokenizer.train_from_counts(counts, 400).merges == expected.merges
