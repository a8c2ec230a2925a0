"""The web view served as a program: `milestone web` alone, `milestone serve` beside the bot,
and the Slack answers that are cut linking to it."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx
import pytest
from bot_harness import CHANNEL, SECRET, Served
from slack_standin import SlackSender

from ledger import requests as rq
from ledger.execute import record
from web.guard import CSP

pytest_plugins = ["bot_fixtures"]

WEB_URL = "https://milestones.example.org/"


def _milestone(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    executable = Path(sys.executable).with_name("milestone")
    return subprocess.Popen(
        [str(executable), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _line(stream: IO[str] | None, timeout: float) -> str:
    assert stream is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.1)
        if ready:
            return stream.readline()
    raise AssertionError("no output in time")


def _stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=20)
    finally:
        process.kill()


def _bot_env(served: Served) -> dict[str, str]:
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "MILESTONE_SLACK_API_URL": served.slack.api_url,
        "MILESTONE_SLACK_CHANNEL": CHANNEL,
        "MILESTONE_BOT_KEY": str(served.settings.bot_key),
    }


@pytest.mark.slow
def test_milestone_web_serves_the_pages_alone(served_sqlite: Served) -> None:
    process = _milestone("--db", served_sqlite.settings.db_url, "web", "--port", "0", env={
        **os.environ, "MILESTONE_DB_URL": "sqlite:///nowhere.db",
    })  # fmt: skip
    try:
        line = _line(process.stdout, 30)
        assert line.startswith("serving http://127.0.0.1:"), line
        base = line.split()[1].rstrip("/")

        page = httpx.get(f"{base}/milestone/DM-AP-18")
        slack = httpx.post(f"{base}/slack/events", content=b"x")

        assert page.status_code == 200 and "Alert packet generation" in page.text
        assert page.headers["content-security-policy"] == CSP
        assert slack.status_code == 405  # no bot here, and nothing is posted to the pages
    finally:
        code = _stop(process)
    assert code == 0, process.stderr.read() if process.stderr else ""


@pytest.mark.slow
def test_milestone_serve_mounts_the_pages_beside_the_slack_endpoint(served_sqlite: Served) -> None:
    served_sqlite.service.stop()  # the subprocess is the bot now
    args = ("--db", served_sqlite.settings.db_url, "serve", "--port", "0", "--no-announce")
    process = _milestone(*args, env=_bot_env(served_sqlite))
    try:
        line = _line(process.stdout, 30)
        assert line.startswith("serving http://127.0.0.1:"), line
        events_url = line.split()[1]
        base = events_url.removesuffix("/slack/events")
        assert process.stdout is not None
        # Printed with the line before (in the same buffer, which select cannot see).
        mounted = process.stdout.readline()

        plan = httpx.get(f"{base}/plan")
        api = httpx.get(f"{base}/api/show/DM-AP-18")
        health = httpx.get(f"{base}/healthz")
        answer = SlackSender(events_url, SECRET, served_sqlite.slack).command("show DM-AP-18")

        assert mounted.strip() == f"and web.__main__:app_from_environ at {base}/"
        assert plan.status_code == 200 and "LDM-503-01" in plan.text
        assert api.json()["milestone"]["code"] == "DM-AP-18"
        assert health.text == "ok\n"
        assert answer.status == 200 and "Alert packet generation" in answer.text
    finally:
        code = _stop(process)
    assert code == 0, process.stderr.read() if process.stderr else ""


@pytest.mark.slow
def test_milestone_serve_no_web_serves_only_slack(served_sqlite: Served) -> None:
    served_sqlite.service.stop()
    args = ("--db", served_sqlite.settings.db_url, "serve", "--port", "0", "--no-web")
    process = _milestone(*args, "--no-announce", env=_bot_env(served_sqlite))
    try:
        line = _line(process.stdout, 30)
        base = line.split()[1].removesuffix("/slack/events")

        page = httpx.get(f"{base}/plan")

        assert page.status_code == 404
    finally:
        code = _stop(process)
    assert code == 0


# --- links from Slack ---------------------------------------------------------------------------


@pytest.fixture
def linked(served_sqlite: Served) -> Served:
    """The bot served with MILESTONE_WEB_URL set, over a ledger with a long log."""
    served_sqlite.restart(web_url=WEB_URL)
    for day in range(1, 121):  # a history too long for one message
        change = rq.MoveMilestone(code="DM-AP-18", to=f"2031-01-{day % 28 + 1:02d}")
        record(change, ledger=served_sqlite.ledger, signer=served_sqlite.admin)
    return served_sqlite


def test_an_answer_cut_to_fit_slack_links_to_the_whole_answer_on_the_web(linked: Served) -> None:
    cut = linked.sender.command("log --since 2")
    history = linked.sender.command("history DM-AP-18")
    whole = linked.sender.command("show DM-AP-18")

    assert "<https://milestones.example.org/log?since=2|The whole answer, on the web>" in cut.text
    assert "<https://milestones.example.org/history?code=DM-AP-18|" in history.text
    assert "on the web" not in whole.text


def test_without_a_web_url_a_cut_answer_has_no_link(served_sqlite: Served) -> None:
    for day in range(1, 71):
        change = rq.MoveMilestone(code="DM-AP-18", to=f"2031-02-{day % 28 + 1:02d}")
        record(change, ledger=served_sqlite.ledger, signer=served_sqlite.admin)

    answer = served_sqlite.sender.command("log")

    assert "Show more (page 2 of" in answer.text  # paged, all of it in Slack
    assert "on the web" not in answer.text
