"""nanochat's tokenizer as the tests' oracle, rebuilt from what nanochat documents and does.

nanochat's ``RustBPETokenizer`` (nanochat/tokenizer.py) trains rustbpe on ``vocab_size`` minus its
nine special tokens with its split pattern, gives the special tokens the ids after the merges,
and wraps the result in a ``tiktoken.Encoding``; it saves that Encoding pickled, and renders
conversations into ids and a mask by the rules its docstrings and tests state. This module does
the same with rustbpe and tiktoken directly, written for these tests and sharing no code with
bytebpe.nanochat, so that comparing the two compares bytebpe with nanochat's behaviour. The
constants are copied from nanochat's source, not imported from bytebpe.
"""

from __future__ import annotations

import copy
import os
import pickle

import rustbpe
import tiktoken

SPECIALS = [
    "<|bos|>",
    "<|user_start|>",
    "<|user_end|>",
    "<|assistant_start|>",
    "<|assistant_end|>",
    "<|python_start|>",
    "<|python_end|>",
    "<|output_start|>",
    "<|output_end|>",
]
PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,2}| ?[^\s\p{L}\p{N}]++[\r\n]*"""
    r"""|\s*[\r\n]|\s+(?!\S)|\s+"""
)


class Oracle:
    """nanochat's RustBPETokenizer, method by method, on rustbpe and tiktoken."""

    def __init__(self, enc: tiktoken.Encoding, bos_token: str) -> None:
        self.enc = enc
        self.bos = enc.encode_single_token(bos_token)

    @classmethod
    def train(cls, texts, vocab_size):
        assert vocab_size - len(SPECIALS) >= 256
        trainer = rustbpe.Tokenizer()
        trainer.train_from_iterator(iter(texts), vocab_size - len(SPECIALS), pattern=PATTERN)
        ranks = {bytes(token): rank for token, rank in trainer.get_mergeable_ranks()}
        specials = {name: len(ranks) + k for k, name in enumerate(SPECIALS)}
        pattern = trainer.get_pattern()
        enc = tiktoken.Encoding("rustbpe", pat_str=pattern, mergeable_ranks=ranks, special_tokens=specials)
        return cls(enc, "<|bos|>")

    def save(self, directory) -> None:
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "tokenizer.pkl"), "wb") as file:
            pickle.dump(self.enc, file)

    @classmethod
    def load(cls, directory):
        with open(os.path.join(directory, "tokenizer.pkl"), "rb") as file:
            return cls(pickle.load(file), "<|bos|>")

    def special(self, text):
        return self.enc.encode_single_token(text)

    def encode(self, text, prepend=None, append=None, num_threads=8):
        head = [] if prepend is None else [prepend if isinstance(prepend, int) else self.special(prepend)]
        tail = [] if append is None else [append if isinstance(append, int) else self.special(append)]
        if isinstance(text, str):
            return head + self.enc.encode_ordinary(text) + tail
        if isinstance(text, list):
            return [head + row + tail for row in self.enc.encode_ordinary_batch(text, num_threads=num_threads)]
        raise ValueError(type(text))

    def render(self, conversation, max_tokens=2048):
        """Segments of (ids, supervised) in order, then flattened and cut."""
        messages = conversation["messages"]
        if messages[0]["role"] == "system":
            messages = copy.deepcopy(messages)
            assert messages[1]["role"] == "user"
            messages[1]["content"] = messages[0]["content"] + "\n\n" + messages[1]["content"]
            messages = messages[1:]
        segments = [([self.bos], 0)]
        for i, message in enumerate(messages):
            assert message["role"] == ("user" if i % 2 == 0 else "assistant")
            content = message["content"]
            if message["role"] == "user":
                assert isinstance(content, str)
                segments += [([self.special("<|user_start|>")], 0), (self.encode(content), 0)]
                segments.append(([self.special("<|user_end|>")], 0))
                continue
            segments.append(([self.special("<|assistant_start|>")], 0))
            if isinstance(content, str):
                segments.append((self.encode(content), 1))
            elif isinstance(content, list):
                for part in content:
                    ids = self.encode(part["text"])
                    if part["type"] == "text":
                        segments.append((ids, 1))
                    elif part["type"] == "python":
                        segments += [([self.special("<|python_start|>")], 1), (ids, 1)]
                        segments.append(([self.special("<|python_end|>")], 1))
                    elif part["type"] == "python_output":
                        segments += [([self.special("<|output_start|>")], 0), (ids, 0)]
                        segments.append(([self.special("<|output_end|>")], 0))
                    else:
                        raise ValueError(part["type"])
            else:
                raise ValueError(type(content))
            segments.append(([self.special("<|assistant_end|>")], 1))
        ids = [token for tokens, _ in segments for token in tokens]
        mask = [supervised for tokens, supervised in segments for _ in tokens]
        return ids[:max_tokens], mask[:max_tokens]

    def completion(self, conversation):
        conversation = copy.deepcopy(conversation)
        assert conversation["messages"][-1]["role"] == "assistant"
        conversation["messages"].pop()
        return self.render(conversation)[0] + [self.special("<|assistant_start|>")]

    def visualize(self, ids, mask, with_token_id=False):
        shown = []
        for token, supervised in zip(ids, mask, strict=False):
            colour = "\033[92m" if supervised == 1 else "\033[91m"
            shown.append(colour + self.enc.decode([token]) + "\033[0m")
            if with_token_id:
                shown.append("\033[90m(" + str(token) + ")\033[0m")
        return "|".join(shown)

    def token_bytes(self):
        """scripts/tok_train.py's table: the UTF-8 length of each id decoded as text, 0 for specials."""
        specials = set(self.enc.special_tokens_set)
        table = []
        for token_id in range(self.enc.n_vocab):
            text = self.enc.decode([token_id])
            table.append(0 if text in specials else len(text.encode("utf-8")))
        return table
