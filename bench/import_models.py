"""The model-import benchmark: a Hugging Face tokenizer.json in, Hugging Face tokenizers and
bytebpe (Tokenizer.from_huggingface) timed encoding the same documents, ids compared first.

    python bench/import_models.py CORPUS [--style llama3|gpt2|qwen2] [--vocab-size N] [--mb M] [--runs R]

The tokenizer.json is trained here by Hugging Face's own BPE trainer on the first megabytes of
the corpus, in the style of a known model (its pre-tokenizer, normalizer, ignore_merges, template
and as many added tokens as its own file has: 256 for Llama 3, 22 for Qwen2.5), so that
nothing is downloaded. Each mode runs in a fresh process: ``single`` with Hugging Face's and
bytebpe's parallelism off (one thread, ``encode_batch_fast`` for Hugging Face, a loop of
``encode_huggingface`` for bytebpe), ``batch`` on all cores. The report is one line per mode: MB/s
of each tool (median of the rounds, the tools taking turns) and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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

# The added tokens of each model's own file, by count and kind: Llama 3 reserves 256 special
# tokens, Qwen2.5 has 22, GPT-2 one. Every encode looks for all of them.
LLAMA3_SPECIALS = [
    "<|begin_of_text|>",
    "<|end_of_text|>",
    *(f"<|reserved_special_token_{i}|>" for i in range(250)),
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eom_id|>",
    "<|eot_id|>",
]
QWEN2_SPECIALS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    *(f"<|{name}|>" for name in ("object_ref_start", "object_ref_end", "box_start", "box_end", "quad_start")),
    *(f"<|{name}|>" for name in ("quad_end", "vision_start", "vision_end", "vision_pad", "image_pad", "video_pad")),
    "<tool_call>",
    "</tool_call>",
    *(f"<|{name}|>" for name in ("fim_prefix", "fim_middle", "fim_suffix", "fim_pad", "repo_name", "file_sep")),
]
SPECIALS = {"llama3": LLAMA3_SPECIALS, "qwen2": QWEN2_SPECIALS, "gpt2": ["<|endoftext|>"]}


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
    specials = SPECIALS[style]
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


def measure(path: Path, docs: list[str], mode: str, runs: int) -> dict:
    """Median seconds per tool for one mode over ``runs`` rounds (the tools take turns), after
    checking the ids are identical."""
    import tokenizers

    import bytebpe

    hf = tokenizers.Tokenizer.from_file(str(path))
    tok = bytebpe.Tokenizer.from_huggingface(path)
    want = [encoding.ids for encoding in hf.encode_batch(docs)]
    got = tok.encode_huggingface_batch(docs)
    if got != want:
        first = next(i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b)
        raise SystemExit(f"ids differ on document {first}: bytebpe and Hugging Face disagree")

    def bytebpe_run() -> None:
        if mode == "single":
            for doc in docs:
                tok.encode_huggingface(doc)
        else:
            tok.encode_huggingface_batch(docs)

    rounds: dict[str, list[float]] = {"hf": [], "bytebpe": []}
    for _ in range(runs):
        for name, run in (("hf", lambda: hf.encode_batch_fast(docs)), ("bytebpe", bytebpe_run)):
            start = time.perf_counter()
            run()
            rounds[name].append(time.perf_counter() - start)
    return {name: statistics.median(seconds) for name, seconds in rounds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--style", choices=("llama3", "gpt2", "qwen2"), default="llama3")
    parser.add_argument("--vocab-size", type=int, default=32768)
    parser.add_argument("--mb", type=float, default=4.0, help="megabytes of the corpus to train on and encode")
    parser.add_argument("--runs", type=int, default=5, help="rounds per mode; the median is reported")
    parser.add_argument("--measure", nargs=2, metavar=("JSON", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    docs = documents(args.corpus, args.mb)
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), docs, args.measure[1], args.runs)))
        return
    size = sum(len(doc.encode()) for doc in docs) / 1e6
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "tokenizer.json"
        train(args.style, docs, args.vocab_size, path)
        specials = len(SPECIALS[args.style])
        print(
            f"{args.style}-style tokenizer, vocab {args.vocab_size}, {specials} added tokens, "
            f"{len(docs)} documents, {size:.1f} MB, median of {args.runs}"
        )
        for mode in ("single", "batch"):
            env = dict(os.environ)
            if mode == "single":
                env.update(TOKENIZERS_PARALLELISM="false", RAYON_NUM_THREADS="1")
            child = [sys.executable, __file__, str(args.corpus), "--mb", str(args.mb), "--runs", str(args.runs)]
            child += ["--measure", str(path), mode]
            times = json.loads(subprocess.run(child, env=env, check=True, capture_output=True, text=True).stdout)
            hf_rate, ours = size / times["hf"], size / times["bytebpe"]
            print(f"{mode:>6}: Hugging Face {hf_rate:7.1f} MB/s, bytebpe {ours:7.1f} MB/s, {ours / hf_rate:5.1f}x")


if __name__ == "__main__":
    main()
