"""``bytebpe extend TOKENIZER INPUTS... --vocab-size N --out DIR``: the CLI gives the tokenizer
Tokenizer.extend gives, replaces only with --force, and refuses bad arguments in one line."""

from __future__ import annotations

import warnings

import bytebpe


def test_extend_saves_what_the_library_gives(cli, tmp_path):
    (tmp_path / "a.txt").write_text("the cat sat on the mat\n" * 3, encoding="utf-8")
    (tmp_path / "b.txt").write_text("der Hund und die Katze und der Hund\n" * 3, encoding="utf-8")
    tok = bytebpe.Tokenizer.train([(tmp_path / "a.txt").read_text()], 270, special_tokens=["<|endoftext|>"])
    tok.save(tmp_path / "tok")
    code, out, err = cli("extend", tmp_path / "tok", tmp_path / "b.txt", "--vocab-size", 290, "--out", tmp_path / "x")
    assert code == 0 and out == b"", err
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", bytebpe.FewerMergesWarning)
        expected = tok.extend([(tmp_path / "b.txt").read_text()], 290)
    assert bytebpe.Tokenizer.load(tmp_path / "x") == expected
    assert f"saved to {tmp_path / 'x'}" in err
    again = cli("extend", tmp_path / "tok", tmp_path / "b.txt", "--vocab-size", 290, "--out", tmp_path / "x")
    assert again[0] == 1 and "--force" in again[2]
    forced = cli(
        "extend", tmp_path / "tok", tmp_path / "b.txt", "--vocab-size", 290, "--out", tmp_path / "x", "--force"
    )
    assert forced[0] == 0
    small = cli("extend", tmp_path / "tok", tmp_path / "b.txt", "--vocab-size", 260, "--out", tmp_path / "y")
    assert small[0] == 1 and "at least n_vocab" in small[2] and not (tmp_path / "y").exists()
