"""Export a bytebpe model to Hugging Face ``tokenizers`` and ``transformers`` with identical ids.

A bytebpe model is a rank table (token bytes -> id), a split pattern and optional special tokens
(str -> id). This module writes the ``tokenizer.json`` that makes Hugging Face's BPE give, for
every text, the ids of spec §6 (tiktoken's rule), special tokens included as in tiktoken's
``encode(text, allowed_special="all")``: Hugging Face always recognises added special tokens.

    import bytebpe
    from bytebpe.huggingface import save_huggingface, to_huggingface

    tok = bytebpe.Tokenizer.train(texts, 32768)
    hf = to_huggingface(tok.mergeable_ranks, tok.pattern)
    hf.encode("hello world").ids == tok.encode_ordinary("hello world")  # True
    save_huggingface("my-tokenizer", tok.mergeable_ranks, tok.pattern, {"<|endoftext|>": 32768})

How each part of the tokenizer.json reproduces the spec:

* **Token strings.** Hugging Face's vocabulary holds strings, not bytes; every token's bytes are
  written with GPT-2's byte-to-character map (:func:`bytes_to_unicode`), and the ByteLevel
  pre-tokenizer (``use_regex: false``, so that it only maps bytes) and decoder apply the same map.
* **Splitting.** The pattern is not handed to Oniguruma (Hugging Face's regex engine) as written,
  since Oniguruma reads Ruby syntax: :func:`~bytebpe.huggingface.oniguruma.oniguruma_pattern`
  renders it from bytebpe's own parse, with Unicode classes that split as the spec on every
  tokenizers release from 0.19 on. The Split pre-tokenizer keeps the matches and drops the text
  between them (spec §2.4.3), see :func:`tokenizer_json`.
* **Merging.** See the comment above :func:`_merges`.
* **Special tokens.** Each is an added token and also an entry of the model's vocabulary: Hugging
  Face gives an added token that is not in the vocabulary the next free id, whatever id the file
  names, so only a vocabulary entry keeps ids that do not follow the ranks.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bytebpe import atomic, checks
from bytebpe.huggingface import pipeline_json
from bytebpe.huggingface.byte_map import ALPHABET as _ALPHABET
from bytebpe.huggingface.byte_map import BYTE_OF_CHAR as _BYTE_OF_CHAR
from bytebpe.huggingface.byte_map import bytes_to_unicode
from bytebpe.huggingface.byte_map import token_string as _token_string
from bytebpe.huggingface.config import tokenizer_config
from bytebpe.huggingface.oniguruma import oniguruma_pattern
from bytebpe.patterns import SplitPattern

if TYPE_CHECKING:
    import tokenizers

    from bytebpe.huggingface.pipeline import Pipeline

__all__ = [
    "CONFIG_FILE",
    "TOKENIZER_FILE",
    "bytes_to_unicode",
    "save_huggingface",
    "to_huggingface",
    "tokenizer_json",
]

TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "tokenizer_config.json"

# Files that define a tokenizer in a Hugging Face directory. A new export replaces all of them:
# a stale special_tokens_map.json or added_tokens.json from an earlier tokenizer would make
# transformers add tokens (with new ids) that this model does not have.
_TOKENIZER_FILES = frozenset(
    {
        TOKENIZER_FILE,
        CONFIG_FILE,
        "special_tokens_map.json",
        "added_tokens.json",
        "vocab.json",
        "merges.txt",
        "vocab.txt",
        "tokenizer.model",
    }
)

# ignore_merges (the whole-piece lookup of spec §6.1) exists from tokenizers 0.19.1 on.
_MIN_TOKENIZERS = (0, 19, 1)


# ---------------------------------------------------------------------------------------------
# Merges.
#
# Why Hugging Face's BPE with these merges gives the ids of spec §6 (tiktoken's rule), for every
# piece and every rank table, hand-written ones included:
#
# 1. Whole pieces. With ignore_merges, a piece whose (mapped) string is in the vocabulary is that
#    one token, as in §6.1. Tokens that no split reaches (b"bbb" without b"bb") have no merge
#    and come only this way, in both.
# 2. The same candidates. Both start from single bytes, and a part is always a token. Hugging
#    Face can join two adjacent parts when the pair is a merge; we list EVERY split (L, R) of
#    every token with both halves in the vocabulary, so a pair is a merge exactly when L + R is
#    a token, which is when tiktoken can join it. Listing only one split per token (the training
#    merge, or §5.3's) is not enough for hand-written tables: with bc=256, ab=257, abc=258 the
#    piece "xabc" reaches (a, bc), which is not abc's §5.3 merge (ab, c).
# 3. The same choice. Hugging Face joins the pair whose merge comes first in the list, the
#    leftmost on ties. The list is ordered by the rank of L + R first, so its first candidate has
#    the lowest-ranked concatenation, as tiktoken's. Candidates with the same concatenation T
#    come in the order (rank L, rank R) of their splits, not by position; this never changes
#    the choice, because in any state tiktoken reaches, all candidates that concatenate to T are
#    the same split. Proof: a candidate (L, R) covers a stretch of bytes equal to T, and no part
#    has ever crossed the ends of that stretch (parts only grow, and L and R lie inside it).
#    Inside the stretch, every join so far was the lowest-ranked (then leftmost) candidate of the
#    stretch at its time, since the stretch's candidates are among the piece's. So the stretch
#    went through the first steps of §6.2 applied to the bytes of T alone, and [L, R] is a state
#    of that one deterministic run with two parts. A run loses one part per step, so it has at
#    most one state with two parts: every stretch that is a candidate for T holds the same
#    (L, R). Hugging Face then falls back to the leftmost, as tiktoken does. By induction over
#    the steps, both go through the same states and stop together (no candidate left).
# 4. Hugging Face's lazy queue cannot take a stale entry for a live one: an entry is skipped
#    unless the pair now at its position still forms the same token, and once either part of a
#    pair has grown (a part only grows, by absorbing its right neighbour), the pair at that
#    position forms a longer string, so a different token or none.
#
# The order among splits of one token is therefore free; (rank L, rank R) makes it deterministic.


def _merges(ranks: Mapping[bytes, int]) -> list[str]:
    merges: list[str] = []
    for token, _rank in sorted(ranks.items(), key=lambda item: item[1]):
        splits = sorted(
            (ranks[token[:cut]], ranks[token[cut:]], cut)
            for cut in range(1, len(token))
            if token[:cut] in ranks and token[cut:] in ranks
        )
        # The "left right" string form: token strings never hold a space (byte 0x20 is Ġ), and
        # every tokenizers release and third-party reader understands it.
        merges.extend(f"{_token_string(token[:cut])} {_token_string(token[cut:])}" for _, _, cut in splits)
    return merges


# ---------------------------------------------------------------------------------------------
# tokenizer.json


def _check_hugging_face_strings(special_tokens: Mapping[str, int], ranks: Mapping[bytes, int]) -> None:
    """What only Hugging Face adds to the rules of spec §5.4 (checks.check_special_tokens).

    Hugging Face keeps specials in the same string vocabulary as the byte-mapped tokens. A special
    written only in the 256 characters of that map stands for some bytes b: if b is a token, the
    two entries collide; if b is UTF-8 for another text, a piece of that text would be looked up
    whole and come out as the special (b" hello" vs "Ġhello").
    """
    for text in special_tokens:
        if not all(char in _ALPHABET for char in text):
            continue
        as_bytes = bytes(_BYTE_OF_CHAR[char] for char in text)
        if as_bytes in ranks:
            raise ValueError(
                f"special token {text!r} is also the Hugging Face string of the token {as_bytes!r} "
                f"(rank {ranks[as_bytes]}); the two cannot have different ids there"
            )
        if _is_utf8(as_bytes) and as_bytes.decode("utf-8") != text:
            raise ValueError(
                f"special token {text!r} is the Hugging Face string of the bytes {as_bytes!r}: "
                f"Hugging Face would encode the text {as_bytes.decode('utf-8')!r} as this special token"
            )


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def tokenizer_json(
    mergeable_ranks: Mapping[bytes, int],
    pattern: str | SplitPattern,
    special_tokens: Mapping[str, int] | None = None,
    *,
    merges: Sequence[tuple[int, int]] | None = None,
    ignore_merges: bool = True,
    pipeline: Pipeline | None = None,
) -> dict[str, Any]:
    """The content of a ``tokenizer.json`` that encodes like bytebpe (spec §6, §6.5).

    ``mergeable_ranks`` is a rank table (spec §5.2), ``pattern`` a name from bytebpe.PATTERNS or
    a regex, ``special_tokens`` maps strings to ids that no rank uses. Needs no Hugging Face
    package. Raises TypeError/ValueError for an invalid rank table, pattern or special token, and
    ValueError for a special token that Hugging Face could not keep apart from the byte tokens
    (one written only in the characters of :func:`bytes_to_unicode` that stands for a token or
    for another text).

    With ``merges`` (a merge list of spec §6.8, pairs of ranks) the model is that merge-list model
    with ``ignore_merges``; without, the rank table's, encoding by §6.1. With ``pipeline`` (an
    imported tokenizer's, bytebpe.huggingface.Pipeline) the file runs that pipeline around the
    model as the imported file did: its normalizers, splits, added tokens and post-processor.

    *Note.* Hugging Face decodes a special token written only in those characters, with one
    beyond ASCII (``"<|ä|>"``), to the bytes the characters stand for; its ids are right.
    """
    ranks = checks.check_ranks(mergeable_ranks)
    specials = checks.check_special_tokens({} if special_tokens is None else special_tokens, ranks)
    _check_hugging_face_strings(specials, ranks)
    if merges is None:
        merge_strings, ignore_merges = _merges(ranks), True
    else:
        token_of = {rank: token for token, rank in ranks.items()}
        merge_strings = [
            f"{_token_string(token_of[left])} {_token_string(token_of[right])}"
            for left, right in checks.check_merge_list(merges, ranks)
        ]
    vocab = {_token_string(token): rank for token, rank in ranks.items()}
    vocab.update(pipeline_json.vocabulary_entries(pipeline, specials, ranks))
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": pipeline_json.added_tokens(pipeline, specials),
        "normalizer": pipeline_json.normalizer(pipeline),
        "pre_tokenizer": pipeline_json.pre_tokenizer(pipeline, SplitPattern.of(pattern), oniguruma_pattern),
        "post_processor": pipeline_json.post_processor(pipeline, specials, ranks),
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": ignore_merges,
            "vocab": dict(sorted(vocab.items(), key=lambda item: item[1])),
            "merges": merge_strings,
        },
    }


def merge_list_arguments(
    merges: Sequence[tuple[int, int]] | None, ignore_merges: bool | None, pipeline: Pipeline | None
) -> dict[str, Any]:
    """The export's keywords for a tokenizer's merge list (none for a rank table's model) and its
    imported pipeline (none if it has none)."""
    arguments: dict[str, Any] = {} if pipeline is None or pipeline.is_empty else {"pipeline": pipeline}
    if ignore_merges is not None:
        arguments.update(merges=list(merges or []), ignore_merges=ignore_merges)
    return arguments


def to_huggingface(
    mergeable_ranks: Mapping[bytes, int],
    pattern: str | SplitPattern,
    special_tokens: Mapping[str, int] | None = None,
    *,
    merges: Sequence[tuple[int, int]] | None = None,
    ignore_merges: bool = True,
    pipeline: Pipeline | None = None,
) -> tokenizers.Tokenizer:
    """A ``tokenizers.Tokenizer`` that gives bytebpe's ids: ``encode(text).ids`` equals
    bytebpe's ``encode_ordinary(text)`` for a text without special-token strings, and
    tiktoken's ``encode(text, allowed_special="all")`` for any text.

    Raises ImportError if the ``tokenizers`` package (0.19.1 or later) is missing, and the
    errors of :func:`tokenizer_json` for an invalid model.
    """
    try:
        import tokenizers
    except ImportError as err:
        raise ImportError("to_huggingface needs Hugging Face's tokenizers package: pip install tokenizers") from err
    found = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", tokenizers.__version__)
    if found is not None and tuple(int(part or 0) for part in found.groups()) < _MIN_TOKENIZERS:
        raise ImportError(
            f"to_huggingface needs tokenizers 0.19.1 or later (for ignore_merges), found {tokenizers.__version__}: "
            "pip install -U tokenizers"
        )
    content = tokenizer_json(
        mergeable_ranks, pattern, special_tokens, merges=merges, ignore_merges=ignore_merges, pipeline=pipeline
    )
    try:
        return tokenizers.Tokenizer.from_str(json.dumps(content, ensure_ascii=False))
    except Exception as err:  # tokenizers raises plain Exception
        raise ValueError(f"Hugging Face tokenizers rejected the exported tokenizer: {err}") from err


# ---------------------------------------------------------------------------------------------
# Saving a directory.


def _json_bytes(content: Any) -> bytes:
    return (json.dumps(content, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def save_huggingface(
    directory: str | os.PathLike[str],
    mergeable_ranks: Mapping[bytes, int],
    pattern: str | SplitPattern,
    special_tokens: Mapping[str, int] | None = None,
    *,
    model_max_length: int | None = None,
    bos_token: str | None = None,
    eos_token: str | None = None,
    pad_token: str | None = None,
    unk_token: str | None = None,
    chat_template: str | None = None,
    merges: Sequence[tuple[int, int]] | None = None,
    ignore_merges: bool = True,
    pipeline: Pipeline | None = None,
    overwrite: bool = False,
) -> Path:
    """Write ``tokenizer.json`` and ``tokenizer_config.json`` into ``directory`` and return its path.

    ``tokenizers.Tokenizer.from_file(directory / "tokenizer.json")``,
    ``transformers.PreTrainedTokenizerFast.from_pretrained(directory)`` and ``AutoTokenizer``
    load it with bytebpe's ids. tokenizer_config.json (bytebpe.huggingface.config) names the
    ``bos_token``, ``eos_token``, ``pad_token`` and ``unk_token`` given (each a special token),
    else special tokens with a conventional name (``<|bos|>``, ``<|endoftext|>``, ``<|pad|>``,
    ...), the eos (else bos) token as pad token when there is no other (so that padding works), the
    ``chat_template`` if given (bytebpe.huggingface.chat_templates.NANOCHAT is nanochat's) and
    ``model_max_length`` (2048 unless given). Needs no Hugging Face package.

    The save is atomic (bytebpe.atomic): everything is written into a hidden directory next to
    the target, which then takes the target's place in one step, so a failed or interrupted save
    leaves the previous state (and no temporary directory). A directory that already holds a
    ``tokenizer.json`` is taken to be an earlier export and is replaced with ``overwrite=True``
    (else FileExistsError); files in it that are not tokenizer files (model weights,
    config.json, ...) are kept. A non-empty directory without a tokenizer.json,
    or a file, raises FileExistsError. The model is validated before anything is written.
    """
    tokens = {*(special_tokens or {}), *(token.content for token in (pipeline.added_tokens if pipeline else ()))}
    roles = {"bos_token": bos_token, "eos_token": eos_token, "pad_token": pad_token, "unk_token": unk_token}
    config = tokenizer_config(tokens, roles=roles, model_max_length=model_max_length, chat_template=chat_template)
    content = tokenizer_json(
        mergeable_ranks, pattern, special_tokens, merges=merges, ignore_merges=ignore_merges, pipeline=pipeline
    )
    contents = {TOKENIZER_FILE: _json_bytes(content), CONFIG_FILE: _json_bytes(config)}
    return atomic.write_directory(
        directory,
        contents,
        overwrite=overwrite,
        is_ours=lambda target: (
            None
            if (target / TOKENIZER_FILE).is_file()
            else f"is not empty and holds no {TOKENIZER_FILE} (a Hugging Face tokenizer export)"
        ),
        what=f"{TOKENIZER_FILE} (a Hugging Face tokenizer export)",
        keep=lambda name: name not in _TOKENIZER_FILES,
    )
