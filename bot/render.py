"""How results read in Slack: mrkdwn-escaped text in Block Kit messages.

Every string that comes from the ledger (titles, reasons, actors, summaries,
error messages quoting user input) goes through `escape`, so a title such as
`<!channel>` shows as text and pings nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import singledispatch
from typing import TYPE_CHECKING, Any

from ledger import grammar
from ledger import results as rs
from ledger.describe import describe
from ledger.state import Recorded

if TYPE_CHECKING:
    from ledger.check import Oddity
    from ledger.diff import PlanDiff
    from ledger.queries import Entry, MilestoneDetail, MilestoneRow, Plan, RfcSummary
    from ledger.verify import Report

Block = dict[str, Any]

#: Slack's limits are 50 blocks a message and 3000 characters a section; stay inside them,
#: and keep a reply short enough to read (the terminal has the whole of anything).
MAX_BLOCKS = 45
SECTION_CHARS = 2900
MESSAGE_CHARS = 12000
_LATEST = 60  # events of a long history shown in Slack

_SLACK_ACTOR = re.compile(r"^slack:[A-Z0-9]+/([UW][A-Z0-9]+)$")
_STATUS = {
    "done": ":white_check_mark:",
    "late": ":red_circle:",
    "slipped": ":large_orange_circle:",
    "on track": ":large_green_circle:",
    "withdrawn": ":white_circle:",
}


def escape(text: object) -> str:
    """Text made inert for Slack mrkdwn: `&`, `<` and `>` as entities."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def who(actor: str | None) -> str:
    """An actor for people: a Slack user as a mention, anyone else as escaped text."""
    if actor is None:
        return "-"
    match = _SLACK_ACTOR.match(actor)
    return f"<@{match.group(1)}>" if match else escape(actor)


def code(text: str) -> str:
    """A milestone code or RFC id, set in monospace."""
    return "`" + escape(text).replace("`", "'") + "`"


def slackify(message: str) -> str:
    """A library message for Slack: escaped, with its command hints as slash commands."""
    return escape(message).replace("`milestone ", "`/milestone ")


# --- messages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A message for Slack: blocks, and the text shown in notifications and old clients."""

    text: str
    blocks: tuple[Block, ...] = field(default=())

    def message(self, **extra: Any) -> dict[str, Any]:
        """The payload for ack(), respond() or chat.postMessage."""
        payload: dict[str, Any] = {"text": self.text[:3000], **extra}
        if self.blocks:
            payload["blocks"] = list(self.blocks)
        return payload

    def with_note(self, text: str) -> Reply:
        """The same reply with a small line of mrkdwn added at the end."""
        return Reply(self.text, (*self.blocks, context(text)))

    def ephemeral(self, **extra: Any) -> dict[str, Any]:
        """The payload of an answer only the asking user sees."""
        return self.message(response_type="ephemeral", **extra)


def section(text: str) -> Block:
    """A section block of mrkdwn text."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> Block:
    """A small grey line of mrkdwn text."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def reply(title: str, lines: Sequence[str] = (), *, note: str | None = None) -> Reply:
    """A title, then lines gathered into sections (cut short past Slack's limits)."""
    blocks = [section(title)]
    chunk: list[str] = []
    size = 0
    used = len(title)
    shown = 0
    for line in lines:
        if used + len(line) > MESSAGE_CHARS or len(blocks) >= MAX_BLOCKS:
            break
        if chunk and size + len(line) + 1 > SECTION_CHARS:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line[:SECTION_CHARS])
        size += len(line) + 1
        used += len(line) + 1
        shown += 1
    if chunk:
        blocks.append(section("\n".join(chunk)))
    if shown < len(lines):
        blocks.append(
            context(f"…and {len(lines) - shown} more not shown here; a terminal shows all of it.")
        )
    if note:
        blocks.append(context(note))
    return Reply(title, tuple(blocks))


def error(message: str) -> Reply:
    """What was wrong and what would be right."""
    text = f":warning: {slackify(message)}"
    return Reply(text, (section(text),))


def broken(seq: int, reason: str) -> str:
    """The note on every read while the stored chain does not verify."""
    return (
        f":warning: The ledger does not verify at event #{seq} ({escape(reason)}); changes are "
        "refused until it is repaired. `/milestone verify` shows the report."
    )


def busy(what: str) -> Reply:
    """The acknowledgement when the ledger is too slow to answer within Slack's 3 seconds."""
    text = (
        f":hourglass_flowing_sand: The ledger database is slow to answer right now (busy or "
        f"locked). Still working on `{escape(what)}`; the answer will follow here."
    )
    return Reply(text, (section(text),))


