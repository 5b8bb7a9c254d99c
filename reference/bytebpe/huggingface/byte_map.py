"""GPT-2's map between bytes and the printable characters that stand for them in a byte-level
``tokenizer.json``: Hugging Face's vocabulary and merges hold strings, bytebpe's tokens are bytes.
"""

from __future__ import annotations


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's map from the 256 byte values to printable characters, as Hugging Face uses it.

    The bytes ``!``..``~``, ``¡``..``¬`` and ``®``..``ÿ`` stand for themselves; the other 68
    (controls, space, DEL, the C1 range, NBSP and SHY), in byte order, become U+0100, U+0101, ...
    So space is ``Ġ`` (U+0120) and newline ``Ċ`` (U+010A).
    """
    printable = {*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)}
    mapping: dict[int, str] = {}
    shifted = 0
    for byte in range(256):
        if byte in printable:
            mapping[byte] = chr(byte)
        else:
            mapping[byte] = chr(0x100 + shifted)
            shifted += 1
    return mapping


BYTE_CHARS = bytes_to_unicode()
ALPHABET = frozenset(BYTE_CHARS.values())
BYTE_OF_CHAR = {char: byte for byte, char in BYTE_CHARS.items()}


def token_string(token: bytes) -> str:
    """The string that stands for ``token`` in a byte-level vocabulary."""
    # latin-1 gives each byte the character of the same value; translate then maps those
    # characters (ordinals 0..255) to GPT-2's, all in C.
    return token.decode("latin-1").translate(BYTE_CHARS)


def token_bytes(string: str) -> bytes | None:
    """The bytes ``string`` stands for, or None if a character of it is outside the map."""
    try:
        return bytes(BYTE_OF_CHAR[char] for char in string)
    except KeyError:
        return None
