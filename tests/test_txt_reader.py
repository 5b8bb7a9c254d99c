"""The core's .txt reader (fast/src/txt/) against bytebpe.corpus, the Python reader it stands in for.

bytebpe.fast trains on a Corpus of .txt files by reading them in Rust. Its documents must be exactly
the ones Python yields, for every txt_split, doc_cap, max_chars and errors setting, whatever the read
and batch sizes; its errors must be the same exceptions with the same messages, raised for the same
bytes (Python stops reading early with max_chars, and with doc_cap in "file" mode: bad bytes it never
reads must not fail). Documents are compared through
counts under a pattern that makes every document one piece, so the comparison is of the multiset
of documents, which is all that training sees.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bytebpe
from bytebpe import _fast, fast
from bytebpe import reference_implementation as reference
from bytebpe.corpus import Corpus
from bytebpe.counts import PieceCounts

WHOLE = r"[\s\S]+"
"""A pattern under which a whole document is one piece."""

PYTHON_SPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]

# Lines are made of few parts, so that blank lines, runs of them and paragraphs are common: every
# character Python counts as space (U+001C..U+001F are space to Python and not to Rust), some that
# are not (U+200B, U+FEFF), "\r" alone and in "\r\n", multi-byte letters, and bytes that are not UTF-8.
LINE_PARTS = [*PYTHON_SPACE, "\u200b", "\ufeff", "a", "bc", "é", "漢", "\r", "x y"]
BAD_BYTES = [b"\xff", b"\x80", b"\xe4\xb8", b"\xf0\x9f\x98", b"\xc0\xaf", b"\xed\xa0\x80"]


@st.composite
def file_bytes(draw: st.DrawFn, *, bad: bool) -> bytes:
    parts = st.sampled_from(LINE_PARTS).map(str.encode)
    if bad:
        parts = st.one_of(parts, st.sampled_from(BAD_BYTES))
    lines = draw(st.lists(st.lists(parts, max_size=4).map(b"".join), max_size=12))
    text = b"\n".join(lines)
    if draw(st.booleans()):
        text += b"\n"
    return text


def python_documents(files: list[Path], **options: object) -> Counter[bytes]:
    return Counter(document.encode() for document in Corpus(files, **options))  # type: ignore[arg-type]


def core_documents(files: list[Path], block: int, chunk: int | None = None, **options: object) -> Counter[bytes]:
    """The documents the core reads, in reads of ``block`` bytes, each worker cutting ``chunk`` bytes into documents."""
    options = {"max_chars": None, "doc_cap": None, **options}
    table = _fast.count_txt(
        [str(path) for path in files],
        pattern=WHOLE,
        block_bytes=block,
        first_batch_bytes=block,
        chunk_bytes=chunk or max(1, block // 2),
        **options,
    )
    return Counter(dict(PieceCounts(table, pattern=WHOLE).items()))


def write_files(directory: Path, contents: list[bytes]) -> list[Path]:
    paths = []
    for i, content in enumerate(contents):
        path = directory / f"{i}.txt"
        path.write_bytes(content)
        paths.append(path)
    return paths


def outcome(read: object, *args: object, **kwargs: object) -> object:
    """What a reader gives: its documents, or the type and message of what it raised."""
    try:
        return read(*args, **kwargs)  # type: ignore[operator]
    except (ValueError, OSError) as error:
        return type(error), str(error)


@settings(max_examples=300, deadline=None)
@given(
    contents=st.lists(file_bytes(bad=False), min_size=1, max_size=3),
    txt_split=st.sampled_from(["paragraph", "line", "file"]),
    doc_cap=st.none() | st.integers(1, 12),
    max_chars=st.none() | st.integers(1, 40),
    block=st.sampled_from([1, 2, 3, 5, 16, 1 << 20]),
    chunk=st.sampled_from([1, 2, 3, 7, 1 << 20]),
)
def test_the_core_reads_the_documents_python_reads(
    tmp_path_factory, contents, txt_split, doc_cap, max_chars, block, chunk
):
    files = write_files(tmp_path_factory.mktemp("txt"), contents)
    options = {"txt_split": txt_split, "doc_cap": doc_cap, "max_chars": max_chars, "errors": "strict"}
    assert core_documents(files, block, chunk, **options) == python_documents(files, **options)


@settings(max_examples=300, deadline=None)
@given(
    contents=st.lists(file_bytes(bad=True), min_size=1, max_size=2),
    txt_split=st.sampled_from(["paragraph", "line", "file"]),
    doc_cap=st.none() | st.integers(1, 12),
    max_chars=st.none() | st.integers(1, 40),
    errors=st.sampled_from(["strict", "replace"]),
    block=st.sampled_from([1, 3, 7, 1 << 20]),
)
def test_bytes_that_are_not_utf8_fail_or_are_replaced_as_in_python(
    tmp_path_factory, contents, txt_split, doc_cap, max_chars, errors, block
):
    files = write_files(tmp_path_factory.mktemp("txt"), contents)
    options = {"txt_split": txt_split, "doc_cap": doc_cap, "max_chars": max_chars, "errors": errors}
    assert outcome(core_documents, files, block, **options) == outcome(python_documents, files, **options)


def test_a_paragraph_without_end_is_cropped_without_being_held(tmp_path):
    # 2 MB of lines and no blank line: one paragraph, of which doc_cap keeps 5 characters. The
    # reader drops what lies past the crop as it reads (not checked here: memory), and still finds
    # the next paragraph and the bad byte after it.
    body = "".join(f"line {i} é\n" for i in range(200_000))
    path = tmp_path / "long.txt"
    path.write_bytes(body.encode() + b"\n" + b"next\n\n" + b"bad \xff\n")
    for block in [7, 1 << 16]:
        got = outcome(core_documents, [path], block, txt_split="paragraph", doc_cap=5, errors="replace")
        assert got == Counter({b"line ": 1, b"next\n": 1, "bad \ufffd".encode(): 1})
        assert got == python_documents([path], txt_split="paragraph", doc_cap=5, errors="replace")
    strict = outcome(core_documents, [path], 1 << 16, txt_split="paragraph", doc_cap=5, errors="strict")
    assert strict == outcome(python_documents, [path], txt_split="paragraph", doc_cap=5, errors="strict")
    assert "invalid start byte" in strict[1]  # type: ignore[index]


def test_file_mode_with_a_cap_stops_reading_where_python_does(tmp_path):
    # Python reads one line past the cap and no further: a bad byte there fails, one later does not.
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc\ndef\n\xff\n")
    for cap, fails in [(3, False), (4, False), (5, True), (9, True)]:
        options = {"txt_split": "file", "doc_cap": cap, "errors": "strict"}
        got = outcome(core_documents, [path], 2, **options)
        assert got == outcome(python_documents, [path], **options)
        assert isinstance(got, tuple) == fails


def test_training_on_a_txt_corpus_gives_the_reference_merges(tmp_path):
    texts = ["the cat sat\n\non the mat\n", "a\u3000b\n\n\n  indented line\n", "tail without newline"]
    files = write_files(tmp_path, [text.encode() for text in texts])
    corpus = Corpus(files)
    for doc_cap, max_chars in [(None, None), (9, None), (None, 30), (5, 12)]:
        corpus = Corpus(files, doc_cap=doc_cap, max_chars=max_chars)
        assert fast.train_with_ranks(corpus, 300) == reference.train_with_ranks(corpus, 300)
        assert fast.count(corpus) == fast.count(iter(corpus))
    tokenizer = bytebpe.Tokenizer.train(corpus, 280)
    assert tokenizer.merges == bytebpe.Tokenizer.train(list(corpus), 280).merges


def test_max_chars_stops_reading_where_python_does(tmp_path):
    # The budget ends inside the first paragraph: Python reads the line that shows its end (a bad
    # byte there fails) and nothing after it (a bad byte further on does not).
    path = tmp_path / "a.txt"
    for text, fails in [(b"abc\ndef\n\n\xff\n", True), (b"abc\ndef\n\nok\n\xff\n", False)]:
        path.write_bytes(text)
        options = {"txt_split": "paragraph", "max_chars": 5, "errors": "strict"}
        got = outcome(core_documents, [path], 3, **options)
        assert got == outcome(python_documents, [path], **options)
        assert isinstance(got, tuple) == fails
    assert got == Counter({b"abc\nd": 1})


def test_a_corpus_with_other_files_is_read_by_python(tmp_path, monkeypatch):
    files = write_files(tmp_path, [b"one two\n\nthree\n"])
    (tmp_path / "b.jsonl").write_text('{"text": "four"}\n')
    calls = []
    monkeypatch.setattr(_fast, "count_txt", lambda *a, **k: calls.append(a))
    corpus = Corpus([*files, tmp_path / "b.jsonl"], max_chars=12)
    assert fast.count(corpus) == fast.count(list(corpus))
    assert calls == []


def test_a_txt_corpus_is_read_by_the_core(tmp_path, monkeypatch):
    files = write_files(tmp_path, [b"one two\n\nthree\n"])
    calls = []
    count_txt = _fast.count_txt
    monkeypatch.setattr(_fast, "count_txt", lambda *a, **k: calls.append(a) or count_txt(*a, **k))
    corpus = Corpus(files, max_chars=12, doc_cap=9)
    assert fast.count(corpus) == fast.count(list(corpus))
    assert len(calls) == 1


def test_a_file_that_is_gone_is_a_file_not_found_error(tmp_path):
    files = write_files(tmp_path, [b"a\n", b"b\n"])
    corpus = Corpus(files)
    files[1].unlink()
    with pytest.raises(FileNotFoundError, match=r"1\.txt"):
        fast.count(corpus)
    with pytest.raises(FileNotFoundError):
        bytebpe.Tokenizer.train(corpus, 300)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"txt_split": "page"}, "txt_split must be one of"),
        ({"errors": "ignore"}, "errors must be one of"),
        ({"doc_cap": 0}, "doc_cap must be a positive int"),
        ({"max_chars": 0}, "max_chars must be a positive int"),
    ],
)
def test_bad_reader_options_are_value_errors(tmp_path, options, message):
    files = [str(path) for path in write_files(tmp_path, [b"a\n"])]
    settings = {"txt_split": "paragraph", "doc_cap": None, "max_chars": None, "errors": "strict", **options}
    with pytest.raises(ValueError, match=message):
        _fast.count_txt(files, pattern="gpt4", **settings)


def test_an_exception_from_progress_stops_a_read_that_would_never_end(tmp_path):
    # A named pipe fed without end: the reader must notice that training was stopped (here by the
    # progress callback; Ctrl-C takes the same path) between two reads, not at a document's end.
    pipe = tmp_path / "endless.txt"
    os.mkfifo(pipe)
    corpus = Corpus([pipe], txt_split="file")
    stop_writing = threading.Event()

    def write() -> None:
        # The reader closes its end when it stops: then writing (or flushing at close) fails.
        with contextlib.suppress(BrokenPipeError), open(pipe, "wb") as sink:
            while not stop_writing.is_set():
                sink.write(b"word " * 10_000 + b"\n")

    writer = threading.Thread(target=write)
    writer.start()

    def progress(stage: str, done: int, total: int) -> None:
        raise RuntimeError(f"stopped while {stage}")

    try:
        with pytest.raises(RuntimeError, match="stopped while counting"):
            fast.train(corpus, 300, progress=progress)
    finally:
        stop_writing.set()
        writer.join()


def fed_pipes(directory: Path, contents: list[bytes]) -> tuple[list[Path], list[threading.Thread]]:
    """Named pipes in ``directory``, each fed its content by a thread (``{i}.txt``, as write_files names them)."""
    pipes, writers = [], []
    for i, content in enumerate(contents):
        pipe = directory / f"{i}.txt"
        os.mkfifo(pipe)

        def feed(pipe: Path = pipe, content: bytes = content) -> None:
            with contextlib.suppress(BrokenPipeError), open(pipe, "wb") as sink:
                sink.write(content)

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        pipes.append(pipe)
        writers.append(writer)
    return pipes, writers


def release(pipes: list[Path], writers: list[threading.Thread]) -> None:
    """Let every feeding thread end: a pipe the reader never opened gets a reader here."""
    for pipe, writer in zip(pipes, writers, strict=True):
        if writer.is_alive():
            descriptor = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
            writer.join(timeout=10)
            os.close(descriptor)
        writer.join(timeout=10)
        assert not writer.is_alive()


@settings(max_examples=100, deadline=None)
@given(
    contents=st.lists(file_bytes(bad=True), min_size=1, max_size=2),
    txt_split=st.sampled_from(["paragraph", "line", "file"]),
    doc_cap=st.none() | st.integers(1, 12),
    max_chars=st.none() | st.integers(1, 40),
    block=st.sampled_from([1, 3, 7, 1 << 20]),
)
def test_a_bad_byte_in_a_pipe_is_named_by_its_line_as_in_a_file(
    tmp_path_factory, contents, txt_split, doc_cap, max_chars, block
):
    # A pipe cannot be read again to number the line of a bad byte, so the core counts its lines
    # as it reads; the message must be the one Python gives for the same bytes in a file.
    files = write_files(tmp_path_factory.mktemp("txt"), contents)
    folder = tmp_path_factory.mktemp("pipes")
    pipes, writers = fed_pipes(folder, contents)
    options = {"txt_split": txt_split, "doc_cap": doc_cap, "max_chars": max_chars, "errors": "strict"}
    try:
        from_pipes = outcome(core_documents, pipes, block, **options)
    finally:
        release(pipes, writers)
    expected = outcome(python_documents, files, **options)
    if isinstance(expected, tuple):
        expected = (expected[0], expected[1].replace(str(files[0].parent), str(folder)))
    assert from_pipes == expected
