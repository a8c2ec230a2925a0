"""One grammar for both front ends: the commands, their words, and the library call.

The CLI builds its Typer commands from `COMMANDS`; the Slack bot parses the
words after `/milestone` with `parse`. Neither holds a second copy of the
rules: each command names the one library function it calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ledger import check as check_module
from ledger import commands, queries
from ledger.asof import parse_as_of, parse_instant_text
from ledger.diff import diff as diff_views
from ledger.errors import InvalidInput
from ledger.ledger import Ledger
from ledger.signing import Signer
from ledger.store import Store
from ledger.verify import Report, verify_store


@dataclass
class Context:
    """What a command runs with: how to reach the ledger and who is acting.

    `actor` is None at the terminal (the key's own actor) and `slack:T/U` in
    Slack; `idem` makes a retried request record nothing twice.
    """

    open_ledger: Callable[[], Ledger]
    load_signer: Callable[[], Signer]
    actor: str | None = None
    idem: str | None = None
    #: How `verify` reaches the rows without loading (folding) a possibly damaged
    #: log; without it, `verify` reads the store of the opened ledger.
    open_store: Callable[[], Store] | None = None
    _ledger: Ledger | None = None

    @property
    def ledger(self) -> Ledger:
        """The ledger, opened on first use."""
        if self._ledger is None:
            self._ledger = self.open_ledger()
        return self._ledger

    @property
    def opened(self) -> Ledger | None:
        """The ledger if a command opened it, else None (nothing is opened to ask)."""
        return self._ledger

    def write_args(self) -> dict[str, Any]:
        """The keyword arguments every write command takes from the context."""
        return {
            "ledger": self.ledger,
            "signer": self.load_signer(),
            "actor": self.actor,
            "idem": self.idem,
        }


@dataclass(frozen=True)
class Param:
    """One word or option of a command."""

    name: str
    help: str
    kind: Literal["arg", "opt", "flag"] = "arg"
    many: bool = False
    type: type = str
    default: Any = None
    required: bool | None = None  # default: arguments yes, options no
    cli_only: bool = False

    @property
    def option(self) -> str:
        """The option spelling, e.g. `--as-of`."""
        return "--" + self.name.replace("_", "-")

    @property
    def is_required(self) -> bool:
        """Whether the command needs this parameter."""
        return self.kind == "arg" if self.required is None else self.required


@dataclass(frozen=True)
class Command:
    """A command of the shared grammar."""

    path: tuple[str, ...]
    help: str
    run: Callable[..., Any]
    params: tuple[Param, ...] = ()
    writes: bool = False
    examples: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        """The command's words, e.g. `rfc approve`."""
        return " ".join(self.path)

    def usage(self) -> str:
        """A one-line synopsis."""
        words = [self.name]
        for p in self.params:
            if p.cli_only:
                continue
            if p.kind == "arg":
                words.append(p.name.upper() + (" ..." if p.many else ""))
            elif p.kind == "flag":
                words.append(f"[{p.option}]")
            else:
                text = f"{p.option} {p.name.upper()}"
                words.append(text if p.is_required else f"[{text}]")
        return " ".join(words)


# --- shared parameters --------------------------------------------------------------------------

AS_OF = Param("as_of", "as of a date, instant, RFC-n, vX.Y or '#seq' (default: now)", "opt")
KNOWN_AT = Param("known_at", "only what was recorded by this date or instant", "opt")
RFC_OPT = Param("rfc", "the RFC this change is made under, e.g. RFC-781", "opt")
CODE = Param("code", "milestone code, e.g. DM-AP-18")
REASON_REQ = Param("reason", "why (recorded in the log)", "opt", required=True)


def _view(ctx: Context, as_of: str | None, known_at: str | None = None) -> Any:
    known = parse_instant_text(known_at, what="--known-at") if known_at else None
    return ctx.ledger.view(parse_as_of(as_of), known_at=known)


# --- what each command runs ---------------------------------------------------------------------


def _plan(ctx: Context, as_of: str | None = None, known_at: str | None = None) -> Any:
    return queries.plan(_view(ctx, as_of, known_at))


def _show(ctx: Context, code: str, as_of: str | None = None) -> Any:
    return queries.show(_view(ctx, as_of), code)


def _history(ctx: Context, code: str) -> Any:
    return queries.history(ctx.ledger, code)


def _log(
    ctx: Context,
    since: int = 0,
    actor: str | None = None,
    rfc: str | None = None,
    type: str | None = None,
    limit: int | None = None,
) -> Any:
    return queries.log(ctx.ledger, since=since, actor=actor, rfc=rfc, type_=type, limit=limit)


def _diff(ctx: Context, before: str, after: str) -> Any:
    return diff_views(_view(ctx, before), _view(ctx, after))


def _late(ctx: Context, as_of: str | None = None) -> Any:
    return queries.late(_view(ctx, as_of))


def _upcoming(ctx: Context, days: int = 30) -> Any:
    return queries.upcoming(ctx.ledger, days=days)


def _check(ctx: Context, as_of: str | None = None) -> Any:
    return check_module.check(_view(ctx, as_of))


def _verify(
    ctx: Context,
    ledger_id: str | None = None,
    expect_head: str | None = None,
    expect_length: int | None = None,
) -> Report:
    def check(store: Store) -> Report:
        return verify_store(
            store, ledger_id=ledger_id, expect_head=expect_head, expect_length=expect_length
        )

    if ctx.open_store is None:
        return check(ctx.ledger.store)
    store = ctx.open_store()
    try:
        return check(store)
    finally:
        store.close()


def _rfc_show(ctx: Context, rfc: str) -> Any:
    return queries.rfc_show(ctx.ledger, rfc)


def _rfc_list(ctx: Context) -> Any:
    return queries.rfc_list(ctx.ledger)


def _define(
    ctx: Context,
    code: str,
    title: str,
    due: str,
    level: int | None = None,
    in_: Sequence[str] = (),
    rfc: str | None = None,
) -> Any:
    return commands.define_milestone(
        code=code,
        title=title,
        due=due,
        level=level,
        releases=list(in_ or ()),
        rfc=rfc,
        **ctx.write_args(),
    )


def _move(
    ctx: Context,
    code: str,
    date: str,
    baseline: bool = False,
    rfc: str | None = None,
    reason: str | None = None,
) -> Any:
    return commands.move_milestone(
        code=code, to=date, baseline=baseline, rfc=rfc, reason=reason, **ctx.write_args()
    )


def _complete(ctx: Context, code: str, on: str | None = None) -> Any:
    return commands.complete_milestone(code=code, on=on, **ctx.write_args())


def _reopen(ctx: Context, code: str, reason: str) -> Any:
    return commands.reopen_milestone(code=code, reason=reason, **ctx.write_args())


def _retitle(ctx: Context, code: str, title: str, rfc: str | None = None) -> Any:
    return commands.retitle_milestone(code=code, title=title, rfc=rfc, **ctx.write_args())


def _link(ctx: Context, code: str, release: str, rfc: str | None = None) -> Any:
    return commands.link_milestone(code=code, release=release, rfc=rfc, **ctx.write_args())


def _unlink(ctx: Context, code: str, release: str, rfc: str | None = None) -> Any:
    return commands.link_milestone(
        code=code, release=release, unlink=True, rfc=rfc, **ctx.write_args()
    )


def _withdraw(ctx: Context, code: str, reason: str, rfc: str | None = None) -> Any:
    return commands.withdraw_milestone(code=code, reason=reason, rfc=rfc, **ctx.write_args())


def _rename(ctx: Context, old: str, new: str, rfc: str | None = None) -> Any:
    return commands.rename_milestone(code=old, new_code=new, rfc=rfc, **ctx.write_args())


def _rfc_open(ctx: Context, rfc: str, title: str) -> Any:
    return commands.open_rfc(rfc=rfc, title=title, **ctx.write_args())


def _rfc_approve(ctx: Context, rfc: str, version: str | None = None) -> Any:
    return commands.approve_rfc(rfc=rfc, version=version, **ctx.write_args())


def _rfc_reject(ctx: Context, rfc: str, reason: str | None = None) -> Any:
    return commands.reject_rfc(rfc=rfc, reason=reason, **ctx.write_args())


def _grant(ctx: Context, actor: str, role: str) -> Any:
    return commands.grant_role(actor_name=actor, role=role, **ctx.write_args())


def _ungrant(ctx: Context, actor: str, role: str) -> Any:
    return commands.grant_role(actor_name=actor, role=role, revoke=True, **ctx.write_args())


def _key_revoke(ctx: Context, key_id: str, reason: str) -> Any:
    return commands.revoke_key(key_id=key_id, reason=reason, **ctx.write_args())


COMMANDS: tuple[Command, ...] = (
    # reads
    Command(
        ("plan",),
        "Show the plan: Level-2 milestones with their Level-3 milestones.",
        _plan,
        (AS_OF, KNOWN_AT),
    ),
    Command(
        ("show",),
        "Show one milestone: dates, status, members, pending changes.",
        _show,
        (CODE, AS_OF),
    ),
    Command(
        ("history",),
        "The audit trail of a milestone: who, when, what, which RFC, signature status.",
        _history,
        (CODE,),
    ),
    Command(
        ("log",),
        "The event log, optionally filtered.",
        _log,
        (
            Param("since", "only events after this seq", "opt", type=int, default=0),
            Param("actor", "only events by this actor", "opt"),
            Param("rfc", "only events under or about this RFC", "opt"),
            Param("type", "only events of this type (or prefix, e.g. milestone.)", "opt"),
            Param("limit", "only the last N matching events", "opt", type=int),
        ),
    ),
    Command(
        ("diff",),
        "What changed in the plan between two as-of points.",
        _diff,
        (
            Param("before", "the earlier point: date, instant, RFC-n, vX.Y or '#seq'"),
            Param("after", "the later point (same forms; 'now' for now)"),
        ),
    ),
    Command(("late",), "Milestones not done whose forecast date has passed.", _late, (AS_OF,)),
    Command(
        ("upcoming",),
        "Milestones due in the next days.",
        _upcoming,
        (Param("days", "how many days ahead", "opt", type=int, default=30),),
    ),
    Command(
        ("check",),
        "Oddities in the plan (Level-2 done with Level-3 open, due-date "
        "inversions, late completions, unapplicable events).",
        _check,
        (AS_OF,),
    ),
    Command(
        ("verify",),
        "Verify every event's hash, chain link, signature, key and index "
        "columns; exit status 0 only when all holds.",
        _verify,
        (
            Param("ledger_id", "the genesis hash this ledger must have", "opt"),
            Param("expect_head", "a head hash recorded earlier that the chain must contain", "opt"),
            Param("expect_length", "the fewest events the log must hold", "opt", type=int),
        ),
    ),
    Command(
        ("rfc", "show"),
        "Show an RFC and every change proposed under it.",
        _rfc_show,
        (Param("rfc", "RFC id, e.g. RFC-781"),),
    ),
    Command(("rfc", "list"), "List the RFCs and their states.", _rfc_list),
    # writes
    Command(
        ("define",),
        "Add a milestone to the plan.",
        _define,
        (
            CODE,
            Param("title", "the milestone's title"),
            Param("due", "due date, YYYY-MM-DD (baseline and forecast)", "opt", required=True),
            Param("level", "2 for a test milestone, 3 for a milestone under one", "opt", type=int),
            Param(
                "in_",
                "the Level-2 milestone(s) it belongs to (repeat for several)",
                "opt",
                many=True,
            ),
            RFC_OPT,
        ),
        writes=True,
        examples=(
            'define DM-AP-18 "Alert packet generation" --due 2020-05-29 '
            "--in LDM-503-05 --rfc RFC-781",
        ),
    ),
    Command(
        ("move",),
        "Move a milestone's forecast date, or with --baseline its baseline (which needs an RFC).",
        _move,
        (
            CODE,
            Param("date", "the new date, YYYY-MM-DD"),
            Param(
                "baseline",
                "move the approved baseline instead of the forecast",
                "flag",
                default=False,
            ),
            RFC_OPT,
            Param("reason", "why (recorded in the log)", "opt"),
        ),
        writes=True,
    ),
    Command(
        ("complete",),
        "Mark a milestone done.",
        _complete,
        (
            CODE,
            Param("on", "the day it was done, YYYY-MM-DD (default: today)", "opt"),
        ),
        writes=True,
        examples=("complete DM-AP-18", "complete DM-AP-18 on 2020-05-31"),
    ),
    Command(
        ("reopen",),
        "Mark a completed milestone as not done after all.",
        _reopen,
        (CODE, REASON_REQ),
        writes=True,
    ),
    Command(
        ("retitle",),
        "Change a milestone's title.",
        _retitle,
        (CODE, Param("title", "the new title"), RFC_OPT),
        writes=True,
    ),
    Command(
        ("link",),
        "Put a Level-3 milestone under a Level-2 milestone.",
        _link,
        (CODE, Param("release", "the Level-2 code"), RFC_OPT),
        writes=True,
    ),
    Command(
        ("unlink",),
        "Take a Level-3 milestone out of a Level-2 milestone.",
        _unlink,
        (CODE, Param("release", "the Level-2 code"), RFC_OPT),
        writes=True,
    ),
    Command(
        ("withdraw",),
        "Take a milestone out of the plan (its history stays).",
        _withdraw,
        (CODE, REASON_REQ, RFC_OPT),
        writes=True,
    ),
    Command(
        ("rename",),
        "Give a milestone a new code; the old code stays as an alias.",
        _rename,
        (Param("old", "the current code"), Param("new", "the new code"), RFC_OPT),
        writes=True,
    ),
    Command(
        ("rfc", "open"),
        "Open an RFC, under which changes can be proposed.",
        _rfc_open,
        (Param("rfc", "RFC id, e.g. RFC-781"), Param("title", "what the RFC is about")),
        writes=True,
    ),
    Command(
        ("rfc", "approve"),
        "Approve an open RFC: its proposed changes take effect.",
        _rfc_approve,
        (Param("rfc", "RFC id"), Param("version", "document version label, e.g. 1.5", "opt")),
        writes=True,
    ),
    Command(
        ("rfc", "reject"),
        "Reject an open RFC: its proposed changes never take effect.",
        _rfc_reject,
        (Param("rfc", "RFC id"), Param("reason", "why", "opt")),
        writes=True,
    ),
    Command(
        ("grant",),
        "Give an actor a role (editor, approver or admin).",
        _grant,
        (
            Param("actor", "the actor, e.g. alice or slack:T024BE7LD/U012AB3CD"),
            Param("role", "editor, approver or admin"),
        ),
        writes=True,
    ),
    Command(
        ("ungrant",),
        "Take a role from an actor.",
        _ungrant,
        (Param("actor", "the actor"), Param("role", "editor, approver or admin")),
        writes=True,
    ),
    Command(
        ("key", "revoke"),
        "Revoke a key: nothing it signs afterwards verifies.",
        _key_revoke,
        (Param("key_id", "the key id (16 hex digits)"), REASON_REQ),
        writes=True,
    ),
)

BY_NAME: dict[tuple[str, ...], Command] = {c.path: c for c in COMMANDS}


def find(words: Sequence[str]) -> tuple[Command, list[str]]:
    """The command the first words name, and the remaining words."""
    for length in (2, 1):
        command = BY_NAME.get(tuple(words[:length]))
        if command is not None:
            return command, list(words[length:])
    known = ", ".join(sorted({c.path[0] for c in COMMANDS}))
    given = " ".join(words[:2]) if words else "nothing"
    raise InvalidInput(f"unknown command {given!r}; commands are: {known} (try `help`)")


def parse(words: Sequence[str], *, sugar: bool = True) -> tuple[Command, dict[str, Any]]:
    """Parse command words (as typed after `/milestone`) into a command and its values.

    With `sugar`, a bare `on DATE` means `--on DATE`.
    """
    command, rest = find(words)
    values: dict[str, Any] = {}
    by_option = {p.option: p for p in command.params if p.kind != "arg" and not p.cli_only}
    if any(p.name == "in_" for p in command.params):
        by_option["--in"] = by_option.pop("--in-")
    positional = [p for p in command.params if p.kind == "arg"]
    index = 0
    tokens = list(rest)
    while tokens:
        token = tokens.pop(0)
        if sugar and token == "on" and "--on" in by_option and tokens:
            token = "--on"
        if token.startswith("--") and len(token) > 2:
            name, _, inline = token.partition("=")
            param = by_option.get(name)
            if param is None:
                options = ", ".join(sorted(by_option)) or "none"
                raise InvalidInput(
                    f"`{command.name}` has no option {name}; its options are {options}. "
                    f"Usage: {command.usage()}"
                )
            if param.kind == "flag":
                values[param.name] = True
                continue
            if not inline and not tokens:
                raise InvalidInput(f"{name} needs a value. Usage: {command.usage()}")
            raw = inline or tokens.pop(0)
            value = _convert(param, raw)
            if param.many:
                values.setdefault(param.name, []).append(value)
            else:
                values[param.name] = value
            continue
        if index >= len(positional):
            raise InvalidInput(f"unexpected {token!r}. Usage: {command.usage()}")
        values[positional[index].name] = _convert(positional[index], token)
        index += 1
    for param in command.params:
        if param.is_required and param.name not in values and not param.cli_only:
            what = param.name.upper() if param.kind == "arg" else param.option
            raise InvalidInput(f"missing {what} ({param.help}). Usage: {command.usage()}")
    return command, values


def _convert(param: Param, raw: str) -> Any:
    if param.type is int:
        try:
            return int(raw)
        except ValueError:
            raise InvalidInput(f"{param.option} takes a whole number, not {raw!r}") from None
    return raw


def run(command: Command, ctx: Context, values: dict[str, Any]) -> Any:
    """Run a parsed command."""
    return command.run(ctx, **values)
