"""The shape of the house: imports run events <- ledger <- cli, bot, web; commands have help."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "events": {"ledger", "cli", "bot", "web", "sqlalchemy", "sqlmodel", "typer", "slack_bolt"},
    "ledger": {"cli", "bot", "web", "typer", "slack_bolt", "slack_sdk", "starlette", "jinja2"},
    "cli": {"bot", "web"},
    "bot": {"cli", "web"},
    "web": {"cli", "bot", "typer", "slack_bolt", "slack_sdk"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_imports_run_one_way():
    wrong = [
        (str(path.relative_to(ROOT)), sorted(_imports(path) & forbidden))
        for package, forbidden in FORBIDDEN.items()
        for path in (ROOT / package).rglob("*.py")
        if _imports(path) & forbidden
    ]

    assert wrong == []


def test_only_the_store_talks_sql():
    sql_users = sorted(
        str(path.relative_to(ROOT))
        for package in ("events", "ledger", "cli", "bot", "web")
        for path in (ROOT / package).rglob("*.py")
        if {"sqlalchemy", "sqlmodel", "psycopg", "sqlite3"} & _imports(path)
    )

    assert all(name.startswith(("ledger/store", "ledger/migrations")) for name in sql_users), (
        sql_users
    )


def test_every_public_library_function_has_a_docstring():
    missing = []
    for package in ("events", "ledger", "cli", "bot", "web"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if (
                    isinstance(node, ast.FunctionDef | ast.ClassDef)
                    and not node.name.startswith("_")
                    and ast.get_docstring(node) is None
                ):
                    missing.append(f"{path.relative_to(ROOT)}:{node.name}")

    assert missing == []
