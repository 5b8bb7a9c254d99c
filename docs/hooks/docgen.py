"""What the docs pages compute at build time: tables, traces, pictures and included files.

The pages call these from ``python exec="on"`` blocks (markdown-exec); ``docs/hooks/setup.py``
puts this folder on ``sys.path``. Every function returns Markdown or HTML built from what the
code does now, so the site cannot describe a behaviour the code no longer has. Everything here
runs offline in well under a second or two.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import sysconfig
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from bytebpe import reference

ROOT = Path(__file__).resolve().parents[2]
STDLIB = Path(sysconfig.get_paths()["stdlib"])

# -- showing text, bytes and tokens -------------------------------------------------------------

_VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥", "\r": "␍"}


def visible(text: str) -> str:
    """``text`` with spaces, newlines and tabs drawn as visible symbols."""
    return "".join(_VISIBLE.get(ch, ch) for ch in text)


def token_text(token: bytes) -> str:
    """A token's bytes as visible text, or as hex bytes when they are not whole UTF-8 characters."""
    try:
        return visible(token.decode("utf-8"))
    except UnicodeDecodeError:
        return "<" + " ".join(f"{b:02x}" for b in token) + ">"


def code(text: str) -> str:
    """HTML code holding ``text`` exactly, safe inside a Markdown table cell.

    Not a Markdown code span: in a table cell its "|" must be written "\\|", which Python-Markdown
    then shows as it is, so a copied regex would be wrong. Every ASCII punctuation character is a
    character reference here, so that neither the table nor emphasis nor escapes touch it.
    """
    escaped = "".join(
        f"&#{ord(char)};" if char.isascii() and not char.isalnum() and char != " " else char for char in text
    )
    return f"<code>{escaped}</code>"


def table(header: Sequence[str], rows: Iterable[Sequence[object]], align: str | None = None) -> str:
    """A Markdown table; ``align`` holds one of l, r, c per column."""
    align = align or "l" * len(header)
    rule = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule[a] for a in align) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def stdlib_texts(count: int = 40) -> list[str]:
    """Real text every machine has: the first ``count`` .py files of the running Python's standard
    library (the same corpus as examples/quickstart.ipynb)."""
    paths = sorted(STDLIB.glob("*.py"))[:count]
    return [path.read_text(encoding="utf-8", errors="replace") for path in paths]


# -- the worked example of "How BPE works" ------------------------------------------------------


