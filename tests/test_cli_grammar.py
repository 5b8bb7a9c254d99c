"""One grammar for every command: the tokenizer as the first argument, options that never swallow
FILES (--special-token, --special-tokens as a comma list), --force and only --force to replace,
and messages in the command line's words (--errors replace, not errors='replace')."""

from __future__ import annotations

import json
import sysconfig
from pathlib import Path

import pytest

import bytebpe
from bytebpe.cli import main
from bytebpe.cli.errors import in_cli_words

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.md").write_text((STDLIB / "textwrap.py").read_text(encoding="utf-8"), encoding="utf-8")
    return root


@pytest.fixture
def tok(corpus, tmp_path) -> Path:
    out = tmp_path / "tok"
    assert (
        main(["train", str(corpus), "--vocab-size", "300", "--special-token", "<|eot|>", "--out", str(out), "-q"]) == 0
    )
    return out


def last_line(err: str) -> str:
    assert "Traceback" not in err
    return err.splitlines()[-1]


# -- special tokens ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flags, expected",
    [
        (["--special-token", "<|a|>", "--special-token", "<|b|>"], ["<|a|>", "<|b|>"]),
        (["--special-tokens", "<|a|>,<|b|>,<|c|>"], ["<|a|>", "<|b|>", "<|c|>"]),
        (["--special-tokens", "<|a|>,<|b|>", "--special-token", "<|x,y|>"], ["<|a|>", "<|b|>", "<|x,y|>"]),
        (["--special-token", "<|x,y|>", "--special-tokens", "<|a|>"], ["<|x,y|>", "<|a|>"]),
    ],
)
def test_special_token_flags_keep_their_order(cli, corpus, tmp_path, flags, expected):
    code, _, err = cli("train", corpus, "--vocab-size", 300, *flags, "--out", tmp_path / "t", "-q")
    assert code == 0, err
    specials = bytebpe.Tokenizer.load(tmp_path / "t").special_tokens
    assert list(specials) == expected and list(specials.values()) == list(range(300 - len(expected), 300))


def test_a_special_token_flag_before_the_files_does_not_swallow_them(cli, corpus, tmp_path):
    # What once took every word after it up to the next option now takes one.
    code, _, err = cli(
        "train", "--special-tokens", "<|endoftext|>", corpus, "--vocab-size", 300, "--out", tmp_path / "t"
    )
    assert code == 0, err
    assert list(bytebpe.Tokenizer.load(tmp_path / "t").special_tokens) == ["<|endoftext|>"]
    code, _, err = cli("train", "--special-token", "<|a|>", corpus, "--vocab-size", 300, "--out", tmp_path / "u")
    assert code == 0, err


def test_an_empty_token_in_a_list_is_a_usage_error(cli, corpus, tmp_path):
    code, _, err = cli(
        "train", corpus, "--special-tokens", "<|a|>,,<|b|>", "--vocab-size", 300, "--out", tmp_path / "t"
    )
    assert code == 2 and "--special-token" in last_line(err) and last_line(err).startswith("bytebpe: error: ")


def test_special_tokens_with_ids_for_a_bare_rank_file(cli, tok):
    bare = tok / "tokenizer.tiktoken"
    for flags in (["--special-token", "<|eot|>=299"], ["--special-tokens", "<|eot|>=299,<|pad|>=400"]):
        code, out, err = cli("encode", bare, "--pattern", "gpt4", *flags, "--allow-special", stdin=b"cat<|eot|>")
        assert code == 0, err
        assert out.split()[-1] == b"299"


# -- the tokenizer as the first argument ---------------------------------------------------------


def test_every_command_takes_the_tokenizer_first(cli, tok, tmp_path):
    code, ids, _ = cli("encode", tok, stdin=b"the cat")
    assert code == 0
    code, text, _ = cli("decode", tok, stdin=ids)
    assert code == 0 and text == b"the cat"
    code, out, _ = cli("inspect", tok, "--json")
    assert code == 0 and json.loads(out)["tokenizer"] == str(tok)
    code, _, _ = cli("export", tok, "--to", "tiktoken", "--out", tmp_path / "t.tiktoken", "-q")
    assert code == 0


@pytest.mark.parametrize("command", ["encode", "decode", "inspect", "export"])
def test_the_old_tokenizer_option_still_works_with_a_note(cli, tok, tmp_path, command):
    extra = ["--to", "tiktoken", "--out", tmp_path / "x.tiktoken", "-q"] if command == "export" else []
    code, _, err = cli(command, "-t", tok, *extra, stdin=b"1 2")
    assert code == 0, err
    assert err.startswith(f"note: -t/--tokenizer is deprecated: give the tokenizer first, bytebpe {command} TOKENIZER")
    code, _, err = cli(command, tok, "--tokenizer", tok, *extra, stdin=b"1 2")
    assert code == 2 and "give the tokenizer once" in last_line(err)
    code, _, err = cli(command, *extra)
    assert code == 2 and "required: TOKENIZER" in last_line(err)


