"""What ``bytebpe train`` tells on stderr besides the bars: the files it skipped, and the summary
of what it read, counted, merged and saved, with the time of each phase."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from bytebpe import Tokenizer
from bytebpe.cli.messages import log, plural
from bytebpe.corpus_paths import Skipped, skip_report
from bytebpe.progress import TrainingRecord, byte_size, duration


def log_skipped(skipped: Sequence[Skipped]) -> None:
    """Say what the directories and globs held that is not read, and why."""
    if skipped:
        log(f"{skip_report(skipped)}; --include and --exclude choose files, and a file named is always read")


def log_result(
    tokenizer: Tokenizer,
    record: TrainingRecord,
    *,
    files: int,
    args: argparse.Namespace,
    out: Path,
    replacing: bool,
) -> None:
    """The summary: time and vocabulary, what was read and counted, and where it was saved."""
    special_tokens: list[str] = args.special_tokens
    merges = len(tokenizer.merges)
    phases = [
        f"{stage} {duration(seconds)}"
        for stage in ("counting", "merging")
        if (seconds := record.seconds(stage)) is not None
    ]
    total = sum(record.seconds(stage) or 0.0 for stage in ("counting", "merging"))
    log(
        f"trained in {duration(total)}{' (' + ', '.join(phases) + ')' if phases else ''}: "
        f"n_vocab {tokenizer.n_vocab} = 256 bytes + {plural(merges, 'merge')} + "
        f"{plural(len(special_tokens), 'special token')}"
    )
    counting = record.stages.get("counting")
    read = f"read {byte_size(counting.done)}" if counting is not None else "read"
    documents = f" in {_count(record.documents, 'document')}" if record.documents is not None else ""
    pieces = f": {_count(record.pieces, 'distinct piece')}" if record.pieces is not None else ""
    log(f"{read}{documents} from {plural(files, 'file')}{pieces}")
    asked = args.vocab_size - 256 - len(special_tokens)
    if merges < asked:  # the FewerMergesWarning has said why
        log(f"note: stopped after {merges} of the {asked} merges asked for")
    log(f"saved to {out}{' (replacing the tokenizer that was there)' if replacing else ''}")


def _count(count: int, noun: str) -> str:
    """Like plural, with thousands separated: "35,773 documents"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
