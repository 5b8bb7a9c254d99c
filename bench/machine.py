"""What the figures were measured on: cores, CPU model, memory, OS, Python and tool versions."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
from pathlib import Path
from typing import Any


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), else os.cpu_count()."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def cpu_model() -> str:
    """The CPU's model name, from /proc/cpuinfo on Linux, else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "Hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if platform.system() == "Darwin":
        try:
            import subprocess

            return subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return platform.processor() or platform.machine() or "unknown"


def memory_gib() -> float | None:
    """Total physical memory in GiB, or None where it cannot be read."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1024**3)
    except (ValueError, OSError, AttributeError):
        return None


def version(distribution: str) -> str | None:
    """The installed version of a package, or None if it is not installed."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info(distributions: list[str]) -> dict[str, Any]:
    """Everything recorded about the machine, with the versions of ``distributions``."""
    return {
        "cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "cpu": cpu_model(),
        "memory_gib": memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {name: version(name) for name in distributions},
    }


def machine_slug(info: dict[str, Any]) -> str:
    """A short file-name-safe name for the machine, e.g. ``2c-amd-epyc-7b13``."""
    cpu = re.sub(r"\((r|tm)\)|cpu|processor|@.*|\d+-core", "", info["cpu"], flags=re.IGNORECASE)
    cpu = re.sub(r"[^a-z0-9]+", "-", cpu.lower()).strip("-")[:32].strip("-")
    return f"{info['usable_cores']}c-{cpu or 'unknown'}"