# -- --force -------------------------------------------------------------------------------------


def test_train_replaces_a_tokenizer_only_with_force(cli, corpus, tok):
    before = (tok / "bytebpe.json").read_bytes()
    code, _, err = cli("train", corpus, "--vocab-size", 280, "--out", tok)
    assert code == 1 and "pass --force to replace it" in last_line(err)
    assert (tok / "bytebpe.json").read_bytes() == before
    code, _, err = cli("train", corpus, "--vocab-size", 280, "--out", tok, "--force")
    assert code == 0 and "(replacing the tokenizer that was there)" in err
    assert bytebpe.Tokenizer.load(tok).n_vocab == 280


def test_force_never_replaces_what_bytebpe_did_not_write(cli, corpus, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "thesis.tex").write_text("years of work")
    code, _, err = cli("train", corpus, "--vocab-size", 280, "--out", project, "--force")
    assert code == 1 and "refusing to replace it, even with --force" in last_line(err)
    assert sorted(p.name for p in project.iterdir()) == ["thesis.tex"]


def test_export_tiktoken_never_overwrites_a_file_that_is_not_a_rank_file(cli, corpus, tok, tmp_path):
    data = corpus / "a.md"
    before = data.read_bytes()
    for force in ([], ["--force"]):
        code, _, err = cli("export", tok, "--to", "tiktoken", "--out", data, *force)
        assert code == 1 and "is not a rank file; refusing to replace it, even with --force" in last_line(err)
        assert data.read_bytes() == before
    target = tmp_path / "tok.tiktoken"
    assert cli("export", tok, "--to", "tiktoken", "--out", target, "-q")[0] == 0
    code, _, err = cli("export", tok, "--to", "tiktoken", "--out", target)
    assert code == 1 and "exists (a rank file); pass --force to replace it" in last_line(err)
    assert cli("export", tok, "--to", "tiktoken", "--out", target, "--force", "-q")[0] == 0
    assert target.read_bytes() == (tok / "tokenizer.tiktoken").read_bytes()
    empty = tmp_path / "empty.tiktoken"
    empty.write_bytes(b"")
    assert cli("export", tok, "--to", "tiktoken", "--out", empty, "--force")[0] == 1


def test_export_huggingface_replaces_an_export_only_with_force(cli, tok, tmp_path):
    target = tmp_path / "hf"
    assert cli("export", tok, "--to", "huggingface", "--out", target, "-q")[0] == 0
    (target / "model.safetensors").write_bytes(b"weights")
    code, _, err = cli("export", tok, "--to", "huggingface", "--out", target)
    assert code == 1 and "pass --force to replace it" in last_line(err) and "overwrite" not in err
    assert cli("export", tok, "--to", "huggingface", "--out", target, "--force", "-q")[0] == 0
    assert (target / "model.safetensors").read_bytes() == b"weights"
    code, _, err = cli("export", tok, "--to", "huggingface", "--out", tok / "bytebpe.json", "--force")
    assert code == 1 and "is a file" in last_line(err)


# -- messages ------------------------------------------------------------------------------------


def test_bad_utf8_in_a_corpus_says_the_flag_to_pass(cli, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"fine\n\xff\xfe not utf-8\n")
    for implementation in ("fast", "reference"):
        code, _, err = cli(
            "train", bad, "--vocab-size", 270, "--out", tmp_path / "t", "--implementation", implementation
        )
        line = last_line(err)
        assert code == 1 and "bad.md:2" in line and "pass --errors replace to read it as U+FFFD" in line, line
        assert "errors=" not in line
    assert cli("train", bad, "--vocab-size", 270, "--out", tmp_path / "t", "--errors", "replace", "-q")[0] == 0


def test_a_lone_surrogate_in_json_says_the_flag_to_pass(cli, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "a\\ud800b"}\n', encoding="utf-8")
    code, _, err = cli("train", rows, "--vocab-size", 270, "--out", tmp_path / "t")
    assert code == 1 and "pass --errors replace" in last_line(err)


@pytest.mark.parametrize(
    "library, cli_words",
    [
        ("pass errors='replace' to read it as U+FFFD", "pass --errors replace to read it as U+FFFD"),
        ("vocab_size must be at least 258, got 257", "--vocab-size must be at least 258, got 257"),
        ("max_chars must be a positive int", "--max-chars must be a positive int"),
        ("tok is saved; pass overwrite=True to replace it", "tok is saved; pass --force to replace it"),
        ("a pattern of errors and special tokens", "a pattern of errors and special tokens"),
    ],
)  # fmt: skip
def test_library_messages_are_told_in_the_command_lines_words(library, cli_words):
    assert in_cli_words(library) == cli_words
