"""Rows folded into an as-of view are checked as a chain: one signature, every hash and link.

`checked_run` must give what checking each row on its own (`trusted`) gives:
the same events for an intact run, and the same error, naming the same row,
for a run with a damaged row anywhere in it.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from ledger import requests as rq
from ledger.errors import ChainBroken
from ledger.execute import record
from ledger.views import checked_run, trusted


@pytest.fixture
def rows(open_ledger, admin_key):
    """Eight stored rows of a real ledger, in log order."""
    record(
        rq.DefineMilestone(code="L2", title="Release", due="2030-01-01", level=2),
        ledger=open_ledger,
        signer=admin_key,
    )
    for day in range(1, 6):
        record(
            rq.MoveMilestone(code="L2", to=f"2030-02-0{day}"), ledger=open_ledger, signer=admin_key
        )
    found = open_ledger.store.rows(list(range(1, open_ledger.length + 1)))
    assert len(found) >= 8
    return found, open_ledger.state().keys


def _error(check, found, keys) -> str:
    with pytest.raises(ChainBroken) as raised:
        check(found, keys)
    return str(raised.value)


def test_an_intact_run_gives_the_events_each_row_gives_alone(rows):
    found, keys = rows

    assert checked_run(found, keys) == [trusted(row, keys) for row in found]
    assert checked_run(found[::-1], keys) == [trusted(row, keys) for row in found[::-1]]
    assert checked_run([], keys) == []


@pytest.mark.parametrize("where", [0, 3, -1], ids=["first", "middle", "last"])
@pytest.mark.parametrize("damage", ["body", "forged body", "signature", "key"])
def test_a_damaged_row_anywhere_in_a_run_is_refused_naming_it(rows, where, damage):
    found, keys = list(rows[0]), rows[1]
    row = found[where]
    changed = row.body.replace(b'"actor":"alice"', b'"actor":"mallory"', 1)
    assert changed != row.body
    if damage == "body":
        found[where] = replace(row, body=changed)
    elif damage == "forged body":
        found[where] = replace(row, body=changed, hash=hashlib.sha256(changed).digest())
    elif damage == "signature":
        found[where] = replace(row, sig=bytes(64))
    else:
        found[where] = replace(row, key="0000000000000000")

    if damage == "signature" and where != -1:
        # Its body is intact and signed by the hashes after it: the view may fold it
        # (`milestone verify` reports the signature).
        assert checked_run(found, keys) == [trusted(r, keys) for r in rows[0]]
    else:
        per_row = _error(lambda f, k: [trusted(r, k) for r in f], found, keys)
        assert _error(checked_run, found, keys) == per_row
        assert f"#{row.seq} " in per_row


def test_rows_that_do_not_follow_each_other_are_checked_one_by_one(rows):
    found, keys = rows
    gap = [found[0], found[2], found[3]]

    assert checked_run(gap, keys) == [trusted(row, keys) for row in gap]
