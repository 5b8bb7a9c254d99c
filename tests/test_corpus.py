"""bytebpe.corpus: what a document is in each format, paths and globs, limits, errors, laziness."""

from __future__ import annotations

import builtins
import glob
import gzip
import json
import re
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bytebpe
from bytebpe import corpus
from bytebpe.corpus import Corpus, Skipped, expand_paths, read_documents


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))  # bytes: text mode would translate line endings
    return path


def write_jsonl(path: Path, records: list[object], *, field: str = "text") -> Path:
    lines = "".join(json.dumps(record if isinstance(record, dict) else {field: record}) + "\n" for record in records)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(lines.encode()) if path.name.endswith(".gz") else lines.encode())
    return path


def write_parquet(
    path: Path, texts: list[str | None], *, column: str = "text", row_group_size: int | None = None
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table({"id": list(range(len(texts))), column: pa.array(texts, type=pa.string())})
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def read(path: Path, **options) -> list[str]:
    return list(read_documents(path, **options))


def lines_of(text: str) -> list[str]:
    """The lines of the module docstring: each ends with "\\n", or at the end of the text."""
    return re.findall(r"[^\n]*\n|[^\n]+", text)


# ---------------------------------------------------------------------------------------------
# .txt: what a document is


def test_paragraph_documents_end_after_each_run_of_blank_lines(tmp_path):
    path = write_text(tmp_path / "a.txt", "one\ntwo\n\n\nthree\n \n\t\r\nfour")
    assert read(path) == ["one\ntwo\n\n\n", "three\n \n\t\r\n", "four"]


def test_leading_blank_lines_are_a_document_of_their_own(tmp_path):
    path = write_text(tmp_path / "a.txt", "\n  \nfirst\n\nsecond\n")
    assert read(path) == ["\n  \n", "first\n\n", "second\n"]


def test_a_file_without_blank_lines_is_one_document(tmp_path):
    path = write_text(tmp_path / "a.txt", "no\nblank\nlines\n")
    assert read(path) == ["no\nblank\nlines\n"]


def test_crlf_endings_work_and_a_lone_cr_is_an_ordinary_character(tmp_path):
    path = write_text(tmp_path / "a.txt", "a\r\n\r\nb\rc\n\rd\n")
    # "\r\n" is a blank line; "\r" alone ends no line, and the line "\rd\n" is not blank.
    assert read(path) == ["a\r\n\r\n", "b\rc\n\rd\n"]
    assert read(path, txt_split="line") == ["a\r\n", "\r\n", "b\rc\n", "\rd\n"]


def test_line_and_file_modes(tmp_path):
    path = write_text(tmp_path / "a.txt", "x\n\ny\nz")
    assert read(path, txt_split="line") == ["x\n", "\n", "y\n", "z"]
    assert read(path, txt_split="file") == ["x\n\ny\nz"]


def test_empty_files_give_no_documents_and_blank_files_one(tmp_path):
    empty = write_text(tmp_path / "empty.txt", "")
    blank = write_text(tmp_path / "blank.txt", "\n \n")
    for split in ("paragraph", "line", "file"):
        assert read(empty, txt_split=split) == []
    assert read(blank) == ["\n \n"]
    assert read(blank, txt_split="file") == ["\n \n"]


def test_a_byte_order_mark_is_kept_like_any_character(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfhi\n")
    assert read(path) == ["\ufeffhi\n"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """One directory for all the examples of a property test (tmp_path is per test, not per example)."""
    return tmp_path_factory.mktemp("scratch")


TEXTS = st.text(alphabet="ab \n\t\r", max_size=60)


@given(text=TEXTS)
def test_txt_documents_concatenate_to_the_file(scratch, text):
    path = write_text(scratch / "t.txt", text)
    paragraphs = read(path)
    assert "".join(paragraphs) == text
    assert read(path, txt_split="line") == lines_of(text)
    assert read(path, txt_split="file") == ([text] if text else [])
    # The cut rule itself: blank lines only at the end of a document, and each cut follows one.
    for index, document in enumerate(paragraphs):
        blank = [line.isspace() for line in lines_of(document)]
        assert blank == sorted(blank), document  # no line that is not blank after a blank one
        if index + 1 < len(paragraphs):
            assert blank[-1] and not lines_of(paragraphs[index + 1])[0].isspace()


def take_chars(documents: list[str], limit: int) -> list[str]:
    """What max_chars=limit must give: the documents, the one that crosses the limit cut."""
    taken = []
    for document in documents:
        if limit <= 0:
            break
        taken.append(document[:limit])
        limit -= len(document)
    return taken


@given(
    text=TEXTS, cap=st.integers(1, 12), limit=st.integers(1, 80), split=st.sampled_from(["paragraph", "line", "file"])
)
def test_doc_cap_crops_and_max_chars_cuts_exactly(scratch, text, cap, limit, split):
    path = write_text(scratch / "t.txt", text)
    documents = read(path, txt_split=split)
    cropped = [document[:cap] for document in documents]
    assert read(path, txt_split=split, doc_cap=cap) == cropped
    assert read(path, txt_split=split, max_chars=limit) == take_chars(documents, limit)
    both = read(path, txt_split=split, doc_cap=cap, max_chars=limit)
    assert both == take_chars(cropped, limit)
    assert sum(map(len, both)) == min(limit, sum(map(len, cropped)))


# ---------------------------------------------------------------------------------------------
# JSON Lines and Parquet


@pytest.mark.parametrize("name", ["a.jsonl", "a.ndjson", "a.jsonl.gz", "A.JSONL"])
def test_jsonl_documents_are_the_text_field(tmp_path, name):
    path = write_jsonl(tmp_path / name, ["first", {"text": "second", "id": 2}, "", "fourth\n\n"])
    assert read(path) == ["first", "second", "fourth\n\n"]  # the empty text is skipped


def test_jsonl_skips_blank_lines_and_reads_another_field(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"body": "x", "text": 1}\n\n   \n{"body": "y"}\n')
    assert read(path, text_field="body") == ["x", "y"]


def test_parquet_documents_are_the_column_without_nulls(tmp_path):
    path = write_parquet(tmp_path / "a.parquet", ["a", None, "b", "", "c"], column="content")
    assert read(path, text_field="content") == ["a", "b", "c"]


def test_parquet_is_read_one_row_group_at_a_time(tmp_path, monkeypatch):
    texts = [f"document {i}" for i in range(100)]
    path = write_parquet(tmp_path / "a.parquet", texts, row_group_size=10)
    assert pq.ParquetFile(path).num_row_groups == 10
    calls = []
    original = pq.ParquetFile.read_row_group

    def spy(self, index, *args, **kwargs):
        calls.append((index, kwargs.get("columns")))
        return original(self, index, *args, **kwargs)

    def whole_file(*args, **kwargs):
        raise AssertionError("the whole file was read")

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", spy)
    monkeypatch.setattr(pq.ParquetFile, "read", whole_file)
    monkeypatch.setattr(pq, "read_table", whole_file)
    documents = read_documents(path)
    assert calls == []  # nothing is read before it is asked for
    assert next(documents) == "document 0"
    assert calls == [(0, ["text"])]  # one row group, and only the text column
    assert [next(documents) for _ in range(10)] == texts[1:11]
    assert [index for index, _ in calls] == [0, 1]
    assert list(documents) == texts[11:]
    assert [index for index, _ in calls] == list(range(10))


# ---------------------------------------------------------------------------------------------
# Paths: files, directories, globs


@pytest.fixture
def tree(tmp_path):
    write_text(tmp_path / "b.txt", "b\n")
    write_text(tmp_path / "a" / "z.txt", "z\n")
    write_jsonl(tmp_path / "a.jsonl", ["a.jsonl"])
    write_parquet(tmp_path / "c" / "d" / "e.parquet", ["e.parquet"])
    write_text(tmp_path / "upper.TXT", "upper\n")
    write_text(tmp_path / "README.md", "any file is text\n")
    write_text(tmp_path / "src" / "main.py", "print('hi')\n")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    write_text(tmp_path / ".hidden.txt", "hidden\n")
    write_text(tmp_path / ".git" / "x.txt", "hidden\n")
    return tmp_path


def test_a_directory_gives_every_file_recursively_in_sorted_order(tree):
    expected = [
        tree / "README.md",
        tree / "a" / "z.txt",
        tree / "a.jsonl",
        tree / "b.txt",
        tree / "c" / "d" / "e.parquet",
        tree / "src" / "main.py",
        tree / "upper.TXT",
    ]
    assert expand_paths(tree) == expected
    assert expand_paths(str(tree)) == expected
    assert read(tree) == ["any file is text\n", "z\n", "a.jsonl", "b\n", "e.parquet", "print('hi')\n", "upper\n"]


def test_what_a_directory_skips_is_reported_with_the_reason(tree):
    skipped = Corpus(tree).skipped
    assert skipped == (
        Skipped(str(tree / ".git"), "hidden"),
        Skipped(str(tree / ".hidden.txt"), "hidden"),
        Skipped(str(tree / "logo.png"), "binary"),
    )
    report = corpus.skip_report(skipped)
    assert report.startswith("skipped 3: 2 hidden (") and "1 binary (" in report and "logo.png" in report


def test_include_and_exclude_choose_files_by_name_or_by_path_below_the_directory(tree):
    assert expand_paths(tree, include="*.py") == [tree / "src" / "main.py"]
    assert expand_paths(tree, include=["*.txt", "*.TXT"], exclude="a/*") == [tree / "b.txt", tree / "upper.TXT"]
    chosen = Corpus(tree, include="*.txt")
    assert chosen.files == (tree / "a" / "z.txt", tree / "b.txt")
    assert Skipped(str(tree / "README.md"), "not included") in chosen.skipped
    assert Skipped(str(tree / "src" / "main.py"), "excluded") in Corpus(tree, exclude="src/*").skipped
    with pytest.raises(FileNotFoundError, match=r"holds no file to read \(skipped .*not included"):
        expand_paths(tree, include="*.rs")


def test_a_named_file_is_read_whatever_its_name_and_the_binary_check_is_for_directories(tree):
    assert read(tree / "README.md") == ["any file is text\n"]
    assert expand_paths(tree / "logo.png") == [tree / "logo.png"]


def test_format_forces_one_format_for_every_file(tmp_path):
    path = write_jsonl(tmp_path / "data.json", ["from json"])
    assert read(path) == [path.read_text()]  # by its name, plain text
    assert read(path, format="jsonl") == ["from json"]
    assert read(write_jsonl(tmp_path / "x.jsonl", ["y"]), format="text") == ['{"text": "y"}\n']
    with pytest.raises(ValueError, match="format must be one of"):
        Corpus(path, format="json")


def test_special_files_in_a_directory_are_skipped(tmp_path):
    import os

    write_text(tmp_path / "a.txt", "a\n")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    skipped = Corpus(tmp_path).skipped
    assert Skipped(str(tmp_path / "pipe"), "not a regular file") in skipped
    assert Skipped(str(tmp_path / "dangling"), "broken link") in skipped


def test_stdin_is_dash(tmp_path, monkeypatch):
    source = write_text(tmp_path / "in.txt", "one\n\ntwo\n")
    with open(source, "rb") as stdin:
        monkeypatch.setattr("sys.stdin", stdin)
        import os

        saved = os.dup(0)
        os.dup2(stdin.fileno(), 0)
        try:
            chosen = Corpus("-")
            assert chosen.size == source.stat().st_size  # stdin from a file has a size
            assert list(chosen) == ["one\n\n", "two\n"]
        finally:
            os.dup2(saved, 0)
            os.close(saved)


def test_a_reading_counts_the_bytes_of_the_files_it_has_read(tmp_path):
    write_text(tmp_path / "1.txt", "aaaa\n\nbbbb\n")
    write_jsonl(tmp_path / "2.jsonl.gz", ["cc"] * 500)
    write_parquet(tmp_path / "3.parquet", ["dd"] * 10)
    chosen = Corpus(tmp_path)
    reading = iter(chosen)
    assert reading.bytes_read == 0
    assert next(reading) == "aaaa\n\n"
    assert 0 < reading.bytes_read <= 12
    assert len(list(reading)) == 1 + 500 + 10
    assert reading.bytes_read == chosen.size == sum(path.stat().st_size for path in chosen.files)


def test_the_order_of_the_given_paths_is_kept(tree):
    given = [tree / "b.txt", tree / "a", tree / "b.txt"]
    assert expand_paths(given) == [tree / "b.txt", tree / "a" / "z.txt", tree / "b.txt"]


def test_globs(tree):
    root = glob.escape(str(tree))
    assert expand_paths(f"{root}/*.txt") == [tree / "b.txt"]
    assert expand_paths(f"{root}/**/*.txt") == [tree / "a" / "z.txt", tree / "b.txt"]
    assert expand_paths(f"{root}/?.jsonl") == [tree / "a.jsonl"]
    assert expand_paths(f"{root}/[ab].*") == [tree / "a.jsonl", tree / "b.txt"]
    # A directory that a glob matches is expanded; "**" matching it and its files gives each file once.
    assert expand_paths(f"{root}/**") == expand_paths(tree)
    assert expand_paths(f"{root}/c/*") == [tree / "c" / "d" / "e.parquet"]
    assert expand_paths(f"{root}/*.md") == [tree / "README.md"]
    assert Corpus(f"{root}/*.png", format="parquet").files == (tree / "logo.png",)  # only text is checked


def test_an_existing_file_whose_name_looks_like_a_glob_is_a_file(tmp_path):
    path = write_text(tmp_path / "a[1].txt", "literal\n")
    assert expand_paths(path) == [path]


def test_missing_paths_and_empty_globs_are_named(tree):
    with pytest.raises(FileNotFoundError, match=r"no such file or directory: .*nothere\.txt"):
        expand_paths([tree / "b.txt", tree / "nothere.txt"])
    pattern = f"{glob.escape(str(tree))}/*.csv"
    with pytest.raises(FileNotFoundError, match=re.escape(repr(pattern))):
        expand_paths(pattern)
    with pytest.raises(FileNotFoundError, match=r"matches no file to read \(skipped 1: 1 binary"):
        expand_paths(f"{glob.escape(str(tree))}/*.png")
    (tree / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"directory .*empty.* holds no file to read$"):
        expand_paths(tree / "empty")


@pytest.mark.parametrize("paths", [b"a.txt", 3, [Path("a.txt"), 3], [b"a.txt"]])
def test_paths_of_the_wrong_type(paths):
    with pytest.raises(TypeError, match="path"):
        expand_paths(paths)


def test_no_paths_at_all():
    with pytest.raises(ValueError, match="paths is empty"):
        expand_paths([])


# ---------------------------------------------------------------------------------------------
# max_chars and doc_cap across documents and files


def test_max_chars_cuts_the_crossing_document_and_reads_no_further(tmp_path):
    write_text(tmp_path / "1.txt", "aaaa\n\nbbbb\n")
    write_jsonl(tmp_path / "2.jsonl", ["cccccc", "dd"])
    (tmp_path / "3.txt").write_bytes(b"\xff never decoded")
    assert read(tmp_path, max_chars=8) == ["aaaa\n\n", "bb"]
    assert read(tmp_path, max_chars=17) == ["aaaa\n\n", "bbbb\n", "cccccc"]  # exactly at a boundary
    assert read(tmp_path, max_chars=19) == ["aaaa\n\n", "bbbb\n", "cccccc", "dd"]
    first_two = [tmp_path / "1.txt", tmp_path / "2.jsonl"]
    assert read(first_two, max_chars=15, doc_cap=2) == ["aa", "bb", "cc", "dd"]  # fewer characters than the limit
    with pytest.raises(ValueError, match=re.escape(f"{tmp_path / '3.txt'}:1: invalid UTF-8")):
        read(tmp_path, max_chars=20)


def test_doc_cap_crops_each_document_before_it_counts(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", ["abcdef", "gh", "ijklmn"])
    assert read(path, doc_cap=3) == ["abc", "gh", "ijk"]
    assert read(path, doc_cap=3, max_chars=7) == ["abc", "gh", "ij"]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"max_chars": 0}, ValueError, "max_chars must be a positive int or None, not 0"),
        ({"doc_cap": -5}, ValueError, "doc_cap must be a positive int or None, not -5"),
        ({"max_chars": "10"}, TypeError, "max_chars must be a positive int or None, not str"),
        ({"doc_cap": 2.5}, TypeError, "doc_cap must be a positive int or None, not float"),
        ({"max_chars": True}, TypeError, "max_chars must be a positive int or None, not bool"),
        ({"txt_split": "word"}, ValueError, "txt_split must be one of 'paragraph', 'line', 'file', not 'word'"),
        ({"errors": "ignore"}, ValueError, "errors must be one of 'strict', 'replace', not 'ignore'"),
        ({"text_field": 1}, TypeError, "text_field must be a str, not int"),
    ],
)
def test_bad_options_fail_at_once(tmp_path, options, error, message):
    path = write_text(tmp_path / "a.txt", "a\n")
    with pytest.raises(error, match=re.escape(message)):
        read_documents(path, **options)  # no next(): the call itself checks
    with pytest.raises(error, match=re.escape(message)):
        Corpus(path, **options)


