"""The web view over the real LDM-564 revisions: pages, the JSON API, downloads, safety.

Every request goes over real HTTP to uvicorn on 127.0.0.1; what a browser makes of the
pages is `test_web_browser.py`'s.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from collections.abc import Iterator

import httpx
import pytest
from markupsafe import escape
from web_harness import (
    HOSTILE_CODE,
    HOSTILE_RFC,
    HOSTILE_RFC_TITLE,
    HOSTILE_TITLE,
    Imported,
    client,
    serving,
)

from ledger import grammar
from ledger import requests as rq
from ledger.errors import InvalidInput
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.signing import Signer
from web import Settings, create_app
from web.guard import CSP

pytest_plugins = ["web_fixtures"]


def text_of(html: str) -> str:
    """A page's text, tags dropped and whitespace folded (entities left as they are)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- pages --------------------------------------------------------------------------------------


def test_the_plan_as_of_each_revision_shows_that_revisions_plan(web: httpx.Client) -> None:
    as_2018 = web.get("/plan", params={"as_of": "v1.1"})
    as_2022 = web.get("/plan", params={"as_of": "RFC-781"})

    assert as_2018.status_code == as_2022.status_code == 200
    assert "Plan as of v1.1 : 21 Level-2, 96 Level-3 milestones" in text_of(as_2018.text)
    assert "Plan as of RFC-781 : 36 Level-2, 73 Level-3 milestones" in text_of(as_2022.text)
    assert "LDM-503-8b" in as_2018.text and "LDM-503-08b" not in as_2018.text
    assert "LDM-503-08b" in as_2022.text


def test_the_picker_offers_every_approved_rfc_and_version_label(web: httpx.Client) -> None:
    page = web.get("/plan").text

    options = re.findall(r'<option value="([^"]*)"', page)

    rfcs = ["RFC-373", "RFC-497", "RFC-501", "RFC-781", HOSTILE_RFC]
    assert options == ["", *rfcs, "v1.0", "v1.1", "v1.2", "v1.5", "v9.0"]


def test_a_milestone_page_shows_its_dates_and_its_whole_history(
    web: httpx.Client, imported: Imported
) -> None:
    history = imported.cli_json("history", "LDM-503-08b")

    page = web.get("/milestone/LDM-503-08b")

    text = text_of(page.text)
    assert page.status_code == 200
    assert "LDM-503-08b Small Scale CCOB Data Access" in text
    assert "Baseline 2019-07-15 Forecast 2019-07-15 Completed 2019-07-15 by alice" in text
    assert "Also known as LDM-503-8b" in text
    rows = re.findall(r"<tr>\s*<td data-label=\"#\">(\d+)</td>", page.text)
    assert [int(seq) for seq in rows] == [entry["seq"] for entry in history]
    assert "renamed LDM-503-8b to LDM-503-08b RFC-781 (approved) ok" in text
    assert "2022-08-13 23:59:59" in text  # effective, beside the recorded time


def test_a_milestone_page_links_what_it_waits_for_and_what_waits_for_it(
    web: httpx.Client,
) -> None:
    waiting = web.get(f"/milestone/{urllib.parse.quote(HOSTILE_CODE, safe='')}")
    awaited = web.get("/milestone/DM-AP-18")

    assert "Waits for DM-AP-18" in text_of(waiting.text)
    assert 'href="/milestone/DM-AP-18' in waiting.text
    assert f"Needed by {HOSTILE_CODE}" in text_of(awaited.text)
    assert f'href="/milestone/{HOSTILE_CODE}' in awaited.text


def test_a_level_2_milestone_lists_the_milestones_under_it(web: httpx.Client) -> None:
    page = web.get("/milestone/LDM-503-02", params={"as_of": "2018-04-13"})

    assert "Level-3 milestones under it" in page.text
    assert 'href="/milestone/DM-AP-1?as_of=2018-04-13"' in page.text


