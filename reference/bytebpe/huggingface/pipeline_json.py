"""An imported pipeline (pipeline.py) written back as the parts of a ``tokenizer.json``, so that
Hugging Face runs it as the file it came from did: the normalizers, the pre-tokenizer (the splits,
the encoder's pattern and ByteLevel with its ``add_prefix_space``), the added tokens with their
flags and a ``TemplateProcessing`` for the ids around a text. export.py puts them in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bytebpe.huggingface.byte_map import token_string
from bytebpe.huggingface.pipeline import Pipeline
from bytebpe.patterns import SplitPattern

# The encoder's patterns of an imported ByteLevel with add_prefix_space: each piece whole (no
# regex), or ByteLevel's own GPT-2 regex, which runs after the space is put in.
_WHOLE_PIECES = r"[\s\S]+"
_BYTE_LEVEL_REGEX = SplitPattern.of("gpt2").regex


def _byte_level(add_prefix_space: bool, use_regex: bool) -> dict[str, Any]:
    return {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": True, "use_regex": use_regex}


def _split(regex: str) -> dict[str, Any]:
    # Spec §2.4.3 (and tiktoken) drop text that no match covers; behavior "Isolated" would keep
    # it as pieces of its own. Inverting the pattern turns the matches into the kept stretches
    # and the gaps into the "matches" that "Removed" drops. For patterns that cover every
    # character (all named ones) both give the same pieces.
    return {"type": "Split", "pattern": {"Regex": regex}, "behavior": "Removed", "invert": True}


def pre_tokenizer(pipeline: Pipeline | None, pattern: SplitPattern, render: Callable[[str], str]) -> dict[str, Any]:
    """The pre-tokenizer: the pipeline's splits, the encoder's ``pattern``, then ByteLevel;
    ``render`` writes a spec regex for Oniguruma."""
    pre_splits = () if pipeline is None else pipeline.pre_splits
    steps = [split.to_json(render(split.regex)) for split in pre_splits]
    if pipeline is None or not pipeline.add_prefix_space:
        steps += [_split(render(pattern.regex)), _byte_level(False, use_regex=False)]
    elif pattern.regex in (_WHOLE_PIECES, _BYTE_LEVEL_REGEX):
        steps.append(_byte_level(True, use_regex=pattern.regex == _BYTE_LEVEL_REGEX))
    else:
        raise ValueError(
            "add_prefix_space is written only with ByteLevel's own regex or whole pieces as the pattern, "
            f"not {pattern.regex!r}"
        )
    return {"type": "Sequence", "pretokenizers": steps}


def normalizer(pipeline: Pipeline | None) -> dict[str, Any] | None:
    """The normalizers as a ``Sequence``, or None."""
    if pipeline is None or not pipeline.normalizers:
        return None
    return {"type": "Sequence", "normalizers": [normalizer.to_json() for normalizer in pipeline.normalizers]}


def added_tokens(pipeline: Pipeline | None, specials: Mapping[str, int]) -> list[dict[str, Any]]:
    """The ``added_tokens`` entries: the pipeline's with their flags, else every special token
    special and matched in the text as given (spec §6.5)."""
    flagged = {} if pipeline is None else {token.content: token for token in pipeline.added_tokens}
    entries = [
        {
            "id": token.id,
            "content": token.content,
            "single_word": token.single_word,
            "lstrip": token.lstrip,
            "rstrip": token.rstrip,
            "normalized": token.normalized,
            "special": token.special,
        }
        for token in flagged.values()
    ]
    entries += [
        {
            "id": token_id,
            "content": text,
            "single_word": False,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "special": True,
        }
        for text, token_id in specials.items()
        if text not in flagged
    ]
    return sorted(entries, key=lambda entry: entry["id"])


def post_processor(
    pipeline: Pipeline | None, specials: Mapping[str, int], ranks: Mapping[bytes, int]
) -> dict[str, Any] | None:
    """The post-processor: a ``ByteLevel`` that trims the offsets where the pipeline does, then
    a ``TemplateProcessing`` that puts the pipeline's ids around a text; None for neither."""
    if pipeline is None:
        return None
    steps = [_template(pipeline, specials, ranks)] if pipeline.prefix or pipeline.suffix else []
    if pipeline.trim_offsets:
        trim = {"type": "ByteLevel", "add_prefix_space": pipeline.trim_keeps_prefix_space, "trim_offsets": True}
        steps.insert(0, {**trim, "use_regex": True})
    if len(steps) < 2:
        return steps[0] if steps else None
    return {"type": "Sequence", "processors": steps}


def _template(pipeline: Pipeline, specials: Mapping[str, int], ranks: Mapping[bytes, int]) -> dict[str, Any]:
    """A ``TemplateProcessing`` that puts the pipeline's ids around a text."""
    names = {token_id: token_string(token) for token, token_id in ranks.items()}
    names.update({token_id: text for text, token_id in specials.items()})
    for token_id in (*pipeline.prefix, *pipeline.suffix):
        if token_id not in names:
            raise ValueError(f"the post-processor adds id {token_id}, which the vocabulary lacks")

    def items(ids: tuple[int, ...]) -> list[dict[str, Any]]:
        return [{"SpecialToken": {"id": names[token_id], "type_id": 0}} for token_id in ids]

    text = [{"Sequence": {"id": "A", "type_id": 0}}]
    used = {names[token_id]: token_id for token_id in (*pipeline.prefix, *pipeline.suffix)}
    return {
        "type": "TemplateProcessing",
        "single": [*items(pipeline.prefix), *text, *items(pipeline.suffix)],
        # bytebpe encodes single texts; this is what Hugging Face writes when no pair is given.
        "pair": [*text, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {name: {"id": name, "ids": [token_id], "tokens": [name]} for name, token_id in used.items()},
    }


def vocabulary_entries(
    pipeline: Pipeline | None, specials: Mapping[str, int], ranks: Mapping[bytes, int]
) -> dict[str, int]:
    """The special tokens that are also entries of the model's vocabulary.

    Hugging Face gives an added token outside the vocabulary the next free id after the
    vocabulary's size, whatever id the file names, so bytebpe's export puts every special token in
    the vocabulary too. An imported pipeline's last special tokens are left out where their ids
    are the ones Hugging Face would give them, as in the file they came from: in the vocabulary,
    a token passed over (``single_word``) would be looked up whole by the model
    (``ignore_merges``)."""
    in_order = sorted(specials.items(), key=lambda item: item[1])
    if pipeline is None:
        return dict(specials)
    for kept in range(len(in_order) + 1):
        size = len(ranks) + kept
        if [token_id for _, token_id in in_order[kept:]] == list(range(size, size + len(in_order) - kept)):
            return dict(in_order[:kept])
    return dict(specials)
