"""Rendering the plan as LDM-564 does, diffing two views of it, and checking it for oddities."""

from __future__ import annotations

from typing import Any

from ledger import requests as rq
from ledger.asof import parse_as_of
from ledger.check import check
from ledger.diff import diff
from ledger.execute import record
from ledger.ledger import Ledger, View
from ledger.queries import plan
from ledger.render import to_latex, to_markdown
from ledger.signing import Signer


def _do(ledger: Ledger, key: Signer, command: Any, **values: Any) -> int:
    """Record a change; return the seq of its last event (a point to view the plan at)."""
    return record(command(**values), ledger=ledger, signer=key)[-1].seq


def _at(ledger: Ledger, seq: int) -> View:
    return ledger.view(parse_as_of(f"#{seq}"))


def _release(ledger: Ledger, key: Signer, code: str, due: str, title: str = "Release") -> int:
    return _do(ledger, key, rq.DefineMilestone, code=code, title=title, due=due, level=2)


def _level3(ledger: Ledger, key: Signer, code: str, due: str, *releases: str) -> int:
    return _do(
        ledger,
        key,
        rq.DefineMilestone,
        code=code,
        title=f"Work {code}",
        due=due,
        releases=list(releases),
    )


# --- render -------------------------------------------------------------------------------------


def test_level3_milestones_due_the_same_day_follow_plain_code_order(
    open_ledger: Ledger, admin_key: Signer
) -> None:
    _release(open_ledger, admin_key, "LDM-503-09a", "2019-04-12", "Pipelines Release Fall 2018")
    for code in ("DM-DRP-5", "DM-DRP-38", "DM-AP-7"):
        _level3(open_ledger, admin_key, code, "2018-06-29", "LDM-503-09a")
    _level3(open_ledger, admin_key, "DM-DRP-3", "2017-11-01", "LDM-503-09a")

    markdown = to_markdown(plan(open_ledger.view()))

    assert markdown.splitlines() == [
        "### Pipelines Release Fall 2018: LDM-503-09a",
        "",
        "Due: 2019-04-12; currently incomplete.",
        "",
        "- DM-DRP-3: Work DM-DRP-3 (*Due: 2017-11-01; currently incomplete*)",
        "- DM-AP-7: Work DM-AP-7 (*Due: 2018-06-29; currently incomplete*)",
        "- DM-DRP-38: Work DM-DRP-38 (*Due: 2018-06-29; currently incomplete*)",
        "- DM-DRP-5: Work DM-DRP-5 (*Due: 2018-06-29; currently incomplete*)",
    ]


def test_releases_follow_due_date_then_label_and_show_their_completion(
    open_ledger: Ledger, admin_key: Signer
) -> None:
    _release(open_ledger, admin_key, "LDM-503-EFDa", "2021-09-30", "EFD")
    _release(open_ledger, admin_key, "LDM-503-14a", "2021-09-30", "DP0")
    _release(open_ledger, admin_key, "LDM-503-02", "2017-12-01", "HSC reprocessing")
    _do(open_ledger, admin_key, rq.CompleteMilestone, code="LDM-503-02", on="2017-12-01")

    markdown = to_markdown(plan(open_ledger.view()))

    assert [line for line in markdown.splitlines() if line] == [
        "### HSC reprocessing: LDM-503-02",
        "Due: 2017-12-01; completed 2017-12-01.",
        "### DP0: LDM-503-14a",
        "Due: 2021-09-30; currently incomplete.",
        "### EFD: LDM-503-EFDa",
        "Due: 2021-09-30; currently incomplete.",
    ]


def test_markdown_shows_a_title_as_written_even_with_markdown_characters(
    open_ledger: Ledger, admin_key: Signer
) -> None:
    _release(open_ledger, admin_key, "LDM-503-01", "2018-05-30", "Use *fast* path_finder <b>")

    markdown = to_markdown(plan(open_ledger.view()))

    assert markdown.splitlines()[0] == r"### Use \*fast\* path\_finder \<b\>: LDM-503-01"


def test_latex_escapes_titles_and_keeps_labels_free_of_escapes(
    open_ledger: Ledger, admin_key: Signer
) -> None:
    _release(open_ledger, admin_key, "LDM_503-01", "2018-05-30", "50% & #1")
    _level3(open_ledger, admin_key, "DM-AP-1", "2018-01-31", "LDM_503-01")

    tex = to_latex(plan(open_ledger.view()))

    assert r"\subsection{50\% \& \#1: LDM\_503-01}" in tex
    assert r"\label{sec:LDM-503-01}" in tex
    assert (
        r"\item \textbf{DM-AP-1}: Work DM-AP-1 (\emph{Due: 2018-01-31; currently incomplete})"
        in tex
    )


# --- diff ---------------------------------------------------------------------------------------


