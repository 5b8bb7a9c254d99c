"""Shared fixtures and the Hypothesis profiles.

Profiles (HYPOTHESIS_PROFILE): "ci" for `make test`, "thorough" (10x the examples) for
`make test-thorough`, "dev" for quick local runs. No profile has a deadline: timings on shared
machines are noise, and speed is measured in bench/, never asserted here.
"""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import HealthCheck, settings

import bytebpe

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("dev", max_examples=20, **_COMMON)
settings.register_profile("ci", max_examples=150, **_COMMON)
settings.register_profile("thorough", max_examples=1500, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session", params=bytebpe.IMPLEMENTATIONS)
def impl(request):
    """Each implementation module in turn."""
    return bytebpe.implementation(request.param)


@pytest.fixture(scope="session")
def reference():
    return bytebpe.implementation("reference")


@pytest.fixture(scope="session")
def fast():
    return bytebpe.implementation("fast")


@pytest.fixture
def cli(capsysbinary, monkeypatch):
    """Run the command line, ``bytebpe.cli.main(argv)``, in this process with ``stdin`` (bytes) on
    stdin; return (exit status, stdout bytes, stderr text)."""
    from bytebpe.cli import main

    def run(*argv: object, stdin: bytes = b"") -> tuple[int, bytes, str]:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        code = main([str(arg) for arg in argv])
        out, err = capsysbinary.readouterr()
        return code, out, err.decode("utf-8")

    return run


@pytest.fixture
def word_level_tokenizer():
    """A Hugging Face tokenizer that bytebpe does not reproduce (a WordLevel model): it can only be
    encoded by Hugging Face itself."""
    import tokenizers
    from tokenizers import models, pre_tokenizers

    hf = tokenizers.Tokenizer(models.WordLevel({"hello": 0, "world": 1, "[UNK]": 2}, unk_token="[UNK]"))
    hf.pre_tokenizer = pre_tokenizers.Whitespace()
    return hf