def test_an_rfc_page_shows_the_changes_applied_under_it(web: httpx.Client) -> None:
    page = web.get("/rfc/RFC-781")

    text = text_of(page.text)
    assert page.status_code == 200
    assert "approved (version 1.5)" in text
    assert "Applied: they took effect when RFC-781 was approved." in text
    assert "renamed LDM-503-8b to LDM-503-08b" in text


def test_the_diff_page_shows_what_the_documents_changed(web: httpx.Client) -> None:
    page = web.get("/diff", params={"before": "2018-04-13", "after": "2022-08-13"})

    text = text_of(page.text)
    assert (
        "From 2018-04-13 to 2022-08-13 : 28 added, 36 withdrawn, 1 renamed, 10 retitled, "
        "77 moved, 52 completed, 32 relinked." in text
    )
    assert "LDM-503-8b → LDM-503-08b" in text
    assert "LDM-503-08b forecast 2018-09-06 2019-07-15 +312" in text


def test_the_log_page_filters_and_says_how_many_it_shows(web: httpx.Client) -> None:
    page = web.get("/log", params={"rfc": "RFC-781", "type": "milestone.renamed"})
    default = web.get("/log")

    assert len(re.findall(r'<td data-label="#">', page.text)) == 1
    assert "renamed LDM-503-8b to LDM-503-08b" in page.text
    assert len(re.findall(r'<td data-label="#">', default.text)) == 200
    assert 'href="/log?limit=1000"' in default.text


@pytest.mark.parametrize("path", ["/late", "/upcoming?days=3650", "/check", "/rfc"])
def test_the_other_read_pages_answer(web: httpx.Client, path: str) -> None:
    page = web.get(path)

    assert page.status_code == 200
    assert "<table" in page.text


def test_the_verify_page_shows_the_ledger_and_re_runs_by_a_link(
    web: httpx.Client, imported: Imported
) -> None:
    report = imported.cli_json("verify")

    page = web.get("/verify")
    again = web.get("/verify", params={"run": "1"})

    assert "OK: all" in page.text and report["ledger_id"] in page.text
    assert f"#{report['checked']} <code>{report['head']}</code>" in page.text
    assert 'href="/verify?run=1"' in page.text
    assert again.status_code == 303 and again.headers["location"] == "/verify"
    assert "<form" not in page.text and "<button" not in page.text


# --- addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/plan?seq=120", "/plan?as_of=%23120"),
        ("/plan?as_of=&known_at=", "/plan"),
        ("/plan?known_at=2019-01-01&as_of=RFC-781", "/plan?as_of=RFC-781&known_at=2019-01-01"),
        ("/", "/plan"),
        ("/show?code=DM-AP-18&as_of=RFC-781", "/milestone/DM-AP-18?as_of=RFC-781"),
        ("/history?code=DM-AP-18", "/milestone/DM-AP-18"),
        ("/rfc/show?rfc=RFC-781", "/rfc/RFC-781"),
        ("/rfc/list", "/rfc"),
    ],
)
def test_another_way_of_writing_an_address_redirects_to_the_one_way(
    web: httpx.Client, asked: str, canonical: str
) -> None:
    answer = web.get(asked)

    assert answer.status_code == 303
    assert answer.headers["location"] == canonical


def test_the_picker_log_position_is_the_plan_as_of_that_seq(
    web: httpx.Client, imported: Imported
) -> None:
    page = web.get("/plan", params={"seq": "142"}, follow_redirects=True)

    plan = imported.cli_json("plan", "--as-of", "#142")
    assert f"{plan['events']} events folded" in page.text
    assert "Plan as of #142" in text_of(page.text)


# --- the JSON API and downloads -----------------------------------------------------------------

