"""Whole-process cold starts of the `milestone` console script: wall time and peak memory.

Each run is a fresh process of the installed console script, timed from spawn
to exit; its peak resident set is what GNU time reports for it (or, without
GNU time, `os.wait4`'s rusage of that one child).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: The console script of the environment running this benchmark.
SCRIPT = Path(sys.executable).parent / "milestone"

#: The project's packages, whose functions a profile lists by cumulative time.
_PROJECT = ("ledger", "cli", "events", "bot")

#: GNU time: it forks the command from a small process of its own, so the peak it reports
#: is the command's alone (a child forked from this benchmark inherits its high-water mark).
TIME = Path("/usr/bin/time")


def compile_project() -> None:
    """Write the project's bytecode, as installing it does: with PYTHONDONTWRITEBYTECODE
    set (as on this machine) every run would otherwise compile each changed module again."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in (*_PROJECT, "web"):
        compileall.compile_dir(root / package, quiet=1)


@dataclass
class Run:
    """One process: how long it took, its peak memory, and how it ended."""

    seconds: float
    peak_mb: float
    code: int
    stderr: str
    cpu: float = 0.0  # user + system seconds of the command


@dataclass
class Measure:
    """Several runs of one command."""

    label: str
    kind: str  # help, read, as-of or write
    runs: list[Run] = field(default_factory=list)
    failure: str | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(r.seconds for r in self.runs) * 1000

    @property
    def min_ms(self) -> float:
        return min(r.seconds for r in self.runs) * 1000

    @property
    def cpu_ms(self) -> float:
        return statistics.median(r.cpu for r in self.runs) * 1000

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.runs)


def run_once(argv: Sequence[str], *, env: dict[str, str], cwd: Path) -> Run:
    """Run one process to its end; stdout is discarded, stderr kept for errors."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as peak:
        line = list(argv)
        if TIME.exists():
            line = [str(TIME), "-f", "%M %U %S", "-o", peak.name, *line]
        start = time.perf_counter()
        process = subprocess.Popen(line, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        reported = peak.read().splitlines()[-1:]
    cpu = usage.ru_utime + usage.ru_stime
    kib = usage.ru_maxrss
    if reported and len(fields := reported[0].split()) == 3:
        # KiB and seconds from /usr/bin/time; without it, this child's own rusage, whose
        # peak on Linux also counts the RSS this (larger) process had when it forked.
        kib, cpu = int(fields[0]), float(fields[1]) + float(fields[2])
    return Run(seconds, kib / 1024, process.returncode, stderr, cpu)


def measure(
    label: str,
    kind: str,
    argv: Callable[[int], Sequence[str]],
    *,
    env: dict[str, str],
    cwd: Path,
    runs: int,
    warmups: int = 1,
) -> Measure:
    """`warmups` untimed runs, then `runs` timed ones; `argv(i)` is the i-th command line."""
    result = Measure(label, kind)
    for index in range(warmups + runs):
        run = run_once(argv(index), env=env, cwd=cwd)
        if run.code != 0:
            last = run.stderr.strip().splitlines()[-1:] or [f"exit status {run.code}"]
            result.failure = f"exit {run.code}: {last[0][:160]}"
            return result
        if index >= warmups:
            result.runs.append(run)
    return result


def import_offenders(argv: Sequence[str], *, env: dict[str, str], cwd: Path, top: int = 15) -> str:
    """`python -X importtime` of one command: import time by package, and the slowest modules."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", str(SCRIPT), *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    line = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
    rows = []
    for text in completed.stderr.splitlines():
        if match := line.match(text):
            own, cumulative, _, name = match.groups()
            rows.append((int(own), int(cumulative), name))
    total = sum(own for own, _, _ in rows)
    packages: dict[str, list[int]] = {}
    for own, _, name in rows:
        counted = packages.setdefault(name.split(".")[0], [0, 0])
        counted[0] += own
        counted[1] += 1
    lines = [f"  {len(rows)} modules imported, {total / 1000:.0f} ms in all (self times)"]
    lines.append(f"  {'package':<44}{'modules':>8}{'ms':>8}")
    for name, (own, modules) in sorted(packages.items(), key=lambda item: -item[1][0])[:top]:
        lines.append(f"  {name:<44}{modules:>8}{own / 1000:>8.1f}")
    lines.append(f"  {'module':<44}{'self ms':>8}{'cum ms':>8}")
    for own, cumulative, name in sorted(rows, key=lambda r: -r[0])[:top]:
        lines.append(f"  {name:<44}{own / 1000:>8.1f}{cumulative / 1000:>8.1f}")
    return "\n".join(lines)


def profile_command(argv: Sequence[str], *, env: dict[str, str], cwd: Path, top: int = 18) -> str:
    """cProfile of one run of the console script: top entries by cumulative and own time."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "run.prof"
        subprocess.run(
            [sys.executable, "-m", "cProfile", "-o", str(out), str(SCRIPT), *argv],
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        if not out.exists():
            return "  (no profile written)"
        return format_profile(pstats.Stats(str(out)), top=top)


def format_profile(stats: pstats.Stats, *, top: int = 18) -> str:
    """The top entries of a profile by cumulative and by own time, as indented lines.

    The cumulative list holds the project's own functions only (the import
    machinery and Typer's wrappers would fill it); their imports are given once,
    as the time spent importing.
    """
    entries = stats.stats  # type: ignore[attr-defined]
    total = max((ct for _, _, _, ct, _ in entries.values()), default=0.0)
    importing = max(
        (ct for (_, _, n), (_, _, _, ct, _) in entries.items() if n == "_find_and_load"),
        default=0.0,
    )

    def ours(func: tuple[str, int, str]) -> bool:
        # The project's own functions: where a command spends its time once imported.
        filename, _, name = func
        return name != "<module>" and any(f"/{p}/" in filename for p in _PROJECT)

    def where(func: tuple[str, int, str]) -> str:
        filename, line, name = func
        if filename == "~":
            return name
        parts = Path(filename).parts
        short = "/".join(parts[-2:]) if len(parts) > 1 else filename
        return f"{short}:{line}({name})"

    lines = [f"  profile: {total:.2f} s in all, {importing:.2f} s of it importing modules"]
    for title, index in (("cumulative", 3), ("own", 2)):
        what = "project functions" if index == 3 else "everything"
        lines.append(f"  {'calls':>10} {'own s':>8} {'cum s':>8}  {what}, by {title} time")
        ranked = sorted(
            (item for item in entries.items() if index == 2 or ours(item[0])),
            key=lambda item: -item[1][index],
        )[:top]
        for func, (_, calls, own, cum, _) in ranked:
            lines.append(f"  {calls:>10} {own:>8.2f} {cum:>8.2f}  {where(func)}")
    return "\n".join(lines)


def profiled(work: Callable[[], object]) -> tuple[object, pstats.Stats]:
    """Run `work` under cProfile; its result and the profile."""
    profile = cProfile.Profile()
    result = profile.runcall(work)
    return result, pstats.Stats(profile)
