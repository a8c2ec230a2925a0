"""Event ids made in bulk are random version-4 UUIDs, written as `uuid` writes them."""

from __future__ import annotations

import uuid

from ledger.append import new_ids


def test_bulk_ids_are_distinct_version_4_uuids_in_the_standard_text_form():
    ids = new_ids(5000)

    parsed = [uuid.UUID(text) for text in ids]
    assert all(u.version == 4 and u.variant == uuid.RFC_4122 for u in parsed)
    assert [str(u) for u in parsed] == ids
    assert len(set(ids)) == len(ids)
    # The random bits are not stuck: every hex digit outside the fixed ones varies.
    for position in (0, 9, 15, 20, 35):
        assert len({text[position] for text in ids}) == 16


def test_no_ids_for_no_drafts():
    assert new_ids(0) == []