SAME_AS_CLI = [
    (("plan",), "/api/plan"),
    (("plan", "--as-of", "RFC-781"), "/api/plan?as_of=RFC-781"),
    (("plan", "--as-of", "2022-08-13", "--known-at", "2030-01-01"),
     "/api/plan?as_of=2022-08-13&known_at=2030-01-01"),
    (("show", "LDM-503-08b"), "/api/show/LDM-503-08b"),
    (("show", "DM-AP-18", "--as-of", "RFC-781"), "/api/show?code=DM-AP-18&as_of=RFC-781"),
    (("history", "LDM-503-08b"), "/api/history/LDM-503-08b"),
    (("log",), "/api/log"),
    (("log", "--rfc", "RFC-781", "--type", "milestone.", "--since", "200"),
     "/api/log?rfc=RFC-781&type=milestone.&since=200"),
    (("diff", "2018-04-13", "2022-08-13"), "/api/diff?before=2018-04-13&after=2022-08-13"),
    (("late",), "/api/late"),
    (("upcoming", "--days", "3650"), "/api/upcoming?days=3650"),
    (("check", "--as-of", "2018-04-13"), "/api/check?as_of=2018-04-13"),
    (("rfc", "show", "RFC-781"), "/api/rfc/show/RFC-781"),
    (("rfc", "list"), "/api/rfc/list"),
    (("verify",), "/api/verify"),
    (("slip", "2018-04-13", "2022-08-13", "--level", "2"),
     "/api/slip?before=2018-04-13&after=2022-08-13&level=2"),
    (("celebrate", "--since", "2022-01-01"), "/api/celebrate?since=2022-01-01"),
    (("chart", "burndown", "--level", "3", "--compare", "2018-04-13"),
     "/api/chart/burndown?level=3&compare=2018-04-13"),
    (("graph", "--release", "LDM-503-15a"), "/api/graph?release=LDM-503-15a"),
]  # fmt: skip


@pytest.mark.parametrize(("words", "path"), SAME_AS_CLI, ids=[p for _, p in SAME_AS_CLI])
def test_the_json_api_answers_exactly_what_the_cli_prints(
    web: httpx.Client, imported: Imported, words: tuple[str, ...], path: str
) -> None:
    expected = imported.cli(*words, "--json").stdout

    answer = web.get(path)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == json.loads(expected)
    assert answer.text == expected


def test_the_api_lists_every_read_command_and_no_change(web: httpx.Client) -> None:
    listed = web.get("/api/").json()["commands"]

    reads = ["/api/" + "/".join(c.path) for c in grammar.COMMANDS if not c.writes]
    assert [c["path"] for c in listed] == reads
    assert next(c for c in listed if c["path"] == "/api/log")["params"].keys() == {
        "since", "actor", "rfc", "type", "limit",
    }  # fmt: skip


def test_the_slip_and_celebrate_pages_show_the_reports(web: httpx.Client) -> None:
    slipped = web.get("/slip", params={"before": "2018-04-13", "after": "2022-08-13"})
    done = web.get("/celebrate", params={"since": "2022-01-01", "as_of": "2022-08-13"})

    assert slipped.status_code == 200 and done.status_code == 200
    row = text_of(slipped.text).split("DM-AP-12", 1)[1].split("\n", 1)[0]
    assert "2019-04-24" in row and "2022-08-01" in row and "+1195" in row
    assert "4 completed since 2022-01-01" in text_of(done.text)
    assert "LDM-503-15a" in done.text and "alice" in done.text


@pytest.mark.parametrize("fmt", ["md", "tex", "csv", "json"])
def test_the_downloads_are_what_the_cli_writes(
    web: httpx.Client, imported: Imported, fmt: str
) -> None:
    expected = imported.cli("plan", "--as-of", "RFC-781", "--format", fmt).stdout

    answer = web.get(f"/plan.{fmt}", params={"as_of": "RFC-781"})

    assert answer.status_code == 200
    assert answer.text.rstrip("\n") == expected.rstrip("\n")
    disposition = answer.headers["content-disposition"]
    assert disposition == f'attachment; filename="plan-as-of-RFC-781.{fmt}"'


