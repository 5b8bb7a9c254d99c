"""Turn the raw results of bench/run.py into a markdown report, a plot and a JSON file.

    python bench/report.py RESULTS.json [--out FILE.md]

re-renders the report and the plot from a JSON file that run.py wrote (the JSON holds every run's
raw numbers; the medians, ratios and checks are derived here).
"""

from __future__ import annotations

import argparse
import io
import json
import shlex
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report_path

TOOL_NAMES = {
    "fast": "bytebpe fast",
    "rustbpe": "rustbpe",
    "hf": "HF tokenizers",
    "bpeasy": "bpeasy",
    "tiktoken": "tiktoken",
}
TOOL_PACKAGES = {
    "fast": "bytebpe",
    "rustbpe": "rustbpe",
    "hf": "tokenizers",
    "bpeasy": "bpeasy",
    "tiktoken": "tiktoken",
}
COLORS = {"fast": "#d62728", "rustbpe": "#1f77b4", "hf": "#ff7f0e", "bpeasy": "#2ca02c", "tiktoken": "#9467bd"}
MODES = ("single", "batch", "decode")
"""The encoding worker's modes (bench/encode_tools.py), in the order the report shows them."""

# The targets on 2 cores with the GPT-4 pattern, per vocabulary size: (what, kind, bound, ≤ or ≥,
# the corpora the target is set on, or None for every corpus). 65,536 is nanochat's default size.
NANOCHAT_CORPORA = ("linux_1g.txt", "multilingual.txt")
TARGETS = {
    32768: (
        ("training time fast / rustbpe", "train_time", "rustbpe", 0.15, "<=", None),
        ("training time fast / HF", "train_time", "hf", 0.10, "<=", None),
        ("training peak RSS fast / rustbpe", "train_memory", "rustbpe", 0.5, "<=", ("linux_1g.txt",)),
        ("encode MB/s fast / tiktoken, 1 thread", "encode", ("single", "tiktoken"), 5.0, ">=", None),
        ("encode MB/s fast / tiktoken, batch on all cores", "encode", ("batch", "tiktoken"), 5.0, ">=", None),
    ),
    65536: (
        ("training time fast / rustbpe", "train_time", "rustbpe", 0.10, "<=", NANOCHAT_CORPORA),
        ("training peak RSS fast / rustbpe", "train_memory", "rustbpe", 0.5, "<=", NANOCHAT_CORPORA),
    ),
}


