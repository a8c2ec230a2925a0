"""The part of verification that needs the rows before: seq order, the chain, time,
the keys in force, and the verdict.

`Replay.step` judges rows in order, each with what `ledger.verify_row` found in
the row itself, whether that ran here or in a worker process: both feed the
same replay, so both report the same findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from events import GENESIS_PREV
from ledger.fold import apply
from ledger.rules import may_sign_for, permitted
from ledger.signing import signature_ok
from ledger.state import PlanState, Recorded
from ledger.store import StoredEvent
from ledger.verify_row import EventBody, RowCheck

#: Findings listed at most; verification stops reading after as many.
MAX_FINDINGS = 100

#: The events that register a key.
_KEY_EVENTS = ("ledger.created", "key.registered")


@dataclass(frozen=True)
class Failure:
    """A row (or the log as a whole) that does not verify, and why."""

    seq: int
    reason: str


@dataclass(frozen=True)
class Report:
    """The outcome of a verification."""

    #: Events verified before the first finding (all of them when it is OK).
    checked: int
    ledger_id: str
    head_hash: str
    #: The first finding: the verdict.
    failure: Failure | None
    #: Every finding, in row order (up to `MAX_FINDINGS`); the first is `failure`.
    findings: tuple[Failure, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether everything held."""
        return self.failure is None


@dataclass(frozen=True)
class Unreadable:
    """A line of an export that is not a row at all: it is reported at its place."""

    line: int
    reason: str


@dataclass
class _Key:
    actor: str
    public: bytes
    delegate_for: str | None
    revoked_at: int | None = None


