"""The Hugging Face export: tokenizers and transformers, loaded from what bytebpe writes, give
bytebpe's ids (spec §6) and, with special tokens, tiktoken's ``allowed_special="all"`` ids (§6.5).

Inputs are generated (trained and hand-written rank tables, every named pattern, custom and
random patterns, full Unicode) and real (the running Python's standard library). Nothing is
filtered out: a pattern bytebpe rejects must be rejected by the export too.
"""

from __future__ import annotations

import json
import os
import sys
import sysconfig
import tempfile
from pathlib import Path

import pytest
import tiktoken
import tokenizers
from hypothesis import given, settings
from hypothesis import strategies as st

import bytebpe
from bytebpe import atomic
from bytebpe.huggingface import bytes_to_unicode, oniguruma_pattern, save_huggingface, to_huggingface, tokenizer_json
from strategies import CUSTOM_PATTERNS, NAMED_PATTERNS, corpora, hand_written_ranks, patterns, texts, vocab_sizes

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SPECIAL_STRINGS = ["<|endoftext|>", "<|bos|>", "<|user_start|>", "<|user_end|>", "<|assistant_start|>"]
CHAR_BYTES = {char: byte for byte, char in bytes_to_unicode().items()}

# Loading transformers per Hypothesis example is slow; these tests take a fifth of the examples
# of the active profile (so `make test-thorough` still runs ten times as many).
FEWER = settings(max_examples=max(10, settings().max_examples // 5))


@pytest.fixture(scope="module")
def transformers():
    # Offline before the first import: huggingface_hub reads these when it is imported. The
    # warning that PyTorch is missing is expected; only the tokenizer classes are used.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("TRANSFORMERS_OFFLINE", "1")
        import transformers

        yield transformers


def stdlib_text(*names: str) -> list[str]:
    return [(STDLIB / name).read_text(encoding="utf-8") for name in names]


def covers_everything(pattern: str) -> bool:
    # Named patterns match every character (spec §2.4.3), so decoding gives the text back.
    return pattern in bytebpe.PATTERNS


def outcome(function, *args, **kwargs):
    try:
        return "ok", function(*args, **kwargs)
    except (ValueError, TypeError) as err:
        return "error", type(err)


def hf_pieces(hf: tokenizers.Tokenizer, text: str) -> list[str]:
    """The pieces the exported pre-tokenizer makes, mapped back from GPT-2's characters."""
    return [bytes(CHAR_BYTES[c] for c in piece).decode("utf-8") for piece, _ in hf.pre_tokenizer.pre_tokenize_str(text)]


@st.composite
def dense_ranks(draw: st.DrawFn) -> dict[bytes, int]:
    """A table that holds many substrings of a few words, in random rank order: most tokens can
    be joined from several splits, the case where the order of the merges list could matter."""
    alphabet = draw(st.sampled_from([b"ab", b"abc", b"abcd"]))
    byte_order = draw(st.permutations(range(256)))
    ranks = {bytes([b]): rank for rank, b in enumerate(byte_order)}
    words = draw(st.lists(st.binary(min_size=3, max_size=7), min_size=1, max_size=3))
    tokens = sorted(
        {
            word[i:j]
            for word in (bytes(alphabet[x % len(alphabet)] for x in raw) for raw in words)
            for i in range(len(word))
            for j in range(i + 2, len(word) + 1)
        }
    )
    tokens = [t for t in draw(st.permutations(tokens)) if draw(st.booleans()) or len(tokens) < 4]
    for offset, token in enumerate(tokens):
        ranks[token] = 256 + 2 * offset
    return ranks


@st.composite
def specials_for(draw: st.DrawFn, ranks: dict[bytes, int]) -> dict[str, int]:
    """Special tokens with ids in the gaps of the ranks or past them, in any order."""
    used = set(ranks.values())
    free = [i for i in range(max(used) + 40) if i not in used]
    strings = draw(st.lists(st.sampled_from(SPECIAL_STRINGS), min_size=1, unique=True))
    ids = draw(st.lists(st.sampled_from(free), min_size=len(strings), max_size=len(strings), unique=True))
    return dict(zip(strings, ids, strict=True))


def with_specials(specials: list[str]) -> st.SearchStrategy[str]:
    """Texts with special-token strings anywhere: adjacent, at both ends, or none at all."""
    return st.lists(st.one_of(texts(20), st.sampled_from(specials)), max_size=8).map("".join)


# ---------------------------------------------------------------------------------------------
# GPT-2's byte map


def test_bytes_to_unicode_is_gpt2s_map():
    mapping = bytes_to_unicode()
    assert sorted(mapping) == list(range(256))
    assert len(set(mapping.values())) == 256
    assert all(char.isprintable() and not char.isspace() for char in mapping.values())
    assert mapping[ord(" ")] == "Ġ" and mapping[ord("\n")] == "Ċ"
    assert mapping[ord("a")] == "a" and mapping[ord("!")] == "!" and mapping[0xFF] == "ÿ"
    shifted = [b for b in range(256) if mapping[b] != chr(b)]
    assert len(shifted) == 68
    assert [mapping[b] for b in shifted] == [chr(0x100 + n) for n in range(68)]


# ---------------------------------------------------------------------------------------------
# Splitting: the exported pattern makes the spec's pieces in Oniguruma.


@given(pattern=patterns(), probes=st.lists(texts(60), max_size=4))
def test_pieces_are_the_specs(reference, pattern, probes):
    expected = outcome(reference.split, "", pattern)
    ranks = {bytes([b]): b for b in range(256)}
    exported = outcome(to_huggingface, ranks, pattern)
    assert exported[0] == expected[0], exported  # rejected by both or by neither
    if exported[0] == "error":
        return
    hf = exported[1]
    for text in probes:
        assert hf_pieces(hf, text) == reference.split(text, pattern)


def test_oniguruma_reads_cl100k_possessive_repeat_as_the_spec_does(reference):
    # Oniguruma's Ruby syntax reads \p{N}{1,3}+ as (?:\p{N}{1,3})+: handed over as written,
    # cl100k would keep "12345" whole. The rendered pattern splits it as tiktoken does.
    hf = to_huggingface({bytes([b]): b for b in range(256)}, "cl100k")
    assert (
        hf_pieces(hf, "12345 678901") == reference.split("12345 678901", "cl100k") == ["123", "45", " ", "678", "901"]
    )
    raw = tokenizers.pre_tokenizers.Split(tokenizers.Regex(bytebpe.PATTERNS["cl100k"]), behavior="isolated")
    assert [piece for piece, _ in raw.pre_tokenize_str("12345")] == ["12345"]


@pytest.mark.slow
@pytest.mark.parametrize("pattern", NAMED_PATTERNS)
def test_every_scalar_value_splits_like_the_spec(fast, pattern):
    # Not sampled: every Unicode scalar value, in one template that puts it after a letter,
    # before an apostrophe, after a space, next to itself, before a digit and before a newline.
    hf = to_huggingface({bytes([b]): b for b in range(256)}, pattern)
    byte_chars = bytes_to_unicode()
    mismatches = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        text = f"x{c}'S {c}{c}1 {c}\n"
        expected = ["".join(byte_chars[b] for b in piece.encode()) for piece in fast.split(text, pattern)]
        if [piece for piece, _ in hf.pre_tokenizer.pre_tokenize_str(text)] != expected:
            mismatches.append(text)
    assert not mismatches, f"{len(mismatches)} texts split differently, e.g. {mismatches[:5]!r}"


@pytest.mark.parametrize(
    "pattern, text",
    [
        (r"(?s:.{2})|\n", "ab\ncd"),  # (?s) is an error in Ruby syntax
        (r"a{2}?|.", "aaab"),  # Ruby reads x{n}? as (?:x{n})?
        (r"^a|a$|[\s\S]", "a\na\na"),  # Ruby's ^ and $ always work at line breaks
        (r"a\Z|[\s\S]", "a\n"),  # Ruby's \Z also matches before a final newline
        (r"[ab]+|.", "ab\nba\n"),  # text no match covers is dropped (spec §2.4.3)
        (r"(?<=a)b|(?<![ab])\s|.", "ab b\n \n"),
        (r"[^\s\S]+|a|b", "abc"),  # a class that matches nothing
    ],
)
def test_patterns_that_oniguruma_reads_differently_as_written(reference, pattern, text):
    hf = to_huggingface({bytes([b]): b for b in range(256)}, pattern)
    assert hf_pieces(hf, text) == reference.split(text, pattern)


@pytest.mark.parametrize("pattern", [r"(?<=(?=a)a)b|.", r"(?<=a\z)|.", r"(?<!a(?!b))c|."])
def test_constructs_oniguruma_cannot_run_in_a_lookbehind_are_rejected(reference, pattern):
    reference.split("ab", pattern)  # valid in the spec
    with pytest.raises(ValueError, match="inside a lookbehind"):
        tokenizer_json({bytes([b]): b for b in range(256)}, pattern)


def test_invalid_patterns_are_rejected_like_bytebpe_rejects_them():
    ranks = {bytes([b]): b for b in range(256)}
    with pytest.raises(ValueError, match="position"):
        tokenizer_json(ranks, r"\w+")
    with pytest.raises(TypeError):
        tokenizer_json(ranks, 42)


# ---------------------------------------------------------------------------------------------
# Encoding: tokenizers gives bytebpe's ids.


@given(corpus=corpora(), vocab_size=vocab_sizes(), pattern=patterns(), probes=st.lists(texts(80), max_size=5))
def test_trained_vocabularies_encode_alike(corpus, vocab_size, pattern, probes):
    trained = outcome(bytebpe.Tokenizer.train, corpus, vocab_size, pattern=pattern, implementation="fast")
    if trained[0] == "error":
        with pytest.raises(trained[1]):
            tokenizer_json({bytes([b]): b for b in range(256)}, pattern)
        return
    tok = trained[1]
    hf = to_huggingface(tok.mergeable_ranks, tok.pattern)
    for text in [*corpus, *probes]:
        ids = hf.encode(text).ids
        assert ids == tok.encode_ordinary(text)
        assert hf.decode(ids) == tok.decode(ids)
        if covers_everything(pattern):
            assert hf.decode(ids) == text


def token_texts(ranks: dict[bytes, int]) -> st.SearchStrategy[str]:
    """Texts made of a table's own tokens: pieces that are whole tokens (spec §6.1), or that
    hold several, are where hand-written tables differ from merge replay."""
    words = sorted(token.decode("ascii") for token in ranks if len(token) > 1 and token.isascii())
    if not words:
        return st.just("")
    return st.lists(st.sampled_from(words) | st.sampled_from([" ", "a", "\n"]), max_size=6).map("".join)


@given(
    data=st.data(),
    ranks=hand_written_ranks() | dense_ranks(),
    pattern=st.sampled_from([*NAMED_PATTERNS, *CUSTOM_PATTERNS]),
)
def test_hand_written_ranks_encode_alike(data, ranks, pattern):
    probes = data.draw(st.lists(texts(40) | st.text("abcd ", max_size=40) | token_texts(ranks), max_size=6))
    tok = bytebpe.Tokenizer.from_ranks(ranks, pattern)
    hf = to_huggingface(ranks, pattern)
    for text in probes:
        ids = hf.encode(text).ids
        assert ids == tok.encode_ordinary(text)
        assert hf.decode(ids) == tok.decode(ids)


def test_every_split_is_a_merge():
    # Spec §6.2's example: (a, bc) is not abc's merge by §5.3, yet "xabc" needs it.
    ranks = {bytes([b]): b for b in range(256)} | {b"bc": 256, b"ab": 257, b"abc": 258}
    merges = tokenizer_json(ranks, "gpt4")["model"]["merges"]
    assert merges == ["b c", "a b", "a bc", "ab c"]
    assert to_huggingface(ranks, "gpt4").encode("xabc").ids == [ord("x"), 258]
    assert bytebpe.Tokenizer.from_ranks(ranks, "gpt4").encode_ordinary("xabc") == [ord("x"), 258]


def test_tokens_reachable_only_as_whole_pieces():
    # b"bbb" has no split into two tokens; only the whole-piece lookup (ignore_merges) finds it.
    ranks = {bytes([b]): b for b in range(256)} | {b"bbb": 300, b" b": 301}
    hf = to_huggingface(ranks, r"\S+|\s+")
    tok = bytebpe.Tokenizer.from_ranks(ranks, r"\S+|\s+")
    for text in ["bbb", "bbbb", "bbb bbb", " bbb"]:
        assert hf.encode(text).ids == tok.encode_ordinary(text)
    assert hf.encode("bbb").ids == [300]


@given(data=st.data(), ranks=hand_written_ranks() | dense_ranks())
def test_any_id_sequence_decodes_alike(data, ranks):
    # Including sequences that cut UTF-8 characters: both replace invalid bytes the same way.
    ids = data.draw(st.lists(st.sampled_from(sorted(ranks.values())), max_size=12))
    tok = bytebpe.Tokenizer.from_ranks(ranks, "gpt4")
    assert to_huggingface(ranks, "gpt4").decode(ids) == tok.decode(ids)


# ---------------------------------------------------------------------------------------------
# Special tokens: tokenizers and tiktoken agree (tiktoken's allowed_special="all").


@given(data=st.data(), ranks=hand_written_ranks() | dense_ranks(), pattern=st.sampled_from(NAMED_PATTERNS))
def test_special_tokens_encode_like_tiktoken_on_hand_written_ranks(data, ranks, pattern):
    specials = data.draw(specials_for(ranks))
    enc = tiktoken.Encoding("x", pat_str=bytebpe.PATTERNS[pattern], mergeable_ranks=ranks, special_tokens=specials)
    hf = to_huggingface(ranks, pattern, specials)
    for text in data.draw(st.lists(with_specials(list(specials)), min_size=1, max_size=4)):
        ids = hf.encode(text).ids
        assert ids == enc.encode(text, allowed_special="all")
        assert hf.decode(ids, skip_special_tokens=False) == text


@given(data=st.data(), corpus=corpora(), vocab_size=vocab_sizes(), pattern=st.sampled_from(NAMED_PATTERNS))
def test_special_tokens_encode_like_tiktoken_on_trained_vocabularies(data, corpus, vocab_size, pattern):
    tok = bytebpe.Tokenizer.train(corpus, vocab_size, pattern=pattern)
    ranks = tok.mergeable_ranks
    specials = data.draw(specials_for(ranks))
    enc = tiktoken.Encoding("x", pat_str=tok.pattern, mergeable_ranks=ranks, special_tokens=specials)
    hf = to_huggingface(ranks, pattern, specials)
    for text in data.draw(st.lists(with_specials(list(specials)), min_size=1, max_size=4)):
        ids = hf.encode(text).ids
        assert ids == enc.encode(text, allowed_special="all")
        assert hf.decode(ids, skip_special_tokens=False) == text


def test_special_tokens_adjacent_and_at_the_ends():
    ranks = {bytes([b]): b for b in range(256)} | {b"<|": 256, b"|>": 257}
    specials = {"<|endoftext|>": 1000, "<|bos|>": 258, "<|user_start|>": 5}  # 5 is taken: see below
    with pytest.raises(ValueError, match="rank table gives"):
        to_huggingface(ranks, "gpt4", specials)
    specials["<|user_start|>"] = 2**32 - 1
    hf = to_huggingface(ranks, "gpt4", specials)
    enc = tiktoken.Encoding("x", pat_str=bytebpe.PATTERNS["gpt4"], mergeable_ranks=ranks, special_tokens=specials)
    for text in ["<|bos|><|bos|>", "<|bos|>x<|endoftext|>", "<|user_start|> <|", "<|endoftext|", "|><|bos|>|>", ""]:
        assert hf.encode(text).ids == enc.encode(text, allowed_special="all")
    assert hf.encode("<|bos|><|endoftext|>").ids == [258, 1000]


def test_special_token_errors():
    ranks = {bytes([b]): b for b in range(256)} | {b" hello": 256}
    with pytest.raises(ValueError, match="rank table gives"):
        tokenizer_json(ranks, "gpt4", {"<|endoftext|>": 256})
    with pytest.raises(ValueError, match="has id 300, which another special token has too"):
        tokenizer_json(ranks, "gpt4", {"<|a|>": 300, "<|b|>": 300})
    with pytest.raises(ValueError, match="non-empty"):
        tokenizer_json(ranks, "gpt4", {"": 300})
    with pytest.raises(TypeError):
        tokenizer_json(ranks, "gpt4", {"<|a|>": "300"})
    with pytest.raises(ValueError, match="at most 4294967295"):
        tokenizer_json(ranks, "gpt4", {"<|a|>": 2**32})
    # Written in GPT-2's characters, a special would stand for a token's string ...
    with pytest.raises(ValueError, match="also the Hugging Face string"):
        tokenizer_json(ranks, "gpt4", {"Ġhello": 300})
    with pytest.raises(ValueError, match="also the Hugging Face string"):
        tokenizer_json(ranks, "gpt4", {"!": 300})
    # ... or for another text, which Hugging Face would then encode as the special.
    with pytest.raises(ValueError, match="would encode the text ' world'"):
        tokenizer_json(ranks, "gpt4", {"Ġworld": 300})


def test_a_special_token_in_printable_ascii_keeps_its_id():
    # Its Hugging Face string is its own text, which is always taken as the special token.
    ranks = {bytes([b]): b for b in range(256)}
    hf = to_huggingface(ranks, "gpt4", {"END": 400})
    assert hf.encode("THE END").ids == [ord("T"), ord("H"), ord("E"), ord(" "), 400]


# ---------------------------------------------------------------------------------------------
# Saved directories: tokenizers.Tokenizer.from_file and transformers load the same ids.


def check_directory(directory: Path, transformers, tok: bytebpe.Tokenizer, specials: dict[str, int], texts):
    enc = tiktoken.Encoding("x", pat_str=tok.pattern, mergeable_ranks=tok.mergeable_ranks, special_tokens=specials)
    from_file = tokenizers.Tokenizer.from_file(str(directory / "tokenizer.json"))
    fast = transformers.PreTrainedTokenizerFast.from_pretrained(str(directory))
    auto = transformers.AutoTokenizer.from_pretrained(str(directory))
    for text in texts:
        expected = enc.encode(text, allowed_special="all")
        assert from_file.encode(text).ids == expected
        assert fast.encode(text, add_special_tokens=False) == expected
        assert auto.encode(text, add_special_tokens=False) == expected
        assert fast.encode(text) == expected  # no post-processor: nothing is added
        assert fast.decode(expected) == text
        if not any(s in text for s in specials):
            assert expected == tok.encode_ordinary(text)
    return fast


@FEWER
@given(data=st.data(), corpus=corpora(), vocab_size=vocab_sizes(), pattern=st.sampled_from(NAMED_PATTERNS))
def test_saved_directory_loads_with_the_same_ids(transformers, data, corpus, vocab_size, pattern):
    tok = bytebpe.Tokenizer.train(corpus, vocab_size, pattern=pattern)
    specials = data.draw(specials_for(tok.mergeable_ranks) | st.just({}))
    probes = data.draw(st.lists(with_specials(list(specials) or ["<|bos|>"]), max_size=4))
    with tempfile.TemporaryDirectory() as parent:
        directory = save_huggingface(Path(parent) / "tok", tok.mergeable_ranks, tok.pattern, specials)
        check_directory(directory, transformers, tok, specials, [*corpus, *probes])


@FEWER
@given(ranks=hand_written_ranks() | dense_ranks(), probes=st.lists(texts(40) | st.text("abcd ", max_size=40)))
def test_saved_hand_written_ranks_load_with_the_same_ids(transformers, ranks, probes):
    tok = bytebpe.Tokenizer.from_ranks(ranks, "gpt4")
    with tempfile.TemporaryDirectory() as parent:
        directory = save_huggingface(Path(parent) / "tok", ranks, "gpt4")
        check_directory(directory, transformers, tok, {}, probes)


def test_tokenizer_config(transformers, tmp_path):
    ranks = {bytes([b]): b for b in range(256)}
    specials = {"<|bos|>": 256, "<|endoftext|>": 257, "<|pad|>": 258, "<|user_start|>": 259}
    save_huggingface(tmp_path, ranks, "gpt4", specials, model_max_length=2048)
    config = json.loads((tmp_path / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config == {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "clean_up_tokenization_spaces": False,
        "bos_token": "<|bos|>",
        "eos_token": "<|endoftext|>",
        "pad_token": "<|pad|>",
        "model_max_length": 2048,
    }
    fast = transformers.PreTrainedTokenizerFast.from_pretrained(str(tmp_path))
    assert (fast.bos_token_id, fast.eos_token_id, fast.pad_token_id) == (256, 257, 258)
    assert fast.model_max_length == 2048
    assert fast.decode(fast.encode("<|user_start|>hi"), skip_special_tokens=True) == "hi"
    # transformers' own save keeps the ids.
    fast.save_pretrained(str(tmp_path / "resaved"))
    again = transformers.PreTrainedTokenizerFast.from_pretrained(str(tmp_path / "resaved"))
    assert again.encode("<|bos|> hi<|endoftext|>") == fast.encode("<|bos|> hi<|endoftext|>") == [256, 32, 104, 105, 257]

    save_huggingface(tmp_path, ranks, "gpt4", {"<|user_start|>": 300}, overwrite=True)
    assert json.loads((tmp_path / "tokenizer_config.json").read_text(encoding="utf-8")) == {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "clean_up_tokenization_spaces": False,
        "model_max_length": 2048,  # not transformers' 10^30 sentinel
    }


# ---------------------------------------------------------------------------------------------
# Real text nobody on this project wrote: the running Python's standard library.


@pytest.mark.parametrize("pattern", NAMED_PATTERNS)
def test_real_text_encodes_alike(transformers, tmp_path, pattern):
    tok = bytebpe.Tokenizer.train(stdlib_text("os.py", "textwrap.py", "heapq.py"), 2000, pattern=pattern)
    held_out = stdlib_text("argparse.py", "difflib.py", "tokenize.py")
    expected = tok.encode_ordinary_batch(held_out)
    hf = to_huggingface(tok.mergeable_ranks, tok.pattern)
    assert [encoding.ids for encoding in hf.encode_batch(held_out)] == expected
    assert hf.decode_batch(expected) == held_out
    save_huggingface(tmp_path, tok.mergeable_ranks, tok.pattern, {"<|endoftext|>": 2000})
    fast = transformers.PreTrainedTokenizerFast.from_pretrained(str(tmp_path))
    assert [fast.encode(text, add_special_tokens=False) for text in held_out] == expected
    joined = "<|endoftext|>".join(held_out)
    assert fast.encode(joined) == [*expected[0], 2000, *expected[1], 2000, *expected[2]]


# ---------------------------------------------------------------------------------------------
# Saving is atomic.


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


RANKS = {bytes([b]): b for b in range(256)} | {b"ab": 256}
OTHER_RANKS = {bytes([b]): b for b in range(256)} | {b"cd": 256}


def test_save_into_a_new_or_empty_directory(tmp_path):
    target = save_huggingface(tmp_path / "a" / "b", RANKS, "gpt4")
    assert target == (tmp_path / "a" / "b").resolve()
    assert sorted(os.listdir(target)) == ["tokenizer.json", "tokenizer_config.json"]
    (tmp_path / "empty").mkdir()
    save_huggingface(tmp_path / "empty", RANKS, "gpt4")
    assert tokenizers.Tokenizer.from_file(str(tmp_path / "empty" / "tokenizer.json")).encode("ab").ids == [256]
    assert sorted(os.listdir(tmp_path)) == ["a", "empty"]


def test_overwriting_a_previous_export_keeps_other_files(tmp_path):
    target = tmp_path / "model"
    save_huggingface(target, RANKS, "gpt4", {"<|bos|>": 300})
    (target / "model.safetensors").write_bytes(b"weights")
    (target / "special_tokens_map.json").write_text('{"bos_token": "<s>"}', encoding="utf-8")  # stale
    (target / "sub").mkdir()
    (target / "sub" / "notes.txt").write_text("kept", encoding="utf-8")
    with pytest.raises(FileExistsError, match="pass overwrite=True"):
        save_huggingface(target, OTHER_RANKS, "gpt4")
    save_huggingface(target, OTHER_RANKS, "gpt4", overwrite=True)
    assert tokenizers.Tokenizer.from_file(str(target / "tokenizer.json")).encode("abcd").ids == [97, 98, 256]
    assert sorted(os.listdir(target)) == ["model.safetensors", "sub", "tokenizer.json", "tokenizer_config.json"]
    assert (target / "model.safetensors").read_bytes() == b"weights"
    assert (target / "sub" / "notes.txt").read_text(encoding="utf-8") == "kept"
    assert os.listdir(tmp_path) == ["model"]


def test_refuses_to_replace_what_is_not_an_export(tmp_path):
    unrelated = tmp_path / "unrelated"
    unrelated.mkdir()
    (unrelated / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match=r"holds no tokenizer\.json"):
        save_huggingface(unrelated, RANKS, "gpt4")
    assert snapshot(unrelated) == {"notes.txt": b"mine"}
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError, match="not a directory"):
        save_huggingface(tmp_path / "file", RANKS, "gpt4")
    assert sorted(os.listdir(tmp_path)) == ["file", "unrelated"]


def test_invalid_model_writes_nothing(tmp_path):
    with pytest.raises(ValueError):
        save_huggingface(tmp_path / "x", {b"a": 0}, "gpt4")
    with pytest.raises(ValueError):
        save_huggingface(tmp_path / "x", RANKS, "gpt4", model_max_length=0)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failure_while_writing_leaves_the_previous_export(tmp_path, monkeypatch, error):
    target = tmp_path / "tok"
    save_huggingface(target, RANKS, "gpt4", {"<|bos|>": 300})
    (target / "model.safetensors").write_bytes(b"weights")
    before = snapshot(target)
    real_write = atomic._write_file

    def write_half_then_fail(path, data):
        # Half of the tokenizer.json is on disk when the failure comes.
        real_write(path, data[: len(data) // 2])
        raise error

    monkeypatch.setattr(atomic, "_write_file", write_half_then_fail)
    with pytest.raises(type(error)):
        save_huggingface(target, OTHER_RANKS, "gpt4", overwrite=True)
    assert snapshot(target) == before
    assert os.listdir(tmp_path) == ["tok"]  # no temporary directory left behind
    # The same for a first save: nothing at all is left.
    with pytest.raises(type(error)):
        save_huggingface(tmp_path / "new", OTHER_RANKS, "gpt4")
    assert os.listdir(tmp_path) == ["tok"]


def test_a_failure_on_the_second_file_or_the_swap_leaves_the_previous_export(tmp_path, monkeypatch):
    target = tmp_path / "tok"
    save_huggingface(target, RANKS, "gpt4")
    before = snapshot(target)
    real_write, written = atomic._write_file, []

    def fail_on_second(path, content):
        written.append(path.name)
        if len(written) == 2:
            raise OSError("no space left")
        real_write(path, content)

    monkeypatch.setattr(atomic, "_write_file", fail_on_second)
    with pytest.raises(OSError, match="no space left"):
        save_huggingface(target, OTHER_RANKS, "gpt4", overwrite=True)
    assert written == ["tokenizer.json", "tokenizer_config.json"]
    assert snapshot(target) == before and os.listdir(tmp_path) == ["tok"]
    monkeypatch.undo()

    real_rename, renames = os.rename, []

    def fail_on_second_rename(source, destination):
        renames.append((source, destination))
        if len(renames) == 2:  # the old export has stepped aside; the new one fails to move in
            raise OSError("rename failed")
        real_rename(source, destination)

    # Where the file system cannot exchange two directories in one step, they are swapped by two
    # renames; the second one fails here.
    monkeypatch.setattr(atomic, "_exchange", lambda staging, target: False)
    monkeypatch.setattr(os, "rename", fail_on_second_rename)
    with pytest.raises(OSError, match="rename failed"):
        save_huggingface(target, OTHER_RANKS, "gpt4", overwrite=True)
    monkeypatch.undo()
    assert snapshot(target) == before and os.listdir(tmp_path) == ["tok"]

    def failed_exchange(staging, target):
        raise OSError("exchange failed")

    monkeypatch.setattr(atomic, "_exchange", failed_exchange)
    with pytest.raises(OSError, match="exchange failed"):
        save_huggingface(target, OTHER_RANKS, "gpt4", overwrite=True)
    monkeypatch.undo()
    assert snapshot(target) == before and os.listdir(tmp_path) == ["tok"]
    save_huggingface(target, OTHER_RANKS, "gpt4", overwrite=True)
    assert snapshot(target) != before and os.listdir(tmp_path) == ["tok"]


def test_directory_permissions_follow_the_umask(tmp_path):
    target = save_huggingface(tmp_path / "tok", RANKS, "gpt4")
    probe = tmp_path / "probe"
    probe.mkdir()
    assert target.stat().st_mode == probe.stat().st_mode


# ---------------------------------------------------------------------------------------------
# Without the tokenizers package


def test_without_tokenizers_only_to_huggingface_needs_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # makes `import tokenizers` fail
    with pytest.raises(ImportError, match="pip install tokenizers"):
        to_huggingface(RANKS, "gpt4")
    assert tokenizer_json(RANKS, "gpt4")["model"]["vocab"]["ab"] == 256
    save_huggingface(tmp_path / "tok", RANKS, "gpt4")
    assert (tmp_path / "tok" / "tokenizer.json").is_file()


def test_oniguruma_pattern_of_named_patterns_compiles():
    for name in NAMED_PATTERNS:
        tokenizers.Regex(oniguruma_pattern(name))
        assert oniguruma_pattern(name) == oniguruma_pattern(bytebpe.PATTERNS[name])
