"""The ledger database: SQLAlchemy 2 models, Alembic migrations, and the idempotent sync writes."""
