"""The `milestone` command line: parse, make one library call, print.

The shared commands (reads and writes) are built from `ledger.grammar`, the
same table the Slack bot parses; the commands that only make sense at a
terminal (init, keys on disk, export and import, demo, serve) are defined here.
"""

from __future__ import annotations

import getpass
import inspect
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import platformdirs
import typer

from cli import render
from ledger import grammar
from ledger.asof import parse_as_of
from ledger.errors import LedgerError, NotInitialised
from ledger.ledger import Ledger
from ledger.queries import plan as plan_query
from ledger.render import to_csv, to_latex, to_markdown
from ledger.signing import Signer, generate_key_file, load_key_file, load_public_key_file
from ledger.state import Recorded
from ledger.transfer import export_log, import_log, read_export
from ledger.verify import Report, verify_rows

if TYPE_CHECKING:
    from ledger.store import Store

DEFAULT_DB = "sqlite:///milestones.db"

app = typer.Typer(
    name="milestone",
    help="Keep a project's release plan honest: a signed, hash-chained, append-only ledger "
    "of milestones, dates and RFCs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
rfc_app = typer.Typer(help="Open, approve, reject and inspect RFCs.", no_args_is_help=True)
key_app = typer.Typer(help="Create, register and revoke signing keys.", no_args_is_help=True)
app.add_typer(rfc_app, name="rfc")
app.add_typer(key_app, name="key")


@dataclass
class Settings:
    """Where the ledger and the key are, as decided by options and environment."""

    db_url: str
    key_path: Path

    def open_ledger(self) -> Ledger:
        """Open the ledger, with a hint for a newcomer when there is none."""
        return Ledger.open(self.db_url)

    def open_store(self) -> Store:
        """Open the database alone, for `verify`: it must read a log too damaged to load."""
        from ledger.store import Store

        return Store.open(self.db_url)

    def load_signer(self) -> Signer:
        """Load the key that signs this user's commands."""
        return load_key_file(self.key_path)


def default_key_path() -> Path:
    """The key file used when neither --key nor MILESTONE_KEY says otherwise."""
    return Path(platformdirs.user_config_dir("milestone-ledger")) / "key.pem"


def _db_url(value: str) -> str:
    # A bare path is friendlier on the command line than a SQLAlchemy URL.
    return value if "://" in value else f"sqlite:///{value}"


@app.callback()
def main_callback(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(help="database: a path, or a SQLAlchemy URL (env MILESTONE_DB_URL)"),
    ] = None,
    key: Annotated[
        Path | None, typer.Option(help="your private key file (env MILESTONE_KEY)")
    ] = None,
) -> None:
    """Build the settings every command uses (the only place that reads the environment)."""
    url = db or os.environ.get("MILESTONE_DB_URL") or DEFAULT_DB
    key_path = key or (
        Path(os.environ["MILESTONE_KEY"]) if os.environ.get("MILESTONE_KEY") else default_key_path()
    )
    ctx.obj = Settings(db_url=_db_url(url), key_path=key_path.expanduser())


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def fail(error: LedgerError) -> typer.Exit:
    """Print a library error for a person and return the exit to raise."""
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(error.exit_code)


def _warn_if_broken(ledger: Ledger) -> None:
    if ledger.broken is not None:
        seq, reason = ledger.broken
        typer.echo(
            f"warning: the chain is broken at event #{seq} ({reason}); "
            "run `milestone verify`. Writes are refused until it is repaired.",
            err=True,
        )


# --- commands built from the shared grammar -----------------------------------------------------


class PlanFormat(StrEnum):
    """Output formats of `milestone plan`."""

    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    tex = "tex"


def _annotation(param: grammar.Param) -> Any:
    if param.kind == "arg":
        return Annotated[param.type, typer.Argument(help=param.help, show_default=False)]
    option = "--in" if param.name == "in_" else param.option
    if param.kind == "flag":
        return Annotated[bool, typer.Option(option, help=param.help)]
    if param.many:
        return Annotated[list[str] | None, typer.Option(option, help=param.help)]
    kind = param.type if param.is_required else (param.type | None)
    return Annotated[kind, typer.Option(option, help=param.help, show_default=False)]


def _default(param: grammar.Param) -> Any:
    if param.kind == "arg" or param.is_required:
        return inspect.Parameter.empty
    return param.default


