"""Child process for test_shards_resume.py: encode a corpus into shards, to be killed midway.

python _shards_child.py TOKENIZER_DIR CORPUS OUT FORMAT SPLIT
"""

from __future__ import annotations

import sys

import bytebpe

tokenizer_dir, corpus, out, format, split = sys.argv[1:]
tokenizer = bytebpe.Tokenizer.load(tokenizer_dir)
tokenizer.encode_to_shards(
    bytebpe.Corpus(corpus, txt_split="line"),
    out,
    format=format,
    shard_tokens=300,
    eot="<|endoftext|>",
    split_documents=split == "split",
)
