"""bench/multilingual.py's text extraction, on roff it is given here (nothing is downloaded): the
markup goes and the text stays, and the short documents are 100-300 bytes of the text, in order."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def multilingual(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import multilingual

    return multilingual


PAGE = r""".\" a comment that is not text
.TH LS 1 2022 "GNU coreutils" "Benutzerbefehle"
.SH BEZEICHNUNG
ls \- Verzeichnisinhalte auflisten
.SH ÜBERSICHT
.B ls
[\fIOPTION\fP] … [\fIDATEI\fP] …
.SS "Zwei Wörter"
.IP \(bu 2
Größe \[em] in Bytes\(co \[u00E9]t\['e]
.nf
.RS 4
中文 テキスト\e
"""


def test_roff_markup_goes_and_the_text_stays(multilingual):
    text = multilingual.roff_to_text(PAGE)
    assert text.splitlines() == [
        "BEZEICHNUNG",
        "ls - Verzeichnisinhalte auflisten",
        "ÜBERSICHT",
        "ls",
        "[OPTION] … [DATEI] …",
        "Zwei Wörter",
        "• 2",  # a request's arguments are kept whole, the indent of .IP with them
        "Größe — in Bytes© ét",
        "中文 テキスト\\",
    ]
    assert "comment" not in text and "\\f" not in text and "TH" not in text


@pytest.mark.parametrize("seed", range(5))
def test_short_documents_are_100_to_300_bytes_of_the_text_in_order(multilingual, seed):
    rng = random.Random(seed)
    words = ["Größe", "файл", "中文テキスト", "ls", "a" * 40, "é" * 200, "x"]
    text = "\n".join(" ".join(rng.choice(words) for _ in range(rng.randrange(1, 30))) for _ in range(200))
    documents = list(multilingual.short_documents(text))
    assert documents
    for document in documents:
        assert 0 < len(document.encode("utf-8")) <= multilingual.SHORT_MAX
    # all but the last reach the minimum, unless a document ended on a character boundary short
    # of it (a run without spaces is cut anywhere between characters)
    assert all(len(d.encode("utf-8")) >= multilingual.SHORT_MIN - 3 for d in documents[:-1])
    flat = " ".join(text.split())
    assert "".join(documents).replace(" ", "") == flat.replace(" ", "")[: len("".join(documents).replace(" ", ""))]