# --- safety -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "hostile"),
    [
        ("/plan", HOSTILE_TITLE),
        (f"/milestone/{HOSTILE_CODE}", HOSTILE_TITLE),
        ("/upcoming?days=3650", HOSTILE_TITLE),
        (f"/rfc/{HOSTILE_RFC}", HOSTILE_RFC_TITLE),
        ("/rfc", HOSTILE_RFC_TITLE),
        (f"/log?rfc={HOSTILE_RFC}", HOSTILE_TITLE),
    ],
)
def test_a_hostile_title_is_escaped_wherever_it_shows(
    web: httpx.Client, path: str, hostile: str
) -> None:
    page = web.get(path).text

    assert str(escape(hostile)) in page
    assert "<script" not in page and "<img" not in page


def test_a_hostile_selector_is_escaped_in_the_error_and_the_form(web: httpx.Client) -> None:
    answer = web.get("/plan", params={"as_of": '"><script>alert(3)</script>'})

    assert answer.status_code == 400
    assert "<script>" not in answer.text
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in answer.text


@pytest.mark.parametrize(
    "path", ["/plan", "/api/plan", "/static/style.css", "/nothing", "/plan?as_of=x"]
)
def test_every_answer_carries_the_security_headers(web: httpx.Client, path: str) -> None:
    answer = web.get(path)

    assert answer.headers["content-security-policy"] == CSP
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("path", ["/plan", "/api/define", "/api/plan", "/nothing"])
def test_nothing_but_get_and_head_is_answered(web: httpx.Client, method: str, path: str) -> None:
    answer = web.request(method, path, content=b"code=DM-X&title=t")

    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, HEAD"
    assert answer.headers["content-security-policy"] == CSP


def test_a_change_is_not_a_page_of_the_api(web: httpx.Client) -> None:
    answer = web.get("/api/define", params={"code": "DM-X", "title": "t", "due": "2030-01-01"})

    assert answer.status_code == 404
    assert answer.json() == {"error": "define is a change; the web view only reads"}


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/plan?as_of=yesterday", 400, "'yesterday' is not an as-of point"),
        ("/plan?colour=red", 400, "plan has no parameter 'colour'; it takes as_of, known_at"),
        ("/plan?seq=ten", 400, "a log position is a whole number, not 'ten'"),
        ("/plan?as_of=RFC-1", 404, "RFC-1 is not in this ledger"),
        ("/milestone/DM-NOPE-1", 404, "DM-NOPE-1"),
        ("/diff?before=2018-04-13", 400, "diff needs after"),
        ("/log?limit=many", 400, "--limit takes a whole number, not 'many'"),
        ("/rfc/RFC-x", 400, "is not an RFC id"),
        ("/nothing/here", 404, "there is nothing at /nothing/here"),
        ("/api/plan?as_of=yesterday", 400, "'yesterday' is not an as-of point"),
        ("/api/frobnicate", 404, "/api/frobnicate is not a command"),
    ],
)
def test_bad_input_gets_one_clear_line_and_its_status(
    web: httpx.Client, path: str, status: int, says: str
) -> None:
    answer = web.get(path)

    assert answer.status_code == status
    body = answer.json()["error"] if path.startswith("/api/") else text_of(answer.text)
    assert says.replace("'", "&#39;") in body or says in body
    assert "Traceback" not in answer.text and 'File "' not in answer.text


# --- access control -----------------------------------------------------------------------------

TOKEN = "a-long-enough-secret-token"


@pytest.fixture(scope="module")
def guarded(imported: Imported) -> Iterator[httpx.Client]:
    """The web view behind a token and a trusted proxy header."""
    app = create_app(Settings(db_url=imported.db_url, token=TOKEN, trust_header="X-Forwarded-User"))
    with serving(app) as base_url, client(base_url) as http:
        yield http
    app.close()


def test_without_a_credential_the_view_is_refused(guarded: httpx.Client) -> None:
    page = guarded.get("/plan")
    api = guarded.get("/api/plan")
    wrong = guarded.get("/plan", headers={"Authorization": "Bearer not-the-token"})

    assert page.status_code == api.status_code == wrong.status_code == 401
    assert "sign in" in page.text and "sign in" in api.json()["error"]
    assert page.headers["www-authenticate"].startswith("Bearer")


