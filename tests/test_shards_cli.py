"""``bytebpe encode-dataset``: shards from files on disk, and bad input told in one line."""

from __future__ import annotations

import subprocess
import sys

import pytest

import bytebpe
from bytebpe import shards


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    tokenizer = bytebpe.Tokenizer.train(["ab ab abc aab\n\nba ba\n"] * 20, 300, special_tokens=["<|endoftext|>"])
    tokenizer.save(root / "tok")
    (root / "a.txt").write_text("ab ab\n\nabc abc\n\n" * 20)
    (root / "b.jsonl").write_text('{"text": "ba ab"}\n{"text": "aab"}\n')
    return root


def test_encode_dataset_writes_what_encode_to_shards_writes(cli, saved, tmp_path):
    files = [saved / "a.txt", saved / "b.jsonl"]
    code, out, err = cli(
        "encode-dataset", saved / "tok", *files, "--out", tmp_path / "cli", "--shard-tokens", "50",
        "--eot", "<|endoftext|>", "--to", "npy", "--verify",
    )  # fmt: skip
    assert code == 0 and out == b""
    assert "wrote" in err and "all checksums verified" in err
    tokenizer = bytebpe.Tokenizer.load(saved / "tok")
    tokenizer.encode_to_shards(
        bytebpe.Corpus(files), tmp_path / "api", format="npy", shard_tokens=50, eot="<|endoftext|>"
    )
    written = [{p.name: p.read_bytes() for p in (tmp_path / name).iterdir()} for name in ("cli", "api")]
    assert written[0] == written[1]


def test_an_id_works_as_a_separator(cli, saved, tmp_path):
    eot = bytebpe.Tokenizer.load(saved / "tok").eot_token
    code, _, _ = cli("encode-dataset", saved / "tok", saved / "a.txt", "--out", tmp_path / "o", "--eot", eot, "-q")
    assert code == 0
    assert shards.verify(tmp_path / "o")["settings"]["eot"] == eot


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--eot", "<|nope|>"], 1, "'<|nope|>' is not a special token"),
        (["--bos", "99999"], 1, "99999 is not an id"),
        (["--shard-tokens", "0"], 2, "--shard-tokens: must be a positive integer"),
        (["--to", "parquet"], 2, "--to: invalid choice"),
        (["--dtype", "uint8"], 2, "--dtype: invalid choice"),
        (["--ray", "--max-chars", "5"], 1, "--max-chars does not work with --ray"),
    ],
)
def test_bad_options_are_one_line(cli, saved, tmp_path, extra, code, message):
    got, out, err = cli("encode-dataset", saved / "tok", saved / "a.txt", "--out", tmp_path / "o", *extra)
    assert got == code and out == b""
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_other_arguments_in_out_need_force(cli, saved, tmp_path):
    argv = ["encode-dataset", saved / "tok", saved / "a.txt", "--out", tmp_path / "o", "-q"]
    assert cli(*argv, "--shard-tokens", "10")[0] == 0
    code, _, err = cli(*argv, "--shard-tokens", "20")
    assert code == 1 and "shard_tokens (10 then, 20 now)" in err and "--force" in err
    assert cli(*argv, "--shard-tokens", "20", "--force")[0] == 0
    assert shards.verify(tmp_path / "o")["settings"]["shard_tokens"] == 20


def test_a_directory_of_other_files_is_refused(cli, saved, tmp_path):
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "keep.txt").write_text("mine")
    code, _, err = cli("encode-dataset", saved / "tok", saved / "a.txt", "--out", tmp_path / "o", "--force")
    assert code == 1 and "did not write (keep.txt)" in err


def test_a_missing_input_and_a_corrupt_file_are_one_line(cli, saved, tmp_path):
    code, _, err = cli("encode-dataset", saved / "tok", tmp_path / "missing.txt", "--out", tmp_path / "o")
    assert code == 1 and "missing.txt" in err and "Traceback" not in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": 3}\n')
    code, _, err = cli("encode-dataset", saved / "tok", bad, "--out", tmp_path / "p")
    assert code == 1 and "bad.jsonl" in err and "Traceback" not in err


def test_a_shell_sees_no_traceback(saved, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bytebpe", "encode-dataset", str(saved / "tok"), str(saved / "a.txt"),
         "--out", str(tmp_path / "o"), "--dtype", "uint16", "--bos", "<|x|>"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("bytebpe: error:")
