"""Export and import of the signed log as JSON Lines, verifiable offline.

Each line holds one event: its seq, the exact canonical body (as text: the
body is UTF-8 JSON), its hash and signature (hex). Nothing is re-encoded, so
an export verifies exactly as the database does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from events import decode_body
from ledger import tree
from ledger.errors import DocumentError, InvalidInput
from ledger.head import rebuild
from ledger.store import Store, StoredEvent
from ledger.verify import Report, verify_rows


def export_log(*, store: Store, path: Path) -> int:
    """Write every event to `path` as JSON Lines; return how many."""
    count = 0
    tmp = path.with_suffix(path.suffix + ".part")
    with tmp.open("w", encoding="utf-8") as handle:
        for row in store.iter_all():
            line = {
                "seq": row.seq,
                "body": row.body.decode("utf-8"),
                "hash": row.hash.hex(),
                "sig": row.sig.hex(),
            }
            handle.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    tmp.replace(path)
    return count


def read_export(path: Path) -> Iterator[StoredEvent]:
    """The events of an export, as stored rows (index columns taken from the bodies)."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise DocumentError(f"no export file at {path}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                raw = item["body"].encode("utf-8")
                body = decode_body(raw)
                yield StoredEvent(
                    seq=int(item["seq"]),
                    id=body["id"],
                    type=body["type"],
                    subject=body["subject"],
                    actor=body["actor"],
                    key=body["key"],
                    rfc=body.get("rfc"),
                    idem=body.get("idem"),
                    recorded_at=body["recorded_at"],
                    effective=body["effective"],
                    body=raw,
                    hash=bytes.fromhex(item["hash"]),
                    sig=bytes.fromhex(item["sig"]),
                )
            except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as error:
                raise DocumentError(
                    f"{path}, line {number}: not a ledger export line ({error}); "
                    "give a file written by `milestone export`"
                ) from None


def import_log(
    *, store: Store, path: Path, progress: Callable[[int], None] | None = None
) -> Report:
    """Load an export into an empty database, after verifying all of it."""
    if store.head() is not None:
        raise InvalidInput(
            f"the database at {store.where} already holds a ledger; import into a new one (--db)"
        )
    rows = list(read_export(path))
    report = verify_rows(rows)
    if not report.ok:
        assert report.failure is not None
        raise DocumentError(
            f"{path} does not verify at event {report.failure.seq}: {report.failure.reason}; "
            "nothing was imported"
        )
    with store.writing() as txn:
        for start in range(0, len(rows), 1000):
            txn.insert_many(rows[start : start + 1000])
            if progress is not None:
                progress(min(start + 1000, len(rows)))
        # The plan at the head, the snapshots and the Merkle tree are derived: make them
        # from what was loaded.
        rebuild(txn.conn)
        tree.rebuild(txn.conn)
    return report
