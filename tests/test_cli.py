"""The `bytebpe` command line (bytebpe.cli): train, encode, decode, inspect, export; data on stdout,
logs on stderr, one-line errors, exit codes, Ctrl-C.

Most tests call ``main([...])`` in the test process, with stdin replaced and the output captured as
bytes; a few run ``python -m bytebpe`` for real to check what a shell sees.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load

import bytebpe
from bytebpe.cli import main

SPECIALS = ["<|endoftext|>", "<|bos|>"]
VOCAB_SIZE = 600
# Text the tokenizer has seen and text it has not: accents, CJK, emoji (a ZWJ sequence), "\r\n".
SAMPLE = "Hello wörld! 你好，世界。🎉 👩‍👩‍👧 the cat sat\r\nτὸ πρῶτον ½ café\n\n  indented\tline\n"


def corpus_lines(count: int) -> list[str]:
    rng = random.Random(1)
    letters = "abcdefghijklmnopqrstuvwxyzéöü你好世界的一是不了人我在有他这🎉"
    words = ["".join(rng.choices(letters, k=rng.randint(1, 9))) for _ in range(400)]
    words += ["the", "cat", "sat", "on", "mat", "héllo", "wörld", "你好", "世界", "🎉", "naïve", "1234"] * 20
    return [" ".join(rng.choices(words, k=rng.randint(3, 12))) for _ in range(count)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("corpus")
    lines = corpus_lines(600)
    (root / "a.txt").write_text("\n\n".join(lines[:300]) + "\n", encoding="utf-8")
    with open(root / "b.jsonl", "w", encoding="utf-8") as handle:
        for line in lines[300:]:
            handle.write(json.dumps({"text": line, "id": 1}, ensure_ascii=False) + "\n")
    return {"root": root, "txt": root / "a.txt", "jsonl": root / "b.jsonl"}


@pytest.fixture(scope="module")
def saved(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("saved") / "tok"
    argv = ["train", str(corpus["txt"]), str(corpus["jsonl"]), "--vocab-size", str(VOCAB_SIZE)]
    assert main([*argv, "--special-tokens", ",".join(SPECIALS), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def tok(saved) -> bytebpe.Tokenizer:
    return bytebpe.Tokenizer.load(saved)


def one_error_line(err: str) -> str:
    """The one error line, the last on stderr (log lines of the work done before may precede it)."""
    errors = [line for line in err.splitlines() if line.startswith("bytebpe: error: ")]
    assert len(errors) == 1 and err.splitlines()[-1] == errors[0], err
    assert "Traceback" not in err
    return errors[0]


def bytebpe_subprocess(*argv: object, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bytebpe", *map(str, argv)], input=stdin, capture_output=True, cwd=cwd, timeout=120
    )


# -- train ---------------------------------------------------------------------------------------


def test_train_from_txt_and_jsonl_with_special_tokens(cli, corpus, tmp_path):
    out = tmp_path / "tok"
    code, stdout, err = cli(
        "train", corpus["txt"], corpus["jsonl"], "--vocab-size", 500, "--special-token", SPECIALS[0],
        "--special-token", SPECIALS[1], "--out", out, "--no-progress",
    )  # fmt: skip
    assert code == 0 and stdout == b""
    assert "trained in" in err and "n_vocab 500" in err and f"saved to {out}" in err
    loaded = bytebpe.Tokenizer.load(out)
    assert loaded.n_vocab == 500 and loaded.special_tokens == {"<|endoftext|>": 498, "<|bos|>": 499}
    # The same model as the library trains from the same corpus.
    texts = bytebpe.Corpus([corpus["txt"], corpus["jsonl"]])
    assert loaded == bytebpe.Tokenizer.train(texts, 500, special_tokens=SPECIALS)
    record = loaded.trained_by
    assert record["vocab_size"] == 500 and record["special_tokens"] == SPECIALS
    assert record["corpus"]["paths"] == [str(corpus["txt"]), str(corpus["jsonl"])]
    assert record["corpus"]["files"] == 2


def test_train_max_chars_doc_cap_and_corpus_options(cli, corpus, tmp_path):
    options = {"max_chars": 3000, "doc_cap": 20, "txt_split": "line", "text_field": "text"}
    argv = ["--max-chars", "3e3", "--doc-cap", 20, "--txt-split", "line", "--pattern", "o200k", "--min-frequency", 2]
    code, _, _ = cli("train", corpus["root"], "--vocab-size", 400, *argv, "--out", tmp_path / "t", "-q")
    assert code == 0
    expected = bytebpe.Tokenizer.train(
        bytebpe.Corpus([corpus["root"]], **options), 400, pattern="o200k", min_frequency=2
    )
    loaded = bytebpe.Tokenizer.load(tmp_path / "t")
    assert loaded == expected and loaded.pattern_name == "o200k"
    assert loaded.trained_by["corpus"]["max_chars"] == 3000 and loaded.trained_by["corpus"]["doc_cap"] == 20


def test_train_reads_another_text_field_and_replaces_a_previous_save(cli, tmp_path):
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps({"body": line}) + "\n" for line in corpus_lines(50)), encoding="utf-8")
    code, _, err = cli("train", data, "--text-field", "body", "--vocab-size", 300, "--out", tmp_path / "t")
    assert code == 0 and "replacing" not in err
    code, _, err = cli("train", data, "--text-field", "body", "--vocab-size", 300, "--out", tmp_path / "t")
    assert code == 1 and "already holds a saved tokenizer (bytebpe.json); pass --force to replace it" in one_error_line(
        err
    )
    code, _, err = cli("train", data, "--text-field", "body", "--vocab-size", 300, "--out", tmp_path / "t", "--force")
    assert code == 0 and "replacing the tokenizer that was there" in err
    assert bytebpe.Tokenizer.load(tmp_path / "t").trained_by["corpus"]["text_field"] == "body"


def test_train_quiet_writes_nothing_and_a_small_corpus_stops_early(cli, corpus, tmp_path):
    code, out, err = cli("train", corpus["txt"], "--vocab-size", 5000, "--out", tmp_path / "q", "--quiet")
    assert (code, out, err) == (0, b"", "")
    code, _, err = cli("train", corpus["txt"], "--vocab-size", 5000, "--out", tmp_path / "n")
    assert code == 0 and "note: stopped after" in err


# -- encode and decode ---------------------------------------------------------------------------


def test_encode_decode_round_trip_of_all_stdin(cli, saved, tok):
    code, out, err = cli("encode", saved, stdin=SAMPLE.encode())
    assert code == 0 and err == "" and out.endswith(b"\n") and out.count(b"\n") == 1
    ids = [int(word) for word in out.split()]
    assert ids == tok.encode_ordinary(SAMPLE)
    code, text, err = cli("decode", saved, stdin=out)
    assert code == 0 and err == "" and text == SAMPLE.encode()


def test_encode_decode_round_trip_by_lines(cli, saved, tok):
    lines = SAMPLE.split("\n")[:-1]
    code, out, _ = cli("encode", saved, "--lines", stdin=SAMPLE.encode())
    assert code == 0
    assert [[int(w) for w in line.split()] for line in out.decode().split("\n")[:-1]] == [
        tok.encode_ordinary(line) for line in lines
    ]
    code, text, _ = cli("decode", saved, "--lines", stdin=out)
    assert code == 0 and text == SAMPLE.encode()  # the "\r" of "\r\n" stayed in its line's text


def test_encode_json(cli, saved, tok):
    code, out, _ = cli("encode", saved, "--json", stdin=SAMPLE.encode())
    assert code == 0 and json.loads(out) == tok.encode_ordinary(SAMPLE)
    code, out, _ = cli("encode", saved, "--json", "--lines", stdin=b"a b\n\n\xf0\x9f\x8e\x89")
    assert code == 0 and [json.loads(line) for line in out.splitlines()] == [
        tok.encode_ordinary(t) for t in ["a b", "", "🎉"]
    ]
    code, text, _ = cli("decode", saved, "--lines", stdin=out)
    assert code == 0 and text == "a b\n\n🎉\n".encode()


def test_special_tokens_are_an_error_unless_allowed_or_taken_as_text(cli, saved, tok):
    text = "one<|endoftext|>two<|bos|>"
    code, out, err = cli("encode", saved, stdin=f"fine\n{text}".encode())
    line = one_error_line(err)
    assert code == 1 and out == b""
    assert "stdin line 2" in line and "'<|endoftext|>'" in line
    assert "--allow-special" in line and "--special-as-text" in line
    code, out, err = cli("encode", saved, "--lines", stdin=f"fine\n{text}".encode())
    assert code == 1 and "stdin line 2" in one_error_line(err)

    code, out, _ = cli("encode", saved, "--allow-special", stdin=text.encode())
    ids = [int(w) for w in out.split()]
    assert code == 0 and ids == tok.encode(text, allowed_special="all")
    assert ids[-1] == tok.special_tokens["<|bos|>"] and tok.special_tokens["<|endoftext|>"] in ids

    code, out, _ = cli("encode", saved, "--special-as-text", stdin=text.encode())
    assert code == 0 and [int(w) for w in out.split()] == tok.encode_ordinary(text)
    code, decoded, _ = cli("decode", saved, stdin=out)
    assert decoded == text.encode()


def test_decode_input_and_output_forms(cli, saved, tok):
    ids = tok.encode("é 你好<|bos|>", allowed_special="all")
    for given in [" ".join(map(str, ids)), json.dumps(ids), "\n".join(map(str, ids)) + "\n"]:
        code, out, _ = cli("decode", saved, stdin=given.encode())
        assert code == 0 and out == "é 你好<|bos|>".encode()
    partial = [tok.mergeable_ranks["你".encode()[:1]]]  # the first byte of the character, alone
    code, out, _ = cli("decode", saved, "--bytes", stdin=str(partial[0]).encode())
    assert code == 0 and out == tok.decode_bytes(partial)
    code, out, _ = cli("decode", saved, stdin=str(partial[0]).encode())
    assert code == 0 and out == "\ufffd".encode()
    code, out, err = cli("decode", saved, "--errors", "strict", stdin=str(partial[0]).encode())
    assert code == 1 and out == b"" and "--bytes" in one_error_line(err)
    code, out, _ = cli("decode", saved, stdin=b"")
    assert code == 0 and out == b""


def test_a_bare_rank_file_takes_pattern_and_special_tokens(cli, saved, tok):
    bare = saved / "tokenizer.tiktoken"
    specials = [f"{token}={token_id}" for token, token_id in tok.special_tokens.items()]
    text = "héllo<|bos|> 世界"
    argv = ["encode", bare, "--pattern", "gpt4", "--special-tokens", ",".join(specials), "--allow-special"]
    code, out, _ = cli(*argv, "--implementation", "reference", stdin=text.encode())
    assert code == 0 and [int(w) for w in out.split()] == tok.encode(text, allowed_special="all")
    code, _, err = cli("encode", bare, stdin=b"x")
    assert code == 1 and "--pattern" in one_error_line(err)
    code, _, err = cli("encode", saved, "--pattern", "gpt4", stdin=b"x")
    assert code == 1 and "bare .tiktoken" in one_error_line(err)


# -- inspect -------------------------------------------------------------------------------------


def test_inspect_text(cli, saved, tok, tmp_path):
    sample = tmp_path / "sample.txt"
    sample.write_text(SAMPLE * 3, encoding="utf-8")
    code, out, err = cli("inspect", saved, "--text", sample, "--top", 3)
    text = out.decode()
    assert code == 0 and err == ""
    assert f"n_vocab         {VOCAB_SIZE} (256 bytes + {VOCAB_SIZE - 258} merges + 2 special tokens)" in text
    assert "<|endoftext|> (598), <|bos|> (599)" in text and "pattern         gpt4" in text
    assert f"regex           {tok.pattern}" in text and "trained by      bytebpe" in text
    assert "longest tokens (top 3):" in text and "token lengths:" in text
    longest = max(tok.mergeable_ranks, key=len)
    assert repr(longest.decode("utf-8", "replace")) in text or repr(longest) in text
    tokens = len(tok.encode_ordinary(SAMPLE * 3))
    assert f"{len(SAMPLE * 3)} characters, {len((SAMPLE * 3).encode())} bytes, {tokens} tokens" in text
    assert f"{len((SAMPLE * 3).encode()) / tokens:.3f} bytes per token" in text


def test_inspect_json(cli, saved, tok, tmp_path):
    sample = tmp_path / "sample.txt"
    sample.write_bytes(SAMPLE.encode())
    code, out, _ = cli("inspect", saved, "--json", "--text", sample)
    stats = json.loads(out)
    assert code == 0
    assert stats["n_vocab"] == tok.n_vocab and stats["merges"] == len(tok.merges)
    assert stats["special_tokens"] == tok.special_tokens and stats["unused_ids"] == 0
    assert stats["pattern_name"] == "gpt4" and stats["pattern"] == tok.pattern
    assert stats["trained_by"] == tok.trained_by
    assert sum(stats["token_lengths"].values()) == len(tok.mergeable_ranks)
    assert len(stats["longest_tokens"]) == 10
    for entry in stats["longest_tokens"]:
        token = bytes.fromhex(entry["hex"])
        assert tok.mergeable_ranks[token] == entry["id"] and entry["length"] == len(token)
        assert entry["text"] == (token.decode() if entry["text"] is not None else None)
    assert [e["length"] for e in stats["longest_tokens"]] == sorted(map(len, tok.mergeable_ranks), reverse=True)[:10]
    tokens = len(tok.encode_ordinary(SAMPLE))
    assert stats["text"] == {
        "path": str(sample),
        "characters": len(SAMPLE),
        "bytes": len(SAMPLE.encode()),
        "tokens": tokens,
        "bytes_per_token": round(len(SAMPLE.encode()) / tokens, 4),
        "characters_per_token": round(len(SAMPLE) / tokens, 4),
    }


def test_inspect_shows_bytes_that_are_not_utf8_as_bytes(cli, tmp_path):
    ranks = {bytes([b]): b for b in range(256)} | {b"\xe4\xbd": 256, b"ab": 257}
    bytebpe.Tokenizer.from_ranks(ranks).save(tmp_path / "t")
    code, out, _ = cli("inspect", tmp_path / "t", "--top", 2)
    assert code == 0 and "b'\\xe4\\xbd'" in out.decode() and "'ab'" in out.decode()
    assert "trained by      unknown" in out.decode()


# -- export --------------------------------------------------------------------------------------


def test_export_tiktoken(cli, saved, tok, tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")  # tiktoken would otherwise cache the file by its name
    target = tmp_path / "out" / "tok.tiktoken"
    code, out, err = cli("export", saved, "--to", "tiktoken", "--out", target)
    assert code == 0 and out == b""
    assert target.read_bytes() == (saved / "tokenizer.tiktoken").read_bytes()
    assert tiktoken.load.load_tiktoken_bpe(str(target)) == tok.mergeable_ranks
    # The hint on stderr is a line of Python, to paste as it is, that builds the same encoding.
    header, line = err.splitlines()
    assert header.endswith("load it with tiktoken in Python:") and line.startswith("  import tiktoken")
    namespace: dict = {}
    exec(line.strip(), namespace)
    encoding = namespace["enc"]
    text = SAMPLE + "<|endoftext|>"
    assert encoding.encode(text, allowed_special="all") == tok.encode(text, allowed_special="all")
    code, _, err = cli("export", saved, "--to", "tiktoken", "--out", tmp_path, "--quiet")
    assert code == 1 and "is a directory" in one_error_line(err)


def test_export_huggingface(cli, saved, tok, tmp_path):
    import tokenizers

    code, out, err = cli("export", saved, "--to", "huggingface", "--out", tmp_path / "hf")
    assert code == 0 and out == b"" and "tokenizer.json" in err
    assert {"tokenizer.json", "tokenizer_config.json"} <= {p.name for p in (tmp_path / "hf").iterdir()}
    hf = tokenizers.Tokenizer.from_file(str(tmp_path / "hf" / "tokenizer.json"))
    assert hf.encode(SAMPLE, add_special_tokens=False).ids == tok.encode_ordinary(SAMPLE)


# -- errors --------------------------------------------------------------------------------------


def damage_metadata(saved: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "damaged"
    copy.mkdir()
    (copy / "tokenizer.tiktoken").write_bytes((saved / "tokenizer.tiktoken").read_bytes())
    (copy / "bytebpe.json").write_text((saved / "bytebpe.json").read_text()[:50])
    return copy


def damage_ranks(saved: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "damaged"
    copy.mkdir()
    (copy / "bytebpe.json").write_text((saved / "bytebpe.json").read_text())
    (copy / "tokenizer.tiktoken").write_bytes((saved / "tokenizer.tiktoken").read_bytes()[:-30])
    return copy


def unrelated_directory(tmp_path: Path) -> Path:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("precious")
    return tmp_path / "mine"


def jsonl_without_text(tmp_path: Path) -> Path:
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "ok"}\n{"body": "no text"}\n')
    return path


ERRORS = {
    "missing file": (lambda c, s, t: ["train", t / "nope.txt", "--vocab-size", 300, "--out", t / "o"], b"", "nope.txt"),
    "bad vocab size": (
        lambda c, s, t: ["train", c["txt"], "--vocab-size", 100, "--out", t / "o"],
        b"",
        "--vocab-size must be at least 256",
    ),
    "too many special tokens": (
        lambda c, s, t: ["train", c["txt"], "--vocab-size", 257, "--special-tokens", "a,b", "--out", t / "o"],
        b"",
        "--vocab-size",
    ),
    "bad pattern syntax": (
        lambda c, s, t: ["train", c["txt"], "--vocab-size", 300, "--pattern", "(abc", "--out", t / "o"],
        b"",
        "invalid split pattern",
    ),
    "out is an unrelated directory": (
        lambda c, s, t: ["train", c["txt"], "--vocab-size", 300, "--out", unrelated_directory(t)],
        b"",
        "holds files that bytebpe did not write",
    ),
    "out is a file": (
        lambda c, s, t: ["train", c["txt"], "--vocab-size", 300, "--out", c["txt"]],
        b"",
        "is not a directory",
    ),
    "jsonl line without the field": (
        lambda c, s, t: ["train", jsonl_without_text(t), "--vocab-size", 300, "--out", t / "o"],
        b"",
        "x.jsonl:2: field 'text' is missing",
    ),
    "unknown id": (lambda c, s, t: ["decode", s], b"1 2 70000 3", "70000"),
    "not ids": (lambda c, s, t: ["decode", s], b"1 2 three", "'three' is not a token id"),
    "bad json ids": (lambda c, s, t: ["decode", s], b"[1, 2.5]", "JSON list of integers"),
    "stdin not utf-8": (lambda c, s, t: ["encode", s, "--lines"], b"ok\nbad \xff\n", "stdin line 2"),
    "no tokenizer": (lambda c, s, t: ["encode", t / "nowhere"], b"x", "no tokenizer at"),
    "damaged metadata": (lambda c, s, t: ["encode", damage_metadata(s, t)], b"x", "bytebpe.json:"),
    "damaged ranks": (lambda c, s, t: ["inspect", damage_ranks(s, t)], b"", "tokenizer.tiktoken"),
    "text file missing": (lambda c, s, t: ["inspect", s, "--text", t / "absent.txt"], b"", "absent.txt"),
    "model max length for tiktoken": (
        lambda c, s, t: ["export", s, "--to", "tiktoken", "--out", t / "x", "--model-max-length", 8],
        b"",
        "--model-max-length",
    ),
}


@pytest.mark.parametrize("case", ERRORS)
def test_errors_are_one_line_and_exit_1(cli, corpus, saved, tmp_path, case):
    make_argv, stdin, expected = ERRORS[case]
    code, out, err = cli(*make_argv(corpus, saved, tmp_path), stdin=stdin)
    assert code == 1 and out == b""
    assert expected in one_error_line(err)
    assert not (tmp_path / "o").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging directory left


def test_lines_before_a_bad_line_are_written(cli, saved):
    code, out, err = cli("decode", saved, "--lines", stdin=b"104 105\n[2, 70000]\n104\n")
    assert code == 1 and out == b"hi\n"  # streamed: what came before the error is out already
    assert "stdin line 2: 70000 (the id at position 1) is not a token id" in one_error_line(err)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["train", "x.txt", "--vocab-size", "many", "--out", "o"],
        ["train", "x.txt", "--vocab-size", "0", "--out", "o"],
        ["train", "x.txt", "--vocab-size", "300"],
        ["train", "x.txt", "--vocab-size", "300", "--out", "o", "--pattern", "gtp4"],
        ["train", "x.txt", "--vocab-size", "300", "--out", "o", "--progress", "--quiet"],
        ["encode", "tok", "--allow-special", "--special-as-text"],
        ["encode", "tok", "--special-tokens", "no-id"],
        ["export", "tok", "--to", "sentencepiece", "--out", "x"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(cli, argv):
    code, out, err = cli(*argv)
    assert code == 2 and out == b"" and "Traceback" not in err
    assert one_error_line(err).endswith(
        f"(see: bytebpe{' ' + argv[0] if argv[:1] in (['train'], ['encode'], ['export']) else ''} --help)"
    )


def test_help_and_version(cli):
    code, out, _ = cli("--help")
    assert code == 0 and b"usage: bytebpe" in out and b"train" in out
    for command in ["train", "encode", "decode", "inspect", "export"]:
        code, out, _ = cli(command, "--help")
        assert code == 0 and f"usage: bytebpe {command}".encode() in out
    code, out, _ = cli("--version")
    assert code == 0 and out.decode().strip() == f"bytebpe {bytebpe.__version__}"


# -- as a program --------------------------------------------------------------------------------


def test_python_m_bytebpe_keeps_data_on_stdout_and_logs_on_stderr(corpus, tmp_path):
    result = bytebpe_subprocess("train", corpus["txt"], "--vocab-size", 400, "--out", tmp_path / "t", "--progress")
    assert result.returncode == 0 and result.stdout == b""
    assert b"merging" in result.stderr and b"saved to" in result.stderr  # the stages' lines and the summary
    result = bytebpe_subprocess("train", corpus["txt"], "--vocab-size", 400, "--out", tmp_path / "t", "--force")
    assert result.returncode == 0 and result.stdout == b""
    assert (
        result.stderr.decode().splitlines()[-1] == f"saved to {tmp_path / 't'} (replacing the tokenizer that was there)"
    )
    encoded = bytebpe_subprocess("encode", tmp_path / "t", "--lines", stdin=SAMPLE.encode())
    assert encoded.returncode == 0 and encoded.stderr == b""
    assert all(word.isdigit() for word in encoded.stdout.split())
    decoded = bytebpe_subprocess("decode", tmp_path / "t", "--lines", stdin=encoded.stdout)
    assert decoded.returncode == 0 and decoded.stderr == b"" and decoded.stdout == SAMPLE.encode()


def test_python_m_bytebpe_errors_without_traceback(corpus, saved, tmp_path):
    result = bytebpe_subprocess("train", tmp_path / "missing", "--vocab-size", 300, "--out", tmp_path / "o")
    assert result.returncode == 1 and result.stdout == b""
    assert result.stderr.decode().startswith("bytebpe: error: ") and result.stderr.count(b"\n") == 1
    result = bytebpe_subprocess("decode", saved, stdin=b"99999")
    assert result.returncode == 1 and result.stderr.count(b"\n") == 1 and b"Traceback" not in result.stderr
    result = bytebpe_subprocess("train")
    assert result.returncode == 2 and result.stdout == b"" and result.stderr.count(b"\n") == 1
    assert result.stderr.startswith(b"bytebpe: error: the following arguments are required: FILES, --out")


def test_a_closed_pipe_ends_quietly(saved, tmp_path):
    big = tmp_path / "lines.txt"
    big.write_text("\n".join(corpus_lines(20_000)) + "\n", encoding="utf-8")
    with open(big, "rb") as stdin:
        process = subprocess.Popen(
            [sys.executable, "-m", "bytebpe", "encode", str(saved), "--lines"],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout.readline()
        process.stdout.close()  # as `| head -1` does
        _, err = process.communicate(timeout=60)
    assert process.returncode == 141 and err == b""


def test_ctrl_c_during_training_exits_130_and_leaves_nothing_behind(tmp_path):
    # 50 MB of random letters and spaces: millions of distinct words, so that training takes many
    # seconds even on many cores, and the interrupt surely lands while it runs.
    letters = b"abcdefghijklmnopqrstuvwxyz"
    to_text = bytes(32 if byte % 8 == 0 else letters[byte % 26] for byte in range(256))
    noise = random.Random(0).randbytes(50_000_000).translate(to_text)
    data = tmp_path / "data"
    data.mkdir()
    (data / "big.txt").write_bytes(b"\n\n".join(noise[i : i + 100_000] for i in range(0, len(noise), 100_000)))
    out = tmp_path / "tok"
    command = ["train", str(data), "--vocab-size", "60000", "--out", str(out), "--progress"]
    process = subprocess.Popen(
        [sys.executable, "-m", "bytebpe", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A shell's background job (a CI runner's, nohup's) starts with SIGINT ignored, which
        # Python and so the CLI rightly respect: give the child the default, as a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    first = process.stderr.readline()  # logged once the settings are checked and training starts
    assert first.startswith(b"training a 60000-id tokenizer"), first
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    stdout, rest = process.communicate(timeout=60)
    assert process.returncode == 130, rest
    assert rest.endswith(b"\nbytebpe: interrupted\n") and b"Traceback" not in rest and stdout == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no --out, no staging directory
