"""Reading nanochat's ``tokenizer.pkl`` without running what a pickle may hold.

nanochat saves its tokenizer as a pickled ``tiktoken.Encoding``. Unpickling can call any
function a file names (``os.system`` included), so this reader admits one class, tiktoken's
``Encoding``, and plain data (dicts, lists, strings, bytes, numbers); a pickle that asks for
anything else is refused before anything in it runs. It never builds the Encoding either: it
keeps the state the Encoding would be built from (its name, split regex, ranks and special
tokens) and checks it, so tiktoken need not be installed to read the file.

An Encoding that tiktoken itself registers (``cl100k_base``, ...) is pickled by its name alone;
that name is looked up through tiktoken (bytebpe.nanochat.pretrained).
"""

from __future__ import annotations

import io
import pickle
from typing import Any, NamedTuple

from bytebpe.nanochat import pretrained

__all__ = ["EncodingState", "parse_encoding"]

_ENCODING = ("tiktoken.core", "Encoding")
_FIELDS = {"name": str, "pat_str": str, "mergeable_ranks": dict, "special_tokens": dict}
_OPTIONAL_FIELDS = {"explicit_n_vocab"}


class EncodingState(NamedTuple):
    """What a pickled tiktoken.Encoding holds: the parts of a bytebpe tokenizer, not yet checked
    as a model (the Tokenizer checks them, spec §5.2 and §5.4)."""

    name: str
    pattern: str
    ranks: dict[bytes, int]
    special_tokens: dict[str, int]


class _Refused(pickle.UnpicklingError):
    """The pickle asks for something this reader does not admit (not damage: a refusal)."""


class _Pickled:
    """What the unpickler makes where the pickle names tiktoken's Encoding: a holder of its state."""

    state: object = None

    def __init__(self, *args: object) -> None:
        if args:  # the Encoding's own reduction passes none
            raise _Refused("tiktoken's Encoding is called with arguments, not as tiktoken pickles it")

    def __setstate__(self, state: object) -> None:
        self.state = state


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == _ENCODING:
            return _Pickled
        raise _Refused(
            f"it asks for {module}.{name}, and a nanochat tokenizer.pkl holds nothing but tiktoken's Encoding "
            "and plain data: this file is not one, or has been tampered with. It was not loaded, and nothing in it ran"
        )

    def persistent_load(self, pid: object) -> Any:
        raise _Refused("it refers to a persistent object, which a tokenizer.pkl never does")


def parse_encoding(data: bytes) -> EncodingState:
    """The state of the tiktoken.Encoding pickled in ``data``; ValueError saying what is wrong
    with a pickle that is damaged, is not an Encoding, or asks for anything else."""
    try:
        loaded = _Unpickler(io.BytesIO(data)).load()
    except MemoryError:
        raise
    except _Refused as err:
        raise ValueError(f"refused: {err}") from None
    except Exception as err:  # a damaged pickle fails in many ways, all of them "damaged"
        raise ValueError(
            f"not a complete pickle ({type(err).__name__}: {err}); is the file truncated or damaged?"
        ) from None
    if not isinstance(loaded, _Pickled):
        raise ValueError(f"the pickle holds a {type(loaded).__name__}, not a tiktoken Encoding")
    state = loaded.state
    if isinstance(state, str):
        encoding = pretrained.get_encoding(state)
        return EncodingState(encoding.name, encoding._pat_str, encoding._mergeable_ranks, encoding._special_tokens)
    return _checked(state)


def _checked(state: object) -> EncodingState:
    if not isinstance(state, dict):
        raise ValueError(f"the Encoding's state is a {type(state).__name__}, not a dict")
    missing = sorted(set(_FIELDS) - set(state))
    unknown = sorted(set(state) - set(_FIELDS) - _OPTIONAL_FIELDS, key=repr)
    if missing or unknown:
        raise ValueError(f"the Encoding's state lacks {missing} or has fields this reader does not know: {unknown}")
    for field, kind in _FIELDS.items():
        if not isinstance(state[field], kind):
            raise ValueError(f"the Encoding's {field} is a {type(state[field]).__name__}, not a {kind.__name__}")
    ranks, specials = state["mergeable_ranks"], state["special_tokens"]
    if not all(isinstance(token, bytes) and _is_int(rank) for token, rank in ranks.items()):
        raise ValueError("the Encoding's mergeable_ranks must map bytes to int")
    if not all(isinstance(text, str) and _is_int(token_id) for text, token_id in specials.items()):
        raise ValueError("the Encoding's special_tokens must map str to int")
    return EncodingState(state["name"], state["pat_str"], ranks, specials)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
