"""The grammar's questions as URLs: `/plan?as_of=RFC-781`, `/show?code=DM-AP-18`.

A read command's URL is its words as the path and every parameter in the
query string, named as its option is spelled (`--as-of` is `as_of`, `--type`
is `type`) or, for a positional word, by its field (`code`, `before`). The
web view answers these URLs and the Slack bot links to them, so both take the
form from here rather than knowing each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from ledger import grammar
from ledger.errors import InvalidInput, NotFound
from ledger.requests import Request

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def query_name(param: grammar.Param) -> str:
    """The name a parameter has in a query string: `as_of` for `--as-of`, `code` for CODE."""
    if param.kind == "arg":
        return param.name
    return param.option.removeprefix("--").replace("-", "_")


def query_params(command: grammar.Command) -> dict[str, grammar.Param]:
    """A command's parameters by query name (a terminal's output choices are not among them)."""
    return {query_name(p): p for p in command.params if not p.spec.cli_only}


def command_at(words: Sequence[str]) -> grammar.Command:
    """The command whose words are exactly `words` (a URL's path), or `NotFound`."""
    command = grammar.BY_NAME.get(tuple(words))
    if command is None:
        raise NotFound(f"/{'/'.join(words)} is not a command of the ledger")
    return command


def request_at(command: grammar.Command, query: Iterable[tuple[str, str]]) -> Request:
    """The request a URL's query string asks for; an unknown, repeated or malformed
    parameter is refused, saying which ones the command takes. An empty value (a form
    field left blank) counts as not given."""
    known = query_params(command)
    values: dict[str, Any] = {}
    for name, raw in query:
        param = known.get(name)
        if param is None:
            takes = ", ".join(known) or "no parameters"
            raise InvalidInput(f"{command.name} has no parameter {name!r}; it takes {takes}")
        if raw == "":
            continue
        value = _value(param, name, raw)
        if param.spec.many:
            values[param.name] = (*values.get(param.name, ()), value)
        elif param.name in values:
            raise InvalidInput(f"{name} is given twice; give it once")
        else:
            values[param.name] = value
    for name, param in known.items():
        if param.is_required and param.name not in values:
            raise InvalidInput(f"{command.name} needs {name}: {param.help}")
    return grammar.build(command, values)


def _value(param: grammar.Param, name: str, raw: str) -> Any:
    if param.kind == "flag":
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise InvalidInput(f"{name} is yes or no, not {raw!r}")
    if param.spec.choices and raw not in param.spec.choices:
        raise InvalidInput(f"{name} is one of {', '.join(param.spec.choices)}, not {raw!r}")
    return grammar.convert(param, raw)


def query_of(request: Request) -> list[tuple[str, str]]:
    """A request's parameters that differ from their defaults, as query pairs."""
    command = grammar.BY_TYPE[type(request)]
    pairs: list[tuple[str, str]] = []
    for name, param in query_params(command).items():
        value = getattr(request, param.name)
        if value is None or (not param.is_required and value == param.default):
            continue
        for item in value if param.spec.many else (value,):
            pairs.append((name, str(item).lower() if isinstance(item, bool) else str(item)))
    return pairs


def url_of(request: Request) -> str:
    """The path and query string that ask for `request`, e.g. `/plan?as_of=RFC-781`."""
    command = grammar.BY_TYPE[type(request)]
    path = "/" + "/".join(quote(word, safe="") for word in command.path)
    query = urlencode(query_of(request), quote_via=quote)
    return f"{path}?{query}" if query else path
