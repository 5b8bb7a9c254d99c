"""Code on the site is the source's text: a regex copied from a table of the docs is the regex.

The docs build renders tables with Python-Markdown, which shows a Markdown code span's "\\|" as it
is; docs/hooks/docgen.py writes table cells as HTML code whose text is exactly its argument.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import markdown
import pytest

import bytebpe

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs" / "hooks"))
import docgen

CODE = re.compile(r"<code>(.*?)</code>", re.S)


@pytest.mark.parametrize("text", [*bytebpe.PATTERNS.values(), "a|b", "`x`", "*a* _b_ \\| [c](d) <e> &amp;", "``"])
def test_a_code_cell_shows_its_text_exactly(text):
    page = markdown.markdown(docgen.table(["name", "code"], [["x", docgen.code(text)]]), extensions=["tables"])
    cells = CODE.findall(page)
    assert [html.unescape(cell) for cell in cells] == [text]
    assert len(re.findall(r"<td\b", page)) == 2  # the text's "|" did not make a column