def _build(command: grammar.Command) -> Callable[..., None]:
    def run(ctx: typer.Context, **values: Any) -> None:
        output = values.pop("json", False)
        fmt = values.pop("format", None)
        settings = _settings(ctx)
        context = grammar.Context(
            settings.open_ledger, settings.load_signer, open_store=settings.open_store
        )
        values = {k: v for k, v in values.items() if v is not None}
        try:
            result = grammar.run(command, context, values)
        except LedgerError as error:
            raise fail(error) from None
        if context.opened is not None:
            _warn_if_broken(context.opened)
        _print(command, context, result, output=bool(output), fmt=fmt)
        if isinstance(result, Report) and not result.ok:
            raise typer.Exit(8)

    parameters = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    ]
    for param in command.params:
        parameters.append(
            inspect.Parameter(
                param.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=_default(param),
                annotation=_annotation(param),
            )
        )
    if command.name == "plan":
        parameters.append(
            inspect.Parameter(
                "format",
                inspect.Parameter.KEYWORD_ONLY,
                default=PlanFormat.table,
                annotation=Annotated[PlanFormat, typer.Option(help="output format")],
            )
        )
    if not command.writes:
        parameters.append(
            inspect.Parameter(
                "json",
                inspect.Parameter.KEYWORD_ONLY,
                default=False,
                annotation=Annotated[bool, typer.Option("--json", help="print JSON for scripts")],
            )
        )
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    run.__doc__ = command.help + "".join(
        f"\n\nExample: milestone {example}" for example in command.examples
    )
    run.__name__ = command.path[-1]
    return run


def _print(
    command: grammar.Command, context: grammar.Context, result: Any, *, output: bool, fmt: Any
) -> None:
    if command.writes:
        events: list[Recorded] = result
        states = {r: v.state for r, v in context.ledger.state().rfcs.items()}
        typer.echo(render.recorded_text(events, states))
        return
    if command.name == "plan" and fmt not in (None, PlanFormat.table):
        text = {
            PlanFormat.json: lambda: render.as_json(result),
            PlanFormat.csv: lambda: to_csv(result),
            PlanFormat.md: lambda: to_markdown(result),
            PlanFormat.tex: lambda: to_latex(result),
        }[fmt]()
        typer.echo(text, nl=not text.endswith("\n"))
        return
    typer.echo(render.as_json(result) if output else render.TEXT[command.name](result))


for _command in grammar.COMMANDS:
    _target = (
        {"rfc": rfc_app, "key": key_app}.get(_command.path[0]) if len(_command.path) > 1 else app
    )
    assert _target is not None
    _target.command(_command.path[-1], help=_command.help)(_build(_command))


# --- terminal-only commands ---------------------------------------------------------------------


@app.command()
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
    settings = _settings(ctx)
    who = actor or getpass.getuser()
    try:
        if settings.key_path.exists():
            signer = load_key_file(settings.key_path)
            made = ""
        else:
            signer = generate_key_file(settings.key_path)
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


@key_app.command("new")
def key_new(
    name: Annotated[str, typer.Argument(help="a name for the key file, e.g. your login name")],
    out: Annotated[Path | None, typer.Option(help="where to write the private key")] = None,
) -> None:
    """Create a new signing key on this machine; send its .pub file to an admin."""
    path = out or default_key_path().with_name(f"{name}.pem")
    try:
        signer = generate_key_file(path)
    except LedgerError as error:
        raise fail(error) from None
    typer.echo(
        f"created key {signer.key_id}\n  private: {path} (mode 0600; never share it)\n"
        f"  public:  {path.with_suffix('.pub')}\n"
        f"Ask an admin to run: milestone key add {name} {path.with_suffix('.pub').name}\n"
        f"Then use it with --key {path} or MILESTONE_KEY={path}"
    )


@key_app.command("add")
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
    from ledger.commands import add_key

    settings = _settings(ctx)
    try:
        ledger = settings.open_ledger()
        events = add_key(
            ledger=ledger,
            signer=settings.load_signer(),
            actor_name=actor,
            public_raw=load_public_key_file(public_key_file),
            delegate_for=delegate_for,
        )
    except LedgerError as error:
        raise fail(error) from None
    typer.echo(render.recorded_text(events, {}))


@key_app.command("list")
def key_list(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="print JSON for scripts")] = False,
) -> None:
    """List the keys registered in the ledger."""
    try:
        keys = _settings(ctx).open_ledger().state().keys
    except LedgerError as error:
        raise fail(error) from None
    if json_:
        typer.echo(render.as_json(list(keys.values())))
        return
    typer.echo(
        render.table(
            ("key", "actor", "delegate for", "registered", "revoked"),
            [
                [
                    k.key_id,
                    k.actor,
                    k.delegate_for or "",
                    f"#{k.registered_seq}",
                    f"#{k.revoked_seq}" if k.revoked_seq else "",
                ]
                for k in keys.values()
            ],
        )
    )


@app.command("export")
def export_command(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="the JSON Lines file to write")]
) -> None:
    """Write the signed log as JSON Lines, verifiable offline with `verify-file`."""
    try:
        count = export_log(store=_settings(ctx).open_ledger().store, path=file)
    except LedgerError as error:
        raise fail(error) from None
    typer.echo(f"exported {count} events to {file}")


