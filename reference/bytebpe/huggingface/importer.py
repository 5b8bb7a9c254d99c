"""Read a Hugging Face ``tokenizer.json`` with a byte-level BPE model into bytebpe's terms: a rank
table, a merge list (spec §6.8), a split pattern, special tokens and the pipeline around them.

What is read, and how it maps:

* **model** ``BPE``: each vocabulary string becomes bytes through GPT-2's byte map; ``merges``
  (``"a b"`` strings or ``[a, b]`` pairs) and ``ignore_merges`` become the merge list of spec §6.8.
  A list that is exactly what :func:`bytebpe.huggingface.tokenizer_json` writes (every split of
  every token, in rank order, with ``ignore_merges``) is a rank table's: it encodes by §6.1
  (spec §6.10, note), so the model imports as a plain rank table.
* **pre_tokenizer**: ``ByteLevel`` last (with ``use_regex`` a split by its GPT-2 regex, with
  ``add_prefix_space`` a space before each piece that lacks one; ``trim_offsets`` changes only
  offsets), after any ``Split`` (every ``behavior``, ``invert``) and ``Digits`` steps of a
  ``Sequence`` (as GPT-2, Llama 3, Qwen2 and DeepSeek V3 have them); the last split is the
  encoder's pattern where a spec pattern gives its pieces (``Removed`` with ``invert``,
  ``Isolated``), those before it the pipeline's (split_behavior.py). See split_pattern.py for
  the regexes.
* **added_tokens**: every added token is a special token of bytebpe, recognised in any text as
  Hugging Face recognises them, with its flags (``special``, ``normalized``, ``lstrip``,
  ``rstrip``, ``single_word``, see added_tokens.py); an entry of the vocabulary with an added
  token's id is that token.
* **normalizer**: see normalizers.py; **post_processor**: see pipeline.py.

Anything else raises :class:`UnsupportedComponent`, naming the component.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bytebpe import files, pattern_language
from bytebpe.huggingface import normalizers, split_pattern
from bytebpe.huggingface.added_tokens import AddedToken
from bytebpe.huggingface.byte_map import token_bytes, token_string
from bytebpe.huggingface.export import TOKENIZER_FILE, _merges
from bytebpe.huggingface.oniguruma import oniguruma_pattern
from bytebpe.huggingface.pipeline import Pipeline
from bytebpe.huggingface.split_behavior import BEHAVIORS, PreSplit
from bytebpe.huggingface.unsupported import UnsupportedComponent
from bytebpe.patterns import PATTERNS, SplitPattern

# The regex of Hugging Face's ByteLevel pre-tokenizer with use_regex (GPT-2's). It splits as
# tiktoken's r50k pattern, bytebpe's "gpt2": \s++$ and \s only name cases \s+(?!\S) and \s+ cover.
_BYTE_LEVEL_PATTERN = SplitPattern.of("gpt2")


@dataclass(frozen=True)
class ImportedModel:
    """A byte-level BPE tokenizer.json in bytebpe's terms."""

    ranks: dict[bytes, int]
    merges: list[tuple[int, int]] | None
    """The merge list of spec §6.8, or None where the model is the rank table's (§6.1)."""
    ignore_merges: bool
    pattern: SplitPattern
    special_tokens: dict[str, int]
    pipeline: Pipeline


def is_huggingface_path(path: str | os.PathLike[str]) -> bool:
    """True for a tokenizer.json, or a directory with one and no bytebpe save in it."""
    path = Path(path)
    if path.is_dir():
        return (path / TOKENIZER_FILE).is_file() and not (path / files.METADATA_FILE).exists()
    return path.suffix == ".json" and path.name != files.METADATA_FILE and path.is_file()


def read_content(source: Any) -> dict[str, Any]:
    """The parsed tokenizer.json of ``source``: a path to the file or to a directory holding it, a
    ``tokenizers.Tokenizer``, a ``transformers`` fast tokenizer, or the parsed JSON itself."""
    if isinstance(source, Mapping):
        return dict(source)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            path = path / TOKENIZER_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise FileNotFoundError(f"no Hugging Face tokenizer at {path}") from None
        try:
            content = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not JSON: {err}") from None
        if not isinstance(content, dict):
            raise ValueError(f"{path} holds JSON {type(content).__name__}, not a tokenizer object")
        return content
    backend = getattr(source, "backend_tokenizer", None)  # transformers' fast tokenizers
    if backend is not None:
        source = backend
    if hasattr(source, "to_str") and hasattr(source, "encode"):
        return json.loads(source.to_str())
    raise TypeError(
        "from_huggingface takes a path to tokenizer.json (or its directory), a tokenizers.Tokenizer or a "
        f"transformers fast tokenizer, not {type(source).__name__}"
    )


