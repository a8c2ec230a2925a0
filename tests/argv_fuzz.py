"""Argument lists for `milestone`, generated from its real command table.

`command_table` walks the Click commands Typer built (the grammar's and the
terminal's own), so a command added tomorrow is fuzzed tomorrow. `argv_lists`
draws from it: the right words with good, near-miss and hostile values,
misspelled command words, unknown options, options before and after the
command, and hostile databases, keys and environments. It is seeded, so a
failure names an argument list that fails again.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import typer

from ledger.demo import build_demo

#: Commands that leave the process (`serve` becomes the bot, `web` the web view): only
#: their refusals are run.
NEVER_RUN = {("serve",), ("web",)}
#: Commands that take a second or more: run now and then, not a thousand times.
SLOW = {("demo",)}


@dataclass(frozen=True)
class Param:
    """One parameter of a command as Click sees it."""

    name: str
    option: str | None  # None: a positional argument
    flag: bool = False
    choices: tuple[str, ...] = ()
    secondary: str | None = None  # `--no-x` of a `--x/--no-x` flag


@dataclass(frozen=True)
class Command:
    """A command's words and its parameters."""

    path: tuple[str, ...]
    params: tuple[Param, ...] = field(default=())


def command_table(app: typer.Typer) -> list[Command]:
    """Every command the app offers, with its parameters, by walking its Click tree."""
    root = typer.main.get_command(app)
    found: list[Command] = []

    # Typer carries its own Click: groups are the commands that hold commands.
    def walk(group: Any, path: tuple[str, ...]) -> None:
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                walk(command, (*path, name))
                continue
            params = []
            for p in command.params:
                if p.name == "help" or p.name is None:
                    continue
                described = getattr(p, "type_descriptor", None)
                choices = (
                    tuple(described.choices or ()) if described and described.is_choice else ()
                )
                if p.param_type_name == "argument":
                    params.append(Param(p.name, None, choices=choices))
                else:
                    long = max(p.opts, key=len)
                    second = p.secondary_opts[0] if p.secondary_opts else None
                    params.append(Param(p.name, long, p.is_flag, choices, second))
            found.append(Command((*path, name), tuple(params)))

    walk(root, ())
    return found