@app.command("import")
def import_command(
    ctx: typer.Context, file: Annotated[Path, typer.Argument(help="a file written by export")]
) -> None:
    """Load an exported log into a new, empty database, after verifying all of it."""
    from ledger.store import Store

    settings = _settings(ctx)
    try:
        store = Store.open(settings.db_url, create=True)
        report = import_log(
            store=store, path=file, progress=lambda n: typer.echo(f"  {n} events…", err=True)
        )
    except LedgerError as error:
        raise fail(error) from None
    typer.echo(f"imported {report.checked} events; ledger id {report.ledger_id}")


@app.command("import-doc")
def import_doc(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="a plain-text rendering of an LDM-564 revision")],
    date: Annotated[
        str | None,
        typer.Option(help="effective date of the changes (default: its 'Latest Revision')"),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="print JSON for scripts")] = False,
) -> None:
    """Import an LDM-564 revision: append the events that make the plan equal to it (admin).

    Importing the same file again appends nothing.
    """
    from ledger.importer import import_revision_file

    settings = _settings(ctx)
    try:
        result = import_revision_file(
            ledger=settings.open_ledger(),
            signer=settings.load_signer(),
            path=file,
            on=date,
            progress=lambda message: typer.echo(message, err=True),
        )
    except LedgerError as error:
        raise fail(error) from None
    typer.echo(render.as_json(result) if json_ else result.summary())


@app.command("verify-file")
def verify_file(
    file: Annotated[Path, typer.Argument(help="a file written by `milestone export`")],
    ledger_id: Annotated[str | None, typer.Option(help="the genesis hash it must have")] = None,
    expect_head: Annotated[str | None, typer.Option(help="a hash the chain must contain")] = None,
    expect_length: Annotated[int | None, typer.Option(help="the fewest events")] = None,
    json_: Annotated[bool, typer.Option("--json", help="print JSON for scripts")] = False,
) -> None:
    """Verify an exported log offline, without a database."""
    try:
        report = verify_rows(
            read_export(file),
            ledger_id=ledger_id,
            expect_head=expect_head,
            expect_length=expect_length,
        )
    except LedgerError as error:
        raise fail(error) from None
    typer.echo(render.as_json(report) if json_ else render.verify_text(report))
    if not report.ok:
        raise typer.Exit(8)


@app.command()
def demo(
    keep: Annotated[
        Path | None, typer.Option(help="build the demo ledger in this folder and keep it")
    ] = None,
) -> None:
    """Build a small sample plan in a temporary ledger and show what the tool does."""
    from ledger.demo import build_demo
    from ledger.queries import history, view_of
    from ledger.verify import verify_rows as verify

    with tempfile.TemporaryDirectory() as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        ledger, _signer = build_demo(directory=folder)
        url = ledger.store.url
        steps: list[tuple[str, str]] = [
            ("milestone plan", render.plan_text(plan_query(view_of(ledger)))),
            ("milestone history DM-AP-2", render.entries_text(history(ledger, "DM-AP-2"))),
            (
                "milestone plan --as-of v1.0   (before RFC-101 moved DM-AP-2)",
                render.plan_text(plan_query(view_of(ledger, parse_as_of("v1.0")))),
            ),
            (
                "milestone diff v1.0 now",
                render.diff_text(
                    __import__("ledger.diff", fromlist=["diff"]).diff(
                        view_of(ledger, parse_as_of("v1.0")), view_of(ledger)
                    )
                ),
            ),
            ("milestone verify", render.verify_text(verify(ledger.store.iter_all()))),
        ]
        for title, text in steps:
            typer.echo(f"$ {title}\n{text}\n")
        where = (
            (
                f"The demo ledger is kept at {url}; try `milestone --db {folder / 'demo.db'} "
                f"--key {folder / 'demo-key.pem'} history DM-SQRE-1`."
            )
            if keep
            else ("Start your own with `milestone init`.")
        )
        typer.echo(where)
        ledger.close()


@app.command()
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
) -> None:
    """Run the Slack bot: requests at http://HOST:PORT/slack/events, or Socket Mode.

    Configured by SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (HTTP), SLACK_APP_TOKEN
    (Socket Mode), MILESTONE_BOT_KEY, MILESTONE_SLACK_CHANNEL and
    MILESTONE_SLACK_API_URL; see docs/slack.md.
    """
    # The bot is the other front end and the CLI never imports it: this process
    # becomes `python -m bot`, which reads its settings and serves. The database URL
    # goes in the environment, not on a command line anyone can list with `ps`.
    argv = [sys.executable, "-m", "bot", "--host", host, "--port", str(port)]
    argv += ["--socket"] if socket else []
    argv += [] if announce else ["--no-announce"]
    argv += ["--announce-only"] if announce_only else []
    sys.stdout.flush()
    os.execve(sys.executable, argv, {**os.environ, "MILESTONE_DB_URL": _settings(ctx).db_url})


def main() -> None:
    """Entry point of the `milestone` console script."""
    try:
        app()
    except NotInitialised as error:  # pragma: no cover - surfaced through `fail` normally
        typer.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