def test_bad_paths_fail_at_once_not_when_read(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_documents(tmp_path / "missing.txt")
    with pytest.raises(FileNotFoundError):
        Corpus([tmp_path / "missing.txt"])


# ---------------------------------------------------------------------------------------------
# Errors inside files name the file and the line


def test_invalid_utf8_names_the_file_line_and_offset(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"ok\n\nfine\n\xe2\x82 bad\n")
    documents = read_documents(path)
    assert next(documents) == "ok\n\n"  # what comes before the bad byte is read
    with pytest.raises(ValueError, match=re.escape(f"{path}:4: invalid UTF-8 at byte offset 9")) as error:
        next(documents)
    assert "errors='replace'" in str(error.value)
    assert read(path, errors="replace") == ["ok\n\n", "fine\n\ufffd bad\n"]


@pytest.mark.parametrize("name", ["a.jsonl", "a.jsonl.gz"])
def test_invalid_utf8_in_json_lines(tmp_path, name):
    data = b'{"text": "ok"}\n{"text": "\xff"}\n'
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    with pytest.raises(ValueError, match=re.escape(f"{path}:2: invalid UTF-8 at byte offset 25")):
        read(path)
    assert read(path, errors="replace") == ["ok", "\ufffd"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": }', "not valid JSON: Expecting value: column 10"),
        ('["text"]', "expected a JSON object, got an array"),
        ('{"body": "x"}', "field 'text' is missing"),
        ('{"text": 17}', "field 'text' is a number, expected a string"),
        ('{"text": null}', "field 'text' is null, expected a string"),
        ('{"text": ["a"]}', "field 'text' is an array, expected a string"),
        ('{"text": "a\\ud800b"}', "field 'text' holds the lone surrogate U+D800 at index 1"),
    ],
)
def test_bad_json_lines_name_the_file_and_line(tmp_path, line, message):
    path = tmp_path / "data.jsonl"
    path.write_text('{"text": "fine"}\n\n' + line + "\n")
    documents = read_documents(path)
    assert next(documents) == "fine"
    with pytest.raises(ValueError, match=re.escape(f"{path}:3: {message}")):
        next(documents)


