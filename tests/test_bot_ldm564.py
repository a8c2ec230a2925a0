"""Every Slack answer and announcement on the real LDM-564 ledger keeps to Block Kit's limits.

The ledger is built as tests/test_import_ldm564.py builds it: both revisions
imported at a terminal, oldest first, here while the bot runs with its
announcer and the stand-in keeps Slack's pace (a post sooner than a second
after the last one in a channel is refused with 429). Every read command is
then asked over real HTTP, every page is followed through its "more" button,
and each payload is checked against `bot.limits`; a long answer must show all
of it across its pages.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_harness import ADMIN, ALICE, CHANNEL, SECRET, Served
from conftest import make_key
from ldm564_files import REVISION_2018, REVISION_2022, ldm564_dir
from slack_standin import SlackSender, SlackStandIn, buttons, message_text
from typer.testing import CliRunner

from bot import Settings, build
from bot.limits import problems
from bot.more import MORE_ACTIONS
from bot.server import HttpService
from cli.app import app as cli_app
from ledger import due, grammar, queries
from ledger import requests as rq
from ledger.asof import parse_as_of
from ledger.execute import record
from ledger.ledger import Ledger
from ledger.signing import generate_key_file

WEB = "https://milestones.example.org"


def _terminal(served: Served, *args: str) -> None:
    key = served.tmp_path / "keys" / "alice.pem"
    done = CliRunner().invoke(cli_app, ["--db", served.settings.db_url, "--key", str(key), *args])
    assert done.exit_code == 0, done.output


@pytest.fixture(scope="module")
def ldm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The bot over a ledger holding both LDM-564 revisions, imported while it ran."""
    folder = ldm564_dir()
    tmp_path = tmp_path_factory.mktemp("ldm564")
    admin = generate_key_file(tmp_path / "keys" / "alice.pem")
    db_url = f"sqlite:///{tmp_path / 'milestones.db'}"
    ledger = Ledger.create(db_url, name="LDM-564", signer=admin, actor="alice")
    bot_key = make_key(tmp_path, "bot")
    record(
        rq.AddKey(actor="bot:slack", public_key=bot_key.public_raw, delegate_for="slack:"),
        ledger=ledger,
        signer=admin,
    )
    for actor, role in ((ALICE, "editor"), (ALICE, "approver"), (ADMIN, "admin")):
        record(rq.GrantRole(actor=actor, role=role), ledger=ledger, signer=admin)
    with SlackStandIn() as slack:
        slack.post_interval = 1.0
        settings = Settings(
            bot_token="xoxb-test-token",
            db_url=db_url,
            bot_key=tmp_path / "keys" / "bot.pem",
            signing_secret=SECRET,
            api_url=slack.api_url,
            channel=CHANNEL,
            announcer_wait=0.05,
            web_url=WEB,
        )
        service = HttpService(build(settings), host="127.0.0.1", port=0).start()
        served = Served(
            ledger,
            admin,
            bot_key,
            settings,
            service,
            slack,
            SlackSender(service.url, SECRET, slack),
            tmp_path,
        )
        try:
            # The announcer's first run starts after what is recorded: let it, then import.
            while ledger.store.cursor(settings.announcer) == 0:
                time.sleep(0.01)
            _terminal(served, "import-doc", str(folder / REVISION_2018))
            _terminal(served, "import-doc", str(folder / REVISION_2022))
            _wait_announced(served)
            yield served
        finally:
            served.service.stop()
            ledger.close()


def _wait_announced(served: Served) -> int:
    """Wait until the announcer has posted up to the last event; that event's seq."""
    last = served.events()[-1].seq
    served.slack.wait_for(
        lambda s: any(re.search(rf"#{last}\b", str(p)) for p in s.posts()),
        timeout=30,
        what=f"the announcement of #{last}",
    )
    return last


def _pages(served: Served, first: dict) -> list[dict]:
    """A message and every page its "more" buttons lead to, clicked as Slack would."""
    messages = [first]
    while (button := _more(messages[-1])) is not None:
        click = served.sender.click(button)
        assert click.status == 200
        name = click.response_name
        found = served.slack.wait_for(lambda s, name=name: s.responses(name), what="page")
        assert found[-1]["response_type"] == "ephemeral"
        assert found[-1]["replace_original"] is False
        messages.append(found[-1])
        assert len(messages) < 50, "a runaway chain of pages"
    return messages