def _ok(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [run for run in runs if "error" not in run]


def _group(runs: list[dict[str, Any]], key: str, value: float | None = None) -> dict[str, Any]:
    seconds = [run["seconds"] for run in runs]
    group = {
        "runs": len(runs),
        "seconds": statistics.median(seconds),
        "min_seconds": min(seconds),
        "max_seconds": max(seconds),
        "cpu_seconds": statistics.median(run["cpu_seconds"] for run in runs),
        "peak_mib": max(run["peak_mib"] for run in runs),
    }
    if key == "train":
        group["rss_before_mib"] = statistics.median(run["rss_before_mib"] for run in runs)
        group["digests"] = sorted({run["vocab_digest"] for run in runs})
        group["n_vocab"] = runs[0]["n_vocab"]
    else:
        group["mb_per_s"] = statistics.median(run["mb_per_s"] for run in runs)
        group["idle_mib"] = statistics.median(run["idle_mib"] for run in runs)
    return group


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    """Medians, peaks, ratios and correctness checks from the raw runs of ``results``."""
    cores = results["settings"]["cores"]
    train_runs = results["training"]["runs"]
    train: dict[str, dict[int, dict[str, Any]]] = {}
    for run in _ok(train_runs):
        train.setdefault(run["tool"], {}).setdefault(run["threads"], [])
    for tool, by_threads in train.items():
        for threads in by_threads:
            runs = [r for r in _ok(train_runs) if r["tool"] == tool and r["threads"] == threads]
            by_threads[threads] = _group(runs, "train")
    failures = [
        f"{TOOL_NAMES[r['tool']]} training ({r['threads']} threads): {r['error']}" for r in train_runs if "error" in r
    ]

    def digests(tool: str) -> set[str]:
        return {d for group in train.get(tool, {}).values() for d in group["digests"]}

    checks: dict[str, Any] = {}
    for tool in ("fast", "rustbpe"):
        if tool in train:
            checks[f"{tool}_deterministic"] = len(digests(tool)) == 1
    if "fast" in train and "rustbpe" in train:
        checks["fast_rustbpe_identical"] = digests("fast") == digests("rustbpe") and len(digests("fast")) == 1

    main = {tool: by_threads[cores] for tool, by_threads in train.items() if cores in by_threads}
    train_ratios: dict[str, dict[str, float | None]] = {}
    if "fast" in main:
        for tool, group in main.items():
            if tool == "fast":
                continue
            comparable = tool != "rustbpe" or checks.get("fast_rustbpe_identical", False)
            train_ratios[tool] = {
                "time": main["fast"]["seconds"] / group["seconds"] if comparable else None,
                "memory": main["fast"]["peak_mib"] / group["peak_mib"],
            }
    scaling: dict[str, dict[str, Any]] = {}
    for tool, by_threads in train.items():
        if len(by_threads) > 1:
            base_threads = min(by_threads)
            base = by_threads[base_threads]["seconds"]
            scaling[tool] = {
                "base_threads": base_threads,
                "seconds": {t: g["seconds"] for t, g in sorted(by_threads.items())},
                "speedup": {t: base / g["seconds"] for t, g in sorted(by_threads.items())},
            }

    encode_runs = results["encoding"]["runs"]
    encode: dict[str, dict[str, Any]] = {}
    for mode, tool in dict.fromkeys((r["mode"], r["tool"]) for r in _ok(encode_runs)):
        runs = [r for r in _ok(encode_runs) if r["mode"] == mode and r["tool"] == tool]
        encode.setdefault(mode, {})[tool] = _group(runs, "encode")
    failures += [f"{TOOL_NAMES[r['tool']]} encoding ({r['mode']}): {r['error']}" for r in encode_runs if "error" in r]
    encode_ratios = {
        mode: {
            tool: by_tool["fast"]["mb_per_s"] / group["mb_per_s"] for tool, group in by_tool.items() if tool != "fast"
        }
        for mode, by_tool in encode.items()
        if "fast" in by_tool
    }
    return {
        "train": train,
        "train_main": main,
        "train_ratios": train_ratios,
        "checks": checks,
        "scaling": scaling,
        "encode": encode,
        "encode_ratios": encode_ratios,
        "failures": failures,
    }


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _mode_label(mode: str, cores: int) -> str:
    return {"single": "1 thread", "batch": f"batch, {cores} threads", "decode": "decode, 1 thread"}[mode]


def _mib(value: float) -> str:
    return f"{value:,.0f}"


def _vocab_note(tool: str, results: dict[str, Any], summary: dict[str, Any]) -> str:
    if tool == "fast":
        return "the reference"
    check = results["training"]["vocabularies"].get(tool)
    if tool == "rustbpe" and "fast_rustbpe_identical" in summary["checks"]:
        if summary["checks"]["fast_rustbpe_identical"]:
            return "identical (every run)"
    if check is None:
        return "not compared"
    if check["identical"]:
        return "identical"
    if check["same_tokens"]:
        return "same tokens, other ranks"
    return f"{check['tokens_not_in_fast']:,} of {check['n_vocab']:,} tokens differ"


def _target_rows(summary: dict[str, Any], corpus_name: str, vocab_size: int) -> list[str]:
    rows = []
    for label, kind, key, bound, sense, only_on in TARGETS[vocab_size]:
        value = None
        if kind == "train_time":
            value = summary["train_ratios"].get(key, {}).get("time")
        elif kind == "train_memory":
            value = summary["train_ratios"].get(key, {}).get("memory")
        else:
            mode, tool = key
            value = summary["encode_ratios"].get(mode, {}).get(tool)
        if only_on is not None and corpus_name not in only_on:
            met = f"– (set for {' and '.join(only_on)})"
        elif value is None:
            met = "–"
        else:
            met = "yes" if (value <= bound if sense == "<=" else value >= bound) else "**no**"
        rows.append(f"| {label} | {'≤' if sense == '<=' else '≥'} {bound:g} | {_fmt(value, 3)} | {met} |")
    return rows


def machine_lines(machine: dict[str, Any]) -> list[str]:
    """The lines of a report that name the machine, the versions and the load it ran under."""
    versions = ", ".join(f"{name} {v}" for name, v in machine["versions"].items() if v)
    commit = machine.get("bytebpe_commit")
    memory = f"{machine['memory_gib']:.1f} GiB RAM" if machine.get("memory_gib") else "RAM unknown"
    lines = [
        f"**Machine:** {machine['cores']} cores ({machine['usable_cores']} usable), {machine['cpu']}, {memory}, "
        f"{machine['os']}, Python {machine['python']}.  ",
        f"**Versions:** {versions}" + (f" (bytebpe commit {commit})" if commit else "") + ".",
    ]
    loads = [machine.get("load_average_start"), machine.get("load_average_end")]
    if None not in loads:
        lines[-1] += "  "
        lines.append(
            f"**Load average** (1 min): {loads[0]:.2f} before the first run, which is other work on the machine, "
            f"and {loads[1]:.2f} at the end, which includes this benchmark's own threads."
        )
    return lines


def markdown(results: dict[str, Any], plot_name: str | None = None) -> str:
    """The report as markdown (GitHub / mkdocs tables)."""
    summary = summarize(results)
    settings, machine, corpus = results["settings"], results["machine"], results["corpus"]
    cores = settings["cores"]
    lines = [
        f"# bytebpe benchmark: {corpus['name']}",
        "",
        f"Corpus `{corpus['name']}`: {corpus['bytes'] / 1e6:,.1f} MB, {corpus['documents']:,} documents of about "
        f"{settings['document_chars'] // 1024} K characters cut after a newline, streamed from disk to every tool. "
        f"Vocabulary size {settings['vocab_size']:,}, pattern `{settings['pattern']}`. Every figure is the median of "
        f"{settings['runs']} runs, each run in a fresh process, the tools taking turns; peak RSS is the process's "
        f"high-water mark (VmHWM, all threads), the largest of the runs. Measured {results['date']}.",
        "",
        *machine_lines(machine),
        "",
    ]
    if not results.get("ok", True):
        verify = results["encoding"].get("verify") or {}
        failed = [r["error"] for r in results["encoding"]["runs"] if "error" in r]
        lines += ["**CORRECTNESS CHECK FAILED:** " + (verify.get("error") or (failed[-1] if failed else "")), ""]

    main = summary["train_main"]
    if main:
        lines += [
            f"## Training ({cores} threads)",
            "",
            "| tool | median s | range s | CPU s | peak RSS MiB | RSS before MiB | time fast/tool "
            "| peak RSS fast/tool | vocabulary vs bytebpe fast |",
            "|---|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        for tool, group in main.items():
            ratio = summary["train_ratios"].get(tool, {})
            lines.append(
                f"| {TOOL_NAMES[tool]} | {group['seconds']:.2f} "
                f"| {group['min_seconds']:.2f}–{group['max_seconds']:.2f} "
                f"| {group['cpu_seconds']:.1f} | {_mib(group['peak_mib'])} | {_mib(group['rss_before_mib'])} "
                f"| {_fmt(ratio.get('time'), 3) if tool != 'fast' else '1'} "
                f"| {_fmt(ratio.get('memory'), 3) if tool != 'fast' else '1'} | {_vocab_note(tool, results, summary)} |"
            )
        lines.append("")
        notes = []
        checks = summary["checks"]
        if checks.get("fast_rustbpe_identical") is False:
            notes.append(
                "**bytebpe fast and rustbpe learned different vocabularies** although they follow the same rules: "
                "no time ratio is given for the pair."
            )
        for tool in ("fast", "rustbpe"):
            if checks.get(f"{tool}_deterministic") is False:
                notes.append(
                    f"**{TOOL_NAMES[tool]} learned different vocabularies in different runs or thread counts.**"
                )
        buffered = min(corpus["bytes"], 8192 * settings["document_chars"])
        notes.append(
            "HF tokenizers and bpeasy may learn other vocabularies than bytebpe and rustbpe (other tie-breaking or "
            "rules): only their time and memory are compared. HF splits with "
            f"{settings.get('hf_pattern', 'the pattern as written')}. rustbpe runs with its defaults "
            f"(it holds up to 8192 documents, here about {buffered / 1e6:,.0f} MB of text, before each parallel count)."
        )
        notes.append(
            "*RSS before* is the process before training (interpreter and imports); "
            "*time fast/tool* below 1 means bytebpe is faster."
        )
        lines += [*notes, ""]

    scaling = summary["scaling"]
    if scaling:
        counts = sorted({t for entry in scaling.values() for t in entry["seconds"]})
        lines += [
            "## Thread scaling of training",
            "",
            "| tool | " + " | ".join(f"{t} thread{'s' if t > 1 else ''}" for t in counts) + " | speed-up |",
            "|---|" + "--:|" * (len(counts) + 1),
        ]
        for tool, entry in scaling.items():
            cells = []
            for t in counts:
                if t in entry["seconds"]:
                    cells.append(f"{entry['seconds'][t]:.2f} s (×{entry['speedup'][t]:.2f})")
                else:
                    cells.append("–")
            top = max(entry["speedup"])
            lines.append(
                f"| {TOOL_NAMES[tool]} | " + " | ".join(cells) + f" | ×{entry['speedup'][top]:.2f} "
                f"({entry['base_threads']} → {top}) |"
            )
        lines += ["", f"Median seconds, and in brackets the speed-up over {min(counts)} thread(s).", ""]

    verify = results["encoding"].get("verify")
    encode = summary["encode"]
    if verify:
        lines += ["## Encoding", ""]
        tools = ", ".join(TOOL_NAMES[t] for t in verify.get("tools", []))
        if "error" in verify:
            lines += [f"**The ids differ ({tools}):** {verify['error']}. Nothing was timed.", ""]
        else:
            lines += [
                f"On the vocabulary bytebpe fast learned above, {tools} gave identical ids on the whole corpus "
                f"({verify['documents']:,} documents, {verify['tokens']:,} tokens) before anything was timed, "
                "and every timed run gave those ids again.",
                "",
            ]
    if encode:
        modes = [m for m in MODES if m in encode]
        tools = list(dict.fromkeys(t for m in modes for t in encode[m]))
        lines += [
            "| tool | "
            + " | ".join(f"{_mode_label(m, cores)} MB/s | fast/tool" for m in modes)
            + " | peak RSS MiB (idle) |",
            "|---|" + "--:|--:|" * len(modes) + "--:|",
        ]
        for tool in tools:
            cells = []
            for mode in modes:
                group = encode[mode].get(tool)
                ratio = 1.0 if tool == "fast" else summary["encode_ratios"].get(mode, {}).get(tool)
                cells += [_fmt(group and group["mb_per_s"], 1), _fmt(ratio, 2)]
            peak = max(encode[m][tool]["peak_mib"] for m in modes if tool in encode[m])
            idle = min(encode[m][tool]["idle_mib"] for m in modes if tool in encode[m])
            lines.append(f"| {TOOL_NAMES[tool]} | " + " | ".join(cells) + f" | {_mib(peak)} ({_mib(idle)}) |")
        lines += [
            "",
            "MB = 10⁶ bytes of UTF-8 text per second of wall time. 1 thread: `encode_ordinary` on each document "
            "(HF: `encode_batch_fast` with its parallelism off); batch: `encode_ordinary_batch` on all documents "
            f"(tiktoken: `num_threads={cores}`; HF: `encode_batch_fast`)"
            + (
                "; decode: `decode` (to str) of the ids of each document, one thread, checked to give the document "
                "back (MB/s of text out)"
                if "decode" in modes
                else ""
            )
            + ". The encoding processes hold the corpus in memory: *idle* is the RSS with the corpus and the "
            "tokenizer loaded, before the clock starts.",
            "",
        ]

    if main or encode:
        # A run at a size without targets of its own is held to those of the default size.
        vocab = settings["vocab_size"] if settings["vocab_size"] in TARGETS else 32768
        lines += [
            f"## Targets for training and encoding (2 cores, GPT-4 pattern, vocab {vocab})",
            "",
            "| measure | target | measured | met |",
            "|---|--:|--:|---|",
            *_target_rows(summary, corpus["name"], vocab),
            "",
        ]
        if (cores, settings["pattern"], settings["vocab_size"]) != (2, "gpt4", vocab):
            lines += [f"The targets are set for 2 cores, `gpt4` and vocab {vocab}; this run differs.", ""]

    problems = summary["failures"] + results.get("skipped", [])
    if problems:
        lines += ["## Not measured", "", *[f"- {problem}" for problem in problems], ""]
    if plot_name:
        lines += [f"![benchmark plot]({plot_name})", ""]
    command = shlex.join(results.get("command", []))
    lines += [f"Command: `python {command}` ({results.get('wall_seconds', 0):.0f} s in all).", ""]
    return "\n".join(lines)


def plot(results: dict[str, Any]) -> bytes | None:
    """Training seconds, training peak RSS, encode MB/s and thread scaling drawn as a PNG, or None
    if matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    figure = draw(results, plt)
    image = io.BytesIO()
    figure.savefig(image, format="png", dpi=110)
    plt.close(figure)
    return image.getvalue()


def draw(results: dict[str, Any], plt: Any) -> Any:
    """The figure of :func:`plot`, with a panel for each measurement the run made and no other:
    a run without thread scaling (or without encoding) gets no empty panel."""
    summary = summarize(results)
    settings, machine = results["settings"], results["machine"]
    cores = settings["cores"]
    main = summary["train_main"]
    panels: list[Callable[[Any], None]] = []

    def bars(values: dict[str, float], fmt: str, title: str, ylabel: str) -> Callable[[Any], None]:
        def panel(ax: Any) -> None:
            names = list(values)
            colors = [COLORS[n] for n in names]
            rects = ax.bar([TOOL_NAMES[n] for n in names], [values[n] for n in names], color=colors)
            ax.bar_label(rects, labels=[fmt.format(values[n]) for n in names], fontsize=8)
            ax.set_title(title, fontsize=10)
            ax.set_ylabel(ylabel)
            ax.margins(y=0.15)
            ax.tick_params(axis="x", labelsize=8)

        return panel

    if main:
        seconds = {t: g["seconds"] for t, g in main.items()}
        panels.append(bars(seconds, "{:.2f}", f"Training, {cores} threads", "seconds"))
        panels.append(bars({t: g["peak_mib"] for t, g in main.items()}, "{:,.0f}", "Training peak RSS", "MiB"))
    encode = summary["encode"]
    if encode:

        def encoding(ax: Any) -> None:
            modes = [m for m in MODES if m in encode]
            tools = list(dict.fromkeys(t for m in modes for t in encode[m]))
            width = 0.8 / len(tools)
            for index, tool in enumerate(tools):
                xs = [i + (index - (len(tools) - 1) / 2) * width for i in range(len(modes))]
                values = [encode[m][tool]["mb_per_s"] if tool in encode[m] else 0 for m in modes]
                rects = ax.bar(xs, values, width, label=TOOL_NAMES[tool], color=COLORS[tool])
                ax.bar_label(rects, labels=[f"{v:.0f}" for v in values], fontsize=8)
            ax.set_xticks(range(len(modes)), [_mode_label(m, cores) for m in modes])
            ax.set_title("Encoding and decoding throughput", fontsize=10)
            ax.set_ylabel("MB/s")
            ax.margins(y=0.15)
            ax.legend(fontsize=8)

        panels.append(encoding)
    scaling = summary["scaling"]
    counts = sorted({t for entry in scaling.values() for t in entry["seconds"]})
    if len(counts) > 1:  # one thread count is a point, not a curve

        def thread_scaling(ax: Any) -> None:
            base = min(counts)
            ax.plot(counts, [t / base for t in counts], linestyle="--", color="grey", label="ideal")
            for tool, entry in scaling.items():
                ts = sorted(entry["speedup"])
                ax.plot(ts, [entry["speedup"][t] for t in ts], marker="o", label=TOOL_NAMES[tool], color=COLORS[tool])
            ax.set_ylim(bottom=0)
            ax.set_xticks(counts)
            ax.set_xlabel("threads")
            ax.set_ylabel(f"speed-up over {base} thread(s)")
            ax.set_title("Thread scaling of training", fontsize=10)
            ax.legend(fontsize=8)

        panels.append(thread_scaling)
    columns = 2 if len(panels) > 1 else 1
    rows = max(1, -(-len(panels) // columns))
    figure = plt.figure(figsize=(5.5 * columns, 4 * rows))
    # An odd panel out spans the last row, so that no quadrant is left empty.
    grid = figure.add_gridspec(rows, 2 * columns)
    for index, panel in enumerate(panels):
        row, column = divmod(index, columns)
        alone = index == len(panels) - 1 and len(panels) % columns
        span = slice(0, 2 * columns) if alone else slice(2 * column, 2 * column + 2)
        panel(figure.add_subplot(grid[row, span]))
    runs = "one run" if settings["runs"] == 1 else f"median of {settings['runs']}"
    figure.suptitle(
        f"{results['corpus']['name']} ({results['corpus']['bytes'] / 1e6:.0f} MB), vocab {settings['vocab_size']}, "
        f"{settings['pattern']}, {runs}; {machine['cores']} cores, {machine['cpu']}",
        fontsize=10,
    )
    figure.tight_layout()
    return figure


def write(results: dict[str, Any], out: Path) -> str:
    """Write ``out`` (markdown), the plot beside it (.png) and the raw numbers (.json), each replacing
    the file of the last report there; return the markdown."""
    png = out.with_suffix(".png")
    image = plot(results)
    if image is None:
        if "plot: matplotlib is not installed" not in results.setdefault("skipped", []):
            results["skipped"].append("plot: matplotlib is not installed")
        if out.parent.resolve() == report_path.RESULTS:
            # The last run's plot would otherwise sit beside a report that has none.
            png.unlink(missing_ok=True)
    else:
        report_path.replace_file(png, image)
    report_path.replace_file(out.with_suffix(".json"), json.dumps(results, indent=1) + "\n")
    text = markdown(results, png.name if image is not None else None)
    report_path.replace_file(out, text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Re-render a report from the JSON that run.py wrote."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--out", type=Path, help="markdown path (default: beside the JSON)")
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text())
    print(write(results, args.out or args.results.with_suffix(".md")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
