"""Running a command of the shared grammar without Typer, when its words are plain.

Importing Typer and building the app's commands costs a third of a quick read.
A command line made only of the root's `--db` and `--key`, the words of one
grammar command, its arguments and its options written out in full is parsed
here instead, with the meaning Typer gives it, and answered through the same
`cli.respond`. Anything else (help, completion, an option not known here, a
value that looks like an option, an option given twice, a missing argument, a
number that is not one, a choice not offered) is left to Typer, which answers
or explains it as it always has; a test holds the two to the same output.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ledger import grammar
from ledger.errors import InvalidInput

#: The options of the root that this parser knows (each takes a value).
LEDGER_OPTIONS = ("--db", "--key")
#: What a terminal's escape sequences look like; Click strips them from output to a pipe.
_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


@dataclass
class Line:
    """A command line of the grammar, parsed: the command, the values given, and the
    output and ledger options around them."""

    command: grammar.Command
    values: dict[str, Any] = field(default_factory=dict)
    as_json: bool = False
    before: dict[str, str] = field(default_factory=dict)  # --db, --key before the command
    after: dict[str, str] = field(default_factory=dict)  # --db, --key after it


def parse(argv: Sequence[str]) -> Line | None:
    """The command line `argv` as a grammar command, or None to leave it to Typer."""
    words = list(argv)
    before: dict[str, str] = {}
    while words and words[0].startswith("-"):
        name, value = _option(words, LEDGER_OPTIONS, before)
        if name is None or value is None:
            return None
        before[name] = value
    command = next(
        (grammar.BY_NAME[tuple(words[:n])] for n in (2, 1) if tuple(words[:n]) in grammar.BY_NAME),
        None,
    )
    if command is None:
        return None
    line = Line(command, before=before)
    if not _fill(line, words[len(command.path) :]):
        return None
    if any(p.is_required and p.name not in line.values for p in command.params):
        return None
    return line


def _fill(line: Line, words: list[str]) -> bool:
    """Put the command's words into `line`; False for anything this parser leaves to Typer."""
    command = line.command
    options = {p.option: p for p in command.params if p.kind != "arg"}
    positional = [p for p in command.params if p.kind == "arg"]
    known = (*options, *LEDGER_OPTIONS, *(() if command.writes else ("--json",)))
    seen: dict[str, str] = {}
    taken = 0  # positional words so far
    while words:
        if not words[0].startswith("-"):
            if taken >= len(positional) or not _put(line, positional[taken], words.pop(0)):
                return False
            taken += 1
            continue
        name = words[0].partition("=")[0]
        param = options.get(name)
        if name == "--json" or (param is not None and param.kind == "flag"):
            if words.pop(0) != name or name in seen or name not in known:
                return False  # a value for a flag, or a flag twice
            seen[name] = ""
            if name == "--json":
                line.as_json = True
            else:
                line.values[param.name] = True  # type: ignore[union-attr]
            continue
        many = param is not None and param.spec.many
        option, value = _option(words, known, {} if many else seen)
        if option is None or value is None:
            return False
        seen[option] = value
        if option in LEDGER_OPTIONS:
            line.after[option] = value
        elif param is None or not _put(line, param, value):
            return False
    return True


def _option(
    words: list[str], known: Sequence[str], seen: Mapping[str, str]
) -> tuple[str | None, str | None]:
    """Take `--name value` or `--name=value` off the front of `words`: (None, None) for
    an option not known, given before, or whose value is missing or looks like an option."""
    name, equals, inline = words.pop(0).partition("=")
    if name not in known or name in seen:
        return None, None
    value = inline if equals else (words.pop(0) if words else "")
    if not value or value.startswith("-"):
        return None, None
    return name, value


def _put(line: Line, param: grammar.Param, word: str) -> bool:
    """Store a word as the parameter's value; False if Typer would refuse it."""
    if param.spec.type not in (str, int) or word.startswith("-"):
        return False
    if param.spec.choices and word not in param.spec.choices:
        return False
    try:
        value = grammar.convert(param, word)
    except InvalidInput:
        return False
    if param.spec.many:
        line.values[param.name] = (*line.values.get(param.name, ()), value)
    else:
        line.values[param.name] = value
    return True


def run(argv: Sequence[str], environ: Mapping[str, str]) -> int | None:
    """Answer `argv` if it is a plain grammar command line: its exit status; None to leave
    it to Typer."""
    line = parse(argv)
    if line is None:
        return None
    from cli.respond import respond
    from cli.settings import db_url, settings_from

    key = line.before.get("--key")
    settings = settings_from(line.before.get("--db"), Path(key) if key else None, environ)
    if "--db" in line.after:
        settings = replace(settings, db_url=db_url(line.after["--db"]))
    if "--key" in line.after:
        settings = replace(settings, key_path=Path(line.after["--key"]).expanduser())
    command, values = line.command, line.values
    try:
        return respond(
            settings, lambda: grammar.build(command, values), echo=echo, as_json=line.as_json
        )
    except BrokenPipeError:
        # As Click does: the reader went away (`milestone log | head`); say nothing more.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends
        return 1
    except KeyboardInterrupt:
        echo("\nAborted!", err=True)
        return 1


def echo(message: str | bytes, *, nl: bool = True, err: bool = False) -> None:
    """Print as Click's `echo` prints: text with escape sequences removed unless the
    stream is a terminal, bytes as they are, flushed."""
    stream = sys.stderr if err else sys.stdout
    if isinstance(message, bytes):
        stream.flush()
        stream.buffer.write(message + b"\n" if nl else message)
        stream.buffer.flush()
        return
    text = message + "\n" if nl else message
    if not stream.isatty():
        text = _ANSI.sub("", text)
    stream.write(text)
    stream.flush()
