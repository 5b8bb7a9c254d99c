"""Hugging Face ``tokenizers`` and ``transformers``, both ways, with identical ids.

* export.py: a bytebpe model as a ``tokenizer.json`` (:func:`tokenizer_json`,
  :func:`to_huggingface`, :func:`save_huggingface`);
* importer.py: a byte-level BPE ``tokenizer.json`` as a bytebpe model (:func:`import_model`,
  behind ``bytebpe.Tokenizer.from_huggingface``), with split_pattern.py (Hugging Face's split
  regexes in the spec's language), pipeline.py (normalizers, splits, the ids added around a text)
  and added_tokens.py (added tokens with their flags, found as Hugging Face finds them);
* oniguruma.py: a split pattern as a regex for Hugging Face's engine, with
  _oniguruma_unicode.py (where older builds of that engine classify code points otherwise);
* byte_map.py: GPT-2's map between bytes and the characters of a byte-level vocabulary;
* unsupported.py: the error that names a component bytebpe does not import;
* surface.py: the Tokenizer's Hugging Face methods (a base class of bytebpe.Tokenizer).
"""

from bytebpe.huggingface.byte_map import bytes_to_unicode
from bytebpe.huggingface.export import (
    CONFIG_FILE,
    TOKENIZER_FILE,
    save_huggingface,
    to_huggingface,
    tokenizer_json,
)
from bytebpe.huggingface.importer import ImportedModel, import_model, read_content
from bytebpe.huggingface.oniguruma import oniguruma_pattern
from bytebpe.huggingface.pipeline import Pipeline
from bytebpe.huggingface.unsupported import UnsupportedComponent

__all__ = [
    "CONFIG_FILE",
    "TOKENIZER_FILE",
    "ImportedModel",
    "Pipeline",
    "UnsupportedComponent",
    "bytes_to_unicode",
    "import_model",
    "oniguruma_pattern",
    "read_content",
    "save_huggingface",
    "to_huggingface",
    "tokenizer_json",
]
