"""Benchmark importing the real P6 export of April 2019 into a fresh ledger.

    python bench/bench_import.py [--runs 5] [--db sqlite|postgresql]

Each run creates an empty ledger (a new SQLite file, or a new PostgreSQL schema) and times
`import_export_file` of ../shared/pmcs/201904-ME.xls: reading the workbook (386 activities,
14,039 relationships), working out the plan and its dependencies, and the one atomic append
of its ~240 signed events. Prints each run and the median; the issue asks for < 3 s.
It also times importing the three LDM-564 revisions newest first (every one after the
first lands before later changes and restores them).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from ledger.importer import import_revision_file
from ledger.importer_p6 import import_export_file
from ledger.ledger import Ledger
from ledger.signing import Signer, generate_key_file

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXPORT = SHARED / "pmcs" / "201904-ME.xls"
REVISIONS = [
    SHARED / "ldm564" / name
    for name in ("001_4a9f4198f2391930.txt", "LDM-564-2019-05-20.txt", "000_cf8cfb32c38b0fd3.txt")
]
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def fresh_url(kind: str, folder: Path, schemas: list[str]) -> str:
    """An empty database of the kind asked for."""
    if kind == "sqlite":
        return f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.db'}"
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with sa.create_engine(POSTGRES).begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    schemas.append(schema)
    return f"{POSTGRES}?options=-csearch_path%3D{schema}"


def timed(
    kind: str, folder: Path, signer: Signer, schemas: list[str], work: Callable[[Ledger], None]
) -> float:
    """Seconds `work` takes on a new ledger."""
    ledger = Ledger.create(fresh_url(kind, folder, schemas), name="bench", signer=signer, actor="a")
    try:
        started = time.perf_counter()
        work(ledger)
        return time.perf_counter() - started
    finally:
        ledger.close()


def main() -> None:
    """Time the imports on fresh ledgers and print each run and the median."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    schemas: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        signer = generate_key_file(folder / "key.pem")

        def export(ledger: Ledger) -> None:
            import_export_file(ledger=ledger, signer=signer, path=EXPORT)

        def documents(ledger: Ledger) -> None:
            for path in REVISIONS:
                import_revision_file(ledger=ledger, signer=signer, path=path)

        try:
            for name, work in (("201904-ME.xls", export), ("3 revisions, newest first", documents)):
                runs = [timed(args.db, folder, signer, schemas, work) for _ in range(args.runs)]
                shown = ", ".join(f"{run:.2f}" for run in runs)
                print(f"{name} on {args.db}: median {statistics.median(runs):.2f} s ({shown})")
        finally:
            if schemas:
                with sa.create_engine(POSTGRES).begin() as conn:
                    for schema in schemas:
                        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
