"""What every request is: frozen, typed data, and how its fields are written as words.

A request class is the one table of its command: its fields are the command's
parameters (with the help and spelling the grammar shows, kept in each field's
metadata), its docstring is the command's help, `WORDS` are the words that
name it, and a change declares what it `needs` (role, RFC). Building a request
checks its input for form (`ledger.checks`); whether the plan allows it is
decided later, against the state at the head.

This module and the request modules stay light (no event catalogue, no
database), because `milestone --help` builds its commands from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from ledger.frozen import Frozen, frozen_type

if TYPE_CHECKING:
    from ledger.rules import RfcNeed

SPEC = "milestone.param"


@dataclass(frozen=True, slots=True)
class Spec:
    """How one field of a request is written: a positional word, an option or a flag."""

    kind: Literal["arg", "opt", "flag"]
    help: str
    type: type = str
    many: bool = False
    required: bool = False
    option: str | None = None  # the option's spelling, when it is not the field's name
    metavar: str | None = None  # how it is shown in a usage line, when not the field's name
    choices: tuple[str, ...] = ()
    cli_only: bool = False  # an output choice of the terminal, not part of Slack's grammar


def arg(help: str, *, metavar: str | None = None, type: type = str, required: bool = True) -> Any:
    """A positional word (required unless `required` is False; then it defaults to None)."""
    spec = Spec("arg", help, type=type, required=required, metavar=metavar)
    if required:
        return field(metadata={SPEC: spec})
    return field(default=None, metadata={SPEC: spec})


def opt(
    help: str,
    *,
    default: Any = None,
    type: type = str,
    required: bool = False,
    option: str | None = None,
    metavar: str | None = None,
    choices: tuple[str, ...] = (),
    cli_only: bool = False,
) -> Any:
    """An option taking a value, e.g. `--due DATE`."""
    spec = Spec(
        "opt",
        help,
        type=type,
        required=required,
        option=option,
        metavar=metavar,
        choices=choices,
        cli_only=cli_only,
    )
    if required:
        return field(metadata={SPEC: spec})
    return field(default=default, metadata={SPEC: spec})


def many(help: str, *, option: str | None = None, metavar: str | None = None) -> Any:
    """An option that may be given several times; its values arrive as a tuple."""
    spec = Spec("opt", help, many=True, option=option, metavar=metavar)
    return field(default=(), metadata={SPEC: spec})


def flag(help: str, *, cli_only: bool = False) -> Any:
    """An option without a value, e.g. `--baseline`."""
    return field(default=False, metadata={SPEC: Spec("flag", help, cli_only=cli_only)})


@dataclass(frozen=True, slots=True)
class Needs:
    """What a change needs before it may be recorded (checked by `ledger.execute`)."""

    role: str  # the role the acting actor must hold
    may: str  # what that role lets them do, for a refusal: "complete milestones"
    rfc: RfcNeed = "no"  # whether the change must name an RFC
    doing: str = ""  # this change, for a refusal that lacks an RFC: "defining DM-AP-18"


@frozen_type
class Request(Frozen):
    """A command as data: what someone asked of the ledger, already checked for form."""

    #: The words that name it in the shared grammar, e.g. ("rfc", "approve"); none for a
    #: request only one front end makes (a terminal reading a file, a Slack preview).
    WORDS: ClassVar[tuple[str, ...]] = ()
    #: Command lines shown in its help, after the words `milestone` or `/milestone`.
    EXAMPLES: ClassVar[tuple[str, ...]] = ()

    def _set(self, name: str, value: object) -> None:
        """Store a normalised value while the request is being built (it is frozen after)."""
        object.__setattr__(self, name, value)


@frozen_type
class Read(Request):
    """A question: answered from a view of the ledger; it records nothing."""


@frozen_type
class Change(Request):
    """A change to the ledger: decided against the state at the head, recorded signed."""

    @property
    def needs(self) -> Needs:
        """The role and change control this change needs."""
        raise NotImplementedError

    @property
    def under(self) -> str | None:
        """The RFC this change is made under, if it names one."""
        return None

    def preview(self) -> Read | None:
        """A question whose answer shows what this change would do, for front ends that
        ask a person to confirm before they record it (None: nothing to confirm)."""
        return None
