"""The plan at the head as rows, and whole states as snapshot documents.

A `PlanState` is stored as one row per entity (`milestone`, `rfc`, `key`,
`role`, `pending`, `oddity`, and one `meta` row), so that an append rewrites
only the rows its events touched and a read loads rows, not the log. The same
rows, compressed together, are a snapshot document.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from ledger.records import event_doc, event_from_doc
from ledger.state import KeyInfo, Milestone, PlanState, Recorded, Rfc

Key = tuple[str, str]

#: Milestone changes: they wait for an open RFC, and touch the milestones they name.
CHANGE_TYPES = frozenset(
    {
        "milestone.defined",
        "milestone.retitled",
        "milestone.linked",
        "milestone.unlinked",
        "milestone.forecast_moved",
        "milestone.baseline_moved",
        "milestone.completed",
        "milestone.reopened",
        "milestone.withdrawn",
        "milestone.renamed",
        "milestone.reinstated",
        "milestone.depends",
        "milestone.independent",
    }
)


def _dump(value: Any) -> bytes:
    return orjson.dumps(value)


def _meta(state: PlanState, extra: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": state.name,
        "baseline_control": state.baseline_control,
        "last": event_doc(state.last) if state.last is not None else None,
        **extra,
    }


def entity_doc(state: PlanState, kind: str, key: str) -> bytes | None:
    """The stored document of one entity, or None when the state has no such entity."""
    if kind == "milestone":
        m = state.milestones.get(key)
        return _dump(m) if m is not None else None
    if kind == "rfc":
        r = state.rfcs.get(key)
        return _dump(r) if r is not None else None
    if kind == "key":
        k = state.keys.get(key)
        return _dump(k) if k is not None else None
    if kind == "role":
        roles = state.roles.get(key)
        return _dump(sorted(roles)) if roles is not None else None
    if kind == "pending":
        events = state.pending.get(key)
        return _dump([event_doc(e) for e in events]) if events else None
    if kind == "oddity":
        index = int(key)
        return _dump(state.oddities[index]) if index < len(state.oddities) else None
    raise ValueError(f"no entity kind {kind!r}")


def all_rows(
    state: PlanState,
    meta: Mapping[str, Any],
    *,
    doc: Callable[[PlanState, str, str], bytes | None] = entity_doc,
) -> dict[Key, bytes | None]:
    """Every row of `state`, with the `meta` row carrying `meta`'s extra fields (each
    entity's document as `doc` gives it: `entity_doc`, or a writer's `DocCache`)."""
    rows: dict[Key, bytes | None] = {("meta", ""): _dump(_meta(state, meta))}
    for kind, keys in (
        ("milestone", state.milestones),
        ("rfc", state.rfcs),
        ("key", state.keys),
        ("role", state.roles),
        ("pending", state.pending),
    ):
        for key in keys:
            rows[(kind, key)] = doc(state, kind, key)
    for index in range(len(state.oddities)):
        rows[("oddity", f"{index:09d}")] = doc(state, "oddity", f"{index:09d}")
    return rows


def changed_rows(
    state: PlanState, touched: Iterable[Key], *, oddities_before: int, meta: Mapping[str, Any]
) -> dict[Key, bytes | None]:
    """The rows to write after events touched `touched` (None deletes a row)."""
    rows: dict[Key, bytes | None] = {("meta", ""): _dump(_meta(state, meta))}
    for kind, key in touched:
        if kind == "milestone":
            # A rename moves a milestone to another code: write whichever exists.
            resolved = state.resolve(key)
            if resolved is not None:
                rows[(kind, resolved)] = entity_doc(state, kind, resolved)
            if resolved != key:
                rows[(kind, key)] = entity_doc(state, kind, key)
        else:
            rows[(kind, key)] = entity_doc(state, kind, key)
    for index in range(oddities_before, len(state.oddities)):
        rows[("oddity", f"{index:09d}")] = entity_doc(state, "oddity", f"{index:09d}")
    return rows


def touches(state: PlanState, event: Recorded) -> set[Key]:
    """The entities folding `event` into `state` may change (judged before it is folded)."""
    kind = event.type
    data = event.data
    if kind in CHANGE_TYPES:
        touched: set[Key] = set()
        if event.rfc is not None:
            touched |= {("rfc", event.rfc), ("pending", event.rfc)}
            rfc = state.rfcs.get(event.rfc)
            if rfc is None or rfc.state != "approved":
                return touched
        return touched | _milestones_touched(state, event)
    if kind.startswith("rfc."):
        rfc_id = str(data.get("id", event.subject))
        touched = {("rfc", rfc_id), ("pending", rfc_id)}
        if kind == "rfc.approved":
            for change in state.pending.get(rfc_id, ()):
                touched |= _milestones_touched(state, change)
        return touched
    if kind.startswith("key."):
        return {("key", str(data.get("key_id", "")))}
    if kind.startswith("role."):
        return {("role", str(data.get("actor", "")))}
    if kind == "ledger.created":
        return {("key", str(data.get("key_id", ""))), ("role", str(data.get("actor", "")))}
    return set()


def _milestones_touched(state: PlanState, change: Recorded) -> set[Key]:
    names = {change.subject}
    for field in ("code", "release", "new_code", "on_code", "predecessor"):
        value = change.data.get(field)
        if isinstance(value, str):
            names.add(value)
    codes = {state.resolve(name) or name for name in names} | names
    if change.type == "milestone.renamed":
        old = state.resolve(change.subject)
        # Renaming rewrites every membership in, and every dependency on, the old code.
        codes |= {
            m.code
            for m in state.milestones.values()
            if old and (old in m.releases or old in m.depends)
        }
    return {("milestone", code) for code in codes}


def state_from_rows(rows: Iterable[tuple[str, str, bytes]]) -> tuple[PlanState, dict[str, Any]]:
    """The state the rows hold, and the `meta` row's document."""
    state = PlanState()
    meta: dict[str, Any] = {}
    oddities: list[tuple[str, list[Any]]] = []
    for kind, key, doc in rows:
        value = orjson.loads(doc)
        if kind == "milestone":
            state.milestones[key] = Milestone(**value)
        elif kind == "rfc":
            state.rfcs[key] = Rfc(**value)
        elif kind == "key":
            state.keys[key] = KeyInfo(**value)
        elif kind == "role":
            state.roles[key] = set(value)
        elif kind == "pending":
            state.pending[key] = [event_from_doc(e) for e in value]
        elif kind == "oddity":
            oddities.append((key, value))
        elif kind == "meta":
            meta = value
    state.oddities = [(seq, text) for _, (seq, text) in sorted(oddities)]
    state.aliases = {a: m.code for m in state.milestones.values() for a in m.aliases}
    state.name = meta.get("name", "")
    state.baseline_control = meta.get("baseline_control", True)
    last = meta.get("last")
    state.last = event_from_doc(last) if last else None
    return state, meta


