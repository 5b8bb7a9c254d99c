"""Coverage-guided fuzz targets (atheris, libFuzzer's engine) for what reads outside input:
the .tiktoken rank-file parser, the bytebpe.json reader (Tokenizer.load of a fuzzed directory),
and encode/decode of the Rust core against the reference.

    python fast/fuzz/targets.py TARGET [libFuzzer options, e.g. -max_total_time=60] [CORPUS_DIR]

TARGET is rank_file, metadata or encode; `make fuzz` runs each for FUZZ_SECONDS. A finding is an
exception that bad input must never raise (anything but ValueError/TypeError/KeyError/OSError/
MemoryError, a Rust panic included), an abort, a hang, or the two implementations disagreeing:
libFuzzer then writes the input to crash-<hash> and stops.

The Python layers are instrumented for coverage; the Rust core is not (it is built by maturin
without sanitizer coverage), so inside the core the search is guided by the Python side alone.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import atheris

with atheris.instrument_imports(include=["bytebpe"]):
    import bytebpe
    from bytebpe import files

ALLOWED = (ValueError, TypeError, KeyError, OSError, MemoryError)
BYTES = {bytes([b]): b for b in range(256)}
TEXTS = ["the cat sat on the mat", "it's 2024: naïve café, 東京 😀", "  \n\tx = [1, 2]  # code"] * 3

SCRATCH = Path(tempfile.mkdtemp(prefix="bytebpe-fuzz-"))
TOKENIZERS = {
    name: bytebpe.Tokenizer.train(TEXTS, 320, special_tokens=["<|e|>", "<|x|>"], implementation=name)
    for name in bytebpe.IMPLEMENTATIONS
}
SAVED = TOKENIZERS["fast"].save(SCRATCH / "saved")
RECORD = json.loads((SAVED / files.METADATA_FILE).read_text(encoding="utf-8"))


def outcome(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    """("ok", result) or (exception type, None) for an exception bad input may raise; anything
    else propagates, which is a finding."""
    try:
        return "ok", call(*args, **kwargs)
    except ALLOWED as err:
        return type(err).__name__, None


def rank_file(data: bytes) -> None:
    """A .tiktoken file: parsed strictly, then both implementations build the same tokenizer."""
    kind, ranks = outcome(files.parse_rank_file, data, "fuzz.tiktoken")
    if kind != "ok":
        return
    built = [outcome(bytebpe.Tokenizer.from_ranks, ranks, "gpt4", implementation=name) for name in TOKENIZERS]
    assert [kind for kind, _ in built] == [built[0][0]] * len(built), built
    if built[0][0] == "ok":
        ids = [tokenizer.encode_ordinary("the cat sat") for _, tokenizer in built]
        assert ids[0] == ids[1], ids


def metadata(data: bytes) -> None:
    """A saved directory whose bytebpe.json is the input as bytes, or the saved record with one
    field replaced by a value the input spells in JSON: loaded by both implementations alike."""
    provider = atheris.FuzzedDataProvider(data)
    if provider.ConsumeBool():
        record = dict(RECORD)
        key = provider.PickValueInList([*sorted(RECORD), "extra"])
        try:
            record[key] = json.loads(provider.ConsumeUnicodeNoSurrogates(256))
        except ValueError:
            record[key] = provider.ConsumeUnicode(32)
        meta = json.dumps(record).encode("utf-8", "surrogatepass")
    else:
        meta = provider.ConsumeBytes(4096)
    target = SCRATCH / "load"
    target.mkdir(exist_ok=True)
    (target / files.METADATA_FILE).write_bytes(meta)
    (target / "tokenizer.tiktoken").write_bytes((SAVED / "tokenizer.tiktoken").read_bytes())
    loaded = [outcome(bytebpe.Tokenizer.load, target, implementation=name) for name in TOKENIZERS]
    assert [kind for kind, _ in loaded] == [loaded[0][0]] * len(loaded), loaded
    if loaded[0][0] == "ok":
        ids = [tokenizer.encode("the cat <|e|>", allowed_special="all") for _, tokenizer in loaded]
        assert ids[0] == ids[1], ids


def encode(data: bytes) -> None:
    """A text (surrogates included) and a list of ids: the same ids, bytes and errors from both."""
    provider = atheris.FuzzedDataProvider(data)
    text = provider.ConsumeUnicode(provider.ConsumeIntInRange(0, 2048))
    ids = provider.ConsumeIntListInRange(provider.ConsumeIntInRange(0, 64), 0, 330)
    allowed = provider.PickValueInList([frozenset(), "all", {"<|e|>"}])
    results = []
    for tokenizer in TOKENIZERS.values():
        encoded = outcome(tokenizer.encode, text, allowed_special=allowed, disallowed_special=())
        if encoded[0] == "ok":
            assert tokenizer.decode_bytes(encoded[1]) == text.encode("utf-8"), text
        batch = outcome(tokenizer.encode_ordinary_batch, [text, text[::-1]])
        decoded = outcome(tokenizer.decode_bytes, ids)
        results.append((encoded, batch, decoded))
    assert results[0] == results[1], (text, ids, results)


TARGETS = {"rank_file": rank_file, "metadata": metadata, "encode": encode}


def seeds(target: str) -> list[bytes]:
    """Valid inputs to start from, so that mutations begin past the first check."""
    if target == "rank_file":
        return [(SAVED / "tokenizer.tiktoken").read_bytes()]
    if target == "metadata":
        # A first byte with its low bit clear: the rest is bytebpe.json as it is.
        return [b"\x00" + (SAVED / files.METADATA_FILE).read_bytes()]
    return ["".join(TEXTS).encode("utf-8")]


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options] [CORPUS_DIR]")
    name = sys.argv.pop(1)
    for corpus in (Path(arg) for arg in sys.argv[1:] if not arg.startswith("-")):
        corpus.mkdir(parents=True, exist_ok=True)
        if not any(corpus.iterdir()):
            for number, seed in enumerate(seeds(name)):
                (corpus / f"seed-{number}").write_bytes(seed)
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