def test_a_lone_surrogate_in_json_is_replaced_on_request(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "a\\ud800b\\udfff"}\n')
    assert read(path, errors="replace") == ["a\ufffdb\ufffd"]


def test_parquet_errors_name_the_file_and_the_columns(tmp_path):
    path = write_parquet(tmp_path / "a.parquet", ["x"], column="content")
    with pytest.raises(ValueError, match=re.escape(f"{path}: no column 'text'; the columns are 'id', 'content'")):
        read(path)
    with pytest.raises(ValueError, match=re.escape(f"{path}: column 'id' holds int64, expected strings")):
        read(path, text_field="id")


def test_parquet_without_pyarrow_says_how_to_install_it(tmp_path, monkeypatch):
    path = tmp_path / "a.parquet"
    path.write_bytes(b"never opened")
    text = write_text(tmp_path / "a.txt", "still fine\n")
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # None in sys.modules makes the import fail
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(ImportError, match="pip install pyarrow"):
        read_documents(path)
    with pytest.raises(ImportError, match="pip install pyarrow"):
        Corpus([text, path])
    assert read(text) == ["still fine\n"]


# ---------------------------------------------------------------------------------------------
# Laziness: files are read as far as the documents asked for, and closed when done


@pytest.fixture
def opened(monkeypatch):
    """The files that bytebpe.corpus opens, as it opens them."""
    files = []

    def recording_open(*args, **kwargs):
        file = builtins.open(*args, **kwargs)
        files.append(file)
        return file

    monkeypatch.setattr(corpus, "open", recording_open, raising=False)
    return files


