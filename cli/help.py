"""`--help` as every Click tool writes it, without rich and without loading the ledger.

Typer's plain help shows a value's Python type (`<str>`, `<list[str]>`) and
braces round arguments (`{CODE} {TITLE}`); these functions write what people
know from other tools instead: `CODE TITLE`, `--due DATE`, `--format
[table|json|csv|md|tex]`, `--in L2 (repeatable)`. Commands are listed in
groups, each command's help ends with examples (taken from the grammar), and
all of it is plain Click formatting: rich's help panels would cost more
start-up than the rest of a command.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args, get_origin

#: The groups of commands, in the order help lists them.
PANELS = (
    "Reading the plan",
    "Charts and reports",
    "Changing the plan",
    "RFCs",
    "Keys and roles",
    "Checking the record",
    "Import and export",
    "The ledger",
    "Serving",
)
#: The heading of commands registered without a group.
OTHER = "Other commands"


def metavar(param: Any) -> str:
    """How a parameter's value is written: its metavar, its choices, or a word for its type."""
    if param.metavar:
        return str(param.metavar)
    described = getattr(param, "type_descriptor", None)
    if described is not None and described.is_choice and described.choices:
        return "[" + "|".join(str(c) for c in described.choices) + "]"
    annotation = described.annotation if described is not None else str
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    if annotation is int:
        return "N"
    if annotation is Path:
        return "FILE"
    return str(param.name).upper()


def argument_record(param: Any) -> tuple[str, str]:
    """The help row of a positional argument: `CODE    milestone code, e.g. DM-AP-18`."""
    return metavar(param), param.help or ""


def option_record(param: Any) -> tuple[str, str]:
    """The help row of an option: its spellings, its value, its help and what it defaults to."""
    spellings = ", ".join(param.opts)
    if param.secondary_opts:
        spellings += " / " + ", ".join(param.secondary_opts)
    if not param.is_flag:
        spellings += " " + metavar(param)
    notes = []
    if param.multiple:
        notes.append("repeatable")
    if param.required:
        notes.append("required")
    default = param.default
    if param.show_default and default not in (None, False, (), []) and not param.is_flag:
        notes.append(f"default: {default}")
    text = param.help or ""
    if notes:
        text = f"{text}  [{'; '.join(notes)}]" if text else f"[{'; '.join(notes)}]"
    return spellings, text


def usage_pieces(params: Iterable[Any]) -> list[str]:
    """The usage line after the command's words: `[OPTIONS] CODE TITLE`."""
    pieces = ["[OPTIONS]"]
    for param in params:
        if param.param_type_name != "argument":
            continue
        word = metavar(param) + ("..." if param.nargs != 1 else "")
        pieces.append(word if param.required else f"[{word}]")
    return pieces


def write_options(params: Iterable[Any], formatter: Any) -> None:
    """The Arguments and Options sections."""
    arguments, options = [], []
    for param in params:
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name == "argument":
            arguments.append(argument_record(param))
        else:
            options.append(option_record(param))
    for title, rows in (("Arguments", arguments), ("Options", options)):
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)


def write_examples(examples: str | None, formatter: Any) -> None:
    """An Examples section: each line a whole command; one too long for the width is
    continued on the next line as a shell continues it (`\\`), never cut inside a word."""
    lines = [line.strip() for line in (examples or "").splitlines() if line.strip()]
    if not lines:
        return
    with formatter.section("Examples"):
        indent = " " * formatter.current_indent
        for line in lines:
            for part in continued(f"milestone {line}", formatter.width - len(indent)):
                formatter.write(f"{indent}{part}\n")


def continued(command: str, width: int) -> list[str]:
    """A shell command as lines at most `width` wide where it can be, joined by `\\`; the
    words (and quoted phrases) are kept whole."""
    import shlex

    if len(command) <= width:
        return [command]
    try:
        words = [shlex.quote(word) if " " in word else word for word in shlex.split(command)]
    except ValueError:  # an unbalanced quote: show it as it is
        return [command]
    units: list[str] = []  # an option stays on the line of its value
    for word in words:
        if units and units[-1].startswith("--") and " " not in units[-1] and word[:1] != "-":
            units[-1] += " " + word
        else:
            units.append(word)
    lines, line = [], ""
    for word in units:
        if line and len(line) + 1 + len(word) + 2 > width:
            lines.append(line + " \\")
            line = "    " + word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line]


def write_commands(commands: Iterable[tuple[str, Any]], formatter: Any) -> None:
    """The commands, in groups named by their help panel, each group in the order given."""
    groups: dict[str, list[tuple[str, Any]]] = {}
    for name, command in commands:
        if command is None or command.hidden:
            continue
        groups.setdefault(getattr(command, "rich_help_panel", None) or OTHER, []).append(
            (name, command)
        )
    if not groups:
        return
    if list(groups) == [OTHER]:
        groups = {"Commands": groups[OTHER]}
    rank = {title: index for index, title in enumerate(PANELS)}
    groups = dict(sorted(groups.items(), key=lambda item: rank.get(item[0], len(PANELS))))
    widest = max(len(name) for members in groups.values() for name, _ in members)
    limit = formatter.width - 6 - widest
    for title, members in groups.items():
        with formatter.section(title):
            formatter.write_dl(
                [(name, command.get_short_help_str(limit)) for name, command in members]
            )