def _type(component: Any, where: str) -> str:
    if not isinstance(component, dict) or not isinstance(component.get("type"), str):
        raise ValueError(f'tokenizer.json: {where} must be an object with a "type", not {component!r}')
    return component["type"]


def _split(step: dict) -> PreSplit:
    where = "the Split pre-tokenizer's pattern"
    pattern = step.get("pattern")
    if isinstance(pattern, dict) and pattern.get("Regex") in _rendered_names():
        regex = PATTERNS[_rendered_names()[pattern["Regex"]]]
    elif isinstance(pattern, dict) and isinstance(pattern.get("Regex"), str):
        regex = split_pattern.from_oniguruma(pattern["Regex"], where)
    elif isinstance(pattern, dict) and isinstance(pattern.get("String"), str) and pattern["String"]:
        regex = split_pattern.escape(pattern["String"])
    else:
        raise ValueError(
            f'tokenizer.json: a Split pattern must be {{"Regex": ...}} or {{"String": ...}}, not {pattern!r}'
        )
    behavior, invert = step.get("behavior"), step.get("invert", False)
    if behavior not in BEHAVIORS or not isinstance(invert, bool):
        raise ValueError(
            f"tokenizer.json: a Split behavior must be one of {', '.join(BEHAVIORS)} and invert a bool, "
            f"not {behavior!r} and {invert!r}"
        )
    split = PreSplit(_named(regex).regex, behavior, invert)
    if split.keeps_only_matches:
        return split
    if pattern_language.nullable(pattern_language.parse(split.regex)):
        # Hugging Face cuts the text between matches at each empty match too.
        raise UnsupportedComponent(
            f"{where} can match the empty string (with behavior {behavior})",
            "Split regexes that match at least one character",
        )
    return split


def _as_pattern(split: PreSplit) -> SplitPattern | None:
    """The spec pattern whose pieces are ``split``'s, for the encoder to split by; None if there
    is none (only the matches kept, or every stretch kept as it is, are patterns)."""
    if split.keeps_only_matches:
        return _named(split.regex)
    if split.behavior == "Isolated":
        return split_pattern.isolated(split.regex, "the Split pre-tokenizer's pattern")
    return None


@lru_cache(maxsize=1)
def _rendered_names() -> dict[str, str]:
    # Both renderings: files written with explicit ranges are bytebpe exports too.
    return {oniguruma_pattern(name, unicode_classes=classes): name for name in PATTERNS for classes in (True, False)}


def _named(regex: str) -> SplitPattern:
    """The named pattern whose Oniguruma rendering (bytebpe's export) is ``regex``, else ``regex``."""
    name = _rendered_names().get(regex)
    return SplitPattern.of(name) if name is not None else SplitPattern.of_regex(regex)


def _step(step: dict, last: bool) -> PreSplit | None:
    """The split of one pre-tokenizer step; None for ByteLevel without regex (only last)."""
    kind = _type(step, "pre_tokenizer step")
    if kind == "ByteLevel":
        if not last:
            raise UnsupportedComponent("a pre-tokenizer after ByteLevel", "ByteLevel as the last step")
        return PreSplit(_BYTE_LEVEL_PATTERN.regex) if step.get("use_regex", True) else None
    if kind == "Split":
        return _split(step)
    if kind == "Digits":
        # Rust's char::is_numeric, each digit on its own or runs of them, kept as pieces.
        return PreSplit(r"\p{N}" if step.get("individual_digits", False) else r"\p{N}+", "Isolated", False)
    raise UnsupportedComponent(f"pre-tokenizer {kind}", _PRE_TOKENIZERS)


_PRE_TOKENIZERS = "ByteLevel, Split and Digits, alone or in a Sequence ending with ByteLevel"


def _pattern(pre_tokenizer: Any) -> tuple[tuple[PreSplit, ...], SplitPattern, bool]:
    """The splits before the encoder's, the encoder's split pattern, and ByteLevel's
    add_prefix_space."""
    if pre_tokenizer is None:
        raise UnsupportedComponent("no pre-tokenizer (the model is not byte-level)", _PRE_TOKENIZERS)
    steps = (
        pre_tokenizer.get("pretokenizers", [])
        if _type(pre_tokenizer, "pre_tokenizer") == "Sequence"
        else [pre_tokenizer]
    )
    kinds = [_type(step, "pre_tokenizer step") for step in steps]
    if "ByteLevel" not in kinds:
        raise UnsupportedComponent(
            f"pre-tokenizer {', '.join(kinds) or 'Sequence'} without ByteLevel (not byte-level)", _PRE_TOKENIZERS
        )
    found = [_step(step, at == len(steps) - 1) for at, step in enumerate(steps)]
    splits = [split for split in found if split is not None]
    add_prefix_space = bool(steps[-1].get("add_prefix_space", False))
    last = _as_pattern(splits[-1]) if splits else None
    if last is None or (add_prefix_space and found[-1] is None):
        # ByteLevel without its regex encodes each piece whole; with add_prefix_space it does
        # so after putting a space before the piece, so every split runs before that. A last
        # split that no pattern gives runs before the encoder too.
        return tuple(splits), _WHOLE_PIECES, add_prefix_space
    return tuple(splits[:-1]), last, add_prefix_space


