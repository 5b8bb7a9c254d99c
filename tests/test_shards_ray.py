"""Token shards on Ray: one task per file, the same bytes as on this machine, resume included."""

from __future__ import annotations

import os

import pytest

import bytebpe
from bytebpe.shards.on_ray import encode_to_shards_on_ray

ray_test = pytest.mark.xdist_group("bytebpe-ray-cluster")


@pytest.fixture(scope="module")
def ray():
    ray = pytest.importorskip("ray")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=80 * 2**20)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    root = tmp_path_factory.mktemp("ray")
    (root / "a.txt").write_text("ab ab\n\nabc abc é\n\n" * 40)
    (root / "b.jsonl").write_text('{"text": "ba ab"}\n{"text": "aab"}\n' * 30)
    (root / "c.txt").write_text("c ab\n\n" * 25)
    tokenizer = bytebpe.Tokenizer.train(["ab ab abc aab ba é c"] * 10, 280, special_tokens=["<|endoftext|>"])
    tokenizer.save(root / "tok")
    return root, tokenizer, bytebpe.Corpus([root / "a.txt", root / "b.jsonl", root / "c.txt"])


def contents(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@ray_test
@pytest.mark.parametrize("format", ["bin", "memmap"])
def test_ray_writes_the_bytes_of_a_local_run(ray, job, tmp_path, format):
    _, tokenizer, corpus = job
    options = {"format": format, "shard_tokens": 37, "eot": "<|endoftext|>"}
    tokenizer.encode_to_shards(corpus, tmp_path / "local", **options)
    encode_to_shards_on_ray(tokenizer, corpus, tmp_path / "ray", tasks_ahead=1, **options)
    assert contents(tmp_path / "ray") == contents(tmp_path / "local")


@ray_test
def test_a_ray_run_stopped_midway_resumes_to_the_same_bytes(ray, job, tmp_path):
    _, tokenizer, corpus = job
    options = {"shard_tokens": 23, "split_documents": True, "bos": "<|endoftext|>"}
    tokenizer.encode_to_shards(corpus, tmp_path / "local", **options)

    def stop(stage, done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        encode_to_shards_on_ray(tokenizer, corpus, tmp_path / "ray", tasks_ahead=1, progress=stop, **options)
    assert not bytebpe.shards.read_index(tmp_path / "ray")["complete"]
    encode_to_shards_on_ray(tokenizer, corpus, tmp_path / "ray", **options)
    assert contents(tmp_path / "ray") == contents(tmp_path / "local")


@ray_test
def test_cli_ray_matches_the_local_command(ray, job, tmp_path, cli):
    root, _, _ = job
    files = [root / "a.txt", root / "b.jsonl", root / "c.txt"]
    for name, extra in (("local", []), ("ray", ["--ray"])):
        code, _, err = cli(
            "encode-dataset", root / "tok", *files, "--out", tmp_path / name, "--to", "npy", "-q", *extra
        )
        assert code == 0, err
    assert contents(tmp_path / "ray") == contents(tmp_path / "local")