# --- milestones ---------------------------------------------------------------------------------


def milestone_line(row: MilestoneRow, indent: str = "") -> str:
    """One milestone on one line: status, code, title, dates."""
    dates = f"due {row.forecast}"
    if row.forecast != row.baseline:
        dates += f" (baseline {row.baseline})"
    if row.completed:
        dates = f"done {row.completed}"
    mark = _STATUS.get(row.status, "")
    return f"{indent}{mark} {code(row.code)} {escape(row.title)} — {dates} · {row.status}"


def plan(result: Plan) -> Reply:
    """The plan: each Level-2 milestone with its Level-3 milestones under it."""
    lines: list[str] = []
    for block in result.releases:
        lines.append("*" + milestone_line(block.release) + "*")
        lines.extend(milestone_line(m, "        ") for m in block.milestones)
    if result.unassigned:
        lines.append("_Under no Level-2 milestone:_")
        lines.extend(milestone_line(m, "        ") for m in result.unassigned)
    level3 = {m.code for b in result.releases for m in b.milestones}
    level3 |= {m.code for m in result.unassigned}
    title = (
        f"*Plan as of {escape(result.as_of)}*: {len(result.releases)} Level-2, "
        f"{len(level3)} Level-3 milestones ({result.events} events; status judged on "
        f"{result.today})"
    )
    if not lines:
        return reply(title, ["The plan is empty: `/milestone define` adds milestones."])
    return reply(title, lines)


def rows(result: list[MilestoneRow], *, title: str, empty: str) -> Reply:
    """A list of milestones."""
    if not result:
        return reply(empty)
    return reply(f"{title} ({len(result)})", [milestone_line(r) for r in result])


def show(detail: MilestoneDetail) -> Reply:
    """One milestone in full."""
    m = detail.milestone
    completed = f"{m.completed} by {who(detail.completed_by)}" if m.completed else "-"
    fields = [
        ("Level", str(m.level)),
        ("Team", escape(m.team or "-")),
        ("Baseline", m.baseline),
        ("Forecast", m.forecast),
        ("Completed", completed),
        ("Status", f"{_STATUS.get(m.status, '')} {m.status} (as of {escape(detail.as_of)})"),
    ]
    title = f"{code(m.code)} *{escape(m.title)}*"
    blocks: list[Block] = [
        section(title),
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in fields],
        },
    ]
    extra = []
    if m.releases:
        extra.append("In " + ", ".join(code(r) for r in m.releases))
    if m.aliases:
        extra.append("Also known as " + ", ".join(code(a) for a in m.aliases))
    if extra:
        blocks.append(context(" · ".join(extra)))
    if detail.members:
        lines = [milestone_line(r) for r in detail.members[:40]]
        if len(detail.members) > 40:
            lines.append(f"…and {len(detail.members) - 40} more")
        blocks.append(section("*Level-3 milestones under it*\n" + "\n".join(lines)))
    if detail.proposals:
        lines = [
            f"`#{p.seq}` under {code(p.rfc)}: {escape(p.summary)}" for p in detail.proposals[:20]
        ]
        blocks.append(section("*Awaiting approval*\n" + "\n".join(lines)))
    return Reply(f"{code(m.code)} {escape(m.title)}", tuple(blocks))


# --- events -------------------------------------------------------------------------------------


def _about(subject: str, summary: str) -> str:
    """A summary that names what it is about (a date move's summary does not)."""
    return summary if subject in summary else f"{subject}: {summary}"


def entry_line(entry: Entry) -> str:
    """One event of a history or log: seq, when, who, what, RFC, signature."""
    when = entry.recorded_at[:16].replace("T", " ")
    summary = _about(entry.subject, entry.summary)
    rfc = f" · {code(entry.rfc)} ({entry.rfc_state})" if entry.rfc else ""
    sig = "signature ok" if entry.signature == "ok" else f":warning: signature {entry.signature}"
    return f"`#{entry.seq}` {when} · {who(entry.actor)} · {escape(summary)}{rfc} · {sig}"


def entries(result: list[Entry], *, title: str, empty: str) -> Reply:
    """A history or log, oldest first; a long one shows its latest events."""
    if not result:
        return reply(empty)
    shown = result[-_LATEST:]
    note = None
    if len(result) > len(shown):
        note = f"The {len(result) - len(shown)} earlier events are not shown; a terminal shows all."
    return reply(f"{title} ({len(result)} events)", [entry_line(e) for e in shown], note=note)


