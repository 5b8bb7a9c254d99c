"""What save_huggingface writes for transformers beside tokenizer.json: special-token roles as
asked or by convention, padding that works, model_max_length, and chat templates (nanochat's gives
the ids of nanochat's own chat format). transformers is the oracle; nothing is downloaded.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bytebpe
from bytebpe.huggingface.chat_templates import NANOCHAT
from bytebpe.huggingface.config import DEFAULT_MODEL_MAX_LENGTH
from bytebpe.nanochat import SPECIAL_TOKENS
from bytebpe.nanochat.conversation import render_conversation, render_for_completion
from strategies import texts

transformers = pytest.importorskip("transformers")

CORPUS = ["hello world, héllo wörld 123 4567!! it's here\n\n\tand\r\nthere", "日本語 🙂 def f(x): return x"] * 8


@pytest.fixture(scope="module")
def nanochat_export(tmp_path_factory):
    tok = bytebpe.Tokenizer.train(CORPUS, 320, special_tokens=list(SPECIAL_TOKENS))
    directory = tok.save_huggingface(tmp_path_factory.mktemp("hf") / "nanochat", chat_template=NANOCHAT)
    return tok, transformers.AutoTokenizer.from_pretrained(str(directory))


# Message text without special-token strings: Hugging Face tokenizes the rendered string, where
# nanochat encodes each message as plain text (chat_templates.py says so).
message_texts = texts(20).filter(lambda text: "<|" not in text)
parts = st.fixed_dictionaries({"type": st.sampled_from(["text", "python", "python_output"]), "text": message_texts})


@st.composite
def conversations(draw) -> dict:
    messages = [{"role": "system", "content": draw(message_texts)}] if draw(st.booleans()) else []
    for turn in range(draw(st.integers(1, 4))):
        if turn % 2 == 0:
            messages.append({"role": "user", "content": draw(message_texts)})
        else:
            content = draw(message_texts | st.lists(parts, min_size=1, max_size=3))
            messages.append({"role": "assistant", "content": content})
    return {"messages": messages}


def _ids(rendered) -> list[int]:
    return list(rendered["input_ids"] if hasattr(rendered, "keys") else rendered)


@settings(max_examples=60)
@given(conversation=conversations())
def test_the_nanochat_template_gives_nanochats_ids(nanochat_export, conversation):
    tok, hf = nanochat_export
    special = tok.special_tokens.__getitem__
    bos = special("<|bos|>")
    want, _mask = render_conversation(conversation, tok.encode_ordinary, special, bos, None)
    assert _ids(hf.apply_chat_template(conversation["messages"], tokenize=True)) == want
    if conversation["messages"][-1]["role"] == "assistant":
        prompt = render_for_completion(conversation, tok.encode_ordinary, special, bos)
        asked = hf.apply_chat_template(conversation["messages"][:-1], tokenize=True, add_generation_prompt=True)
        assert _ids(asked) == prompt


@settings(max_examples=30)
@given(batch=st.lists(texts(30), min_size=1, max_size=5))
def test_padding_works_with_any_tokenizer_that_has_an_end_or_start_token(nanochat_export, batch):
    tok, hf = nanochat_export
    padded = hf(batch, padding=True)
    for text, ids, mask in zip(batch, padded["input_ids"], padded["attention_mask"], strict=True):
        kept = [token for token, on in zip(ids, mask, strict=True) if on]
        assert kept == tok.encode(text, allowed_special="all")
        assert ids[len(kept) :] == [tok.special_tokens["<|bos|>"]] * (len(ids) - len(kept))


def test_roles_as_asked_or_by_convention(tmp_path):
    tok = bytebpe.Tokenizer.train(CORPUS, 300, special_tokens=["<|endoftext|>", "<|fill|>", "<unk>"])
    conventional = json.loads((tok.save_huggingface(tmp_path / "a") / "tokenizer_config.json").read_text())
    assert conventional["eos_token"] == conventional["pad_token"] == "<|endoftext|>"
    assert conventional["unk_token"] == "<unk>" and "bos_token" not in conventional
    assert conventional["model_max_length"] == DEFAULT_MODEL_MAX_LENGTH
    directory = tok.save_huggingface(
        tmp_path / "b", bos_token="<|endoftext|>", pad_token="<|fill|>", model_max_length=512
    )
    hf = transformers.AutoTokenizer.from_pretrained(str(directory))
    assert (hf.bos_token, hf.eos_token, hf.pad_token, hf.model_max_length) == (
        "<|endoftext|>",
        "<|endoftext|>",
        "<|fill|>",
        512,
    )
    assert hf(["hi", "hello there"], padding=True)["input_ids"][0][-1] == tok.special_tokens["<|fill|>"]


def test_bad_roles_and_templates_are_refused_before_anything_is_written(tmp_path):
    tok = bytebpe.Tokenizer.train(CORPUS, 300, special_tokens=["<|endoftext|>"])
    with pytest.raises(ValueError, match="pad_token '<pad>' is not a special token"):
        tok.save_huggingface(tmp_path / "out", pad_token="<pad>")
    with pytest.raises(TypeError, match="eos_token must be a str"):
        tok.save_huggingface(tmp_path / "out", eos_token=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="chat_template must be a str"):
        tok.save_huggingface(tmp_path / "out", chat_template=["{{ x }}"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="model_max_length must be a positive int"):
        tok.save_huggingface(tmp_path / "out", model_max_length=0)
    assert not (tmp_path / "out").exists()
