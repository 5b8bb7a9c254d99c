"""Importing Hugging Face byte-level BPE tokenizers (Tokenizer.from_huggingface): the ids are
Hugging Face's for every text, with and without add_special_tokens, on both implementations.

Every tokenizer.json is built here: trained by Hugging Face's own trainers on generated text, or
written from generated rank tables and merge lists. Nothing is downloaded or filtered out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tokenizers
from hypothesis import given
from hypothesis import strategies as st
from tokenizers import decoders, models, normalizers, pre_tokenizers, processors, trainers

import bytebpe
from bytebpe.huggingface import UnsupportedComponent, tokenizer_json
from strategies import corpora, hand_written_ranks, texts, vocab_sizes

CORPUS = [
    "hello world, héllo wörld 123 4567!! it's   here\n\n\tand\r\nthere",
    "the cat sat on the mat  \n\n  ok ok ok, the the the",
    "日本語のテキスト 🙂🙂 x  ÄÖÜ ﬁ ½ e\u0301",
    "def f(x):\n    return x ** 2  # ok\n",
] * 8
ADDED = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
LLAMA3_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)


def _bpe(*, ignore_merges: bool = False) -> tokenizers.Tokenizer:
    hf = tokenizers.Tokenizer(models.BPE(ignore_merges=ignore_merges))
    hf.decoder = decoders.ByteLevel()
    return hf


def _train(hf: tokenizers.Tokenizer, vocab_size: int = 420, special_tokens: list[str] = ADDED) -> None:
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    hf.train_from_iterator(CORPUS, trainer)


def gpt2_style() -> tokenizers.Tokenizer:
    """BPE with the ByteLevel pre-tokenizer and its own regex, as GPT-2 and RoBERTa."""
    hf = _bpe()
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    _train(hf)
    hf.post_processor = processors.ByteLevel(trim_offsets=False)
    return hf


def llama3_style() -> tokenizers.Tokenizer:
    """A Split regex, ByteLevel without regex, ignore_merges and a BOS template, as Llama 3."""
    hf = _bpe(ignore_merges=True)
    hf.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(tokenizers.Regex(LLAMA3_REGEX), "isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    _train(hf, special_tokens=["<|begin_of_text|>", "<|end_of_text|>"])
    hf.post_processor = processors.Sequence(
        [
            processors.ByteLevel(trim_offsets=False),
            processors.TemplateProcessing(
                single="<|begin_of_text|> $A",
                special_tokens=[("<|begin_of_text|>", hf.token_to_id("<|begin_of_text|>"))],
            ),
        ]
    )
    return hf


def qwen2_style() -> tokenizers.Tokenizer:
    """NFC, a Split regex that leaves text between its matches (Isolated keeps it), added tokens
    both special and not, as Qwen2."""
    hf = _bpe()
    hf.normalizer = normalizers.NFC()
    hf.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(tokenizers.Regex(r"\p{N}| ?\p{L}+"), "isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    _train(hf)
    hf.add_tokens([tokenizers.AddedToken("<tool>", normalized=False, special=False)])
    return hf


def roberta_style() -> tokenizers.Tokenizer:
    """ByteLevelBPETokenizer's model with NFKC and Lowercase, and RoBERTa's <s> ... </s>."""
    hf = _bpe()
    hf.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    _train(hf, special_tokens=["<s>", "</s>"])
    hf.post_processor = processors.RobertaProcessing(("</s>", 1), ("<s>", 0))
    return hf


DEEPSEEK_REGEXES = [
    r"\p{N}{1,3}",
    r"[一-龥\u3040-ゟ゠-ヿ]+",
    r"[!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+"
    r"| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
]


def deepseek_style() -> tokenizers.Tokenizer:
    """A Sequence of three Splits, each cutting the pieces of the one before, as DeepSeek V3."""
    hf = _bpe()
    splits = [pre_tokenizers.Split(tokenizers.Regex(regex), "isolated") for regex in DEEPSEEK_REGEXES]
    hf.pre_tokenizer = pre_tokenizers.Sequence(
        [*splits, pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]
    )
    _train(hf)
    return hf


def digits_style() -> tokenizers.Tokenizer:
    """Digits one by one, then ByteLevel's own regex."""
    hf = _bpe()
    hf.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False)]
    )
    _train(hf)
    return hf


STYLES = {
    "gpt2": gpt2_style,
    "llama3": llama3_style,
    "qwen2": qwen2_style,
    "roberta": roberta_style,
    "deepseek": deepseek_style,
    "digits": digits_style,
}


@pytest.fixture(scope="module", params=sorted(STYLES))
def trained(request):
    return STYLES[request.param]()


def _with_added_tokens(draw_text: str, added: list[str], draw) -> str:
    pieces = draw(st.lists(st.sampled_from(added) | st.just(draw_text), max_size=4))
    return "".join([draw_text, *pieces])


