"""Token shards: the ids read back equal encode_ordinary of each document with its separators,
in order, for every format and dtype; the index, verify, and the checks before anything is written.

The shards are read back with numpy the way training loops read them (np.fromfile after the
llm.c header, np.load, np.memmap), not with bytebpe's own code.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bytebpe
from bytebpe import shards
from bytebpe.shards.packing import Packer
from strategies import TINY_ALPHABETS

SPECIALS = ["<|endoftext|>", "<|bos|>"]


@pytest.fixture(scope="module")
def tokenizers():
    corpus = ["ab ab abc aab ba\n", "aB1 '\r\n\t ab", "é日a 😀\n ab"] * 5
    base = bytebpe.Tokenizer.train(corpus, 300, special_tokens=SPECIALS, implementation="reference")
    return {name: base.with_implementation(name) for name in bytebpe.IMPLEMENTATIONS}


def read_shards(out, index):
    """Every shard's ids, as a training loop reads them."""
    settings_ = index["settings"]
    dtype = np.dtype(settings_["dtype"]).newbyteorder("<")
    result = []
    for shard in index["shards"]:
        path = out / shard["file"]
        if settings_["format"] == "bin":
            header = np.fromfile(path, dtype="<i4", count=256)
            magic, version = (20240520, 1) if settings_["dtype"] == "uint16" else (20240801, 7)
            assert (header[0], header[1], header[2]) == (magic, version, shard["tokens"])
            ids = np.fromfile(path, dtype=dtype, offset=1024)
        elif settings_["format"] == "npy":
            ids = np.load(path, allow_pickle=False)
            assert ids.dtype == dtype
        elif path.stat().st_size == 0:  # numpy cannot map an empty file
            ids = np.zeros(0, dtype=dtype)
        else:
            whole = np.memmap(path, dtype=dtype, mode="r")
            ids = whole[shard["offset"] : shard["offset"] + shard["tokens"]]
        assert len(ids) == shard["tokens"]
        result.append([int(id) for id in ids])
    return result


def expected_stream(tokenizer, documents, bos, eot):
    per_document = []
    for document in documents:
        ids = tokenizer.encode_ordinary(document)
        per_document.append(([] if bos is None else [bos]) + ids + ([] if eot is None else [eot]))
    return per_document


documents_strategy = st.lists(
    st.one_of(st.just(""), st.sampled_from(TINY_ALPHABETS).flatmap(lambda a: st.text(a, max_size=40))), max_size=12
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    documents=documents_strategy,
    shard_tokens=st.integers(1, 40),
    separators=st.sampled_from([(None, None), ("<|bos|>", None), (None, "<|endoftext|>"), ("<|bos|>", 200)]),
    format=st.sampled_from(shards.FORMATS),
    dtype=st.sampled_from(["uint16", "uint32"]),
    split=st.booleans(),
    implementation=st.sampled_from(bytebpe.IMPLEMENTATIONS),
)
def test_shards_hold_every_document_with_its_separators_in_order(
    tokenizers, tmp_path_factory, documents, shard_tokens, separators, format, dtype, split, implementation
):
    tokenizer = tokenizers[implementation]
    out = tmp_path_factory.mktemp("shards") / "out"
    bos, eot = separators
    index = tokenizer.encode_to_shards(
        documents, out, format=format, dtype=dtype, shard_tokens=shard_tokens, bos=bos, eot=eot, split_documents=split
    )
    bos_id = None if bos is None else tokenizer._token_id(bos, "bos")
    eot_id = None if eot is None else tokenizer._token_id(eot, "eot")
    per_document = expected_stream(tokenizer, documents, bos_id, eot_id)
    got = read_shards(out, index)
    assert [id for shard in got for id in shard] == [id for ids in per_document for id in ids]
    assert index["tokens"] == sum(map(len, per_document))
    assert index["documents"] == sum(shard["documents"] for shard in index["shards"])
    assert index["complete"] and shards.verify(out) == index
    if split:
        assert all(len(shard) == shard_tokens for shard in got[:-1])
    else:
        # Whole documents: each shard is a run of complete documents, at most shard_tokens
        # unless it is a single longer document (with any empty ones before it).
        lengths = [len(ids) for ids in per_document]
        position = 0
        for shard, entry in zip(got, index["shards"], strict=True):
            count = entry["documents"]
            assert len(shard) == sum(lengths[position : position + count])
            longer_alone = sum(1 for length in lengths[position : position + count] if length) == 1
            assert len(shard) <= shard_tokens or longer_alone
            position += count
        assert position == len(documents)


