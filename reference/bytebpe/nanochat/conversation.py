"""nanochat's chat format: a conversation rendered as token ids and a supervision mask.

The rules are nanochat's (``RustBPETokenizer.render_conversation``), which its fine-tuning and
evaluation scripts depend on, so that a model trained with nanochat reads bytebpe's renderings
unchanged:

* a conversation is a dict whose ``"messages"`` are dicts with a ``"role"`` and a ``"content"``;
* a first message with role ``"system"`` is joined to the user message after it, as
  ``system + "\\n\\n" + user``; roles must then alternate user, assistant, user, ...;
* the ids start with ``<|bos|>``; a user message is ``<|user_start|> text <|user_end|>``; an
  assistant message is ``<|assistant_start|>``, its content, ``<|assistant_end|>``;
* an assistant's content is a string, or a list of parts, each a dict with a ``"type"`` and a
  ``"text"``: ``"text"`` (the text itself), ``"python"`` (a tool call, inside
  ``<|python_start|> ... <|python_end|>``) or ``"python_output"`` (the tool's answer, inside
  ``<|output_start|> ... <|output_end|>``);
* text is encoded as ordinary text: a special token's string inside content is plain text;
* the mask is 1 exactly where the model is trained to predict: the assistant's content and
  tool calls with their delimiters, and ``<|assistant_end|>``; 0 for everything else, tool
  output included (it comes from Python at inference time, not from the model);
* both lists are cut to their first ``max_tokens`` entries.

Where nanochat asserts, a malformed conversation raises :class:`ConversationError`, which is both
a ValueError and an AssertionError, so that code written against either keeps working.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["ConversationError", "render_conversation", "render_for_completion", "visualize_tokenization"]

Encode = Callable[[str], list[int]]
Special = Callable[[str], int]

# ANSI colours of visualize_tokenization, as nanochat draws it.
_GREEN, _RED, _GRAY, _RESET = "\033[92m", "\033[91m", "\033[90m", "\033[0m"

# Each part type: its delimiters (None: none) and whether the model is trained on it.
_PARTS: dict[str, tuple[tuple[str, str] | None, int]] = {
    "text": (None, 1),
    "python": (("<|python_start|>", "<|python_end|>"), 1),
    "python_output": (("<|output_start|>", "<|output_end|>"), 0),
}


class ConversationError(ValueError, AssertionError):
    """A conversation that nanochat's chat format cannot render; the message says what is wrong."""


def render_conversation(
    conversation: Mapping[str, Any], encode: Encode, special: Special, bos: int, max_tokens: int | None = 2048
) -> tuple[list[int], list[int]]:
    """The ids of ``conversation`` and its mask (1 where the model is trained), cut to ``max_tokens``.

    ``encode`` turns text into ids (special-token strings as plain text), ``special`` gives a
    special token's id, ``bos`` is the id that starts the conversation.
    """
    if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 0):
        raise ConversationError(f"max_tokens must be an int of at least 0 (or None), not {max_tokens!r}")
    ids = [bos]
    mask = [0]

    def add(token_ids: Sequence[int], supervised: int) -> None:
        ids.extend(token_ids)
        mask.extend([supervised] * len(token_ids))

    for i, message in enumerate(_messages(conversation)):
        role, content = message["role"], message["content"]
        expected = "user" if i % 2 == 0 else "assistant"
        if role != expected:
            raise ConversationError(f"message {i} is from {role!r} but should be from {expected!r}")
        if role == "user":
            if not isinstance(content, str):
                raise ConversationError(f"message {i}: a user's content must be a str, not {type(content).__name__}")
            add([special("<|user_start|>")], 0)
            add(encode(content), 0)
            add([special("<|user_end|>")], 0)
            continue
        add([special("<|assistant_start|>")], 0)
        if isinstance(content, str):
            add(encode(content), 1)
        elif isinstance(content, list):
            for k, part in enumerate(content):
                delimiters, supervised, text = _part(part, i, k)
                if delimiters is not None:
                    add([special(delimiters[0])], supervised)
                add(encode(text), supervised)
                if delimiters is not None:
                    add([special(delimiters[1])], supervised)
        else:
            raise ConversationError(
                f"message {i}: an assistant's content must be a str or a list of parts, not {type(content).__name__}"
            )
        add([special("<|assistant_end|>")], 1)
    return ids[:max_tokens], mask[:max_tokens]


