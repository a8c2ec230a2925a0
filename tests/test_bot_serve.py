"""Starting the bot: settings from the environment, HTTP, Socket Mode, `milestone serve`."""

import http.client
import os
import signal
import urllib.parse
from pathlib import Path

import pytest
from bot_harness import SECRET, milestone_process, output_line
from slack_standin import SlackSender

from bot import ConfigError, Settings, build
from bot.app import key_problem
from bot.server import HttpService, socket_mode_handler
from ledger import requests as rq
from ledger.execute import record

ENV = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s3cret",
    "SLACK_APP_TOKEN": "xapp-1-A1-2",
    "MILESTONE_SLACK_API_URL": "http://127.0.0.1:9/api",
    "MILESTONE_SLACK_CHANNEL": "C123",
    "MILESTONE_DB_URL": "sqlite:///plan.db",
    "MILESTONE_BOT_KEY": "~/bot.pem",
    "MILESTONE_WEB_URL": "https://plan.example.org/",
}

pytest_plugins = ["bot_fixtures"]


def test_settings_come_from_the_environment():
    settings = Settings.from_env(ENV)

    assert (settings.bot_token, settings.signing_secret, settings.app_token) == (
        "xoxb-1",
        "s3cret",
        "xapp-1-A1-2",
    )
    assert settings.api_base == "http://127.0.0.1:9/api/"
    assert (settings.channel, settings.db_url) == ("C123", "sqlite:///plan.db")
    assert settings.bot_key == Path("~/bot.pem").expanduser()
    assert settings.web_url == "https://plan.example.org"


@pytest.mark.parametrize("url", ["plan.example.org", "https://x/<!channel>", "https://a b"])
def test_a_web_address_that_is_not_one_is_refused_with_an_example(url):
    with pytest.raises(ConfigError, match=r"MILESTONE_WEB_URL .* e\.g\. https://"):
        Settings.from_env({**ENV, "MILESTONE_WEB_URL": url})


def test_options_win_over_the_environment():
    assert Settings.from_env(ENV, db_url="sqlite:///other.db").db_url == "sqlite:///other.db"


def test_missing_settings_are_named():
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN and MILESTONE_BOT_KEY"):
        Settings.from_env({"SLACK_SIGNING_SECRET": "s"})


def test_http_mode_needs_the_signing_secret():
    settings = Settings.from_env({**ENV, "SLACK_SIGNING_SECRET": ""})

    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        settings.require_http()


def test_socket_mode_builds_its_handler_with_the_app_token(served_sqlite):
    bot = build(served_sqlite.settings.with_changes(app_token="xapp-1-A1-secret"))
    try:
        handler = socket_mode_handler(bot)

        assert handler.app is bot.app
        assert handler.app_token == handler.client.app_token == "xapp-1-A1-secret"
        assert handler.client.web_client.base_url == served_sqlite.slack.api_url
        handler.client.close()
    finally:
        bot.close()


@pytest.mark.parametrize(
    ("token", "message"), [(None, "needs SLACK_APP_TOKEN"), ("xoxb-1", "starting with xapp-")]
)
def test_socket_mode_is_refused_clearly_without_an_app_token(served_sqlite, token, message):
    bot = build(served_sqlite.settings.with_changes(app_token=token))
    try:
        with pytest.raises(ConfigError, match=message):
            socket_mode_handler(bot)
    finally:
        bot.close()


def test_a_bot_token_slack_refuses_stops_the_start_with_the_fix(served_sqlite):
    served_sqlite.slack.errors["auth.test"] = "invalid_auth"

    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        build(served_sqlite.settings)


def test_the_start_warns_when_the_bots_key_cannot_sign_for_slack_users(served_sqlite):
    bot = served_sqlite.service.bot

    assert key_problem(bot.access) is None
    served_sqlite.ledger.refresh()

    record(
        rq.RevokeKey(key_id=served_sqlite.bot_key.key_id, reason="rotated"),
        ledger=served_sqlite.ledger,
        signer=served_sqlite.admin,
    )
    assert "was revoked" in key_problem(bot.access)


def _get(url, path):
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    result = response.status, response.read()
    connection.close()
    return result


def test_the_server_answers_a_health_check_and_nothing_else_but_slack(served_sqlite):
    assert _get(served_sqlite.service.url, "/healthz") == (200, b"ok\n")
    assert _get(served_sqlite.service.url, "/")[0] == 404


@pytest.mark.slow
def test_milestone_serve_runs_the_bot_over_http_until_terminated(served_sqlite):
    served_sqlite.service.stop()  # the subprocess is the bot now (same announcer cursor)
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "MILESTONE_SLACK_API_URL": served_sqlite.slack.api_url,
        "MILESTONE_SLACK_CHANNEL": "CANNOUNCE",
        "MILESTONE_BOT_KEY": str(served_sqlite.settings.bot_key),
    }
    process = milestone_process(
        "--db", served_sqlite.settings.db_url, "serve", "--port", "0", env=env
    )
    try:
        line = output_line(process.stdout, 30)
        assert line.startswith("serving http://127.0.0.1:"), line
        sender = SlackSender(line.split()[1], SECRET, served_sqlite.slack)

        answer = sender.command("complete DM-AP-18")

        assert answer.status == 200 and "Recorded" in answer.text
        seq = served_sqlite.events()[-1].seq
        assert served_sqlite.events()[-1].actor == "slack:T0TEST/UALICE"
        served_sqlite.slack.wait_for(
            lambda s: any(f"`#{seq}`" in str(p) for p in s.posts()), what="announcement"
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=20)
        finally:
            process.kill()
    logged = process.stderr.read()
    assert code == 0, logged
    assert "will be unused" not in logged and "WARNING" not in logged, logged


@pytest.mark.slow
def test_milestone_serve_without_a_signing_secret_says_what_is_missing(served_sqlite, tmp_path):
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-1", "MILESTONE_BOT_KEY": "bot.pem"}
    env.pop("SLACK_SIGNING_SECRET", None)

    process = milestone_process("--db", served_sqlite.settings.db_url, "serve", env=env)
    _, err = process.communicate(timeout=30)

    assert process.returncode == 2
    assert "SLACK_SIGNING_SECRET" in err


def test_the_docs_and_the_manifest_describe_what_the_bot_needs():
    root = Path(__file__).resolve().parents[1]
    docs = (root / "docs" / "slack.md").read_text(encoding="utf-8")
    manifest = (root / "slack-app-manifest.yml").read_text(encoding="utf-8")

    for variable in ENV:
        assert f"`{variable}`" in docs
    for setting in (
        "command: /milestone",
        "url: https://HOST/slack/events",
        "- commands",
        "- chat:write",
        "- chat:write.public",
        "- files:write",
        "should_escape: true",
        "request_url: https://HOST/slack/events",
    ):
        assert setting in manifest
    assert "--delegate-for slack:" in docs and "connections:write" in docs
    assert "`files:write`" in docs


def test_a_port_in_use_is_refused_with_the_fix(served_sqlite):
    port = served_sqlite.service.port
    bot = build(served_sqlite.settings)

    with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}.*--port"):
        HttpService(bot, host="127.0.0.1", port=port)