def _more(message: dict) -> dict | None:
    """The first "more" button of a message."""
    found = [b for action, b in buttons(message).items() if MORE_ACTIONS.match(action)]
    return found[0] if found else None


def _asked(served: Served, text: str) -> list[dict]:
    answer = served.sender.command(text)
    assert answer.status == 200 and answer.seconds < 3, text
    return _pages(served, answer.json)


def _within_limits(messages: list[dict]) -> None:
    for number, message in enumerate(messages, 1):
        assert problems(message) == [], f"page {number}: {problems(message)}"


READS = [
    "plan",
    "plan --as-of RFC-781",
    "plan --as-of v1.1",
    "plan --as-of 2019-06-30",
    "plan --known-at 2099-01-01",
    "show LDM-503-02",
    "show DM-AP-12",
    "history DM-AP-12",
    "history LDM-503-02",
    "log",
    "log --rfc RFC-781",
    "log --type milestone.completed",
    "log --actor alice --limit 300",
    "diff v1.1 RFC-781",
    "diff 2018-01-01 now",
    "late",
    "late --as-of 2021-01-01",
    "upcoming --days 36500",
    "check",
    "check --as-of v1.1",
    "verify",
    "rfc show RFC-781",
    "rfc list",
    "checkpoint",
    "checkpoint --rfc RFC-781",
    "checkpoint --key-line",
    "checkpoints",
    "prove 100",
    "upcoming --as-of 2019-01-01 --days 365",
    "slip 2018-04-13 2022-08-13",
    "celebrate --since 2018-01-01",
    "chart burndown --compare 2018-04-13",
    "chart gantt --members",
    "chart slip 2018-04-13 2022-08-13 --level 2",
    "graph --release LDM-503-15a",
    "help",
    *(f"help {command}" for command in ("define", "move", "rfc approve", "log", "plan")),
]


def test_every_read_command_of_the_grammar_is_walked():
    reads = {c.name for c in grammar.COMMANDS if not c.writes}

    walked = {grammar.find(text.split())[0].name for text in READS if not text.startswith("help")}

    assert walked == reads


@pytest.mark.parametrize("text", READS)
def test_every_read_and_every_page_of_it_keeps_to_slacks_limits(ldm, text):
    before = ldm.count()

    messages = _asked(ldm, text)

    _within_limits(messages)
    assert not any(":warning:" in message_text(m)[:12] for m in messages), message_text(messages[0])
    if len(messages) > 1:  # paged: each page links to all of it on the web
        assert all(WEB in str(m["blocks"]) for m in messages)
    assert ldm.count() == before


def _shown(messages: list[dict]) -> str:
    return "\n".join(message_text(m) for m in messages)


def test_the_plan_shows_every_milestone_open_and_late_first(ldm):
    plan = queries.plan(ldm.ledger.view())
    late = {row.code for row in due.late(ldm.ledger.view())}

    messages = _asked(ldm, "plan")

    text = _shown(messages)
    codes = {b.release.code for b in plan.releases} | {
        m.code for b in plan.releases for m in b.milestones
    }
    assert len(messages) > 1
    assert all(f"`{c}`" in text for c in codes)
    done_at = text.index("*Done*")
    assert late and all(text.index(f"`{c}`") < done_at for c in late)
    assert "*Still to do*" in message_text(messages[0])


@pytest.mark.parametrize(
    ("text", "seqs"),
    [
        ("log", lambda ledger: [e.seq for e in ledger.log]),
        ("rfc show RFC-781", lambda ledger: [e.seq for e in ledger.log if e.rfc == "RFC-781"]),
    ],
)
def test_a_long_list_of_events_shows_every_one_across_its_pages(ldm, text, seqs):
    expected = seqs(ldm.ledger)

    messages = _asked(ldm, text)

    shown = [int(n) for n in re.findall(r"`#(\d+)`", _shown(messages))]
    assert sorted(shown) == sorted(expected) and len(messages) > 2