def diff(result: PlanDiff) -> Reply:
    """What changed between two points."""
    counts = ", ".join(f"{n} {kind}" for kind, n in result.counts.items() if n)
    span = f"{escape(result.before)} to {escape(result.after)}"
    if not counts:
        return reply(f"No changes from {span}.")
    lines = []
    if result.added:
        lines.append("*added* " + ", ".join(code(c) for c in result.added))
    if result.withdrawn:
        lines.append("*withdrawn* " + ", ".join(code(c) for c in result.withdrawn))
    lines.extend(f"*renamed* {code(c.before)} → {code(c.after)}" for c in result.renamed)
    lines.extend(
        f"*retitled* {code(c.code)}: “{escape(c.before)}” → “{escape(c.after)}”"
        for c in result.retitled
    )
    lines.extend(
        f"*moved* {code(m.code)} {m.which} {m.before} → {m.after} ({m.days:+d} days)"
        for m in result.moved
    )
    lines.extend(f"*completed* {code(c.code)} on {escape(c.after)}" for c in result.completed)
    if result.reopened:
        lines.append("*reopened* " + ", ".join(code(c) for c in result.reopened))
    lines.extend(
        f"*relinked* {code(c.code)}: [{escape(c.before)}] → [{escape(c.after)}]"
        for c in result.relinked
    )
    return reply(f"*From {span}*: {counts}", lines)


def check(result: list[Oddity]) -> Reply:
    """Oddities in the plan."""
    if not result:
        return reply(":white_check_mark: No oddities.")
    lines = [f"*{escape(o.kind)}* {code(o.code)}: {escape(o.message)}" for o in result]
    return reply(f"*Oddities* ({len(result)})", lines)


def verify(report: Report) -> Reply:
    """The outcome of a verification."""
    if report.ok:
        return reply(
            f":white_check_mark: *OK*: {report.checked} events verified.",
            [f"ledger id `{report.ledger_id}`", f"head `#{report.checked}` `{report.head_hash}`"],
        )
    assert report.failure is not None
    return reply(
        f":x: *FAILED* at event #{report.failure.seq}: {escape(report.failure.reason)}",
        [f"{report.checked} events before it verified."],
    )


def rfc_show(rfc: RfcSummary) -> Reply:
    """One RFC and the changes proposed under it."""
    decided = (
        f", {rfc.state} on {rfc.decided_on} by {who(rfc.decided_by)}" if rfc.decided_on else ""
    )
    version = f" (version {escape(rfc.version)})" if rfc.version else ""
    title = (
        f"{code(rfc.id)} *{escape(rfc.title)}*\n{rfc.state}{version}; opened by "
        f"{who(rfc.opened_by)}{decided}"
    )
    if not rfc.changes:
        return reply(title, ["No changes proposed under it yet."])
    return reply(title, [entry_line(e) for e in rfc.changes])


def rfc_list(result: list[RfcSummary]) -> Reply:
    """Every RFC."""
    if not result:
        return reply("No RFCs yet: `/milestone rfc open RFC-1 TITLE` opens one.")
    lines = [
        f"{code(r.id)} {r.state}"
        + (f" v{escape(r.version)}" if r.version else "")
        + (f" {r.decided_on}" if r.decided_on else "")
        + f" · {escape(r.title)}"
        for r in result
    ]
    return reply(f"*RFCs* ({len(result)})", lines)


def event_line(event: Recorded, rfc_states: dict[str, str]) -> str:
    """What one recorded event did, for people."""
    note = ""
    if event.rfc and rfc_states.get(event.rfc) == "open":
        note = f" _(proposed under {code(event.rfc)}: takes effect when it is approved)_"
    elif event.rfc:
        note = f" (under {code(event.rfc)})"
    return f"{escape(_about(event.subject, describe(event)))}{note}"


def recorded(events: list[Recorded], rfc_states: dict[str, str]) -> Reply:
    """The answer to a write: what was recorded, and under which numbers."""
    lines = [f"`#{e.seq}` {event_line(e, rfc_states)}" for e in events]
    return reply(":white_check_mark: Recorded, signed for you:", lines)


def announcement(events: Sequence[Recorded], rfc_states: dict[str, str]) -> Reply:
    """The channel message for events appended anywhere."""
    lines = [f"{who(e.actor)} {event_line(e, rfc_states)} `#{e.seq}`" for e in events]
    if len(lines) == 1:
        return Reply(lines[0], (section(lines[0]),))
    return Reply(
        f"{len(lines)} changes to the plan", tuple(section(line) for line in lines[:MAX_BLOCKS])
    )


# --- approval -----------------------------------------------------------------------------------


