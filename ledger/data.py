"""Each result as plain JSON data, by its type: what `--json` prints and `/api/` answers.

Both front ends share this, so the CLI's `--json` and the web view's API stay byte
for byte the same. Most results are their content (dataclasses, lists) turned into dicts and
lists; a verification report and a diff say a little more than their fields.
Nothing here imports what the result at hand does not contain.
"""

from __future__ import annotations

import dataclasses
import json
from functools import singledispatch
from typing import TYPE_CHECKING, Any

from ledger import results as rs
from ledger.state import Recorded

if TYPE_CHECKING:
    from ledger.verify import Report


@singledispatch
def data(result: rs.Result) -> Any:
    """A result as plain JSON data."""
    return plain(result.content)


@data.register
def _(result: rs.VerifyResult) -> Any:
    found = report_data(result.report)
    if result.tree is not None:
        found["tree"] = result.tree.counts()  # its findings are the report's
    return found


@data.register
def _(result: rs.DiffResult) -> Any:
    return {**dataclasses.asdict(result.diff), "counts": result.diff.counts}


def report_data(report: Report) -> dict[str, Any]:
    """A verification report as JSON data."""
    return {
        "ok": report.ok,
        "checked": report.checked,
        "ledger_id": report.ledger_id,
        "head": report.head_hash,
        "failure": dataclasses.asdict(report.failure) if report.failure else None,
    }


def plain(value: Any) -> Any:
    """Dataclasses, lists and dicts as JSON data; an event as its stored fields."""
    if isinstance(value, str | int | float | None):
        return value
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, Recorded):
        from ledger.ledger import dump_fields

        return dump_fields(value)
    names = _field_names(type(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    return value


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type, or None for any other type (found once per
    type: a plan of thousands of rows would otherwise ask for each)."""
    if kind not in _FIELDS:
        found = dataclasses.is_dataclass(kind)
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind)) if found else None
    return _FIELDS[kind]


def as_json(value: Any) -> str:
    """JSON data as indented text, non-ASCII kept, with no final newline: orjson writes what
    `json.dumps(value, indent=2, ensure_ascii=False)` writes, ten times sooner; the standard
    library writes what orjson refuses (keys that are not text, whole numbers beyond 64 bits)."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except TypeError:
        return json.dumps(value, indent=2, ensure_ascii=False)