@given(data=st.data())
def test_trained_tokenizers_give_hugging_faces_ids(impl, trained, data):
    tok = bytebpe.Tokenizer.from_huggingface(trained, implementation=impl.NAME)
    added = [token.content for token in trained.get_added_tokens_decoder().values()]
    samples = [
        _with_added_tokens(data.draw(texts(40)), added, data.draw),
        data.draw(
            st.lists(
                st.sampled_from(["the", " cat", "1", "23", " ", "\n", "é", "e\u0301", "😀", *added]), max_size=12
            ).map("".join)
        ),
        data.draw(st.sampled_from(CORPUS)),
    ]
    for add_special_tokens in (True, False):
        want = [trained.encode(text, add_special_tokens=add_special_tokens).ids for text in samples]
        assert tok.encode_huggingface_batch(samples, add_special_tokens=add_special_tokens) == want
        assert tok.encode_huggingface(samples[0], add_special_tokens=add_special_tokens) == want[0]


def test_every_way_to_name_a_tokenizer_gives_one_model(trained, tmp_path):
    trained.save(str(tmp_path / "tokenizer.json"))
    by_object = bytebpe.Tokenizer.from_huggingface(trained)
    assert bytebpe.Tokenizer.from_huggingface(tmp_path) == by_object
    assert bytebpe.Tokenizer.from_huggingface(tmp_path / "tokenizer.json") == by_object
    assert bytebpe.Tokenizer.from_huggingface(json.loads(trained.to_str())) == by_object
    assert bytebpe.Tokenizer.load(tmp_path) == by_object
    assert bytebpe.Tokenizer.load(tmp_path / "tokenizer.json", implementation="reference") == by_object


def test_a_transformers_tokenizer_is_read_through_its_backend(trained):
    from transformers import PreTrainedTokenizerFast

    wrapped = PreTrainedTokenizerFast(tokenizer_object=trained)
    assert bytebpe.Tokenizer.from_huggingface(wrapped) == bytebpe.Tokenizer.from_huggingface(trained)


@given(corpus=corpora(), vocab_size=vocab_sizes(), samples=st.lists(texts(40), max_size=4))
def test_round_trip_through_the_export_gives_the_same_model(tmp_path_factory, corpus, vocab_size, samples):
    tok = bytebpe.Tokenizer.train(corpus, vocab_size + 1, special_tokens=["<|endoftext|>"])
    directory = tmp_path_factory.mktemp("export") / "tok"
    tok.save_huggingface(directory)
    back = bytebpe.Tokenizer.from_huggingface(directory)
    assert back == tok
    assert back.pattern_name == tok.pattern_name
    assert back.encode_batch(samples, allowed_special="all") == tok.encode_batch(samples, allowed_special="all")


@given(ranks=hand_written_ranks(), pattern=st.sampled_from(["gpt2", "cl100k", r"\S+|\s+", r"[^\n]+$|\n"]))
def test_round_trip_of_hand_written_tables(ranks, pattern):
    # Tables converted from tiktoken-style ranks, named and custom patterns (one with $).
    content = tokenizer_json(ranks, pattern, {"<|x|>": max(ranks.values()) + 5})
    back = bytebpe.Tokenizer.from_huggingface(content)
    assert back.mergeable_ranks == ranks
    assert back.special_tokens == {"<|x|>": max(ranks.values()) + 5}
    hf = tokenizers.Tokenizer.from_str(json.dumps(content))
    for text in ["bcd bcbc", "d\ncc  b\n", "<|x|>bb"]:
        assert back.encode_huggingface(text) == hf.encode(text).ids


def test_an_imported_merge_list_model_exports_with_its_list(trained, tmp_path):
    tok = bytebpe.Tokenizer.from_huggingface(trained)
    tok.save_huggingface(tmp_path / "out")
    again = tokenizers.Tokenizer.from_file(str(tmp_path / "out" / "tokenizer.json"))
    for text in CORPUS[:4]:
        assert again.encode(text).ids == trained.encode(text).ids
    if tok._huggingface is None:  # an imported pipeline comes back with its regexes rendered
        assert bytebpe.Tokenizer.from_huggingface(again) == tok
    with pytest.raises(ValueError, match="merge-list model"):
        tok.save(tmp_path / "bytebpe")
    assert not (tmp_path / "bytebpe").exists()


def test_merge_list_models_survive_pickling_and_moving(trained):
    import pickle

    tok = bytebpe.Tokenizer.from_huggingface(trained)
    for copy in (pickle.loads(pickle.dumps(tok)), tok.with_implementation("reference")):
        assert copy == tok
        assert copy.encode_huggingface(CORPUS[0]) == tok.encode_huggingface(CORPUS[0])


# -- what is refused --------------------------------------------------------------------------


def _content() -> dict:
    return json.loads(gpt2_style().to_str())


def _edit(path: str, value) -> dict:
    content = _content()
    *parents, last = path.split(".")
    target = content
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return content


SPLIT = {"type": "Split", "pattern": {"Regex": r"\s+|\S+"}, "behavior": "Isolated", "invert": False}
BYTES = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}


