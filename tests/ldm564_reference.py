"""A deliberately simple, independent reader of LDM-564's section 3, for cross-checking.

It shares no code with ``ledger.ldm564``: it filters lines with a handful of regular
expressions and makes no attempt to be forgiving beyond the quirks of the two real revisions.
Tests use it to check that what the project renders matches what the document says.
"""

from __future__ import annotations

import re

_DATE = r"\d{4}-\d{2}-\d{2}"
_STATUS = rf"(?:currently incomplete|completed {_DATE})"
_HEADING = re.compile(r"3\.\d+ (?P<heading>.+: \S+)")
_DUE = re.compile(rf"Due: {_DATE}; {_STATUS}\.")
# The closing bracket is optional because an italic date part can be left unclosed.
_LEVEL3 = re.compile(rf"(?P<entry>DM-[A-Z]+(?:-\d+)?: .+ \(Due: {_DATE}; {_STATUS})\)?")


def _clean(raw: str) -> str:
    # Italics are only ever asterisks; bullets are "-" or "•" or just indentation.
    line = " ".join(raw.replace("*", "").split())
    return re.sub(r"^[-•] ", "", line)


def section3_lines(text: str) -> list[str]:
    """Return section 3's headings, due lines and Level-3 lines, normalised, in order.

    Headings lose their "3.N" number ("HSC reprocessing: LDM-503-02"); due lines read
    "Due: D; completed D2." or "Due: D; currently incomplete."; Level-3 lines read
    "CODE: Title (Due: D; completed D2)" or "CODE: Title (Due: D; currently incomplete)".
    Everything else (captions, notes, prose, blank lines) is dropped.
    """
    lines = [_clean(raw) for raw in text.splitlines()]
    # The contents list "3 Functionality in ..." too, but always before the body does.
    start = max(i for i, line in enumerate(lines) if line.startswith("3 Functionality in"))
    end = lines.index("4 References", start)

    kept: list[str] = []
    for line in lines[start + 1 : end]:
        heading = _HEADING.fullmatch(line)
        level3 = _LEVEL3.fullmatch(line)
        if heading:
            kept.append(heading.group("heading"))
        elif _DUE.fullmatch(line):
            kept.append(line)
        elif level3:
            kept.append(level3.group("entry") + ")")
    return kept
