"""The SQLModel classes and the Core tables the store runs on describe the same tables."""

from __future__ import annotations

import pytest

from ledger.store import models, tables

PAIRS = [
    (models.EventRecord, tables.EVENTS),
    (models.MetaRecord, tables.META),
    (models.CursorRecord, tables.CURSORS),
    (models.PlanRowRecord, tables.PLAN_ROWS),
    (models.SnapshotRecord, tables.SNAPSHOTS),
    (models.MerkleNodeRecord, tables.MERKLE_NODES),
    (models.CheckpointRecord, tables.CHECKPOINTS),
    (models.CosignatureRecord, tables.COSIGNATURES),
    (models.SeenRequestRecord, tables.SEEN_REQUESTS),
]


def _shape(table):
    # SQLModel spells a string column AutoString; Core, String. Both are VARCHAR(length).
    return [
        (
            c.name,
            "String" if type(c.type).__name__ == "AutoString" else type(c.type).__name__,
            getattr(c.type, "length", None),
            c.primary_key,
            c.nullable,
        )
        for c in table.columns
    ]


@pytest.mark.parametrize(("model", "table"), PAIRS, ids=[t.name for _, t in PAIRS])
def test_each_sqlmodel_class_declares_exactly_its_core_table(model, table):
    assert model.__table__.name == table.name
    assert _shape(model.__table__) == _shape(table)
    assert model.__table__.dialect_options["sqlite"].get("with_rowid", True) == (
        table.dialect_options["sqlite"].get("with_rowid", True)
    )


def test_the_statements_list_the_events_columns_in_table_order() -> None:
    from ledger.store import rows

    assert rows.COLUMNS == tables.COLUMNS