class Walkthrough:
    """Training traced step by step with the reference implementation's own functions (spec §4)."""

    def __init__(self, texts: Sequence[str], merges: int, pattern: str = "gpt4") -> None:
        self.texts = list(texts)
        self.pattern = pattern
        self.counts = reference.count_pieces(self.texts, pattern)
        self.vocab = reference.vocabulary_from_merges([])
        self.steps: list[dict] = []
        words = {tuple(piece): frequency for piece, frequency in self.counts.items()}
        self.initial_words = words
        for new_id in range(256, 256 + merges):
            pair_counts = reference.count_pairs(words)
            if not pair_counts:
                break
            pair, count = reference.select_pair(pair_counts)
            before = words
            words = {reference.apply_merge(ids, pair, new_id): freq for ids, freq in words.items()}
            self.vocab[new_id] = self.vocab[pair[0]] + self.vocab[pair[1]]
            tied = sorted(p for p, c in pair_counts.items() if c == count)
            self.steps.append(
                {"id": new_id, "pair": pair, "count": count, "pair_counts": pair_counts, "tied": tied, "before": before}
            )
        self.words = words
        # The trace must be what training computes: check it against reference.train.
        trained = reference.train(self.texts, 256 + len(self.steps), pattern=pattern)
        assert [(s["pair"][0], s["pair"][1], s["count"]) for s in self.steps] == trained, "trace differs from train"
        self.ranks = {token: rank for rank, token in self.vocab.items()}

    def label(self, token_id: int) -> str:
        return token_text(self.vocab[token_id])

    def pair_label(self, pair: tuple[int, int]) -> str:
        return f"{code(self.label(pair[0]))} + {code(self.label(pair[1]))}"

    def word(self, ids: Sequence[int]) -> str:
        return " ".join(code(self.label(i)) for i in ids)

    def split_table(self) -> str:
        rows = []
        for index, text in enumerate(self.texts):
            pieces = reference.split(text, self.pattern)
            rows.append([f"texts[{index}]", code(visible(text)), " ".join(code(visible(p)) for p in pieces)])
        return table(["text", "as written", "pieces"], rows)

    def words_table(self) -> str:
        rows = []
        for ids, frequency in sorted(self.initial_words.items(), key=lambda item: (-item[1], item[0])):
            rows.append([code(token_text(bytes(ids))), frequency, ", ".join(map(str, ids))])
        return table(["piece", "count", "its ids: one per UTF-8 byte"], rows, "lcl")

    def step_markdown(self, number: int, shown: int = 12) -> str:
        step = self.steps[number]
        pair_counts: Mapping[tuple[int, int], int] = step["pair_counts"]
        ordered = sorted(pair_counts.items(), key=lambda item: (-item[1], item[0]))
        rows = []
        for pair, count in ordered[:shown]:
            if pair == step["pair"]:
                verdict = "**selected**"
            elif count == step["count"]:
                verdict = "tied, larger pair"
            else:
                verdict = ""
            rows.append([self.pair_label(pair), f"({pair[0]}, {pair[1]})", count, verdict])
        out = [table(["pair", "ids", "count", ""], rows, "llrl")]
        rest = len(ordered) - shown
        if rest > 0:
            out.append(f"\n…and {rest} more pairs, counted at most {ordered[shown][1]} time(s) each.\n")
        left, right = step["pair"]
        tied = step["tied"]
        if len(tied) == 1:
            why = f"The highest count is {step['count']}, and only {self.pair_label(step['pair'])} has it."
        else:
            others = ", ".join(f"({a}, {b})" for a, b in tied if (a, b) != step["pair"])
            why = (
                f"The highest count is {step['count']}, and {len(tied)} pairs have it: a **tie**. The rule "
                f"(spec §4.3) takes the smallest pair, comparing the left ids first and then the right ones: "
                f"({left}, {right}) is smaller than {others}, so {self.pair_label(step['pair'])} wins."
            )
        merged = self.label(step["id"])
        changed = []
        for ids, frequency in step["before"].items():
            after = reference.apply_merge(ids, step["pair"], step["id"])
            if after != ids:
                changed.append(f"{self.word(ids)} → {self.word(after)} (×{frequency})")
        out.append(
            f"\n{why} Merge {number} makes token **{step['id']}** = {code(merged)}, and every word "
            f"replaces the pair with it, left to right:\n\n" + "\n".join(f"- {line}" for line in changed) + "\n"
        )
        return "".join(out)

    def steps_tabbed(self) -> str:
        blocks = []
        for number in range(len(self.steps)):
            body = self.step_markdown(number)
            indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
            blocks.append(f'=== "Merge {number}"\n\n{indented}\n')
        return "\n".join(blocks)

    def merges_table(self) -> str:
        rows = [
            [
                s["id"] - 256,
                self.pair_label(s["pair"]),
                f"({s['pair'][0]}, {s['pair'][1]})",
                s["count"],
                s["id"],
                code(self.label(s["id"])),
            ]
            for s in self.steps
        ]
        return table(["merge", "pair", "ids", "count", "new id", "token"], rows, "rllrrl")

    def final_words(self) -> str:
        rows = [
            [code(token_text(bytes(self._bytes(ids)))), freq, self.word(ids)]
            for ids, freq in sorted(self.words.items(), key=lambda item: (-item[1], item[0]))
        ]
        return table(["piece", "count", "its tokens now"], rows, "lrl")

    def _bytes(self, ids: Sequence[int]) -> bytes:
        return b"".join(self.vocab[i] for i in ids)


def encode_trace(piece: str, ranks: Mapping[bytes, int]) -> str:
    """§6.2 step by step: join the adjacent pair whose bytes are the lowest-ranked token."""
    vocab = {rank: token for token, rank in ranks.items()}
    data = piece.encode("utf-8")
    parts = [data[i : i + 1] for i in range(len(data))]
    rows = []
    while True:
        candidates = [
            (ranks[parts[i] + parts[i + 1]], i) for i in range(len(parts) - 1) if parts[i] + parts[i + 1] in ranks
        ]
        shown = " ".join(code(token_text(p)) for p in parts)
        if not candidates:
            rows.append([shown, "none: done"])
            break
        rank, i = min(candidates)
        options = ", ".join(f"{code(token_text(vocab[r]))} = {r}" for r, _ in sorted(candidates))
        rows.append([shown, f"{options} → join {code(token_text(vocab[rank]))}"])
        parts[i : i + 2] = [parts[i] + parts[i + 1]]
    assert parts == reference.byte_pair_merge(data, ranks), "trace differs from byte_pair_merge"
    ids = reference.encode_piece(data, ranks)
    return table(["parts", "adjacent pairs that are tokens (rank) → lowest rank"], rows) + (
        f"\n`encode_piece` gives ids {ids}.\n"
    )


