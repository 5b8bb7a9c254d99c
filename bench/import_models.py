"""The model-import benchmark: a Hugging Face tokenizer.json in, Hugging Face tokenizers and
bytebpe (Tokenizer.from_huggingface) timed encoding the same documents, ids compared first.

    python bench/import_models.py CORPUS [--style llama3|gpt2|qwen2] [--vocab-size N] [--mb M]

The tokenizer.json is trained here by Hugging Face's own BPE trainer on the first megabytes of
the corpus, in the style of a known model (its pre-tokenizer, ignore_merges, template), so that
nothing is downloaded. Each mode runs in a fresh process: ``single`` with Hugging Face's and
bytebpe's parallelism off (one thread, ``encode_batch_fast`` for Hugging Face, a loop of
``encode_huggingface`` for bytebpe), ``batch`` on all cores. The report is one line per mode: MB/s
of each tool and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LLAMA3_REGEX = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)
QWEN2_REGEX = LLAMA3_REGEX.replace(r"\p{N}{1,3}", r"\p{N}")


def documents(corpus: Path, megabytes: float) -> list[str]:
    text = corpus.read_bytes()[: int(megabytes * 1e6)].decode("utf-8", errors="ignore")
    return [doc for doc in text.split("\n\n") if doc]


def train(style: str, docs: list[str], vocab_size: int, out: Path) -> None:
    import tokenizers
    from tokenizers import decoders, models, normalizers, pre_tokenizers, processors, trainers

    hf = tokenizers.Tokenizer(models.BPE(ignore_merges=style == "llama3"))
    hf.decoder = decoders.ByteLevel()
    if style == "gpt2":
        hf.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    else:
        regex = LLAMA3_REGEX if style == "llama3" else QWEN2_REGEX
        hf.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(tokenizers.Regex(regex), "isolated"),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )
    if style == "qwen2":
        hf.normalizer = normalizers.NFC()
    specials = ["<|begin_of_text|>", "<|end_of_text|>"]
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    hf.train_from_iterator(docs, trainer)
    if style == "llama3":
        hf.post_processor = processors.TemplateProcessing(
            single="<|begin_of_text|> $A", special_tokens=[(specials[0], hf.token_to_id(specials[0]))]
        )
    hf.save(str(out))


def measure(path: Path, docs: list[str], mode: str) -> dict:
    """Seconds per tool for one mode, after checking the ids are identical."""
    import tokenizers

    import bytebpe

    hf = tokenizers.Tokenizer.from_file(str(path))
    tok = bytebpe.Tokenizer.from_huggingface(path)
    want = [encoding.ids for encoding in hf.encode_batch(docs)]
    got = tok.encode_huggingface_batch(docs)
    if got != want:
        first = next(i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b)
        raise SystemExit(f"ids differ on document {first}: bytebpe and Hugging Face disagree")
    times = {}
    start = time.perf_counter()
    hf.encode_batch_fast(docs)
    times["hf"] = time.perf_counter() - start
    start = time.perf_counter()
    if mode == "single":
        for doc in docs:
            tok.encode_huggingface(doc)
    else:
        tok.encode_huggingface_batch(docs)
    times["bytebpe"] = time.perf_counter() - start
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--style", choices=("llama3", "gpt2", "qwen2"), default="llama3")
    parser.add_argument("--vocab-size", type=int, default=32768)
    parser.add_argument("--mb", type=float, default=4.0, help="megabytes of the corpus to train on and encode")
    parser.add_argument("--measure", nargs=2, metavar=("JSON", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    docs = documents(args.corpus, args.mb)
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), docs, args.measure[1])))
        return
    size = sum(len(doc.encode()) for doc in docs) / 1e6
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "tokenizer.json"
        train(args.style, docs, args.vocab_size, path)
        print(f"{args.style}-style tokenizer, vocab {args.vocab_size}, {len(docs)} documents, {size:.1f} MB")
        for mode in ("single", "batch"):
            env = dict(os.environ)
            if mode == "single":
                env.update(TOKENIZERS_PARALLELISM="false", RAYON_NUM_THREADS="1")
            child = [sys.executable, __file__, str(args.corpus), "--mb", str(args.mb), "--measure", str(path), mode]
            times = json.loads(subprocess.run(child, env=env, check=True, capture_output=True, text=True).stdout)
            hf_rate, ours = size / times["hf"], size / times["bytebpe"]
            print(f"{mode:>6}: Hugging Face {hf_rate:7.1f} MB/s, bytebpe {ours:7.1f} MB/s, {ours / hf_rate:5.1f}x")


if __name__ == "__main__":
    main()
