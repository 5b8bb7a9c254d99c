"""mkdocs hooks: make docs/hooks importable by the pages, and expand the API reference from
``bytebpe.__all__``.

The pages compute their examples at build time in ``python exec="on"`` blocks (markdown-exec),
which import ``docgen`` from this folder. The API page holds the marker ``<!-- bytebpe-api -->``,
replaced here by one mkdocstrings block per public name, so that a name added to ``__all__``
appears in the reference without anyone editing the page.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

HOOKS = Path(__file__).resolve().parent
API_MARKER = "<!-- bytebpe-api -->"
# Names that are not objects worth a section of their own (__version__ is a plain string); the
# API page describes them in prose.
NOT_FROM_SOURCE = {"__version__"}
# Sphinx roles in docstrings (":meth:`train`") read as plain code in Markdown.
_ROLE = re.compile(r":(?:meth|func|class|attr|mod|data|exc):(?=<code>)")


def on_config(config: Any) -> Any:
    if str(HOOKS) not in sys.path:
        sys.path.insert(0, str(HOOKS))
    # Everything on the site is computed offline.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    return config


def api_blocks() -> str:
    import bytebpe

    blocks = []
    for name in bytebpe.__all__:
        if name in NOT_FROM_SOURCE:
            continue
        blocks.append(f"::: bytebpe.{name}\n")
    return "\n".join(blocks)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if API_MARKER in markdown:
        markdown = markdown.replace(API_MARKER, api_blocks())
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri == "api.md":
        html = _ROLE.sub("", html)
    return html
