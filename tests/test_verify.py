"""Verification catches any changed byte, a cut-short log, and bad keys; triggers hold."""

import pytest
import sqlalchemy as sa
from conftest import make_key

from ledger import requests as rq
from ledger.asof import parse_as_of
from ledger.errors import ChainBroken
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.verify import verify_rows

COLUMNS = (
    "body",
    "hash",
    "sig",
    "id",
    "type",
    "subject",
    "actor",
    "key",
    "rfc",
    "idem",
    "recorded_at",
    "effective",
)


@pytest.fixture
def filled(open_ledger, admin_key, tmp_path):
    """A ledger with one of most kinds of event, a second key, and a delegate."""
    k = {"ledger": open_ledger, "signer": admin_key}
    bob = make_key(tmp_path, "bob")
    record(rq.AddKey(actor="bob", public_key=bob.public_raw), **k)
    record(rq.GrantRole(actor="bob", role="editor"), **k)
    record(rq.DefineMilestone(code="L2", title="Two", due="2020-06-30", level=2), **k)
    record(rq.DefineMilestone(code="DM-A-1", title="A", due="2020-05-01", releases=["L2"]), **k)
    record(rq.OpenRfc(rfc="RFC-1", title="slip"), **k)
    record(rq.MoveMilestone(code="DM-A-1", to="2020-06-01", baseline=True, rfc="RFC-1"), **k)
    record(rq.ApproveRfc(rfc="RFC-1", version="1.0"), **k)
    record(
        rq.CompleteMilestone(code="DM-A-1", on="2020-05-30"),
        ledger=open_ledger,
        signer=bob,
        idem="once",
    )
    return open_ledger


def _engine(ledger):
    return ledger.store.engine


def _drop_triggers(ledger):
    with _engine(ledger).begin() as conn:
        if ledger.store.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER events_no_update")
            conn.exec_driver_sql("DROP TRIGGER events_no_delete")
        else:
            conn.exec_driver_sql("DROP TRIGGER events_no_change ON events")


def _read(ledger, seq, column):
    with _engine(ledger).connect() as conn:
        return conn.execute(
            sa.text(f"SELECT {column} FROM events WHERE seq = :s"), {"s": seq}
        ).scalar()


def _write(ledger, seq, column, value):
    with _engine(ledger).begin() as conn:
        conn.execute(
            sa.text(f"UPDATE events SET {column} = :v WHERE seq = :s"), {"v": value, "s": seq}
        )


def _changed(value):
    if value is None:
        return "X"
    if isinstance(value, bytes | memoryview):
        raw = bytearray(bytes(value))
        raw[len(raw) // 2] ^= 0x01  # one bit of one byte
        return bytes(raw)
    return value[:-1] + ("0" if value[-1] != "0" else "1")


def _verify(ledger, **expect):
    return verify_rows(ledger.store.iter_all(), **expect)


def test_an_untouched_ledger_verifies(filled):
    report = _verify(filled, ledger_id=filled.ledger_id)

    assert report.ok, report.failure
    assert report.checked == len(filled.log)
    assert report.head_hash == filled.log[-1].hash.hex()


def test_the_database_refuses_update_and_delete_of_events(filled):
    for statement in (
        "UPDATE events SET actor = 'mallory' WHERE seq = 2",
        "DELETE FROM events WHERE seq = 2",
    ):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            _engine(filled).begin() as conn,
        ):
            conn.exec_driver_sql(statement)

    assert _verify(filled).ok


def test_changing_any_stored_byte_of_any_event_is_caught_at_that_event(filled):
    _drop_triggers(filled)
    missed = []

    for seq in range(1, len(filled.log) + 1):
        for column in COLUMNS:
            original = _read(filled, seq, column)
            _write(filled, seq, column, _changed(original))
            report = _verify(filled)
            _write(filled, seq, column, original)
            if report.ok or report.failure.seq != seq:
                missed.append((seq, column, report.failure))

    assert missed == []
    assert _verify(filled).ok


def test_a_changed_seq_column_is_caught(filled):
    _drop_triggers(filled)

    _write(filled, 5, "seq", 500)

    assert _verify(filled).failure.seq == 5