# -- the merge tree picture ---------------------------------------------------------------------


def merge_tree_svg(token_ids: Sequence[int], merges: Sequence[tuple[int, int]], vocab: Mapping[int, bytes]) -> str:
    """An inline SVG of how each token in ``token_ids`` is built: its merge, recursively, down to
    bytes. Leaves are the 256 byte tokens; each inner node is a merge, labelled with its id."""
    children = {256 + i: (left, right) for i, (left, right, *_rest) in enumerate(merges)}

    def height(node: int) -> int:
        return 0 if node not in children else 1 + max(height(c) for c in children[node])

    top = max(height(t) for t in token_ids)
    gap_x, gap_y, pad = 52, 54, 24
    nodes: list[tuple[float, float, int]] = []
    edges: list[tuple[float, float, float, float]] = []
    next_leaf = [0.0]

    def place(node: int) -> tuple[float, float]:
        y = pad + 16 + (top - height(node)) * gap_y
        if node not in children:
            x = pad + 30 + next_leaf[0] * gap_x
            next_leaf[0] += 1
        else:
            (lx, ly), (rx, ry) = (place(c) for c in children[node])
            x = (lx + rx) / 2
            edges.extend([(x, y, lx, ly), (x, y, rx, ry)])
        nodes.append((x, y, node))
        return x, y

    for index, token in enumerate(token_ids):
        if index:
            next_leaf[0] += 0.8
        place(token)
    width = pad * 2 + 60 + (next_leaf[0] - 1) * gap_x
    height_px = pad * 2 + 32 + top * gap_y + 14
    parts = [
        f'<svg class="merge-tree" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height_px:.0f}" '
        f'width="{width:.0f}" height="{height_px:.0f}" role="img" aria-label="merge trees">'
    ]
    for x1, y1, x2, y2 in edges:
        parts.append(f'<line x1="{x1:.1f}" y1="{y1 + 13:.1f}" x2="{x2:.1f}" y2="{y2 - 13:.1f}" class="edge"/>')
    for x, y, node in nodes:
        label = html.escape(token_text(vocab[node]))
        box = max(30, 9 * len(token_text(vocab[node])) + 14)
        kind = "leaf" if node < 256 else "merge"
        parts.append(
            f'<g class="{kind}"><rect x="{x - box / 2:.1f}" y="{y - 13:.1f}" width="{box}" height="26" rx="5"/>'
            f'<text x="{x:.1f}" y="{y + 5:.1f}" text-anchor="middle" class="label">{label}</text>'
            f'<text x="{x + box / 2 + 3:.1f}" y="{y + 4:.1f}" class="id">{node}</text></g>'
        )
    parts.append("</svg>")
    return '<div class="merge-tree-figure">' + "".join(parts) + "</div>"


# -- byte-level details -------------------------------------------------------------------------


def utf8_table(chars: str) -> str:
    rows = []
    for ch in chars:
        data = ch.encode("utf-8")
        rows.append(
            [
                code(visible(ch)),
                f"U+{ord(ch):04X}",
                len(data),
                " ".join(f"{b:02x}" for b in data),
                ", ".join(str(b) for b in data),
            ]
        )
    return table(["character", "code point", "bytes", "UTF-8 (hex)", "token ids before any merge"], rows, "llrll")


def patterns_table(samples: Sequence[str], patterns: Iterable[str]) -> str:
    rows = []
    for sample in samples:
        for index, name in enumerate(patterns):
            pieces = reference.split(sample, name)
            first = code(visible(sample)) if index == 0 else ""
            rows.append([first, f"`{name}`", " ".join(code(visible(p)) for p in pieces)])
    return table(["text", "pattern", "pieces"], rows)


# -- the command line ---------------------------------------------------------------------------


