"""One grammar for both front ends: the words of each request, and parsing them into one.

The table is the request classes themselves (`ledger.requests.GRAMMAR`): a
class's `WORDS` name its command, its fields are the command's parameters
(their help and spelling in each field's metadata), its docstring is the
help. `COMMANDS` reads that table once; the CLI builds its Typer commands
from it and the Slack bot parses the words after `/milestone` with `parse`.

This module is light on purpose: `milestone --help` imports it, and nothing
here opens a database or loads the event catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any

from ledger.errors import InvalidInput
from ledger.requests import GRAMMAR, Change, Request
from ledger.requests.base import SPEC, Spec


@dataclass(frozen=True, slots=True)
class Param:
    """One word or option of a command: a request field and how it is written."""

    name: str  # the request field it fills
    spec: Spec
    default: Any

    @property
    def kind(self) -> str:
        """`arg` (a positional word), `opt` (an option with a value) or `flag`."""
        return self.spec.kind

    @property
    def help(self) -> str:
        """What the parameter means."""
        return self.spec.help

    @property
    def option(self) -> str:
        """The option spelling, e.g. `--as-of`."""
        return self.spec.option or "--" + self.name.replace("_", "-")

    @property
    def metavar(self) -> str:
        """How the value is shown in a usage line, e.g. `CODE`, `N` for a number."""
        if self.spec.metavar:
            return self.spec.metavar
        return "N" if self.spec.type is int else self.name.upper()

    @property
    def is_required(self) -> bool:
        """Whether the command needs this parameter."""
        return self.spec.required


@dataclass(frozen=True, slots=True)
class Command:
    """A command of the shared grammar: the words that name a request type."""

    path: tuple[str, ...]
    help: str
    request: type[Request]
    params: tuple[Param, ...]
    examples: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The command's words, e.g. `rfc approve`."""
        return " ".join(self.path)

    @property
    def writes(self) -> bool:
        """Whether the command records something."""
        return issubclass(self.request, Change)

    def usage(self) -> str:
        """A one-line synopsis."""
        words = [self.name]
        for p in self.params:
            if p.spec.cli_only:
                continue
            if p.kind == "arg":
                word = p.metavar + (" ..." if p.spec.many else "")
                words.append(word if p.is_required else f"[{word}]")
            elif p.kind == "flag":
                words.append(f"[{p.option}]")
            else:
                text = f"{p.option} {p.metavar}" + (" ..." if p.spec.many else "")
                words.append(text if p.is_required else f"[{text}]")
        return " ".join(words)


def help_of(request_type: type[Request]) -> str:
    """The help of a request type: the first paragraph of its docstring, on one line."""
    doc = request_type.__doc__ or ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def params_of(request_type: type[Request]) -> tuple[Param, ...]:
    """The parameters of a request type: its fields that have a spelling, in order."""
    params = []
    for f in fields(request_type):
        spec = f.metadata.get(SPEC)
        if spec is None:
            continue
        default = f.default if f.default is not MISSING else None
        params.append(Param(f.name, spec, default))
    return tuple(params)


def command_of(request_type: type[Request]) -> Command:
    """The command of a request type of the grammar."""
    return Command(
        path=request_type.WORDS,
        help=help_of(request_type),
        request=request_type,
        params=params_of(request_type),
        examples=request_type.EXAMPLES,
    )


COMMANDS: tuple[Command, ...] = tuple(command_of(r) for r in GRAMMAR)
BY_NAME: dict[tuple[str, ...], Command] = {c.path: c for c in COMMANDS}
BY_TYPE: dict[type[Request], Command] = {c.request: c for c in COMMANDS}


def find(words: Sequence[str]) -> tuple[Command, list[str]]:
    """The command the first words name, and the remaining words."""
    for length in (2, 1):
        command = BY_NAME.get(tuple(words[:length]))
        if command is not None:
            return command, list(words[length:])
    known = ", ".join(sorted({c.path[0] for c in COMMANDS}))
    given = " ".join(words[:2]) if words else "nothing"
    raise InvalidInput(f"unknown command {given!r}; commands are: {known} (try `help`)")


def name_of(request: Request) -> str:
    """The words of a request's command, for people (`rfc approve`)."""
    return " ".join(type(request).WORDS) or type(request).__name__


def parse(words: Sequence[str], *, sugar: bool = True) -> Request:
    """Parse command words (as typed after `/milestone`) into a request.

    With `sugar`, a bare `on DATE` means `--on DATE`. Options only a terminal
    offers (the plan's `--format`) are not words of this grammar.
    """
    command, rest = find(words)
    values: dict[str, Any] = {}
    by_option = {p.option: p for p in command.params if p.kind != "arg" and not p.spec.cli_only}
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
            value = convert(param, inline or tokens.pop(0))
            if param.spec.many:
                values[param.name] = (*values.get(param.name, ()), value)
            else:
                values[param.name] = value
            continue
        if index >= len(positional):
            raise InvalidInput(f"unexpected {token!r}. Usage: {command.usage()}")
        values[positional[index].name] = convert(positional[index], token)
        index += 1
    return build(command, values)


def build(command: Command, values: dict[str, Any]) -> Request:
    """The request of `command` with these values (missing ones refused, saying which)."""
    for param in command.params:
        if param.is_required and values.get(param.name) is None and not param.spec.cli_only:
            what = param.metavar if param.kind == "arg" else param.option
            raise InvalidInput(f"missing {what} ({param.help}). Usage: {command.usage()}")
    given = {name: value for name, value in values.items() if value is not None}
    return command.request(**given)


def convert(param: Param, raw: str) -> Any:
    """A word as the parameter's type (whole numbers), refused in words if it is not one."""
    if param.spec.type is int:
        try:
            return int(raw)
        except ValueError:
            raise InvalidInput(f"{param.option} takes a whole number, not {raw!r}") from None
    return raw