def snapshot_doc(state: PlanState, cache: DocCache | None = None) -> bytes:
    """A whole state as one compressed document (entity documents from `cache` where it
    still holds them, so a writer re-encodes only what changed since its last snapshot)."""
    rows = all_rows(state, {}, doc=entity_doc if cache is None else cache.doc)
    return zlib.compress(
        _dump([[kind, key, doc.decode()] for (kind, key), doc in rows.items() if doc]), 1
    )


class DocCache:
    """The entity documents of one state, kept between its snapshots by the writer that
    folds it: `touch` each event's `touches` before folding it, and `doc` re-encodes
    only the entities touched since."""

    def __init__(self) -> None:
        self.docs: dict[Key, bytes | None] = {}

    def touch(self, keys: Iterable[Key]) -> None:
        """Forget the documents of entities an event is about to change."""
        for key in keys:
            self.docs.pop(key, None)

    def doc(self, state: PlanState, kind: str, key: str) -> bytes | None:
        """`entity_doc(state, kind, key)`, from the document still known if there is one."""
        found = self.docs.get((kind, key))
        if found is None:
            found = self.docs[(kind, key)] = entity_doc(state, kind, key)
        return found


def state_from_snapshot(doc: bytes) -> PlanState:
    """The inverse of `snapshot_doc`."""
    rows = orjson.loads(zlib.decompress(doc))
    return state_from_rows((kind, key, text.encode()) for kind, key, text in rows)[0]
