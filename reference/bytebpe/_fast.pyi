"""Type stubs for bytebpe._fast, the compiled core (fast/src/python.rs)."""

from collections.abc import Callable, Iterable

PATTERNS: dict[str, str]
DEFAULT_PATTERN: str
UNICODE_VERSION: str

def split(text: str, pattern: str) -> list[str]: ...
def train(
    texts: Iterable[str],
    vocab_size: int,
    *,
    pattern: str,
    min_frequency: int,
    max_token_length: int | None = None,
    progress: Callable[[str, int, int], object] | None = None,
) -> tuple[list[tuple[int, int, int]], dict[bytes, int]]: ...
def parse_pattern(pattern: str) -> tuple: ...
def encode_ordinary_flat(
    encoder: Encoder,
    texts: Iterable[str],
    num_threads: int | None = None,
    prepend: int | None = None,
    append: int | None = None,
    width: int = 4,
) -> tuple[bytes, bytes]: ...
def encode_txt_flat(
    encoder: Encoder,
    files: list[str],
    sink: Callable[[bytes, bytes, int], object],
    *,
    txt_split: str,
    doc_cap: int | None,
    max_chars: int | None,
    errors: str,
    skip: int = 0,
    num_threads: int | None = None,
    prepend: int | None = None,
    append: int | None = None,
    width: int = 4,
) -> None: ...
def count(
    texts: Iterable[str], *, pattern: str, progress: Callable[[str, int, int], object] | None = None
) -> Counts: ...
def count_txt(
    files: list[str],
    *,
    pattern: str,
    txt_split: str,
    doc_cap: int | None,
    max_chars: int | None,
    errors: str,
    progress: Callable[[str, int, int], object] | None = None,
    block_bytes: int | None = None,
    first_batch_bytes: int | None = None,
    chunk_bytes: int | None = None,
) -> Counts: ...
def train_txt(
    files: list[str],
    vocab_size: int,
    *,
    pattern: str,
    txt_split: str,
    doc_cap: int | None,
    max_chars: int | None,
    errors: str,
    min_frequency: int,
    max_token_length: int | None = None,
    progress: Callable[[str, int, int], object] | None = None,
) -> tuple[list[tuple[int, int, int]], dict[bytes, int]]: ...
def train_from_counts(
    counts: Counts,
    vocab_size: int,
    *,
    min_frequency: int,
    max_token_length: int | None = None,
    progress: Callable[[str, int, int], object] | None = None,
) -> tuple[list[tuple[int, int, int]], dict[bytes, int]]: ...

class Counts:
    def __len__(self) -> int: ...
    def get(self, piece: bytes) -> int: ...
    def total(self) -> int: ...
    def merge(self, other: Counts) -> Counts: ...
    def items(self) -> list[tuple[bytes, int]]: ...
    def to_buffers(self) -> tuple[bytes, bytes, bytes]: ...
    @staticmethod
    def from_buffers(data: bytes, offsets: bytes, counts: bytes) -> Counts: ...

def extend_from_counts(
    counts: Counts,
    encoder: Encoder,
    vocab_size: int,
    *,
    min_frequency: int,
    max_token_length: int | None = None,
    progress: Callable[[str, int, int], object] | None = None,
) -> list[tuple[int, int, int]]: ...
def encode_with_offsets(
    encoder: Encoder, text: str, allowed_special: Iterable[str]
) -> tuple[list[int], list[tuple[int, int]], list[tuple[int, int]]]: ...

class Encoder:
    def __init__(
        self,
        mergeable_ranks: dict[bytes, int],
        pattern: str,
        special_tokens: dict[str, int] | None = None,
        merges: Iterable[tuple[int, int]] | None = None,
        ignore_merges: bool | None = None,
    ) -> None: ...
    @property
    def pattern(self) -> str: ...
    def merges(self) -> list[tuple[int, int]]: ...
    def encode_ordinary(self, text: str) -> list[int]: ...
    def encode_ordinary_batch(self, texts: Iterable[str], num_threads: int | None = None) -> list[list[int]]: ...
    def encode(self, text: str, allowed_special: Iterable[str]) -> list[int]: ...
    def encode_batch(
        self, texts: Iterable[str], allowed_special: Iterable[str], num_threads: int | None = None
    ) -> list[list[int]]: ...
    def decode_bytes(self, ids: Iterable[int]) -> bytes: ...