def _splitting(**changes) -> dict:
    return {"type": "Sequence", "pretokenizers": [{**SPLIT, **changes}, BYTES]}


UNSUPPORTED = [
    ("model.type", "WordPiece", "model WordPiece"),
    ("model.type", "Unigram", "model Unigram"),
    ("model.byte_fallback", True, "byte_fallback"),
    ("model.continuing_subword_prefix", "##", "continuing_subword_prefix"),
    ("model.dropout", 0.1, "dropout"),
    ("normalizer", {"type": "BertNormalizer"}, "normalizer BertNormalizer"),
    ("normalizer", {"type": "StripAccents"}, "normalizer StripAccents"),
    ("pre_tokenizer", None, "no pre-tokenizer"),
    ("pre_tokenizer", {"type": "Whitespace"}, "pre-tokenizer Whitespace"),
    ("pre_tokenizer", {"type": "Digits", "individual_digits": True}, "pre-tokenizer Digits"),
    ("pre_tokenizer", {"type": "Sequence", "pretokenizers": [SPLIT, SPLIT]}, "without ByteLevel"),
    ("pre_tokenizer", {"type": "Sequence", "pretokenizers": [BYTES, SPLIT]}, "after ByteLevel"),
    ("pre_tokenizer", _splitting(behavior="MergedWithPrevious", pattern={"Regex": "a?"}), "empty string"),
    ("pre_tokenizer", _splitting(pattern={"Regex": r"\s+\Z|\S+"}), r"\\Z"),
    ("pre_tokenizer", _splitting(pattern={"Regex": r"\p{N}{1,3}+|\S|\s"}), "counted repeat"),
    ("pre_tokenizer", _splitting(pattern={"Regex": r"\w+|\s"}), r"\\w"),
    ("pre_tokenizer", _splitting(pattern={"Regex": r"a*"}), "empty string"),
    ("post_processor", {"type": "BertProcessingX"}, "post-processor BertProcessingX"),
    ("decoder", {"type": "Metaspace", "replacement": "▁"}, "decoder Metaspace"),
    ("truncation", {"direction": "Right", "max_length": 8, "strategy": "LongestFirst", "stride": 0}, "truncation"),
]


@pytest.mark.parametrize("path, value, named", UNSUPPORTED, ids=[case[2] for case in UNSUPPORTED])
def test_unsupported_components_are_named(path, value, named):
    with pytest.raises(UnsupportedComponent, match=named) as raised:
        bytebpe.Tokenizer.from_huggingface(_edit(path, value))
    assert "bytebpe supports" in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_a_vocabulary_outside_the_byte_map_is_refused():
    content = _content()
    content["model"]["vocab"]["▁hello"] = len(content["model"]["vocab"]) + 10
    with pytest.raises(UnsupportedComponent, match="not written in GPT-2's byte map"):
        bytebpe.Tokenizer.from_huggingface(content)


def test_bad_sources_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Hugging Face tokenizer"):
        bytebpe.Tokenizer.from_huggingface(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{not json")
    with pytest.raises(ValueError, match="is not JSON"):
        bytebpe.Tokenizer.from_huggingface(tmp_path)
    with pytest.raises(TypeError, match="from_huggingface takes a path"):
        bytebpe.Tokenizer.from_huggingface(42)
    content = _content()
    content["model"]["merges"][0] = "a b c"
    with pytest.raises(ValueError, match=r"merges\[0\]"):
        bytebpe.Tokenizer.from_huggingface(content)
    assert Path(tmp_path / "tokenizer.json").read_text() == "{not json"


def test_the_command_line_reads_a_tokenizer_json(tmp_path):
    import subprocess
    import sys

    hf = llama3_style()
    hf.save(str(tmp_path / "tokenizer.json"))
    run = subprocess.run(
        [sys.executable, "-m", "bytebpe", "encode", str(tmp_path / "tokenizer.json")],
        input=CORPUS[0],
        capture_output=True,
        text=True,
        check=True,
    )
    assert [int(i) for i in run.stdout.split()] == hf.encode(CORPUS[0], add_special_tokens=False).ids
    (tmp_path / "bad.json").write_text(json.dumps({**json.loads(hf.to_str()), "model": {"type": "WordPiece"}}))
    run = subprocess.run(
        [sys.executable, "-m", "bytebpe", "encode", str(tmp_path / "bad.json")],
        input="x",
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "bytebpe: error: unsupported Hugging Face component: model WordPiece; bytebpe supports byte-level BPE models"
    )


@given(text=st.text("aB1 '\r\n\té日😀sdtmlvre", max_size=40) | texts(40))
def test_regexes_taken_as_named_patterns_split_alike(text):
    from bytebpe import reference
    from bytebpe.huggingface.split_pattern import EQUIVALENT_NAMES

    for regex, name in EQUIVALENT_NAMES.items():
        assert reference.split(text, bytebpe.PATTERNS[name]) == reference.split(text, regex)