@settings(max_examples=40, deadline=None)
@given(lengths=st.lists(st.integers(0, 30), max_size=20), cap=st.integers(1, 25), split=st.booleans(), data=st.data())
def test_cuts_do_not_depend_on_batching(lengths, cap, split, data):
    ids = bytes(range(256)) * 3
    ends = [0]
    for length in lengths:
        ends.append(ends[-1] + length)
    if ends[-1] > len(ids):
        return
    whole = Packer(cap, 1, split)
    one_batch = [*whole.feed(ids, ends), *whole.finish()]
    cut = data.draw(st.integers(0, len(lengths)))
    pieces = Packer(cap, 1, split)
    two_batches = [*pieces.feed(ids, ends[: cut + 1]), *pieces.feed(ids, ends[cut:]), *pieces.finish()]
    assert [(s.data(), s.documents, s.next_document, s.next_skip) for s in one_batch] == [
        (s.data(), s.documents, s.next_document, s.next_skip) for s in two_batches
    ]


def test_the_default_dtype_fits_the_vocabulary(tokenizers, tmp_path):
    index = tokenizers["fast"].encode_to_shards(["ab"], tmp_path / "a")
    assert index["settings"]["dtype"] == "uint16"
    big = bytebpe.Tokenizer.from_ranks(
        {bytes([i]): i for i in range(256)}, special_tokens={"<|endoftext|>": 70000}, implementation="reference"
    )
    assert big.encode_to_shards(["ab"], tmp_path / "b", eot="<|endoftext|>")["settings"]["dtype"] == "uint32"
    assert read_shards(tmp_path / "b", shards.read_index(tmp_path / "b")) == [[97, 98, 70000]]


def test_uint16_overflow_is_refused_before_anything_is_written(tmp_path):
    big = bytebpe.Tokenizer.from_ranks({bytes([i]): i for i in range(256)}, special_tokens={"<|endoftext|>": 70000})
    with pytest.raises(ValueError, match=r"uint16 holds ids below 65536.*70001"):
        big.encode_to_shards(["ab"], tmp_path / "out", dtype="uint16")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("format", shards.FORMATS)
def test_a_corrupt_shard_is_named_by_verify(tokenizers, tmp_path, format):
    out = tmp_path / "out"
    tokenizers["fast"].encode_to_shards(["ab ab abc\n"] * 30, out, format=format, shard_tokens=20)
    index = shards.verify(out)
    victim = index["shards"][1]
    path = out / victim["file"]
    data = bytearray(path.read_bytes())
    at = (victim.get("offset", 0) * 2) + (1024 if format == "bin" else 128 if format == "npy" else 0) + 3
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(shards.ShardError, match=r"shard 1 \(.*\): its sha256 differs"):
        shards.verify(out)
    path.write_bytes(bytes(data[:-2]))
    with pytest.raises(shards.ShardError, match=r"shard 1 .*bytes where the index says"):
        shards.verify(out)


