"""The README says what the program does: its exit codes and what a plan looks like."""

from __future__ import annotations

import re
from pathlib import Path

from ledger import errors
from ledger.results import ODDITIES_FOUND

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_the_readme_has_a_row_for_every_exit_code_the_program_uses():
    table = README.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    documented = [int(n) for n in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)]
    used = {errors.LedgerError.exit_code} | {c.exit_code for c in _subclasses(errors.LedgerError)}

    assert documented == sorted(documented)
    assert set(documented) == {0, 2} | used | {ODDITIES_FOUND}  # 2: Click's usage errors too


def test_the_readmes_plan_example_fits_80_columns():
    example = README.split("$ milestone plan --as-of 2022-09-01\n", 1)[1].split("```", 1)[0]

    assert "CODE          TITLE" in example
    assert max(len(line) for line in example.splitlines()) <= 80
