"""A small sample plan, built through the same commands people use.

`milestone demo` runs this in a temporary ledger to show what the tool does:
two test milestones, Level-3 milestones under them, a date move, a completion,
and a baseline change under an RFC that a board approves.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ledger import commands
from ledger.ledger import Ledger
from ledger.signing import Signer, generate_key_file


def build_demo(*, directory: Path, actor: str = "release-manager") -> tuple[Ledger, Signer]:
    """Create a ledger in `directory` holding a small sample plan; return it and its key."""
    signer = generate_key_file(directory / "demo-key.pem")
    url = f"sqlite:///{directory / 'demo.db'}"
    ledger = Ledger.create(url, name="demo plan", signer=signer, actor=actor)
    today = ledger.clock().date()

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    common: dict[str, Any] = {"ledger": ledger, "signer": signer}
    commands.open_rfc(rfc="RFC-100", title="Baseline the verification plan", **common)
    commands.define_milestone(
        code="LDM-503-01",
        title="Science Platform integration test",
        due=day(30),
        level=2,
        rfc="RFC-100",
        **common,
    )
    commands.define_milestone(
        code="LDM-503-02",
        title="Alert production rehearsal",
        due=day(90),
        level=2,
        rfc="RFC-100",
        **common,
    )
    for code, title, offset, release in (
        ("DM-DAX-1", "Query service with asynchronous queries", -10, "LDM-503-01"),
        ("DM-SQRE-1", "Notebook service for project staff", 20, "LDM-503-01"),
        ("DM-AP-1", "Single frame measurement pipeline", 45, "LDM-503-02"),
        ("DM-AP-2", "Image differencing", 80, "LDM-503-02"),
    ):
        commands.define_milestone(
            code=code, title=title, due=day(offset), releases=[release], rfc="RFC-100", **common
        )
    commands.approve_rfc(rfc="RFC-100", version="1.0", **common)
    commands.complete_milestone(code="DM-DAX-1", on=day(-12), **common)
    commands.move_milestone(code="DM-SQRE-1", to=day(35), reason="waiting for hardware", **common)
    commands.open_rfc(rfc="RFC-101", title="Move image differencing after the rehearsal", **common)
    commands.move_milestone(code="DM-AP-2", to=day(120), baseline=True, rfc="RFC-101", **common)
    commands.approve_rfc(rfc="RFC-101", version="1.1", **common)
    return ledger, signer
