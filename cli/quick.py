"""Typer, without pydantic at run time.

Typer (0.2x) turns every option value into its annotated type through a
pydantic `TypeAdapter`, built the first time the option is processed. Every
command has options (at least the root's `--db` and `--key`), so every
command would import pydantic and build adapters before doing anything: more
than the rest of a quick read costs. The values this CLI takes are few and
plain (text, whole numbers, flags, paths, a choice of words, repeated text), so the
command and group classes below give each parameter a plain converter
instead, with messages in our words. A parameter of any other type is left
to Typer, and a Typer without this machinery is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import typer
from typer.core import TyperCommand, TyperGroup

from cli.help import usage_pieces, write_commands, write_examples, write_options


class PlainCoercion:
    """Converts a command-line value to `str`, `int`, `bool`, `Path` or one of a few words."""

    def __init__(self, convert: Callable[[Any], Any], *, multiple: bool) -> None:
        self.convert = convert
        self.multiple = multiple

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """The value as its type; `typer.BadParameter` (a usage error) if it is not one."""
        if value is None:
            return () if self.multiple else None
        try:
            if self.multiple:
                return [self.convert(item) for item in value]
            return self.convert(value)
        except ValueError as error:
            raise typer.BadParameter(str(error), ctx=ctx, param=param) from None


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _whole_number(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a whole number") from None


def _truth(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in ("1", "true", "t", "yes", "y", "on"):
        return True
    if text in ("0", "false", "f", "no", "n", "off"):
        return False
    raise ValueError(f"{value!r} is neither true nor false")


def _path(value: Any) -> Path:
    return value if isinstance(value, Path) else Path(_text(value))


def _one_of(words: tuple[str, ...]) -> Callable[[Any], str]:
    def choose(value: Any) -> str:
        text = _text(value)
        if text not in words:
            raise ValueError(f"{text!r} is not one of {', '.join(words)}")
        return text

    return choose


def _converter(annotation: Any) -> Callable[[Any], Any] | None:
    if annotation is str:
        return _text
    if annotation is bool:
        return _truth
    if annotation is int:
        return _whole_number
    if annotation is Path:
        return _path
    if get_origin(annotation) is Literal and all(isinstance(a, str) for a in get_args(annotation)):
        return _one_of(get_args(annotation))
    return None


def plain_coercion(params: Iterable[Any]) -> None:
    """Give each Typer parameter of a plain type a converter that needs no pydantic."""
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", False) is not None:
            continue  # converter set already, or not a Typer parameter of this generation
        annotation = descriptor.annotation
        multiple = get_origin(annotation) is list
        convert = _converter(get_args(annotation)[0] if multiple else annotation)
        if convert is not None:
            param._runtime_param = PlainCoercion(convert, multiple=multiple)


class QuickCommand(TyperCommand):
    """A Typer command whose parameters convert their values without pydantic, with
    conventional help (`cli.help`); its epilog holds its examples, one a line."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters (with --help), each with its plain converter."""
        params: list[Any] = super().get_params(ctx)
        plain_coercion(params)
        return params

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """`[OPTIONS] CODE TITLE`."""
        return usage_pieces(self.get_params(ctx))

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments and options, their values named as people write them."""
        write_options(self.get_params(ctx), formatter)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        """The examples."""
        write_examples(self.epilog, formatter)


class QuickGroup(TyperGroup):
    """A Typer group whose own options convert their values without pydantic, with its
    commands listed in groups (each command's `rich_help_panel`)."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The options (completion's and --help too), each with its plain converter."""
        params: list[Any] = super().get_params(ctx)
        plain_coercion(params)
        return params

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """The group's options, then its commands in their groups."""
        write_options(self.get_params(ctx), formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands, grouped."""
        write_commands(
            ((name, self.get_command(ctx, name)) for name in self.list_commands(ctx)), formatter
        )
