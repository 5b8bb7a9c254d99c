"""``bytebpe eval`` and ``bytebpe diff``: tables on stdout, files asked for, one-line errors."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bytebpe import Tokenizer
from bytebpe.cli import main
from bytebpe.evaluation import evaluate

_RNG = random.Random(3)
_WORDS = ["".join(_RNG.choices("abcdefghijklmnoprstu你好世界", k=_RNG.randint(1, 8))) for _ in range(300)]
CORPUS = [" ".join(_RNG.choices(_WORDS, k=3000)), "def f(x):\n    return x + 1\n" * 20]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("eval")
    big = Tokenizer.train(CORPUS, 400, special_tokens=["<|endoftext|>"])
    big.save(root / "big")
    Tokenizer.train(CORPUS, 330, pattern="gpt2").save(root / "small")
    (root / "prose.txt").write_text(CORPUS[0] + "\nsomething new entirely\n", encoding="utf-8")
    (root / "code").mkdir()
    (root / "code" / "a.py").write_text(CORPUS[1], encoding="utf-8")
    (root / "code" / "b.py").write_text("print('hi')\n", encoding="utf-8")
    (root / "bad.txt").write_bytes(b"ok\n\xff\n")
    return root


@pytest.fixture
def run(capsysbinary):
    def run(*argv: object) -> tuple[int, str, str]:
        code = main([str(arg) for arg in argv])
        out, err = capsysbinary.readouterr()
        return code, out.decode("utf-8"), err.decode("utf-8")

    return run


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("bytebpe: error: "), err
    return lines[0]


def test_eval_prints_the_tables_and_writes_json_markdown_and_a_plot(run, root, tmp_path):
    pytest.importorskip("matplotlib")
    code, out, err = run(
        "eval", root / "big", root / "small", "--text", root / "prose.txt", root / "code",
        "--json", tmp_path / "e.json", "--markdown", tmp_path / "e.md", "--plot", tmp_path / "e.svg",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("bytes per token (higher is better); in brackets: tokens against")
    assert "tokens per word" in out and str(root / "code") in out
    figures = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    library = evaluate([str(root / "big"), str(root / "small")], [root / "prose.txt", root / "code"])
    assert figures == json.loads(json.dumps(library.as_dict()))
    assert [group["name"] for group in figures["groups"]] == [str(root / "prose.txt"), str(root / "code"), "all"]
    assert "| texts | bytes |" in (tmp_path / "e.md").read_text(encoding="utf-8")
    assert b"<svg" in (tmp_path / "e.svg").read_bytes()


def test_eval_json_to_stdout_and_a_named_baseline(run, root):
    code, out, _ = run(
        "eval", root / "big", root / "small", "--text", root / "prose.txt", "--json", "-", "--baseline", root / "small"
    )
    assert code == 0
    figures = json.loads(out)
    assert figures["baseline"] == str(root / "small")
    result = figures["groups"][0]["results"]
    assert result[str(root / "small")]["tokens_vs_baseline_percent"] == 0.0
    assert result[str(root / "big")]["tokens_vs_baseline_percent"] < 0


def test_eval_sizes_reports_the_curve_of_one_training(run, root, tmp_path):
    pytest.importorskip("matplotlib")
    code, _, err = run(
        "eval",
        root / "big",
        "--sizes",
        "300,330,360,400",
        "--text",
        root / "prose.txt",
        "--json",
        tmp_path / "s.json",
        "--plot",
        tmp_path / "s.png",
    )
    assert code == 0, err
    figures = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert figures["sizes"] == [300, 330, 360, 400]
    assert figures["baseline"] == "400"
    tokens = [figures["groups"][0]["results"][str(size)]["tokens"] for size in (300, 330, 360, 400)]
    assert tokens == sorted(tokens, reverse=True)
    big = Tokenizer.load(root / "big")
    text = (root / "prose.txt").read_text(encoding="utf-8")
    assert tokens[1] == len(big.truncated(330).encode_ordinary(text))
    assert (tmp_path / "s.png").read_bytes().startswith(b"\x89PNG")


def test_eval_never_replaces_a_file_without_force(run, root, tmp_path):
    (tmp_path / "e.md").write_text("mine", encoding="utf-8")
    code, _, err = run("eval", root / "big", "--text", root / "prose.txt", "--markdown", tmp_path / "e.md")
    assert code == 1
    assert "e.md exists; pass --force to replace it" in one_error_line(err)
    assert (tmp_path / "e.md").read_text(encoding="utf-8") == "mine"
    assert run("eval", root / "big", "--text", root / "prose.txt", "--markdown", tmp_path / "e.md", "--force")[0] == 0
    assert (tmp_path / "e.md").read_text(encoding="utf-8").startswith("### bytes per token")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["no-such-tok", "--text", "{root}/prose.txt"], "'no-such-tok' is not a file, a directory or a tiktoken"),
        (["{root}/code", "--text", "{root}/prose.txt"], "is a directory but not a tokenizer"),
        (["{root}/big", "--text", "{root}/bad.txt"], "bad.txt:2: not valid UTF-8 text"),
        (["{root}/big", "--text", "{root}/missing.txt"], "missing.txt: No such file or directory"),
        (["{root}/big", "--sizes", "300,100000", "--text", "{root}/prose.txt"], "vocab_size 100000 is larger than"),
        (["{root}/big", "--sizes", "200", "--text", "{root}/prose.txt"], "vocab_size must be at least 257"),
        (["{root}/big", "{root}/small", "--sizes", "300", "--text", "{root}/prose.txt"], "--sizes takes one TOKENIZER"),
        (["{root}/big", "--baseline", "x", "--text", "{root}/prose.txt"], "baseline 'x' is not one of the tokenizers"),
        (["{root}/big", "--text", "{root}/prose.txt", "--plot", "{root}/p.gif"], "a plot is written as .png or .svg"),
    ],
)
def test_eval_errors_are_one_line(run, root, argv, message):
    code, out, err = run("eval", *(arg.format(root=root) for arg in argv))
    assert code == 1
    assert message in one_error_line(err)
    assert out == ""


def test_eval_usage_errors(run, root):
    code, _, err = run("eval", root / "big", "--sizes", "a,b", "--text", root / "prose.txt")
    assert code == 2 and "expected sizes such as 4096,8192,16384" in err


def test_diff_prints_what_changed_and_what_the_text_uses(run, root, tmp_path):
    code, out, err = run("diff", root / "small", root / "big", "--text", root / "prose.txt", "--top", "3")
    assert code == 0, err
    assert out.startswith(f"A  {root / 'small'}\nB  {root / 'big'}\n\nfirst difference at merge ")
    assert "only in B (first 3 by id):" in out
    assert "'<|endoftext|>' only in B" in out
    assert "B's own tokens in the text:" in out
    code, out, _ = run("diff", root / "big", root / "big", "--json", "-")
    assert code == 0 and json.loads(out)["first_difference"] is None
    assert run("diff", root / "big", root / "small", "--json", tmp_path / "d.json")[0] == 0
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["a"] == str(root / "big")
    code, _, err = run("diff", root / "big", root / "small", "--json", tmp_path / "d.json")
    assert code == 1 and "pass --force" in one_error_line(err)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["{root}/big", "nope"], "'nope' is not a file, a directory or a tiktoken"),
        (["{root}/big", "{root}/small", "--text", "{root}/bad.txt"], "bad.txt:2: not valid UTF-8 text"),
    ],
)
def test_diff_errors_are_one_line(run, root, argv, message):
    code, out, err = run("diff", *(arg.format(root=root) for arg in argv))
    assert code == 1 and out == ""
    assert message in one_error_line(err)


def test_eval_health_reports_each_tokenizer(run, root, tmp_path):
    code, out, err = run("eval", root / "big", root / "small", "--health", "--text", root / "code", "--top", "2")
    assert code == 0, err
    assert out.count("token health of ") == 2
    assert "unreachable (spec §6.7): 13\n      192  not UTF-8" in out
    assert "the texts produce " in out
    code, out, _ = run("eval", root / "big", "--health", "--json", "-")
    reports = json.loads(out)["health"]
    assert reports[0]["never_produced"] is None and len(reports[0]["unreachable"]) == 13
    code, _, err = run("eval", root / "big", "--health", "--sizes", "300")
    assert code == 1 and "--health takes no --sizes" in one_error_line(err)
    code, _, err = run("eval", root / "big")
    assert code == 1 and "--text FILE_OR_DIR" in one_error_line(err)


def test_eval_opens_a_bare_rank_file_with_its_pattern_and_special_tokens(run, root):
    ranks = root / "big" / "tokenizer.tiktoken"
    code, out, err = run("eval", ranks, root / "big", "--text", root / "prose.txt", "--json", "-",
                         "--pattern", "gpt4", "--special-tokens", "<|endoftext|>=399")  # fmt: skip
    assert code == 0, err
    results = json.loads(out)["groups"][0]["results"]
    assert results[str(ranks)]["tokens"] == results[str(root / "big")]["tokens"]
    code, _, err = run("eval", ranks, "--text", root / "prose.txt")
    assert code == 1 and "holds no split pattern" in one_error_line(err)