def test_a_diff_lists_each_kind_of_change_with_counts(
    open_ledger: Ledger, admin_key: Signer
) -> None:
    book, key = open_ledger, admin_key
    _release(book, key, "LDM-503-8b", "2018-09-06")
    _release(book, key, "LDM-503-09", "2019-01-04")
    _level3(book, key, "DM-AP-9", "2018-07-20", "LDM-503-09")
    _level3(book, key, "DM-DAX-3", "2017-11-30", "LDM-503-09")
    before = _level3(book, key, "DM-SQRE-2", "2018-11-30", "LDM-503-09")
    _do(book, key, rq.RenameMilestone, code="LDM-503-8b", new_code="LDM-503-08b")
    _do(book, key, rq.RetitleMilestone, code="DM-SQRE-2", title="Notebook service")
    _do(book, key, rq.MoveMilestone, code="DM-AP-9", to="2018-11-29")
    _do(book, key, rq.CompleteMilestone, code="DM-AP-9", on="2018-11-29")
    _do(book, key, rq.WithdrawMilestone, code="DM-DAX-3", reason="dropped")
    _do(book, key, rq.LinkMilestone, code="DM-SQRE-2", release="LDM-503-08b")
    after = _level3(book, key, "DM-AP-18", "2020-05-29", "LDM-503-09")

    result = diff(_at(book, before), _at(book, after))

    assert result.counts == {
        "added": 1,
        "withdrawn": 1,
        "renamed": 1,
        "retitled": 1,
        "moved": 1,
        "completed": 1,
        "reopened": 0,
        "redated": 0,
        "relinked": 1,
    }
    assert result.added == ["DM-AP-18"] and result.withdrawn == ["DM-DAX-3"]
    assert (result.renamed[0].before, result.renamed[0].after) == ("LDM-503-8b", "LDM-503-08b")
    move = result.moved[0]
    assert (move.code, move.which, move.before, move.after, move.days) == (
        "DM-AP-9",
        "forecast",
        "2018-07-20",
        "2018-11-29",
        132,
    )
    assert (result.relinked[0].before, result.relinked[0].after) == (
        "LDM-503-09",
        "LDM-503-08b, LDM-503-09",
    )


def test_renaming_a_release_does_not_relink_the_milestones_under_it(
    open_ledger: Ledger, admin_key: Signer
) -> None:
    _release(open_ledger, admin_key, "LDM-503-8b", "2018-09-06")
    before = _level3(open_ledger, admin_key, "DM-NCSA-20", "2018-06-01", "LDM-503-8b")
    after = _do(
        open_ledger,
        admin_key,
        rq.RenameMilestone,
        code="LDM-503-8b",
        new_code="LDM-503-08b",
    )

    result = diff(_at(open_ledger, before), _at(open_ledger, after))

    assert result.counts["renamed"] == 1 and result.relinked == []


def test_a_completion_date_that_changed_is_reported_not_dropped(
    open_ledger: Ledger, admin_key: Signer
) -> None:
    _release(open_ledger, admin_key, "LDM-503-02", "2017-12-01")
    before = _do(open_ledger, admin_key, rq.CompleteMilestone, code="LDM-503-02", on="2017-12-01")
    _do(open_ledger, admin_key, rq.ReopenMilestone, code="LDM-503-02", reason="redo")
    after = _do(open_ledger, admin_key, rq.CompleteMilestone, code="LDM-503-02", on="2017-12-05")

    result = diff(_at(open_ledger, before), _at(open_ledger, after))

    assert result.counts["redated"] == 1 and result.counts["completed"] == 0
    assert (result.redated[0].before, result.redated[0].after) == ("2017-12-01", "2017-12-05")


# --- check --------------------------------------------------------------------------------------


def test_check_reports_a_release_done_early_a_milestone_due_after_it_and_a_late_completion(
    open_ledger: Ledger, admin_key: Signer
) -> None:
    book, key = open_ledger, admin_key
    _release(book, key, "LDM-503-15a", "2022-02-28")
    _level3(book, key, "DM-AP-12", "2022-08-01", "LDM-503-15a")
    _level3(book, key, "DM-AP-18", "2020-05-29", "LDM-503-15a")
    _do(book, key, rq.CompleteMilestone, code="DM-AP-18", on="2020-05-31")
    _do(book, key, rq.CompleteMilestone, code="LDM-503-15a", on="2022-02-28")

    found = check(book.view())

    assert [(o.kind, o.code) for o in found] == [
        ("completed-late", "DM-AP-18"),
        ("due-after-release", "DM-AP-12"),
        ("release-done-early", "LDM-503-15a"),
    ]
    assert "DM-AP-12" in found[2].message


def test_a_plan_without_oddities_checks_clean(open_ledger: Ledger, admin_key: Signer) -> None:
    _release(open_ledger, admin_key, "LDM-503-03", "2017-12-01")
    _level3(open_ledger, admin_key, "DM-AP-4", "2017-11-01", "LDM-503-03")
    _do(open_ledger, admin_key, rq.CompleteMilestone, code="DM-AP-4", on="2017-11-01")

    assert check(open_ledger.view()) == []