@dataclass
class World:
    """What the values point at: a small real ledger and files beside it."""

    folder: Path
    db: str
    key: Path
    codes: tuple[str, ...]
    rfcs: tuple[str, ...]
    versions: tuple[str, ...]
    files: dict[str, Path]

    def pools(self) -> dict[str, list[str]]:
        """Values by the kind of parameter they suit."""
        codes = list(self.codes)
        near = [c.lower() for c in codes] + [c.replace("-", "") for c in codes[:3]]
        near += [c[:-1] + "9" for c in codes[:3]] + ["DM-AP-999", "NOPE"]
        dates = ["2020-06-01", "2030-01-31", "2020-02-30", "2020-13-01", "2023-1-1", "tomorrow"]
        dates += ["0001-01-01", "9999-12-31", "20200601", "2020-06-01T12:00Z"]
        instants = ["2020-06-01T12:00Z", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"]
        instants += ["2020-06-01T25:00", "1.5", "781", "v1.0", "v9.9", "#1", "#0", "#-1", "now"]
        instants += ["#" + "9" * 30, "RFC-" + "9" * 30, "rfc-100", "1", "10000-01-01", "-1"]
        instants += ["2020-06-01T12:00:00.123456789Z", "2020-W01", "+2020-01-01", "٣", "#١٢"]
        instants += [
            "2020-06-01T12:00+25:00",
            "v",
            "v1..2",
            "RFC-",
            "#",
            "9999-12-31T23:59:59.999999",
        ]
        rfcs = [*self.rfcs, "rfc-100", "RFC-0", "RFC-404", "781", "RFC-" + "9" * 20, "RFC-x"]
        numbers = ["0", "1", "5", "-1", "x", "1e3", " 7", str(2**70), "3.5", ""]
        files = [str(p) for p in self.files.values()]
        return {
            "code": codes + near,
            "date": dates + codes[:2],
            "as_of": instants + dates[:4] + [*self.rfcs[:1], *self.versions[:1]],
            "rfc": rfcs,
            "number": numbers,
            "version": [*self.versions, "v1.1", "x", "1.5.6.7.8", ""],
            "role": ["editor", "approver", "admin", "EDITOR", "boss", ""],
            "actor": ["alice", "bob", "slack:T1/U1", "a b", "", "x" * 300],
            "key_id": ["0" * 16, "deadbeef", "", "zz" * 8],
            "file": files,
            "out": [*files, str(self.folder / "out" / "x.jsonl"), str(self.folder / "new.jsonl")],
            "format": ["table", "json", "csv", "md", "tex", "pdf", ""],
            "type": ["milestone.", "milestone.completed", "bogus", "rfc.", ""],
        }


HOSTILE = [
    "",
    " ",
    "-",
    "--",
    "\x00",
    "tab\there",
    "line\nbreak",
    "\x1b[31mred",
    "x" * 5000,
    "<!channel>",
    "é" * 70,
    "🎉",
    "%s%n",
    "'; DROP TABLE events; --",
    "../../etc/passwd",
    "-5",
]

BAD_URLS = [
    "postgres://u@127.0.0.1/db",
    "mysql://u@127.0.0.1/db",
    "notaurl://",
    "postgresql+psycopg2://u@127.0.0.1/db",
    "postgresql+psycopg://u@127.0.0.1:1/db",
    "sqlite://",
    "sqlite:////no/such/folder/x.db",
    "sqlite:///",
    "://",
    "postgresql+psycopg://u@[::1/db",
    "http://example.com/x.db",
    ".",
    "",
]

#: Where the parameter's name says which pool its values come from.
POOL_OF = {
    "code": "code",
    "new_code": "code",
    "release": "code",
    "releases": "code",
    "due": "date",
    "to": "date",
    "on": "date",
    "date": "date",
    "as_of": "as_of",
    "known_at": "as_of",
    "before": "as_of",
    "after": "as_of",
    "rfc": "rfc",
    "version": "version",
    "role": "role",
    "actor": "actor",
    "delegate_for": "actor",
    "key_id": "key_id",
    "file": "file",
    "public_key_file": "file",
    "out": "out",
    "keep": "out",
    "format": "format",
    "event_type": "type",
    "since": "number",
    "limit": "number",
    "days": "number",
    "level": "number",
    "expect_length": "number",
    "port": "number",
    "seq": "number",
    "checkpoint": "file",
    "from_": "file",
    "proof": "file",
    "key": "file",
    "witness": "actor",
    "name": "actor",
}


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 2:
        return word + "x"
    i = rng.randrange(len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def argv_lists(
    table: list[Command], world: World, *, count: int, seed: int = 10
) -> Iterator[tuple[list[str], dict[str, str]]]:
    """`count` argument lists, each with the environment to run it in."""
    rng = random.Random(seed)
    pools = world.pools()
    runnable = [c for c in table if c.path not in NEVER_RUN]

    def value(param: Param) -> str:
        roll = rng.random()
        if param.choices and roll < 0.6:
            return rng.choice(param.choices)
        if roll < 0.8:
            pool = pools.get(POOL_OF.get(param.name, ""), pools["code"])
            return rng.choice(pool)
        if roll < 0.9:
            return rng.choice(HOSTILE)
        return rng.choice(pools[rng.choice(list(pools))])

    for _ in range(count):
        command = rng.choice(table)
        if command.path in SLOW and rng.random() < 0.9:
            command = rng.choice(runnable)
        words = list(command.path)
        if rng.random() < 0.05:
            words[-1] = _typo(words[-1], rng)
        args: list[str] = []
        for param in command.params:
            if param.option is None:
                if rng.random() < 0.93:
                    args.append(value(param))
                continue
            if rng.random() < 0.5:
                continue
            if param.flag:
                args.append(
                    param.secondary if param.secondary and rng.random() < 0.5 else param.option
                )
            else:
                args += [param.option, value(param)]
                if rng.random() < 0.05:
                    args += [param.option, value(param)]
        if rng.random() < 0.06:
            args.insert(
                rng.randrange(len(args) + 1), rng.choice(["--bogus", "-x", "--json=1", "extra"])
            )
        if rng.random() < 0.05:
            rng.shuffle(args)
        db = (
            world.db
            if rng.random() < 0.9
            else rng.choice([*BAD_URLS, *pools["file"], *pools["out"]])
        )
        key = (
            str(world.key) if rng.random() < 0.93 else rng.choice([*pools["file"], "/no/such.pem"])
        )
        root = ["--db", db, "--key", key]
        if rng.random() < 0.1:
            root = root[:2] if rng.random() < 0.5 else root[2:]
        if command.path in NEVER_RUN:
            args = [rng.choice(["--help", "--port", "--bogus"])]
        argv = [*root, *words, *args] if rng.random() < 0.8 else [*words, *args, *root]
        if rng.random() < 0.02:
            argv.append("--help")
        env: dict[str, str] = {}
        if rng.random() < 0.05:
            env["MILESTONE_DB_URL"] = rng.choice(BAD_URLS)
            argv = [a for a in argv if a not in ("--db", db)]
        if rng.random() < 0.03:
            env["MILESTONE_KEY"] = rng.choice([*pools["file"], "", "/no/such.pem", "\x01"])
            argv = [a for a in argv if a not in ("--key", key)]
        if rng.random() < 0.05:
            env["COLUMNS"] = rng.choice(["0", "5", "-3", "abc", "400", "80"])
        if rng.random() < 0.05:
            env["NO_COLOR"] = "1"
        yield argv, env


def demo_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """The demo ledger in `tmp_path` (the working folder, with HOME and no MILESTONE_
    settings), its key, and files to name: empty, binary, deeply nested, missing."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("MILESTONE_DB_URL", "MILESTONE_KEY", "NO_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    ledger, _ = build_demo(directory=tmp_path)
    ledger.close()
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "nested.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    files = {
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "binary.bin",
        "nested": tmp_path / "nested.jsonl",
        "folder": Path("."),
        "missing": tmp_path / "missing" / "x.txt",
        "key": tmp_path / "demo-key.pem",
        "public key": tmp_path / "demo-key.pub",
        "database": tmp_path / "demo.db",
    }
    return World(
        folder=tmp_path,
        db=f"sqlite:///{tmp_path / 'demo.db'}",
        key=tmp_path / "demo-key.pem",
        codes=("LDM-503-01", "LDM-503-02", "DM-DAX-1", "DM-SQRE-1", "DM-AP-1", "DM-AP-2"),
        rfcs=("RFC-100", "RFC-101"),
        versions=("v1.0", "v1.1"),
        files=files,
    )
