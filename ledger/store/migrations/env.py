"""Alembic's entry point: run migrations on the connection the store hands over.

The store always passes an open connection (`config.attributes["connection"]`)
inside its own transaction and lock, so there is no offline mode and no URL here.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