def render_for_completion(conversation: Mapping[str, Any], encode: Encode, special: Special, bos: int) -> list[int]:
    """The ids of ``conversation`` without its last message (the assistant's), followed by
    ``<|assistant_start|>``: a prompt for the model to complete (nanochat's reinforcement
    learning and evaluation). The rendering before it is cut to 2048 ids, as nanochat's is."""
    messages = _field(conversation, "messages")
    if (
        isinstance(messages, (str, bytes))
        or not isinstance(messages, Sequence)
        or not messages
        or not isinstance(messages[-1], Mapping)
        or messages[-1].get("role") != "assistant"
    ):
        raise ConversationError("the last message must be from the assistant: it is the one left for the model")
    prompt = dict(conversation)
    prompt["messages"] = list(messages[:-1])
    ids, _ = render_conversation(prompt, encode, special, bos)
    return [*ids, special("<|assistant_start|>")]


def visualize_tokenization(
    ids: Sequence[int], mask: Sequence[int], decode: Callable[[list[int]], str], with_token_id: bool = False
) -> str:
    """nanochat's picture of a rendering: each token's text, green where the mask is 1 and red
    where it is 0 (ANSI colours, for a terminal), joined by ``|``; with ``with_token_id``, each
    token's id follows it in grey as an entry of its own."""
    entries = []
    for token, supervised in zip(ids, mask, strict=False):  # as nanochat: the shorter list decides
        entries.append(f"{_GREEN if supervised == 1 else _RED}{decode([token])}{_RESET}")
        if with_token_id:
            entries.append(f"{_GRAY}({token}){_RESET}")
    return "|".join(entries)


def _messages(conversation: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The messages to render: a first system message joined to the user message after it."""
    messages = _field(conversation, "messages")
    if isinstance(messages, (str, bytes)) or not isinstance(messages, Sequence) or not messages:
        raise ConversationError("a conversation needs a non-empty list of messages")
    for i, message in enumerate(messages):
        if not isinstance(message, Mapping) or "role" not in message or "content" not in message:
            raise ConversationError(f"message {i} must be a dict with a 'role' and a 'content'")
    if messages[0]["role"] != "system":
        return messages
    if len(messages) < 2 or messages[1]["role"] != "user":
        raise ConversationError("a system message must be followed by a user message")
    system, user = messages[0]["content"], messages[1]["content"]
    if not isinstance(system, str) or not isinstance(user, str):
        raise ConversationError("a system message and the user message after it must both be str")
    return [{**messages[1], "content": system + "\n\n" + user}, *messages[2:]]


def _part(part: object, message: int, index: int) -> tuple[tuple[str, str] | None, int, str]:
    """The delimiters, the mask value and the text of one part of an assistant's content."""
    if not isinstance(part, Mapping) or "type" not in part or "text" not in part:
        raise ConversationError(f"message {message}, part {index}: a part must be a dict with a 'type' and a 'text'")
    if part["type"] not in _PARTS:
        known = ", ".join(map(repr, _PARTS))
        raise ConversationError(f"message {message}, part {index}: unknown part type {part['type']!r} (known: {known})")
    if not isinstance(part["text"], str):
        raise ConversationError(f"message {message}, part {index}: the text must be a str")
    delimiters, supervised = _PARTS[part["type"]]
    return delimiters, supervised, part["text"]


def _field(conversation: Mapping[str, Any], name: str) -> Any:
    if not isinstance(conversation, Mapping) or name not in conversation:
        raise ConversationError(f"a conversation is a dict with {name!r}")
    return conversation[name]