def test_deleting_the_last_event_is_caught_given_the_previous_head(filled):
    head = filled.log[-1].hash.hex()
    length = len(filled.log)
    _drop_triggers(filled)
    with _engine(filled).begin() as conn:
        conn.execute(sa.text("DELETE FROM events WHERE seq = :s"), {"s": length})

    assert _verify(filled).ok  # alone, a shorter chain is still a valid chain
    by_head = _verify(filled, ledger_id=filled.ledger_id, expect_head=head)
    by_length = _verify(filled, ledger_id=filled.ledger_id, expect_length=length)
    assert not by_head.ok and "does not contain the expected head" in by_head.failure.reason
    assert not by_length.ok and by_length.failure.seq == length


def test_a_copy_of_another_ledger_is_told_apart_by_its_id(filled, tmp_path, admin_key):
    other = Ledger.create(
        f"sqlite:///{tmp_path / 'other.db'}", name="x", signer=admin_key, actor="alice"
    )

    report = verify_rows(other.store.iter_all(), ledger_id=filled.ledger_id)

    assert report.failure.seq == 1 and "not the expected" in report.failure.reason
    other.close()


def _forge(ledger, signer, *, actor, fact_type="rfc.opened", data=None):
    """Append a correctly chained event signed by `signer`, bypassing the ledger's checks."""
    import uuid

    from events import body_hash, canonical_bytes
    from ledger.store import StoredEvent

    head = ledger.log[-1]
    body = {
        "seq": head.seq + 1,
        "id": str(uuid.uuid4()),
        "type": fact_type,
        "subject": "RFC-66",
        "data": data or {"id": "RFC-66", "title": "forged"},
        "actor": actor,
        "key": signer.key_id,
        "recorded_at": head.recorded_at,
        "effective": head.recorded_at,
        "rfc": None,
        "idem": None,
        "prev": head.hash.hex(),
    }
    raw = canonical_bytes(body)
    digest = body_hash(raw)
    row = StoredEvent(
        body["seq"],
        body["id"],
        fact_type,
        "RFC-66",
        actor,
        signer.key_id,
        None,
        None,
        body["recorded_at"],
        body["effective"],
        raw,
        digest,
        signer.sign(digest),
    )
    with ledger.store.writing() as txn:
        txn.insert(row)
    return body["seq"]


def test_an_event_signed_after_its_key_was_revoked_does_not_verify(filled, admin_key, tmp_path):
    from ledger.signing import load_key_file

    bob = load_key_file(tmp_path / "keys" / "bob.pem")
    record(rq.RevokeKey(key_id=bob.key_id, reason="left"), ledger=filled, signer=admin_key)

    seq = _forge(filled, bob, actor="bob")

    report = _verify(filled)
    assert report.failure.seq == seq and "revoked" in report.failure.reason


def test_an_event_signed_by_an_unregistered_key_does_not_verify(filled, tmp_path):
    mallory = make_key(tmp_path, "mallory")

    seq = _forge(filled, mallory, actor="alice")

    report = _verify(filled)
    assert report.failure.seq == seq and "not registered" in report.failure.reason


def test_a_key_may_not_sign_for_another_actor_unless_it_is_a_delegate(filled, tmp_path):
    from ledger.signing import load_key_file

    bob = load_key_file(tmp_path / "keys" / "bob.pem")

    seq = _forge(filled, bob, actor="alice")

    report = _verify(filled)
    assert report.failure.seq == seq and "may not sign for alice" in report.failure.reason


def test_a_damaged_row_behind_the_head_is_never_folded_and_verify_reports_it(
    filled, admin_key, db_url
):
    _drop_triggers(filled)
    _write(filled, 4, "body", _changed(_read(filled, 4, "body")))
    reopened = Ledger.open(db_url)

    # The plan at the head was folded when event 4 was recorded, and a view that
    # would fold the damaged row again refuses it; verify names it.
    with pytest.raises(ChainBroken, match="damaged at event #4"):
        reopened.view(parse_as_of("#5"))
    assert verify_rows(reopened.store.iter_all()).failure.seq == 4
    reopened.close()


def test_appends_refuse_after_a_head_with_a_bad_signature(filled, admin_key, db_url):
    _drop_triggers(filled)
    seq = len(filled.log)
    _write(filled, seq, "sig", _changed(_read(filled, seq, "sig")))
    reopened = Ledger.open(db_url)

    with pytest.raises(ChainBroken, match=f"at event {seq}"):
        record(rq.OpenRfc(rfc="RFC-9", title="x"), ledger=reopened, signer=admin_key)
    reopened.close()
