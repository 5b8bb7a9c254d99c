"""Every conformance vector in spec/vectors/ passes on every implementation, and the vector files
are exactly what the reference computes today (spec §10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import bytebpe

ROOT = Path(__file__).resolve().parents[1]
VECTORS = sorted((ROOT / "spec" / "vectors").glob("*.json"))
REQUIRED = [
    "wikipedia-aaabdaaabac", "empty-corpus", "one-byte", "overlap-aaaa", "overlap-aaaaa", "every-reachable-byte",
    "emoji", "combining-marks", "cjk", "crlf", "all-counts-tie", "vocab-256", "corpus-too-small",
]  # fmt: skip


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_required_cases_exist_and_say_why():
    names = {load(path)["name"] for path in VECTORS}
    assert set(REQUIRED) <= names
    for path in VECTORS:
        case = load(path)
        assert path.stem == case["name"] and len(case["why"]) > 30 and case["sections"]


def test_vectors_are_not_stale():
    result = subprocess.run(
        [sys.executable, str(ROOT / "spec/vectors/generate.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def check_samples(impl, encoder, pattern: str, samples: list[str], expected: dict) -> None:
    for i, sample in enumerate(samples):
        pieces = impl.split(sample, pattern)
        assert pieces == expected["pieces"][i]
        ids = encoder.encode_ordinary(sample)
        assert ids == expected["ids"][i]
        assert encoder.decode_bytes(ids) == "".join(pieces).encode("utf-8")
    assert encoder.encode_ordinary_batch(samples) == expected["ids"]


def truncated_encoder(impl, given: dict, expected: dict):
    """A truncate case (§5.5) on ``impl``: the truncation of the longer training, which must be the
    training to the smaller size; returns the truncated tokenizer, to encode the samples with."""
    options = {"pattern": given["pattern"], "min_frequency": given["min_frequency"]}
    longer = bytebpe.Tokenizer.train(
        given["texts"], given["vocab_size"], special_tokens=given["special_tokens"], implementation=impl.NAME, **options
    )
    truncated = longer.truncated(given["truncate_to"])
    n_special = len(given["special_tokens"])
    shorter = impl.train(given["texts"], given["truncate_to"] - n_special, **options)
    assert [list(merge) for merge in shorter] == expected["merges"]
    assert [list(merge) for merge in truncated.merges] == [merge[:2] for merge in expected["merges"]]
    tokens = sorted((token for token in truncated.mergeable_ranks if len(token) > 1), key=truncated.mergeable_ranks.get)
    assert [token.hex() for token in tokens] == expected["tokens"]
    assert truncated.special_tokens == expected["special_tokens"]
    return truncated


@pytest.mark.parametrize("path", VECTORS, ids=[path.stem for path in VECTORS])
def test_vector(impl, path):
    case = load(path)
    given, expected = case["input"], case["expected"]
    pattern = given["pattern"]
    if case["kind"] == "train":
        merges = impl.train(
            given["texts"],
            given["vocab_size"],
            pattern=pattern,
            min_frequency=given["min_frequency"],
            max_token_length=given.get("max_token_length"),
        )
        assert [list(merge) for merge in merges] == expected["merges"]
        vocab = bytebpe.reference.vocabulary_from_merges(merges)
        assert [vocab[256 + i].hex() for i in range(len(merges))] == expected["tokens"]
        encoder = impl.Encoder({token: rank for rank, token in vocab.items()}, pattern)
        samples = given["texts"] + given["probes"]
    elif case["kind"] == "extend":
        ranks = {bytes.fromhex(token): rank for token, rank in given["ranks"]}
        model = impl.Encoder(ranks, pattern, dict(given["special_tokens"]))
        counts = impl.count(given["texts"], pattern)
        merges = impl.extend_from_counts(counts, model, given["vocab_size"])
        assert [list(merge) for merge in merges] == expected["merges"]
        vocab = {rank: token for token, rank in ranks.items()}
        first_id = max([*ranks.values(), *(token_id for _, token_id in given["special_tokens"])]) + 1
        for i, (left, right, _) in enumerate(merges):
            vocab[first_id + i] = vocab[left] + vocab[right]
        assert [vocab[first_id + i].hex() for i in range(len(merges))] == expected["tokens"]
        encoder = impl.Encoder({token: rank for rank, token in vocab.items()}, pattern)
        samples = given["texts"] + given["probes"]
        assert encoder.encode_ordinary_batch(samples) == expected["ids"]
        return
    elif case["kind"] == "offsets":
        ranks = {bytes.fromhex(token): rank for token, rank in given["ranks"]}
        specials = dict(given["special_tokens"])
        encoder = impl.Encoder(ranks, pattern, specials)
        for i, probe in enumerate(given["probes"]):
            ids, byte_offsets, offsets = encoder.encode_with_offsets(probe, list(specials))
            assert ids == expected["ids"][i] == encoder.encode(probe, list(specials))
            assert [list(span) for span in byte_offsets] == expected["byte_offsets"][i]
            assert [list(span) for span in offsets] == expected["offsets"][i]
        return
    elif case["kind"] == "ranks":
        encoder = impl.Encoder({bytes.fromhex(token): rank for token, rank in given["ranks"]}, pattern)
        assert [list(merge) for merge in encoder.merges()] == expected["merges"]
        samples = given["probes"]
    elif case["kind"] == "truncate":
        encoder = truncated_encoder(impl, given, expected)
        samples = given["texts"] + given["probes"]
    else:
        ranks = {bytes.fromhex(token): rank for token, rank in given["ranks"]}
        merges = [tuple(pair) for pair in given["merges"]]
        encoder = impl.Encoder(ranks, pattern, None, merges, given["ignore_merges"])
        priority = {pair: position for position, pair in enumerate(merges)}
        assert encoder.merges() == sorted(priority, key=priority.__getitem__)
        samples = given["probes"]
    check_samples(impl, encoder, pattern, samples, expected)
