"""Shell completion of milestone codes, RFC ids, version labels and as-of points.

The shell asks while a person types, so the ledger is opened only then (the
`--db` on the line being completed, else MILESTONE_DB_URL, else the default)
and nothing is loaded when the program starts. A completion never fails
aloud: with no ledger to read there is simply nothing to offer.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Which values a parameter takes, by the request field (or CLI parameter) it fills.
KINDS = {
    "code": "code",
    "release": "code",
    "releases": "code",
    "rfc": "rfc",
    "version": "version",
    "as_of": "point",
    "known_at": "point",
    "before": "point",
    "after": "point",
    "event_type": "type",
}

Completer = Callable[[Any, list[str], str], list[str]]


@dataclass
class Names:
    """What a ledger can complete: codes (live first), RFC ids and version labels."""

    codes: list[str] = field(default_factory=list)
    rfcs: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)


def names(url: str) -> Names:
    """The names in the ledger at `url` (none if it cannot be read)."""
    from ledger.ledger import Ledger
    from ledger.order import natural

    try:
        ledger = Ledger.open(url)
    except Exception:  # completing must never break the line being typed
        return Names()
    try:
        state = ledger.state()
        live = sorted((c for c, m in state.milestones.items() if not m.withdrawn), key=natural)
        rest = sorted(
            (c for c in [*state.milestones, *state.aliases] if c not in live), key=natural
        )
        rfcs = sorted(state.rfcs, key=natural)
        versions = [r.version for r in state.rfcs.values() if r.version]
        return Names(live + rest, rfcs, sorted(versions, key=natural))
    except Exception:  # completing must never break the line being typed
        return Names()
    finally:
        ledger.close()


def _url(ctx: Any) -> str:
    from cli.session import DEFAULT_DB, db_url

    for context in (ctx, ctx.find_root()):
        given = context.params.get("db")
        if given:
            return db_url(given)
    return db_url(os.environ.get("MILESTONE_DB_URL") or DEFAULT_DB)


def _event_types() -> list[str]:
    from events import FACTS

    families = sorted({name.split(".")[0] + "." for name in FACTS})
    return [*families, *sorted(FACTS)]


def completer(field_name: str) -> Completer | None:
    """The completion function for the parameter filling `field_name`, if it has one."""
    kind = KINDS.get(field_name)
    if kind is None:
        return None

    def complete(ctx: Any, args: list[str], incomplete: str) -> list[str]:
        if kind == "type":
            found = _event_types()
        else:
            known = names(_url(ctx))
            found = {
                "code": known.codes,
                "rfc": known.rfcs,
                "version": known.versions,
                "point": ["now", *known.rfcs, *(f"v{label}" for label in known.versions)],
            }[kind]
        return [name for name in found if name.startswith(incomplete)]

    return complete
