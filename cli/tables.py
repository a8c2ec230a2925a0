"""Plain-text tables for people: aligned columns, long cells cut with an ellipsis."""

from __future__ import annotations

from collections.abc import Sequence


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, widest: int = 60) -> str:
    """Render rows under headers, each column as wide as its widest cell (at most `widest`)."""
    cells = [[_cell(value, widest) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for index, text in enumerate(row):
            widths[index] = max(widths[index], len(text))
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(t.ljust(w) for t, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _cell(value: object, widest: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= widest else text[: widest - 1] + "…"