class Replay:
    """What needs the rows before: seq order, the chain, time, the keys in force."""

    def __init__(self, *, ledger_id: str | None, expect_head: str | None) -> None:
        self.ledger_id = ledger_id
        self.expect_head = expect_head
        self.seen_head = expect_head is None
        self.expected = 1  # the seq the next row should have
        self.prev: str | None = GENESIS_PREV  # None: unknown, after a gap
        self.last_recorded = ""
        self.keys: dict[str, _Key] = {}
        #: Raw public keys by id, for checking rows in-process (the keys in force).
        self.publics: dict[str, bytes] = {}
        self.findings: list[Failure] = []
        #: The roles in force so far (a state folded from role events only).
        self.roles = PlanState()
        self.rows = 0
        self.verified = 0
        self.genesis_hash = ""
        self.head_hash = ""

    def step(self, item: StoredEvent | Unreadable, check: RowCheck | None) -> None:
        """Judge the next row (or unreadable line) in order."""
        self.rows += 1
        if not isinstance(item, StoredEvent) or check is None:
            line = item.line if isinstance(item, Unreadable) else self.rows
            reason = item.reason if isinstance(item, Unreadable) else "not a stored row"
            self._find(self.expected, f"line {line}: {reason}")
            self.expected += 1
            self.prev = None
            return
        row = item
        if row.seq < self.expected:
            # Before genesis, or a duplicate: not part of the chain, which goes on without it.
            if row.seq < 1:
                where = "before the genesis event"
            else:
                where = f"where #{self.expected} was expected"
            self._find(row.seq, f"a row is stored with seq {row.seq}, {where}")
            return
        linked = row.seq == self.expected and self.prev is not None
        if row.seq > self.expected:
            self._find(
                self.expected,
                f"event #{self.expected} is missing: the next row stored has seq {row.seq}",
            )
        problem = self._problem(row, check, linked=linked)
        if problem is None and check.event is not None:
            self._accept(row, check.event)
        elif problem is not None:
            self._find(row.seq, problem)
        self.expected = row.seq + 1
        self.prev = row.hash.hex()

    def _problem(self, row: StoredEvent, check: RowCheck, *, linked: bool) -> str | None:
        """Why `row` does not verify after the rows before it, or None."""
        if not check.hash_ok:
            return "the stored hash is not the SHA-256 of the stored body"
        event = check.event
        if event is None:
            return check.problem
        if event.seq != row.seq:
            return f"the body says seq {event.seq} but the row is stored as #{row.seq}"
        if linked and event.prev != self.prev:
            return "prev does not match the hash of the event before (the chain is broken)"
        if check.index_problem is not None:
            return check.index_problem
        if event.recorded_at < self.last_recorded:
            return "recorded_at is earlier than the previous event's"
        genesis = event.type == "ledger.created"
        if genesis != (event.seq == 1):
            if genesis:
                return "a second ledger.created event"
            return "the first event is not ledger.created"
        if event.type in _KEY_EVENTS and _registered(event) is None:
            return "the public key it registers is not hex"
        name = _quoted(event.key)
        key = _registered(event) if genesis else self.keys.get(event.key)
        if key is None:
            return f"signed with key {name}, which was not registered before this event"
        if key.revoked_at is not None:
            return f"signed with key {name}, revoked at event #{key.revoked_at}"
        if not may_sign_for(key, event.actor):
            return (
                f"key {name} belongs to {_quoted(key.actor)} "
                f"and may not sign for {_quoted(event.actor)}"
            )
        # A worker checked the signature under the key it guessed; if that is not
        # the key in force, check again here, so the verdict is the same either way.
        if check.signed_with == key.public:
            signed = check.signature_ok
        else:
            signed = signature_ok(key.public, row.hash, row.sig)
        if not signed:
            return f"the signature does not verify under key {name}"
        # The event is authentic: was its actor allowed it? The append path's own rule
        # answers, against the roles in force just before it. After an earlier finding
        # the roles may lack what a damaged row granted, so every later event would be
        # refused for it: the verdict already stands, and the list stays the damage.
        if (
            not genesis
            and not self.findings
            and (refusal := permitted(self.roles, actor=event.actor, event_type=event.type))
        ):
            return refusal
        if genesis and self.ledger_id is not None and row.hash.hex() != self.ledger_id:
            return f"this is ledger {row.hash.hex()}, not the expected {self.ledger_id}"
        return None

    def _accept(self, row: StoredEvent, event: EventBody) -> None:
        """Take a verified event into what the replay knows."""
        if event.type in _KEY_EVENTS:
            key = _registered(event)
            if key is not None:
                self.keys[event.data["key_id"]] = key
                self.publics[event.data["key_id"]] = key.public
        elif event.type == "key.revoked":
            revoked = self.keys.get(event.data["key_id"])
            if revoked is not None and revoked.revoked_at is None:
                revoked.revoked_at = event.seq
        if event.type == "ledger.created" or event.type.startswith("role."):
            apply(self.roles, Recorded(*event, row.hash))
        self.last_recorded = event.recorded_at
        if self.findings:
            return  # the verdict stands at the first finding
        self.verified += 1
        self.head_hash = row.hash.hex()
        if event.seq == 1:
            self.genesis_hash = self.head_hash
        if self.expect_head is not None and self.head_hash.startswith(self.expect_head):
            self.seen_head = True

    def _find(self, seq: int, reason: str) -> None:
        self.findings.append(Failure(seq, reason))

    def report(self, expect_length: int | None) -> Report:
        """The verdict, once every row has been judged."""
        end = self.expected - 1
        if len(self.findings) >= MAX_FINDINGS:
            pass  # stopped early: what the end of the log says is unknown
        elif self.rows == 0:
            self._find(1, "the log is empty: there is no genesis event")
        elif expect_length is not None and end < expect_length:
            self._find(
                end + 1,
                f"the log ends at #{end} but at least {expect_length} events were expected: "
                "events were removed from the end",
            )
        elif not self.seen_head:
            self._find(
                end + 1,
                f"the chain does not contain the expected head {self.expect_head}: "
                "the log was cut short or replaced",
            )
        return Report(
            checked=self.verified,
            ledger_id=self.genesis_hash,
            head_hash=self.head_hash,
            failure=self.findings[0] if self.findings else None,
            findings=tuple(self.findings),
        )


def _registered(event: EventBody) -> _Key | None:
    """The key a `ledger.created` or `key.registered` event registers (None: unusable)."""
    data = event.data
    try:
        public = bytes.fromhex(data["public_key"])
    except ValueError:
        return None
    return _Key(data["actor"], public, data.get("delegate_for"))


def _quoted(text: str) -> str:
    """Text from a row, safe to print: control characters (terminal escapes) shown escaped."""
    return text if text.isprintable() else repr(text)
