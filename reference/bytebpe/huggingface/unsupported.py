"""The error for a part of a ``tokenizer.json`` that bytebpe cannot reproduce exactly."""

from __future__ import annotations


class UnsupportedComponent(ValueError):
    """A component of a Hugging Face tokenizer that bytebpe does not import, named with what it
    supports instead. bytebpe refuses rather than give ids that may differ from Hugging Face's."""

    def __init__(self, component: str, supported: str) -> None:
        super().__init__(f"unsupported Hugging Face component: {component}; bytebpe supports {supported}")
        self.component = component
