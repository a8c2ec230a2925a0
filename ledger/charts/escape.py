"""Escaping plan text (codes, titles, actors) for each language a renderer writes.

Titles are free text: a `$` must not start mathematics in a plot, a `%` must not end a
LaTeX line, a `"` must not end a DOT string and a `<` must not open an HTML tag.
"""

from __future__ import annotations

import re

_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}

# Markdown emphasis, code, links, HTML and, since celebrations are tables, the cell bar.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|#])")


def latex(text: str) -> str:
    """Text as LaTeX shows it literally."""
    return "".join(_LATEX.get(ch, ch) for ch in text)


def markdown(text: str) -> str:
    """Text as Markdown shows it literally, also inside a table cell."""
    return _MARKDOWN.sub(r"\\\1", text)


def dot(text: str) -> str:
    """Text inside a DOT double-quoted string, shown literally (no `\\n`, `\\N` escapes)."""
    flat = " ".join(text.splitlines())  # a raw line break would end the label's line oddly
    return flat.replace("\\", "\\\\").replace('"', '\\"')


def plot(text: str) -> str:
    """Text matplotlib draws literally: `$` would otherwise start mathtext."""
    return text.replace("$", r"\$")
