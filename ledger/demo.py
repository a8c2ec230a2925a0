"""A small sample plan, built through the same commands people use.

`milestone demo` runs this in a temporary ledger to show what the tool does:
two test milestones, Level-3 milestones under them, a date move, a completion,
and a baseline change under an RFC that a board approves.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ledger.errors import InvalidInput
from ledger.execute import record
from ledger.files import refusal
from ledger.ledger import Ledger
from ledger.requests import (
    ApproveRfc,
    CompleteMilestone,
    DefineMilestone,
    MoveMilestone,
    OpenRfc,
)
from ledger.signing import Signer, generate_key_file


def build_demo(*, directory: Path, actor: str = "release-manager") -> tuple[Ledger, Signer]:
    """Create a ledger in `directory` (made if missing) holding a small sample plan; return it
    and its key. A folder that already holds a demo is refused: the demo never overwrites."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InvalidInput(f"{directory} is a file; give a folder for the demo ledger") from None
    except (OSError, ValueError) as error:
        raise refusal(error, directory, what="demo folder") from None
    for name in ("demo.db", "demo-key.pem"):
        if (directory / name).exists():
            raise InvalidInput(
                f"{directory} already holds {name} from an earlier demo; choose another folder"
            )
    signer = generate_key_file(directory / "demo-key.pem")
    url = f"sqlite:///{directory / 'demo.db'}"
    ledger = Ledger.create(url, name="demo plan", signer=signer, actor=actor)
    today = ledger.clock().date()

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    common: dict[str, Any] = {"ledger": ledger, "signer": signer}
    record(OpenRfc(rfc="RFC-100", title="Baseline the verification plan"), **common)
    # Two Level-2 test milestones (no releases), then Level-3 milestones under them.
    for code, title, offset, releases in (
        ("LDM-503-01", "Science Platform integration test", 30, ()),
        ("LDM-503-02", "Alert production rehearsal", 90, ()),
        ("DM-DAX-1", "Query service with asynchronous queries", -10, ("LDM-503-01",)),
        ("DM-SQRE-1", "Notebook service for project staff", 20, ("LDM-503-01",)),
        ("DM-AP-1", "Single frame measurement pipeline", 45, ("LDM-503-02",)),
        ("DM-AP-2", "Image differencing", 80, ("LDM-503-02",)),
    ):
        define = DefineMilestone(
            code=code,
            title=title,
            due=day(offset),
            level=3 if releases else 2,
            releases=releases,
            rfc="RFC-100",
        )
        record(define, **common)
    record(ApproveRfc(rfc="RFC-100", version="1.0"), **common)
    record(CompleteMilestone(code="DM-DAX-1", on=day(-12)), **common)
    record(MoveMilestone(code="DM-SQRE-1", to=day(35), reason="waiting for hardware"), **common)
    record(OpenRfc(rfc="RFC-101", title="Move image differencing after the rehearsal"), **common)
    record(MoveMilestone(code="DM-AP-2", to=day(120), baseline=True, rfc="RFC-101"), **common)
    record(ApproveRfc(rfc="RFC-101", version="1.1"), **common)
    return ledger, signer
