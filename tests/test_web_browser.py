"""The web view in a real browser: Debian's Chromium, headless, driven by Playwright.

Against the real LDM-564 revisions: the as-of picker switches the plan (with JavaScript
off, as the pages need none), a milestone page shows its history, the diff page shows
what the documents changed, a hostile title stays text with no script run, and the
pages fit a phone. Without Chromium these tests fail, never skip: CI installs Debian's
`chromium` package. With MILESTONE_SCREENSHOTS=DIR they also save screenshots there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, expect, sync_playwright
from web_harness import HOSTILE_CODE, HOSTILE_RFC, HOSTILE_RFC_TITLE, HOSTILE_TITLE

pytest_plugins = ["web_fixtures"]

CHROMIUM = Path(os.environ.get("MILESTONE_CHROMIUM", "/usr/bin/chromium"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (the test fails if it is not installed)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: `apt-get install chromium` (Debian's package) or "
            "set MILESTONE_CHROMIUM; the browser tests must run, not skip",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, served: str) -> Iterator[Page]:
    """A desktop-sized page with JavaScript on, at the served view."""
    context = browser.new_context(base_url=served, viewport=DESKTOP)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser: Browser, served: str) -> Iterator[Page]:
    """A page with JavaScript turned off."""
    context = browser.new_context(base_url=served, viewport=DESKTOP, java_script_enabled=False)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


def shoot(page: Page, name: str) -> None:
    """Save a screenshot of what the page shows, when MILESTONE_SCREENSHOTS names a folder."""
    folder = os.environ.get("MILESTONE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def summary(page: Page) -> str:
    return " ".join(page.locator("p.summary").inner_text().split())


# --- the plan, a milestone, a diff ------------------------------------------------------------


def test_the_as_of_picker_switches_the_plan_without_javascript(page_without_js: Page) -> None:
    page = page_without_js
    page.goto("/plan")

    page.select_option("#pick-point", "v1.1")
    page.locator("form:has(#pick-point) button").click()
    page.wait_for_url("**/plan?as_of=v1.1")
    as_of_v1_1 = summary(page)
    has_old_code = page.locator("td a", has_text="LDM-503-8b").count()

    page.select_option("#pick-point", "RFC-781")
    page.locator("form:has(#pick-point) button").click()
    page.wait_for_url("**/plan?as_of=RFC-781")
    as_of_rfc_781 = summary(page)
    has_new_code = page.locator("td a", has_text="LDM-503-08b").count()

    page.fill("#pick-date", "2018-04-12")
    page.locator("form:has(#pick-date) button").click()
    page.wait_for_url("**/plan?as_of=2018-04-12")
    before_the_first = page.locator("p.empty").inner_text()

    page.fill("#pick-seq", "142")
    page.locator("form:has(#pick-seq) button").click()
    page.wait_for_url("**/plan?as_of=%23142")

    assert as_of_v1_1.startswith("Plan as of v1.1: 21 Level-2, 96 Level-3 milestones")
    assert as_of_rfc_781.startswith("Plan as of RFC-781: 36 Level-2, 73 Level-3 milestones")
    assert has_old_code == 1 and has_new_code == 1
    assert before_the_first == "The plan is empty at this point."
    assert summary(page).startswith("Plan as of #142: 21 Level-2, 96 Level-3 milestones")
    assert page.locator("#pick-seq").input_value() == "142"


def test_a_milestone_page_shows_its_history(page: Page) -> None:
    page.goto("/plan?as_of=RFC-781")
    shoot(page, "plan")

    page.locator("td a", has_text="LDM-503-08b").click()
    page.wait_for_url("**/milestone/LDM-503-08b?as_of=RFC-781")
    shoot(page, "milestone")

    expect(page.locator("h1")).to_have_text("LDM-503-08b Small Scale CCOB Data Access")
    rows = page.locator("table.entries tbody tr")
    expect(rows).to_have_count(4)
    renamed = rows.filter(has_text="renamed LDM-503-8b to LDM-503-08b")
    expect(renamed.locator('td[data-label="RFC"]')).to_have_text("RFC-781 (approved)")
    expect(renamed.locator('td[data-label="Effective"]')).to_have_text("2022-08-13 23:59:59")
    expect(renamed.locator('td[data-label="Actor"]')).to_have_text("alice")
    for cell in rows.locator('td[data-label="Signature"]').all():
        expect(cell).to_have_text("ok")
    expect(rows.first).to_contain_text("defined Level-2 LDM-503-8b")


def test_the_diff_page_shows_what_the_documents_changed(page: Page) -> None:
    page.goto("/diff")

    page.fill("#diff-before", "2018-04-13")
    page.fill("#diff-after", "2022-08-13")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/diff?before=2018-04-13&after=2022-08-13")
    shoot(page, "diff")

    assert summary(page) == (
        "From 2018-04-13 to 2022-08-13: 28 added, 36 withdrawn, 1 renamed, 10 retitled, "
        "77 moved, 52 completed, 32 relinked."
    )
    sections = page.locator("section.change")
    expect(sections.filter(has_text="Added (28)")).to_contain_text("DM-AP-18")
    expect(sections.filter(has_text="Withdrawn (36)")).to_contain_text("DM-AP-10")
    expect(sections.filter(has_text="Renamed (1)")).to_contain_text("LDM-503-8b → LDM-503-08b")
    moved = (
        sections.filter(has_text="Moved (77)")
        .locator("tbody tr")
        .filter(has=page.get_by_role("link", name="LDM-503-08b", exact=True))
        .filter(has_text="forecast")
    )
    expect(moved.locator("td")).to_have_text(
        ["LDM-503-08b", "forecast", "2018-09-06", "2019-07-15", "+312"]
    )


# --- safety -------------------------------------------------------------------------------------


def test_a_hostile_title_stays_text_and_no_script_runs(page: Page) -> None:
    dialogs: list[str] = []
    console: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def hear(message: ConsoleMessage) -> None:
        console.append(message.text)

    page.on("dialog", dismiss)
    page.on("console", hear)

    page.goto("/plan")
    plan_shows = page.get_by_text(HOSTILE_TITLE, exact=True).is_visible()
    page.goto(f"/milestone/{HOSTILE_CODE}")
    shoot(page, "hostile-title")
    heading = page.locator("h1").inner_text()
    page.goto(f"/rfc/{HOSTILE_RFC}")
    rfc_heading = page.locator("h1").inner_text()
    scripts = page.locator("script, img[src=x]").count()
    # The Content-Security-Policy holds even against a script put into the page later.
    injected = page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.head.appendChild(s);"
        " return window.ran === true; }"
    )

    assert plan_shows
    assert heading == f"{HOSTILE_CODE} {HOSTILE_TITLE}"
    assert rfc_heading == f"{HOSTILE_RFC} {HOSTILE_RFC_TITLE}"
    assert dialogs == [] and scripts == 0
    assert injected is False
    assert any("Content Security Policy" in line for line in console)


# --- a phone --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("plan-phone", "/plan?as_of=RFC-781"),
        ("milestone-phone", "/milestone/LDM-503-08b?as_of=RFC-781"),
        ("diff-phone", "/diff?before=2018-04-13&after=2022-08-13"),
    ],
)
def test_the_pages_fit_a_phone(browser: Browser, served: str, name: str, path: str) -> None:
    context = browser.new_context(
        base_url=served,
        viewport=PHONE,  # type: ignore[arg-type]
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()

    page.goto(path)
    shoot(page, name)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    header_hidden = page.locator("thead").first.is_hidden()
    context.close()

    assert overflow <= 0
    assert header_hidden  # tables read as labelled cards on a phone