def test_the_first_document_of_a_huge_file_reads_only_its_beginning(tmp_path, opened):
    path = tmp_path / "huge.txt"
    paragraph = b"a line of text\n" * 20 + b"\n"
    path.write_bytes(paragraph * 20_000 + b"\xff")  # about 6 MB, and not UTF-8 at the very end
    documents = read_documents(path)
    assert opened == []  # nothing is opened before a document is asked for
    assert next(documents) == paragraph.decode()
    assert opened[0].raw.tell() < 1_000_000 < path.stat().st_size
    assert next(documents) == paragraph.decode()
    documents.close()  # what a consumer that stops early does, or the garbage collector for it
    assert opened[0].closed


def test_the_first_document_of_a_huge_gzip_file_decompresses_only_its_beginning(tmp_path):
    lines = b"".join(b'{"text": "document %d"}\n' % i for i in range(200_000)) + b"not json\n"
    path = tmp_path / "huge.jsonl.gz"
    path.write_bytes(gzip.compress(lines))
    assert next(read_documents(path)) == "document 0"  # the bad last line is never reached


def test_files_are_closed_when_max_chars_is_reached(tmp_path, opened):
    for name in ("a.txt", "b.txt", "c.txt"):
        write_text(tmp_path / name, "0123456789\n\n" * 3)
    assert "".join(read(tmp_path, max_chars=40)) == ("0123456789\n\n" * 4)[:40]
    assert [Path(file.name).name for file in opened] == ["a.txt", "b.txt"]  # c.txt is never opened
    assert all(file.closed for file in opened)


