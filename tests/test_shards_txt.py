"""Token shards of a Corpus of .txt files: the core reads and encodes them itself
(bytebpe.shards.txt_source), and its shards, index included, are the bytes that the Python path
(the corpus read by bytebpe.corpus, encoded batch by batch) writes, for every reader option,
format and dtype; a resumed run skips the same documents, and bad bytes fail the same way.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bytebpe
from bytebpe.corpus import Corpus
from bytebpe.shards import writer
from bytebpe.shards.txt_source import core_reads

SPECIALS = ["<|endoftext|>", "<|bos|>"]
# Few parts per line, so that blank lines, paragraphs and ties are common; "\r", multi-byte
# letters and space that only Python counts as space (U+001C) included.
LINE_PARTS = ["a", "b", "ab ", " ", "\t", "\r", "é", "漢", "\x1c", "\u00a0", "x y"]
BAD_BYTES = [b"\xff", b"\xe4\xb8", b"\xed\xa0\x80"]


@pytest.fixture(scope="module")
def tokenizers():
    corpus = ["ab ab abc aab ba\n", "aB1 '\r\n\t ab", "é日a 😀\n ab 漢漢"] * 5
    base = bytebpe.Tokenizer.train(corpus, 300, special_tokens=SPECIALS, implementation="reference")
    return {name: base.with_implementation(name) for name in bytebpe.IMPLEMENTATIONS}


@st.composite
def file_bytes(draw: st.DrawFn, bad: bool) -> bytes:
    parts = st.sampled_from(LINE_PARTS).map(str.encode)
    if bad:
        parts = st.one_of(parts, st.sampled_from(BAD_BYTES))
    lines = draw(st.lists(st.lists(parts, max_size=4).map(b"".join), max_size=14))
    return b"\n".join(lines) + (b"\n" if draw(st.booleans()) else b"")


def written(out):
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def run(tokenizer, corpus, out, source, **options):
    try:
        writer.encode_to_shards(tokenizer, corpus, out, source=source, **options)
    except ValueError as error:
        return type(error), str(error)
    return written(out)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.data(),
    bad=st.booleans(),
    txt_split=st.sampled_from(["paragraph", "line", "file"]),
    doc_cap=st.sampled_from([None, 1, 3]),
    max_chars=st.sampled_from([None, 1, 7, 40]),
    errors=st.sampled_from(["strict", "replace"]),
    format=st.sampled_from(bytebpe.shards.FORMATS),
    dtype=st.sampled_from(["uint16", "uint32"]),
    shard_tokens=st.integers(1, 30),
    split=st.booleans(),
)
def test_the_core_writes_the_bytes_of_the_python_path(
    tokenizers, tmp_path_factory, data, bad, txt_split, doc_cap, max_chars, errors, format, dtype, shard_tokens, split
):
    root = tmp_path_factory.mktemp("txt")
    files = []
    for number, content in enumerate(data.draw(st.lists(file_bytes(bad), min_size=1, max_size=3))):
        path = root / f"{number}.txt"
        path.write_bytes(content)
        files.append(path)
    corpus = Corpus(files, txt_split=txt_split, doc_cap=doc_cap, max_chars=max_chars, errors=errors)
    fast = tokenizers["fast"]
    assert core_reads(fast, corpus) and not core_reads(tokenizers["reference"], corpus)
    options = dict(format=format, dtype=dtype, shard_tokens=shard_tokens, split_documents=split, eot="<|endoftext|>")
    core = run(fast, corpus, root / "core", None, **options)
    python = run(fast, corpus, root / "python", writer.encode_here, **options)
    assert core == python
    assert run(tokenizers["reference"], corpus, root / "reference", None, **options) == core


@pytest.mark.parametrize("format", bytebpe.shards.FORMATS)
def test_a_resumed_run_skips_the_documents_written(tokenizers, tmp_path, monkeypatch, format):
    path = tmp_path / "c.txt"
    path.write_text("".join(f"ab {'a' * (n % 5)} é\n\n" for n in range(200)))
    corpus = Corpus(path)
    fast = tokenizers["fast"]
    whole = tmp_path / "whole"
    fast.encode_to_shards(corpus, whole, shard_tokens=50, eot="<|endoftext|>", format=format)
    stopped = tmp_path / "stopped"
    real = writer._Writer._write
    calls = []

    def write_three(self, shard):
        calls.append(shard.number)
        if len(calls) > 3:
            raise KeyboardInterrupt
        real(self, shard)

    monkeypatch.setattr(writer._Writer, "_write", write_three)
    with pytest.raises(KeyboardInterrupt):
        fast.encode_to_shards(corpus, stopped, shard_tokens=50, eot="<|endoftext|>", format=format)
    # A stopped run leaves no staging file of a shard behind.
    assert not [path.name for path in stopped.iterdir() if ".tmp-" in path.name]
    monkeypatch.setattr(writer._Writer, "_write", real)
    index = fast.encode_to_shards(corpus, stopped, shard_tokens=50, eot="<|endoftext|>", format=format)
    assert index["complete"] and written(stopped) == written(whole)


def test_a_corpus_shorter_than_the_shards_is_refused_by_the_core(tokenizers, tmp_path):
    from bytebpe import _fast

    path = tmp_path / "c.txt"
    path.write_text("ab\n\nab\n")
    options = dict(txt_split="paragraph", doc_cap=None, max_chars=None, errors="strict")
    got = []
    with pytest.raises(ValueError, match="fewer documents than the 5 the shards already hold"):
        _fast.encode_txt_flat(tokenizers["fast"]._encoder, [str(path)], lambda *b: got.append(b), skip=5, **options)
    assert b"".join(ids for ids, _, _ in got) == b""
