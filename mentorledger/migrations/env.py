"""Alembic environment: migrations run on the connection mentorledger hands over (see store/db.py)."""

from alembic import context

from mentorledger.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs alembic by hand without a connection
    raise RuntimeError("run migrations through mentorledger (the ledger migrates itself on first use)")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