_WHOLE_PIECES = SplitPattern.of_regex(r"[\s\S]+")


def _template(post_processor: Any, added: Mapping[str, int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The ids a post-processor adds before and after a single text."""
    if post_processor is None:
        return (), ()
    kind = _type(post_processor, "post_processor")
    if kind == "ByteLevel":
        return (), ()
    if kind in ("RobertaProcessing", "BertProcessing"):
        cls, sep = post_processor["cls"], post_processor["sep"]
        return (int(cls[1]),), (int(sep[1]),)
    if kind == "Sequence":
        prefix: tuple[int, ...] = ()
        suffix: tuple[int, ...] = ()
        for step in post_processor.get("processors", []):
            before, after = _template(step, added)
            prefix, suffix = before + prefix, suffix + after
        return prefix, suffix
    if kind == "TemplateProcessing":
        specials = post_processor.get("special_tokens", {})
        prefix_ids: list[int] = []
        suffix_ids: list[int] = []
        seen_text = False
        for item in post_processor.get("single", []):
            if "Sequence" in item:
                if item["Sequence"].get("id") != "A" or seen_text:
                    raise UnsupportedComponent("a TemplateProcessing single template without one $A", "$A once")
                seen_text = True
            elif "SpecialToken" in item:
                name = item["SpecialToken"]["id"]
                if name not in specials:
                    raise ValueError(f"tokenizer.json: the template names {name!r}, which its special_tokens lack")
                (suffix_ids if seen_text else prefix_ids).extend(int(i) for i in specials[name]["ids"])
            else:
                raise ValueError(f"tokenizer.json: unknown template item {item!r}")
        return tuple(prefix_ids), tuple(suffix_ids)
    raise UnsupportedComponent(
        f"post-processor {kind}", "TemplateProcessing, RobertaProcessing, BertProcessing, ByteLevel and Sequence"
    )


def _trimming(post_processor: Any) -> tuple[bool, bool]:
    """Whether a post-processor trims white space off the offsets (ByteLevel's and RoBERTa's
    ``trim_offsets``, true where the file leaves it out, as in Hugging Face), and whether it
    keeps one space at the start of the first token (its ``add_prefix_space``, likewise)."""
    if post_processor is None:
        return False, False
    kind = post_processor.get("type")
    if kind in ("ByteLevel", "RobertaProcessing"):
        return bool(post_processor.get("trim_offsets", True)), bool(post_processor.get("add_prefix_space", True))
    if kind == "Sequence":
        found = [_trimming(step) for step in post_processor.get("processors", [])]
        return any(trims for trims, _ in found), any(keeps for trims, keeps in found if trims)
    return False, False


def _added_tokens(entries: Any) -> tuple[AddedToken, ...]:
    tokens = []
    for entry in entries or []:
        special = bool(entry.get("special", False))
        flags = {flag: bool(entry.get(flag, False)) for flag in ("lstrip", "rstrip", "single_word")}
        normalized = bool(entry.get("normalized", not special))
        tokens.append(AddedToken(entry["content"], int(entry["id"]), special, normalized, **flags))
    return tuple(tokens)


def _refuse_colliding(tokens: tuple[AddedToken, ...], normalize: Callable[[str], str]) -> None:
    """Hugging Face finds either of two normalized added tokens with one normalized text, a
    different one from run to run (the order of a hash map)."""
    seen: dict[str, str] = {}
    for token in tokens:
        if token.normalized:
            text = normalize(token.content)
            if text in seen and seen[text] != token.content:
                raise UnsupportedComponent(
                    f"added tokens {seen[text]!r} and {token.content!r}, the same text {text!r} after the "
                    "normalizers (Hugging Face finds either, at random)",
                    "normalized added tokens whose normalized texts differ",
                )
            seen[text] = token.content


def _model(model: Any, added: Mapping[str, int]) -> tuple[dict[bytes, int], list[tuple[int, int]], bool, set[str]]:
    """The rank table, the merge list, ignore_merges, and the added tokens that are also tokens
    of the model (a byte, or a merge's part or result), which stay in the rank table."""
    kind = _type(model, "model")
    if kind != "BPE":
        raise UnsupportedComponent(f"model {kind}", "byte-level BPE models")
    if model.get("byte_fallback", False):
        raise UnsupportedComponent("BPE with byte_fallback (SentencePiece style)", "byte-level BPE models")
    for option in ("continuing_subword_prefix", "end_of_word_suffix"):
        if model.get(option):
            raise UnsupportedComponent(f"BPE with {option} {model[option]!r}", "byte-level BPE models without it")
    if model.get("dropout") not in (None, 0, 0.0):
        raise UnsupportedComponent(f"BPE with dropout {model['dropout']}", "BPE without dropout")
    rank_of = {string: token_id for string, token_id in model.get("vocab", {}).items()}
    pairs: list[list[str]] = []
    for index, merge in enumerate(model.get("merges", [])):
        parts = merge.split(" ") if isinstance(merge, str) else merge
        if not isinstance(parts, list) or len(parts) != 2 or not all(isinstance(part, str) for part in parts):
            raise ValueError(f'tokenizer.json: merges[{index}] must be "left right" or [left, right], not {merge!r}')
        missing = [part for part in parts if part not in rank_of]
        if missing:
            raise ValueError(f"tokenizer.json: merges[{index}] names {missing[0]!r}, which the vocabulary lacks")
        pairs.append(parts)
    used = {string for left, right in pairs for string in (left, right, left + right)}
    ranks: dict[bytes, int] = {}
    in_model: set[str] = set()
    for string, token_id in rank_of.items():
        if added.get(string) == token_id:
            if len(string) != 1 and string not in used:
                continue  # the added token itself
            in_model.add(string)
        token = token_bytes(string)
        if token is None:
            raise UnsupportedComponent(
                f"vocabulary entry {string!r} (id {token_id}), not written in GPT-2's byte map",
                "byte-level vocabularies",
            )
        ranks[token] = token_id
    merges = [(rank_of[left], rank_of[right]) for left, right in pairs]
    return ranks, merges, bool(model.get("ignore_merges", False)), in_model


def import_model(content: Mapping[str, Any]) -> ImportedModel:
    """The model of a parsed tokenizer.json; UnsupportedComponent for what bytebpe cannot
    reproduce exactly, ValueError for a damaged file."""
    for option in ("truncation", "padding"):
        if content.get(option) is not None:
            raise UnsupportedComponent(f"{option} in tokenizer.json", f"tokenizers without {option} (set it to null)")
    decoder = content.get("decoder")
    if decoder is not None and _type(decoder, "decoder") != "ByteLevel":
        raise UnsupportedComponent(f"decoder {decoder['type']}", "the ByteLevel decoder")
    found_normalizers = normalizers.from_json(content.get("normalizer"))
    added_tokens = _added_tokens(content.get("added_tokens"))
    _refuse_colliding(added_tokens, Pipeline(found_normalizers).normalize)
    added = {token.content: token.id for token in added_tokens}
    ranks, merges, ignore_merges, in_model = _model(content.get("model"), added)
    pre_splits, pattern, add_prefix_space = _pattern(content.get("pre_tokenizer"))
    prefix, suffix = _template(content.get("post_processor"), added)
    trim_offsets, trim_keeps_prefix_space = _trimming(content.get("post_processor"))
    as_rank_table = ignore_merges and _is_every_split(merges, ranks)
    return ImportedModel(
        ranks=ranks,
        merges=None if as_rank_table else merges,
        ignore_merges=ignore_merges,
        pattern=pattern,
        special_tokens={text: token_id for text, token_id in added.items() if text not in in_model},
        pipeline=Pipeline(
            found_normalizers,
            prefix,
            suffix,
            pre_splits,
            add_prefix_space,
            added_tokens,
            trim_offsets,
            trim_keeps_prefix_space,
        ),
    )


def tokenizer_arguments(source: Any) -> dict[str, Any]:
    """The keyword arguments of ``bytebpe.Tokenizer`` for the model of ``source`` (see
    :func:`read_content`), but the implementation."""
    model = import_model(read_content(source))
    return {
        "mergeable_ranks": model.ranks,
        "pattern": model.pattern,
        "special_tokens": model.special_tokens,
        "merges": model.merges,
        "ignore_merges": None if model.merges is None else model.ignore_merges,
        "huggingface": None if model.pipeline.is_empty else model.pipeline,
    }


def _is_every_split(merges: list[tuple[int, int]], ranks: dict[bytes, int]) -> bool:
    """True if ``merges`` is the list bytebpe's export writes for ``ranks``: every split of every
    token in rank order (spec §6.10, note: such a list encodes as the rank table does)."""
    try:
        written = _merges(ranks)
    except (KeyError, TypeError):
        return False
    if len(written) != len(merges):
        return False
    token_of = {rank: token for token, rank in ranks.items()}
    try:
        ours = [f"{token_string(token_of[left])} {token_string(token_of[right])}" for left, right in merges]
    except KeyError:
        return False
    return ours == written
