"""Draw the example charts in this folder from the three real LDM-564 revisions, with the CLI.

    .venv/bin/python docs/charts/examples.py

Runs the `milestone` commands printed below in a scratch folder: a new ledger, the
2018-04-13, 2019-05-20 and 2022-08-13 revisions (from ../shared/ldm564) imported oldest
first, then each chart as of 2022-08-13 written here. The commands are the README's.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared" / "ldm564"
REVISIONS = ("000_cf8cfb32c38b0fd3.txt", "LDM-564-2019-05-20.txt", "001_4a9f4198f2391930.txt")
MILESTONE = Path(sys.executable).parent / "milestone"

CHARTS = (
    "chart burndown --level 3 --compare 2018-04-13 --as-of 2022-08-13 --out burndown.png",
    "chart gantt --as-of 2022-08-13 --out gantt.png",
    "chart slip 2018-04-13 2022-08-13 --level 2 --out slip.png",
    "chart slip 2019-05-20 2022-08-13 --level 2 --out slip-2019.png",
    "chart gantt --release LDM-503-15a --release LDM-503-RSPa --members --as-of 2022-08-13 "
    "--out gantt-members.png",
    "graph --release LDM-503-11a --as-of 2022-08-13 --out graph.png",
)


def run(command: str, *, cwd: Path, env: dict[str, str]) -> None:
    """Run `milestone COMMAND`, showing it and what it printed; stop if it fails."""
    print(f"$ milestone {command}", flush=True)
    done = subprocess.run(
        [str(MILESTONE), *shlex.split(command)], cwd=cwd, env=env, capture_output=True, text=True
    )
    print(done.stdout, end="")
    if done.returncode:
        sys.exit(done.stderr)


def main() -> None:
    """Import the revisions into a scratch ledger and draw the example images here."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "MILESTONE_DB_URL": f"sqlite:///{scratch}/milestones.db",
            "MILESTONE_KEY": f"{scratch}/alice.pem",
        }
        run("init --name LDM-564 --actor alice", cwd=HERE, env=env)
        for name in REVISIONS:
            run(f"import-doc {SHARED / name}", cwd=HERE, env=env)
        for command in CHARTS:
            run(command, cwd=HERE, env=env)


if __name__ == "__main__":
    main()
