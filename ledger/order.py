"""The order people read milestone codes in: numbers by value, so DM-DRP-8 comes before
DM-DRP-10 (plain text order puts "10" before "8")."""

from __future__ import annotations

import re

_PARTS = re.compile(r"(\d+)")


def natural(code: str) -> tuple[tuple[tuple[int, int | str], ...], str]:
    """A sort key for `code`: its runs of digits compare as numbers, the rest as text
    (case-insensitively first, then as written, so the order is total)."""
    parts: list[tuple[int, int | str]] = []
    for index, part in enumerate(_PARTS.split(code)):
        if index % 2:
            parts.append((0, int(part)))
        elif part:
            parts.append((1, part.casefold()))
    return tuple(parts), code
