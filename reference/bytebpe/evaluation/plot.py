"""Plots of an evaluation (bars per group of texts) and of a size curve (with its knee), as PNG or SVG.

matplotlib is optional: without it these raise ImportError saying how to install it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bytebpe import atomic
from bytebpe.evaluation.compression import Evaluation

if TYPE_CHECKING:
    from bytebpe.evaluation.sizes import SizeCurve

FORMATS = (".png", ".svg")


def check_plot_path(path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """``path`` if it names a PNG or SVG file (ValueError otherwise), is new or may be replaced
    (FileExistsError otherwise), and matplotlib can be imported (ImportError otherwise)."""
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
    if target.suffix.lower() not in FORMATS:
        raise ValueError(f"{target}: a plot is written as .png or .svg, not {target.suffix or 'a file without suffix'}")
    _figure_class()
    return target


def plot_evaluation(evaluation: Evaluation, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Bytes per token of each tokenizer on each group of texts, as grouped bars, written to ``path``."""
    target = check_plot_path(path, overwrite=overwrite)
    figure_class = _figure_class()
    rows = evaluation.rows
    names = [opened.name for opened in evaluation.tokenizers]
    figure = figure_class(figsize=(max(6.0, 0.6 * len(rows) * len(names) + 2), 4.5))
    axes = figure.subplots()
    width = 0.8 / len(names)
    for index, name in enumerate(names):
        values = [evaluation.scores[row][name].bytes_per_token or 0.0 for row in rows]
        offsets = [position + (index - (len(names) - 1) / 2) * width for position in range(len(rows))]
        axes.bar(offsets, values, width, label=name)
    axes.set_xticks(range(len(rows)), [Path(row).name or row for row in rows], rotation=20, ha="right")
    axes.set_ylabel("bytes per token (higher is better)")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.grid(axis="y", alpha=0.3)
    return _save(figure, target, overwrite=overwrite)


def plot_sizes(curve: SizeCurve, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Bytes per token against vocabulary size for each group of texts, the knee marked, written to ``path``."""
    target = check_plot_path(path, overwrite=overwrite)
    figure_class = _figure_class()
    figure = figure_class(figsize=(7.0, 4.5))
    axes = figure.subplots()
    for row in curve.evaluation.rows:
        values = [curve.bytes_per_token(row, size) for size in curve.sizes]
        (line,) = axes.plot(curve.sizes, values, marker="o", label=Path(row).name or row)
        knee = curve.knee(row)
        if knee is not None:
            axes.plot([knee], [curve.bytes_per_token(row, knee)], marker="*", markersize=16, color=line.get_color())
    axes.set_xscale("log", base=2)
    axes.set_xticks(curve.sizes, [f"{size:,}" for size in curve.sizes], rotation=20)
    axes.set_xlabel("vocabulary size (a star marks the knee)")
    axes.set_ylabel("bytes per token")
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    axes.grid(alpha=0.3)
    return _save(figure, target, overwrite=overwrite)


def _save(figure: Any, target: Path, *, overwrite: bool) -> Path:
    figure.tight_layout()
    image = io.BytesIO()
    # The legend sits beside the axes, never over the bars; "tight" keeps it in the picture.
    figure.savefig(image, format=target.suffix.lower().lstrip("."), bbox_inches="tight")
    return atomic.write_file(target, image.getvalue(), overwrite=overwrite)


def _figure_class() -> Any:
    # A Figure of its own rather than pyplot's, so that plotting never changes the caller's backend.
    try:
        from matplotlib.figure import Figure
    except ImportError as err:
        raise ImportError("plots need matplotlib: pip install matplotlib") from err
    return Figure