def test_resuming_with_other_arguments_is_refused_naming_them(tokenizers, tmp_path):
    out = tmp_path / "out"
    tokenizer = tokenizers["fast"]
    tokenizer.encode_to_shards(["ab ab"] * 5, out, shard_tokens=4, eot="<|endoftext|>")
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    with pytest.raises(ValueError, match=r"shard_tokens \(4 then, 5 now\)"):
        tokenizer.encode_to_shards(["ab ab"] * 5, out, shard_tokens=5, eot="<|endoftext|>")
    with pytest.raises(ValueError, match="the tokenizer"):
        tokenizer.truncated(270).encode_to_shards(["ab ab"] * 5, out, shard_tokens=4, eot="<|endoftext|>")
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    # The same run again is complete already; overwrite=True writes the other one.
    assert tokenizer.encode_to_shards(["ab ab"] * 5, out, shard_tokens=4, eot="<|endoftext|>")["complete"]
    index = tokenizer.encode_to_shards(["ab ab"] * 5, out, shard_tokens=5, overwrite=True)
    assert index["settings"]["shard_tokens"] == 5 and shards.verify(out) == index


def test_a_corpus_that_changed_is_refused(tokenizers, tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("ab ab\n\nabc\n")
    out = tmp_path / "out"
    tokenizers["fast"].encode_to_shards(bytebpe.Corpus(path), out, shard_tokens=3)
    path.write_text("ab ab\n\nabc abc\n")
    with pytest.raises(ValueError, match=r"the corpus \(sizes\)"):
        tokenizers["fast"].encode_to_shards(bytebpe.Corpus(path), out, shard_tokens=3)


def test_files_bytebpe_did_not_write_are_never_touched(tokenizers, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    for overwrite in (False, True):
        with pytest.raises(FileExistsError, match="did not write"):
            tokenizers["fast"].encode_to_shards(["ab"], out, overwrite=overwrite)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileExistsError, match="not a directory"):
        tokenizers["fast"].encode_to_shards(["ab"], tmp_path / "file")


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"format": "parquet"}, ValueError, "format must be one of"),
        ({"dtype": "int8"}, ValueError, "dtype must be"),
        ({"dtype": 16}, TypeError, "dtype must be"),
        ({"shard_tokens": 0}, ValueError, "shard_tokens must be a positive int"),
        ({"shard_tokens": 2.5}, TypeError, "shard_tokens must be a positive int"),
        ({"bos": "<|nope|>"}, KeyError, "nope"),
        ({"eot": 10**6}, KeyError, "eot: 1000000 is not an id"),
        ({"split_documents": 1}, TypeError, "split_documents must be a bool"),
        ({"overwrite": "yes"}, TypeError, "overwrite must be a bool"),
        ({"progress": "yes"}, TypeError, "progress must be True"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_written(tokenizers, tmp_path, options, error, message):
    with pytest.raises(error, match=message):
        tokenizers["fast"].encode_to_shards(["ab"], tmp_path / "out", **options)
    assert not (tmp_path / "out").exists() or "progress" in options


@pytest.mark.parametrize("corpus", ["ab", b"ab", 3, [b"ab"], ["ab", None]])
def test_a_bad_corpus_is_a_type_error(tokenizers, tmp_path, corpus):
    with pytest.raises(TypeError):
        tokenizers["fast"].encode_to_shards(corpus, tmp_path / "out")


def test_the_index_is_the_same_bytes_whatever_the_implementation(tokenizers, tmp_path):
    documents = ["ab ab abc\n", "é日a 😀", ""] * 7
    written = []
    for name, tokenizer in tokenizers.items():
        out = tmp_path / name
        tokenizer.encode_to_shards(documents, out, shard_tokens=9, eot="<|endoftext|>", num_threads=1)
        written.append({path.name: path.read_bytes() for path in out.iterdir()})
    assert written[0] == written[1]
    index = json.loads(written[0]["index.json"])
    assert index["tokenizer"]["identity"] == shards.tokenizer_identity(tokenizers["fast"])


def test_progress_reports_bytes_of_a_corpus(tokenizers, tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("ab ab\n\nabc\n" * 50)
    reports = []
    tokenizers["fast"].encode_to_shards(
        bytebpe.Corpus(path), tmp_path / "out", progress=lambda *report: reports.append(report)
    )
    size = path.stat().st_size
    assert reports[-1] == ("encoding", size, size)
    assert all(stage == "encoding" and 0 <= done <= total == size for stage, done, total in reports)