def test_a_bearer_token_or_the_proxys_header_lets_in(guarded: httpx.Client) -> None:
    bearer = guarded.get("/plan", headers={"Authorization": f"Bearer {TOKEN}"})
    proxied = guarded.get("/plan", headers={"X-Forwarded-User": "auditor@example.org"})

    assert bearer.status_code == proxied.status_code == 200


def test_a_token_link_leaves_a_cookie_and_drops_the_token_from_the_address(
    guarded: httpx.Client,
) -> None:
    signed_in = guarded.get("/plan", params={"as_of": "RFC-781", "token": TOKEN})
    cookie = signed_in.headers["set-cookie"]
    value = cookie.split(";")[0]

    later = guarded.get("/diff", headers={"Cookie": value})
    forged = guarded.get("/diff", headers={"Cookie": "milestone_web=" + "0" * 64})

    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/plan?as_of=RFC-781"
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and TOKEN not in cookie
    assert later.status_code == 200 and forged.status_code == 401


# --- HEAD -----------------------------------------------------------------------------


def test_head_has_the_headers_and_no_body(served: str) -> None:
    parts = urllib.parse.urlsplit(served)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("HEAD", "/plan")
    head = connection.getresponse()

    assert head.status == 200 and head.read() == b""
    assert head.getheader("content-security-policy") == CSP
    connection.close()


# --- a page kept, and the log growing -----------------------------------------------------------


def test_a_kept_page_is_answered_anew_once_the_log_grows(
    open_ledger: Ledger, admin_key: Signer, db_url: str
) -> None:
    def define(code: str) -> None:
        request = rq.DefineMilestone(code=code, title=f"Release {code}", due="2030-01-01", level=2)
        record(request, ledger=open_ledger, signer=admin_key)

    define("LDM-503-01")
    app = create_app(Settings(db_url=db_url))
    with serving(app) as base_url, client(base_url) as http:
        first = http.get("/plan")
        again = http.get("/plan", headers={"If-None-Match": first.headers["etag"]})
        define("LDM-503-02")
        grown = http.get("/plan", headers={"If-None-Match": first.headers["etag"]})
    app.close()

    assert "LDM-503-01" in first.text and "LDM-503-02" not in first.text
    assert again.status_code == 304 and again.content == b""
    assert grown.status_code == 200 and "LDM-503-02" in grown.text
    assert grown.headers["etag"] != first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"


# --- settings -----------------------------------------------------------------------------------


def test_settings_come_from_the_environment_and_options_win() -> None:
    env = {
        "MILESTONE_DB_URL": "sqlite:///plan.db",
        "MILESTONE_WEB_TOKEN": TOKEN,
        "MILESTONE_WEB_TRUST_HEADER": "X-Forwarded-User",
    }

    settings = Settings.from_env(env, db_url="sqlite:///other.db")

    assert settings.db_url == "sqlite:///other.db"
    assert (settings.token, settings.trust_header) == (TOKEN, "X-Forwarded-User")
    assert Settings.from_env({}).guarded is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"token": "short"}, "MILESTONE_WEB_TOKEN is too short"),
        ({"trust_header": "X-User: admin"}, "is not a header name"),
    ],
)
def test_a_weak_token_or_a_malformed_header_name_is_refused_at_start(
    changes: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        Settings(**changes)  # type: ignore[arg-type]


def test_a_page_is_sent_gzipped_only_to_a_client_that_accepts_it(served: str) -> None:
    with client(served) as http:
        plain = http.get("/plan", headers={"Accept-Encoding": "identity"})
        gzipped = http.get("/plan", headers={"Accept-Encoding": "gzip"})
        refused = http.get("/plan", headers={"Accept-Encoding": "gzip;q=0, identity"})

    assert "content-encoding" not in plain.headers
    assert gzipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in refused.headers
    assert gzipped.text == plain.text
    assert gzipped.headers["vary"] == "Accept-Encoding"
