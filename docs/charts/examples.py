"""Draw the example charts in this folder from the real LDM-564 revisions.

    .venv/bin/python docs/charts/examples.py

Imports the 2018-04-13 and 2022-08-13 revisions (from ../shared/ldm564, oldest first) into
a scratch ledger and draws each report as of 2022-08-13, comparing with 2018-04-13.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ledger.asof import parse_as_of
from ledger.charts.burndown import write_burndown
from ledger.charts.gantt import write_gantt
from ledger.charts.graph import write_graph
from ledger.charts.slip import write_slip
from ledger.importer import import_revision_file
from ledger.ledger import Ledger
from ledger.reports.burndown import burndown
from ledger.reports.gantt import gantt
from ledger.reports.graph import graph
from ledger.reports.slip import slip
from ledger.signing import generate_key_file

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared" / "ldm564"
REVISIONS = ("000_cf8cfb32c38b0fd3.txt", "001_4a9f4198f2391930.txt")  # 2018, 2022


def main() -> None:
    """Import the revisions into a scratch ledger and write the example images here."""
    with tempfile.TemporaryDirectory() as scratch:
        key = generate_key_file(Path(scratch) / "alice.pem")
        book = Ledger.create(f"sqlite:///{scratch}/m.db", name="LDM-564", signer=key, actor="alice")
        for name in REVISIONS:
            import_revision_file(ledger=book, signer=key, path=SHARED / name)
        then, now = book.view(parse_as_of("2018-04-13")), book.view(parse_as_of("2022-08-13"))
        book.close()
    write_burndown(
        burndown(
            state=now.state, compare=then.state, compare_label="2018-04-13", level=3,
            today=now.today,
        ),
        out=HERE / "burndown.png",
    )  # fmt: skip
    write_gantt(gantt(state=now.state, today=now.today), out=HERE / "gantt.png")
    write_slip(
        slip(
            before=then.state, after=now.state, before_label="2018-04-13",
            after_label="2022-08-13", today=now.today, level=2,
        ),
        out=HERE / "slip.png",
    )  # fmt: skip
    write_graph(
        graph(state=now.state, today=now.today, release="LDM-503-11a"), out=HERE / "graph.png"
    )


if __name__ == "__main__":
    main()