def test_the_diff_between_the_revisions_names_every_change(ldm):
    changes = ldm.ledger.view(parse_as_of("v1.1")), ldm.ledger.view(parse_as_of("RFC-781"))
    from ledger.diff import diff

    result = diff(*changes)
    named = {
        *result.added,
        *result.withdrawn,
        *(c.code for c in result.retitled),
        *(m.code for m in result.moved),
        *(c.code for c in result.completed),
    }

    text = _shown(_asked(ldm, "diff v1.1 RFC-781"))

    assert all(f"`{c}`" in text for c in named)


def test_the_imports_were_announced_in_few_messages_at_slacks_pace(ldm):
    calls = ldm.slack.post_calls()
    taken = [c for c in calls if c.status == 200]

    gaps = [b.at - a.at for a, b in itertools.pairwise(calls)]

    print(f"\nannouncing two imports: {len(taken)} posts, gaps {[round(g, 2) for g in gaps]} s")
    assert [c.status for c in calls] == [200] * len(calls)  # Slack never had to say 429
    assert 1 <= len(taken) <= 4
    assert all(gap >= 0.95 for gap in gaps)
    _within_limits([c.params for c in taken])
    assert f"imported LDM-564 {REVISION_2018}" in message_text(taken[0].params)
    assert f"imported LDM-564 {REVISION_2022}" in message_text(taken[-1].params)


def test_writes_and_their_announcements_keep_to_the_limits(ldm):
    state = ldm.ledger.state()
    open_codes = sorted(
        m.code for m in state.milestones.values() if m.completed is None and not m.withdrawn
    )
    reason = "<!channel> & " + "x" * 287  # arrives as "@channel & xx…"

    answers = [
        ldm.sender.command(f"complete {open_codes[0]}"),
        ldm.sender.command(f'move {open_codes[1]} 2031-01-31 --reason "{reason}"'),
        ldm.sender.command(f'retitle {open_codes[2]} "{reason}xxxxx"'),  # refused
    ]

    for answer in answers:
        assert answer.status == 200
        _within_limits([answer.json])
    assert ["Recorded" in a.text for a in answers] == [True, True, False]
    last = _wait_announced(ldm)
    posts = [p for p in ldm.slack.posts() if re.search(rf"#{last}\b", str(p))]
    _within_limits(posts)
    assert "@channel &amp; xxx" in str(posts[-1]) and "<!channel>" not in str(posts[-1])


def test_an_approval_of_many_changes_asks_lists_them_all_and_announces_what_took_effect(ldm):
    ldm.sender.command('rfc open RFC-9000 "Move everything still open"')
    state = ldm.ledger.state()
    moving = sorted(
        m.code for m in state.milestones.values() if m.completed is None and not m.withdrawn
    )
    for month in range(1, 13):  # the few open milestones, each proposed a date a month
        for code in moving:
            record(
                rq.MoveMilestone(code=code, to=f"2032-{month:02d}-15", rfc="RFC-9000"),
                ledger=ldm.ledger,
                signer=ldm.admin,
            )
    proposals = [e.seq for e in ldm.events() if e.rfc == "RFC-9000"]
    assert len(proposals) >= 62

    prompt = _asked(ldm, "rfc approve RFC-9000")

    _within_limits(prompt)
    assert len(prompt) > 1 and "milestone_rfc_approve" in buttons(prompt[0])
    shown = [int(n) for n in re.findall(r"`#(\d+)`", _shown(prompt))]
    assert sorted(shown) == proposals
    click = ldm.sender.click(buttons(prompt[0])["milestone_rfc_approve"])
    ldm.slack.wait_for(lambda s: s.responses(click.response_name), what="approved")
    approval = ldm.events()[-1]
    assert approval.type == "rfc.approved"
    _wait_announced(ldm)
    post = next(p for p in ldm.slack.posts() if "approved RFC-9000" in message_text(p))
    _within_limits([post])
    assert f"{len(proposals)} change(s) took effect" in message_text(post)
    button = next(b for b in buttons(post).values() if "RFC-9000" in b["text"]["text"])
    everything = _pages(ldm, {"blocks": [{"type": "actions", "elements": [button]}]})
    _within_limits(everything)
    listed = [int(n) for n in re.findall(r"`#(\d+)`", _shown(everything[1:]))]
    assert sorted(listed) == proposals


def test_the_fixture_reads_the_shared_revisions_from_outside_the_repository():
    assert not (Path(__file__).resolve().parents[1] / REVISION_2022).exists()