def test_doc_cap_stops_reading_a_file_in_file_mode(tmp_path, opened):
    path = write_text(tmp_path / "a.txt", "x" * 100 + "\n" + "y\n" * 1_000_000)
    documents = read_documents(path, txt_split="file", doc_cap=50)
    assert next(documents) == "x" * 50
    assert opened[0].raw.tell() < 1_000_000 < path.stat().st_size
    assert list(documents) == []


# ---------------------------------------------------------------------------------------------
# Corpus


@pytest.fixture
def small_corpus(tmp_path):
    text = "The quick brown fox jumps over the lazy dog.\n" * 3
    write_text(tmp_path / "books" / "a.txt", f"{text}\n\n{text.upper()}\n")
    write_jsonl(tmp_path / "web" / "b.jsonl.gz", [f"page {i}: {text}" for i in range(5)])
    write_parquet(tmp_path / "web" / "c.parquet", [f"row {i} {text}" for i in range(7)], row_group_size=2)
    return tmp_path


def test_a_corpus_can_be_iterated_twice(small_corpus):
    paths = (path for path in [small_corpus / "books", str(small_corpus / "web" / "*")])
    data = Corpus(paths, doc_cap=100)
    first = list(data)
    assert len(first) == 2 + 5 + 7
    assert list(data) == first
    assert data.paths == (str(small_corpus / "books"), str(small_corpus / "web" / "*"))
    assert [path.name for path in data.files] == ["a.txt", "b.jsonl.gz", "c.parquet"]


def test_a_corpus_is_frozen_and_has_a_helpful_repr(small_corpus):
    data = Corpus(small_corpus, max_chars=1000)
    assert repr(data) == f"<bytebpe.Corpus 3 files from [{str(small_corpus)!r}] max_chars=1000>"
    assert repr(Corpus(small_corpus / "books")) == f"<bytebpe.Corpus 1 file from [{str(small_corpus / 'books')!r}]>"
    with pytest.raises(AttributeError):
        data.max_chars = 5
    assert data == Corpus(str(small_corpus), max_chars=1000)
    assert hash(data) == hash(Corpus(str(small_corpus), max_chars=1000))


def test_a_corpus_trains_the_same_tokenizer_on_both_implementations(small_corpus):
    data = Corpus(small_corpus)
    reference = bytebpe.Tokenizer.train(data, 300, implementation="reference")
    fast = bytebpe.Tokenizer.train(data, 300, implementation="fast")
    assert reference.mergeable_ranks == fast.mergeable_ranks
    assert reference.n_vocab == 300
    assert fast.mergeable_ranks == bytebpe.Tokenizer.train(list(data), 300).mergeable_ranks