def cli_help(*args: str) -> str:
    """What ``bytebpe ARGS --help`` prints, captured from the CLI itself."""
    from bytebpe.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main([*args, "--help"])
    assert status == 0, f"bytebpe {' '.join(args)} --help exited with {status}"
    return out.getvalue()


def cli_commands() -> list[tuple[str, str]]:
    """(name, one-line summary) of every subcommand, in the order ``bytebpe --help`` lists them."""
    import argparse

    from bytebpe.cli import build_parser

    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return [(choice.dest, choice.help or "") for choice in action._choices_actions]
    raise AssertionError("the bytebpe parser has no subcommands")


# -- spec, vectors, benchmark results -----------------------------------------------------------


def spec_section(number: int) -> str:
    """Section ``number`` of spec/bpe.md, as written there (from its heading to the next one)."""
    lines = (ROOT / "spec" / "bpe.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"## {number}. "))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end]) + "\n"


def vectors() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "spec" / "vectors").glob("*.json"))]


def vectors_table() -> str:
    rows = []
    for case in vectors():
        sections = ", ".join(f"§{s}" for s in case["sections"])
        rows.append([f"`{case['name']}`", case["kind"], sections, case["why"].replace("|", "\\|")])
    return table(["vector", "kind", "pins", "why it exists"], rows)


RESULTS = ROOT / "bench" / "results"


def bench_results() -> list[tuple[dict, Path]]:
    """Every bench/run.py result in bench/results/ (one per corpus and machine), largest corpus first."""
    found = []
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        # bench/run.py's reports only (the worst-case report has a corpus and a date too).
        if isinstance(data, dict) and {"corpus", "date", "training"} <= data.keys():
            found.append((data, path))
    return sorted(found, key=lambda item: (-item[0]["corpus"]["bytes"], item[1].name))


def reports(kind: str, heading_offset: int = 1) -> str | None:
    """Every committed report ``bench/results/<kind>-*.md`` (one per corpus and machine), each under
    the name of its file, title dropped and headings shifted down; None if there is none."""
    out = []
    for path in sorted(RESULTS.glob(f"{kind}-*.md")):
        lines = [f"*From `bench/results/{path.name}`.*", ""]
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                continue
            if line.startswith("#"):
                line = "#" * heading_offset + line
            lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out) if out else None


def image_tag(path: Path, alt: str) -> str:
    """The PNG at ``path`` inline (a data URI), so that the page needs no other file."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img class="bench-plot" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def bench_report(result: tuple[dict, Path], heading_offset: int = 1) -> str:
    """The committed Markdown report of one benchmark run, its plot inline, headings shifted down."""
    data, json_path = result
    report = json_path.with_suffix(".md").read_text(encoding="utf-8")
    out = []
    for line in report.splitlines():
        if line.startswith("# "):
            continue
        if line.startswith("!["):
            png = json_path.with_suffix(".png")
            if png.exists():
                out.append(image_tag(png, f"benchmark plot: {data['corpus']['name']}"))
            continue
        if line.startswith("#"):
            line = "#" * heading_offset + line
        out.append(line)
    return "\n".join(out) + "\n"


def bench_headline(result: tuple[dict, Path]) -> str:
    """One sentence on training time from a benchmark result, computed by bench/report.py."""
    import sys

    data, _ = result
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import report
    finally:
        sys.path.remove(str(ROOT / "bench"))
    summary = report.summarize(data)
    main = summary["train_main"]
    corpus = data["corpus"]
    names = {"rustbpe": "rustbpe", "hf": "Hugging Face tokenizers", "bpeasy": "bpeasy"}
    others = [
        f"{names.get(tool, tool)} {main[tool]['seconds']:.2f} s" for tool in ("rustbpe", "hf", "bpeasy") if tool in main
    ]
    runs = data["settings"]["runs"]
    timing = "one run" if runs == 1 else f"median of {runs} runs"
    return (
        f"Training a {data['settings']['vocab_size']:,}-token vocabulary on {corpus['name']} "
        f"({corpus['bytes'] / 1e6:.0f} MB) with {data['settings']['cores']} cores: bytebpe fast "
        f"{main['fast']['seconds']:.2f} s; " + ", ".join(others) + f" ({timing}, measured {data['date'][:10]})."
    )


def capture(function: Callable[[], object]) -> str:
    """What ``function`` prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        function()
    return out.getvalue()
