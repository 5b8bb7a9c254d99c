"""An evaluation as tables: plain text for a terminal, or markdown."""

from __future__ import annotations

from collections.abc import Callable

from bytebpe.evaluation.compression import Evaluation, Score

# (title, the figure of a score, its format, whether to show the difference from the baseline)
_TABLES: list[tuple[str, Callable[[Score], float | None], str, bool]] = [
    ("bytes per token (higher is better)", lambda score: score.bytes_per_token, "{:.3f}", True),
    ("characters per token", lambda score: score.characters_per_token, "{:.3f}", False),
    ("tokens per word (lower is better)", lambda score: score.tokens_per_word, "{:.3f}", False),
    ("tokens", lambda score: score.tokens, "{:,}", True),
]


def render_text(evaluation: Evaluation) -> str:
    """The evaluation as aligned plain-text tables, one per figure."""
    return "\n\n".join(_render(evaluation, *table, markdown=False) for table in _TABLES)


def render_markdown(evaluation: Evaluation) -> str:
    """The evaluation as markdown tables, one per figure, each under a heading."""
    return "\n\n".join(_render(evaluation, *table, markdown=True) for table in _TABLES) + "\n"


def _render(
    evaluation: Evaluation,
    title: str,
    figure: Callable[[Score], float | None],
    form: str,
    with_baseline: bool,
    *,
    markdown: bool,
) -> str:
    names = [opened.name for opened in evaluation.tokenizers]
    header = ["texts", "bytes", *names]
    rows = []
    for row in evaluation.rows:
        scores = evaluation.scores[row]
        cells = [row, f"{next(iter(scores.values())).n_bytes:,}"]
        for name in names:
            score = scores[name]
            value = figure(score)
            cell = "-" if value is None else form.format(value)
            if with_baseline and name != evaluation.baseline and score.vs_baseline is not None:
                cell += f" ({score.vs_baseline:+.1f}%)"
            cells.append(cell)
        rows.append(cells)
    note = (
        f"in brackets: tokens against {evaluation.baseline}, in percent (negative: fewer tokens)"
        if with_baseline
        else ""
    )
    if markdown:
        lines = [f"### {title}", ""] + ([f"*{note}*", ""] if note else [])
        lines += [_markdown_row(header), _markdown_row(["---"] + ["---:"] * (len(header) - 1))]
        lines += [_markdown_row([_markdown_cell(cells[0]), *cells[1:]]) for cells in rows]
        return "\n".join(lines)
    widths = [max(len(line[column]) for line in [header, *rows]) for column in range(len(header))]
    lines = [f"{title}; {note}" if note else title]
    for line in [header, *rows]:
        first = line[0].ljust(widths[0])
        lines.append(
            "  ".join([first, *(cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True))]).rstrip()
        )
    return "\n".join(lines)


def _markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|")
