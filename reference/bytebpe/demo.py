"""`make demo`: train the fast implementation on real text that every machine has, the running
Python's standard-library sources, then show what it learned and an encode/decode round trip.

    python -m bytebpe.demo [--vocab-size N] [--max-mb MB] [--implementation fast|reference]
"""

from __future__ import annotations

import argparse
import sys
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path

import bytebpe


def stdlib_files(root: Path) -> list[Path]:
    """The standard library's own .py files (no installed packages, no test suites)."""
    skip = {"site-packages", "dist-packages", "test", "tests", "idlelib", "__pycache__"}
    return sorted(path for path in root.rglob("*.py") if not skip & set(path.relative_to(root).parts))


def read_texts(files: list[Path], max_bytes: int) -> Iterator[str]:
    """Yield one text per file, lazily, until ``max_bytes`` of text have been yielded."""
    total = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        total += len(text.encode("utf-8"))
        yield text
        if total >= max_bytes:
            return


def show_token(token: bytes) -> str:
    """A token as text if its bytes are whole UTF-8 characters, else as bytes (a partial one)."""
    try:
        return repr(token.decode("utf-8"))
    except UnicodeDecodeError:
        return repr(token)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))  # the first paragraph
    parser.add_argument("--vocab-size", type=int, default=8192)
    parser.add_argument("--max-mb", type=float, default=64.0, help="stop reading after this much text")
    parser.add_argument("--implementation", default="fast", choices=bytebpe.IMPLEMENTATIONS)
    args = parser.parse_args(argv)

    root = Path(sysconfig.get_paths()["stdlib"])
    files = stdlib_files(root)
    held_out, training = files[::10], [f for i, f in enumerate(files) if i % 10]
    corpus_bytes = sum(len(t.encode("utf-8")) for t in read_texts(training, int(args.max_mb * 1e6)))
    print(
        f"bytebpe demo: the {args.implementation} implementation on Python {sys.version.split()[0]}'s standard library"
    )
    print(f"  corpus   {corpus_bytes / 1e6:.1f} MB of real text from {root} (every 10th file held out)")
    print(f"  settings vocab_size={args.vocab_size}, pattern=gpt4")

    start = time.perf_counter()
    tok = bytebpe.Tokenizer.train(
        read_texts(training, int(args.max_mb * 1e6)), args.vocab_size, implementation=args.implementation
    )
    elapsed = time.perf_counter() - start
    print(f"\ntrained in {elapsed:.2f} s: {len(tok.merges)} merges, {corpus_bytes / 1e6 / elapsed:.1f} MB/s")

    vocab = {rank: token for token, rank in tok.mergeable_ranks.items()}
    print("\nfirst merges:  " + "  ".join(show_token(vocab[256 + i]) for i in range(min(12, len(tok.merges)))))
    print("last merges:   " + "  ".join(show_token(vocab[tok.n_vocab - 1 - i]) for i in range(min(8, len(tok.merges)))))
    longest = sorted(vocab.values(), key=len, reverse=True)[:5]
    print("longest:       " + "  ".join(show_token(token) for token in longest))

    sample = 'def greet(name: str) -> str:\n    return f"Hello, {name}! 👋"\n'
    ids = tok.encode_ordinary(sample)
    back = tok.decode(ids)
    print(f"\nround trip:    {sample!r}\n  -> {len(ids)} tokens {ids}")
    print("  -> " + " | ".join(show_token(vocab[i]) for i in ids))
    print(f"  -> decoded back {'identical' if back == sample else 'DIFFERENT'}")

    test_texts = list(read_texts(held_out, 5_000_000))
    encoded = tok.encode_ordinary_batch(test_texts)
    test_bytes = sum(len(t.encode("utf-8")) for t in test_texts)
    print(f"\nheld-out text: {test_bytes / 1e6:.1f} MB, {test_bytes / sum(map(len, encoded)):.2f} bytes per token")
    return 0 if back == sample else 1


if __name__ == "__main__":
    sys.exit(main())
