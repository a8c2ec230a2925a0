"""Commands only a terminal has: creating a ledger and keys on disk, files in and out,
the demo, and serving the Slack bot. `cli.app` registers them beside the grammar's.

Those that ask the ledger something still build a request and go through
`cli.session.answer`; the others work on files and processes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.session import answer, default_key_path, fail, settings_of
from ledger.errors import LedgerError

#: The web view's app factory, named for `python -m bot --mount` (the CLI never imports it).
WEB_APP = "web.__main__:app_from_environ"


def init(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="the ledger's name, e.g. LDM-564")] = "release plan",
    actor: Annotated[
        str | None, typer.Option(help="your actor name (default: your login name)")
    ] = None,
    baseline_control: Annotated[
        bool,
        typer.Option(
            "--baseline-control/--no-baseline-control",
            help="whether define, retitle, link, withdraw and rename need an RFC",
        ),
    ] = True,
) -> None:
    """Create the ledger and your admin key (the key is reused if it exists)."""
    import getpass

    from ledger.ledger import Ledger
    from ledger.signing import load_or_create_key

    settings = settings_of(ctx)
    who = actor or getpass.getuser()
    try:
        signer, created = load_or_create_key(settings.key_path)
        made = ""
        if created:
            made = f"created key {signer.key_id} at {settings.key_path} (keep it private)\n"
        ledger = Ledger.create(
            settings.db_url, name=name, signer=signer, actor=who, baseline_control=baseline_control
        )
    except LedgerError as error:
        raise fail(error) from None
    typer.echo(
        f"{made}created ledger {name!r} at {ledger.store.where}\n"
        f"you are {who}: admin, editor and approver\n"
        f"ledger id {ledger.ledger_id}\n"
        "(write the ledger id down: `milestone verify --ledger-id ID` checks a copy against it)"
    )


def key_new(
    name: Annotated[
        str, typer.Argument(help="the actor the key is for, e.g. your login name", metavar="NAME")
    ],
    out: Annotated[
        Path | None, typer.Option(help="where to write the private key", metavar="FILE")
    ] = None,
) -> None:
    """Create a new signing key on this machine; send its .pub file to an admin."""
    import shlex

    from ledger.checks import check_actor
    from ledger.signing import generate_key_file, key_file_name, public_key_path

    try:
        actor = check_actor(name)
        path = out or default_key_path().with_name(key_file_name(actor))
        signer = generate_key_file(path)
    except LedgerError as error:
        raise fail(error) from None
    public = public_key_path(path)
    quoted = shlex.quote(str(path))
    typer.echo(
        f"created key {signer.key_id}\n  private: {path} (mode 0600; never share it)\n"
        f"  public:  {public}\n"
        "Send the public file to an admin, who registers it with:\n"
        f"  milestone key add {shlex.quote(actor)} {shlex.quote(str(public))}\n"
        f"Then sign with it: --key {quoted} or MILESTONE_KEY={quoted}"
    )


def key_add(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="the actor the key signs for")],
    public_key_file: Annotated[Path, typer.Argument(help="the .pub file (PEM)")],
    delegate_for: Annotated[
        str | None,
        typer.Option(help="also sign for actors starting with this prefix, e.g. slack:"),
    ] = None,
) -> None:
    """Register a public key for an actor (admin)."""
    from ledger.requests import AddKey
    from ledger.signing import load_public_key_file

    answer(
        ctx,
        lambda: AddKey(
            actor=actor,
            public_key=load_public_key_file(public_key_file),
            delegate_for=delegate_for,
        ),
    )


def key_list(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="print JSON for scripts")] = False,
) -> None:
    """List the keys registered in the ledger."""
    from ledger.requests import ListKeys

    answer(ctx, ListKeys, as_json=json_)


def demo(
    ctx: typer.Context,
    keep: Annotated[
        Path | None, typer.Option(help="build the demo ledger in this folder and keep it")
    ] = None,
) -> None:
    """Build a small sample plan in a temporary ledger and show what the tool does."""
    import tempfile

    from cli import render
    from ledger import grammar
    from ledger.demo import build_demo
    from ledger.handle import Context, handle

    steps = (
        ("plan", ""),
        ("history DM-AP-2", ""),
        ("plan --as-of v1.0", "   (before RFC-101 moved DM-AP-2)"),
        ("diff v1.0 now", ""),
        ("verify", ""),
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = keep or Path(scratch)
        try:
            ledger, signer = build_demo(directory=folder)
        except LedgerError as error:
            raise fail(error) from None
        context = Context(lambda: ledger, lambda: signer)
        for words, note in steps:
            result = handle(grammar.parse(words.split()), context=context)
            shown = render.text(result, settings_of(ctx).screen)
            typer.echo(f"$ milestone {words}{note}\n{shown}\n")
        if keep:
            typer.echo(
                f"The demo ledger is kept at {ledger.store.url}; try `milestone --db "
                f"{folder / 'demo.db'} --key {folder / 'demo-key.pem'} history DM-SQRE-1`."
            )
        else:
            typer.echo("Start your own with `milestone init`.")
        ledger.close()


def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="HTTP port")] = 3000,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    socket: Annotated[
        bool, typer.Option("--socket", help="connect by Socket Mode (SLACK_APP_TOKEN), not HTTP")
    ] = False,
    announce: Annotated[
        bool,
        typer.Option(
            "--announce/--no-announce", help="post every change to MILESTONE_SLACK_CHANNEL"
        ),
    ] = True,
    announce_only: Annotated[
        bool, typer.Option("--announce-only", help="run only the announcer (no requests)")
    ] = False,
    web: Annotated[
        bool, typer.Option("--web/--no-web", help="serve the read-only web view at / too (HTTP)")
    ] = True,
) -> None:
    """Run the Slack bot: requests at http://HOST:PORT/slack/events, or Socket Mode; in
    HTTP mode the read-only web view is served at http://HOST:PORT/ beside it.

    Configured by SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (HTTP), SLACK_APP_TOKEN
    (Socket Mode), MILESTONE_BOT_KEY, MILESTONE_SLACK_CHANNEL and
    MILESTONE_SLACK_API_URL; see docs/slack.md. The web view's access control is
    MILESTONE_WEB_TOKEN or MILESTONE_WEB_TRUST_HEADER (see the README).
    """
    # The bot is the other front end and the CLI never imports it: this process
    # becomes `python -m bot`, which reads its settings and serves. The database URL
    # goes in the environment, not on a command line anyone can list with `ps`.
    argv = [sys.executable, "-m", "bot", "--host", host, "--port", str(port)]
    argv += ["--socket"] if socket else []
    argv += [] if announce else ["--no-announce"]
    argv += ["--announce-only"] if announce_only else []
    argv += ["--mount", WEB_APP] if web and not socket else []
    sys.stdout.flush()
    os.execve(sys.executable, argv, {**os.environ, "MILESTONE_DB_URL": settings_of(ctx).db_url})


def web(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="HTTP port")] = 8000,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
) -> None:
    """Serve the read-only web view alone at http://HOST:PORT/: the plan with an as-of
    picker, milestones, RFCs, diffs, the log, verification, downloads, and /api/.

    Anyone who can reach the port may read unless MILESTONE_WEB_TOKEN (a secret sent
    as a bearer token, or given once in a link as ?token=... and then kept in a cookie)
    or MILESTONE_WEB_TRUST_HEADER (the header an authenticating proxy sets) is
    configured; see the README.
    """
    # Like `serve`: the web view is another front end, run as its own module.
    argv = [sys.executable, "-m", "web", "--host", host, "--port", str(port)]
    sys.stdout.flush()
    os.execve(sys.executable, argv, {**os.environ, "MILESTONE_DB_URL": settings_of(ctx).db_url})