def approval_prompt(
    rfc: RfcSummary,
    version: str | None,
    value: str,
    approve_action: str,
    cancel_action: str,
    note: str = "",
) -> Reply:
    """Ask before approving: what takes effect, and a button behind a confirm dialog."""
    pending = [e for e in rfc.changes if e.rfc_state == "proposed"]
    label = f" as version {escape(version)}" if version else ""
    title = (
        f"Approve {code(rfc.id)} *{escape(rfc.title)}*{label}? The approval is signed as you, "
        f"and the {len(pending)} change(s) proposed under it take effect at once."
    )
    blocks: list[Block] = []
    if note:
        blocks.append(context(f":information_source: {slackify(note)}"))
    blocks.append(section(title))
    if pending:
        lines = [entry_line(e) for e in pending[:20]]
        if len(pending) > 20:
            lines.append(f"…and {len(pending) - 20} more (`/milestone rfc show {rfc.id}`)")
        blocks.append(section("\n".join(lines)))
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": approve_action,
                    "text": {"type": "plain_text", "text": f"Approve {rfc.id}"},
                    "style": "primary",
                    "value": value,
                    "confirm": {
                        "title": {"type": "plain_text", "text": f"Approve {rfc.id}?"},
                        "text": {
                            "type": "mrkdwn",
                            "text": f"{len(pending)} proposed change(s) take effect now. "
                            "The approval is recorded for good.",
                        },
                        "confirm": {"type": "plain_text", "text": "Approve"},
                        "deny": {"type": "plain_text", "text": "Not yet"},
                        "style": "primary",
                    },
                },
                {
                    "type": "button",
                    "action_id": cancel_action,
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "value": rfc.id,
                },
            ],
        }
    )
    return Reply(title, tuple(blocks))


# --- help ---------------------------------------------------------------------------------------


def help_all(commands: Iterable[grammar.Command]) -> Reply:
    """Every command with its usage."""
    reads: list[str] = []
    writes: list[str] = []
    for command in commands:
        line = f"`/milestone {escape(command.usage())}` {escape(command.help)}"
        (writes if command.writes else reads).append(line)
    lines = ["*Read* (only you see the answer)", *reads, "*Change* (signed as you, announced)"]
    lines += writes
    return reply(
        "*`/milestone` — the release plan ledger*",
        lines,
        note="Dates are YYYY-MM-DD; `on DATE` works for `--on DATE`. Put text with spaces in "
        'quotes: `/milestone retitle DM-AP-18 "Alert packets"`. `/milestone help COMMAND` '
        "explains one command.",
    )


def help_one(command: grammar.Command) -> Reply:
    """One command: usage, parameters, examples."""
    lines = []
    for param in command.params:
        if param.spec.cli_only:
            continue
        name = param.metavar if param.kind == "arg" else param.option
        lines.append(f"`{escape(name)}` {escape(param.help)}")
    lines.extend(f"Example: `/milestone {escape(example)}`" for example in command.examples)
    return reply(f"`/milestone {escape(command.usage())}`\n{escape(command.help)}", lines)


# --- by result type -----------------------------------------------------------------------------


@singledispatch
def answer(result: rs.Result) -> Reply:
    """How a result reads in Slack."""
    raise TypeError(f"no Slack answer for {type(result).__name__}")


@answer.register
def _(result: rs.PlanResult) -> Reply:
    return plan(result.plan)


@answer.register
def _(result: rs.MilestoneResult) -> Reply:
    return show(result.detail)


@answer.register
def _(result: rs.HistoryResult) -> Reply:
    return entries(result.entries, title=f"*History of {code(result.code)}*", empty="No events.")


@answer.register
def _(result: rs.LogResult) -> Reply:
    return entries(result.entries, title="*Log*", empty="No events match.")


@answer.register
def _(result: rs.DiffResult) -> Reply:
    return diff(result.diff)


@answer.register
def _(result: rs.LateResult) -> Reply:
    return rows(result.rows, title="*Late*", empty="Nothing is late.")


@answer.register
def _(result: rs.UpcomingResult) -> Reply:
    title = f"*Due in the next {result.days} days*"
    return rows(result.rows, title=title, empty="Nothing is due in that window.")


@answer.register
def _(result: rs.CheckResult) -> Reply:
    return check(result.oddities)


@answer.register
def _(result: rs.VerifyResult) -> Reply:
    return verify(result.report)


@answer.register
def _(result: rs.RfcResult) -> Reply:
    return rfc_show(result.rfc)


@answer.register
def _(result: rs.RfcListResult) -> Reply:
    return rfc_list(result.rfcs)


@answer.register
def _(result: rs.RecordedResult) -> Reply:
    return recorded(result.events, result.rfc_states)
