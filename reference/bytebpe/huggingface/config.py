"""The ``tokenizer_config.json`` of an export: what ``transformers`` needs beyond tokenizer.json.

The special-token roles (bos, eos, pad, unk), as asked or, where not asked, by conventional
names; the pad token falls back to the eos token, then the bos token (the attention mask hides
padding, so any token does), so that ``tokenizer(batch, padding=True)`` works on any export with
one; a ``chat_template`` (Jinja, as transformers' ``apply_chat_template`` runs it); and
``model_max_length``, 2048 unless asked (transformers would otherwise write its 10^30 sentinel,
which disables truncation and its warnings).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

DEFAULT_MODEL_MAX_LENGTH = 2048
ROLES = ("bos_token", "eos_token", "pad_token", "unk_token")

# Conventional names, most specific first: a special token with one of these strings fills that
# role where the caller names none. No role is guessed beyond these (a model that wants
# <|endoftext|> as its BOS too says so).
_CONVENTIONAL = {
    "bos_token": ("<|bos|>", "<|begin_of_text|>", "<|startoftext|>", "<s>"),
    "eos_token": ("<|eos|>", "<|endoftext|>", "<|end_of_text|>", "</s>"),
    "pad_token": ("<|pad|>", "<|padding|>", "<pad>"),
    "unk_token": ("<unk>", "<|unk|>"),
}


def _check_length(model_max_length: Any) -> int:
    if model_max_length is None:
        return DEFAULT_MODEL_MAX_LENGTH
    if isinstance(model_max_length, bool) or not isinstance(model_max_length, int) or model_max_length <= 0:
        raise ValueError(f"model_max_length must be a positive int or None, not {model_max_length!r}")
    return model_max_length


def tokenizer_config(
    tokens: Collection[str],
    *,
    roles: Mapping[str, str | None],
    model_max_length: int | None = None,
    chat_template: str | None = None,
) -> dict[str, Any]:
    """The content of tokenizer_config.json for a tokenizer whose special and added tokens are
    ``tokens``; ``roles`` maps names of ROLES to a token (None: by convention). ValueError for a
    role naming a token the tokenizer lacks, TypeError for a role or template that is no str."""
    length = _check_length(model_max_length)
    if chat_template is not None and not isinstance(chat_template, str):
        raise TypeError(f"chat_template must be a str (a Jinja template) or None, not {type(chat_template).__name__}")
    config: dict[str, Any] = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        # transformers would otherwise drop the space before punctuation when decoding.
        "clean_up_tokenization_spaces": False,
    }
    for role in ROLES:
        token = roles.get(role)
        if token is None:
            token = next((name for name in _CONVENTIONAL[role] if name in tokens), None)
            if token is None and role == "pad_token":
                token = config.get("eos_token", config.get("bos_token"))
        elif not isinstance(token, str):
            raise TypeError(f"{role} must be a str or None, not {type(token).__name__}")
        elif token not in tokens:
            raise ValueError(f"{role} {token!r} is not a special token of this tokenizer")
        if token is not None:
            config[role] = token
    config["model_max_length"] = length
    if chat_template is not None:
        config["chat_template"] = chat_template
    return config
