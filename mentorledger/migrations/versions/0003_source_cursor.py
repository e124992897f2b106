"""per-source state in one versioned cursor: the etag, last_modified, content_hash and sync_token
columns of calendars become one JSON value

Revision ID: 0003_source_cursor
Revises: 0002_invites
Create Date: 2026-12-01

Every value moves, nothing is dropped: the four columns become
``{"version": 1, "token": sync_token, "data": {"etag", "last_modified", "content_hash"}}`` (keys
with no value are left out), which is the cursor format (version 1) of the sources that wrote them,
so a ledger upgraded in place syncs "unchanged". Downgrading puts the values back.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_source_cursor"
down_revision = "0002_invites"
branch_labels = None
depends_on = None

_DATA_COLUMNS = ("etag", "last_modified", "content_hash")
_OLD = sa.table(
    "calendars",
    sa.column("id", sa.Integer()),
    sa.column("etag", sa.String()),
    sa.column("last_modified", sa.String()),
    sa.column("content_hash", sa.String()),
    sa.column("sync_token", sa.Text()),
    sa.column("cursor", sa.JSON()),
)


def _drop_columns(*names: str) -> None:
    """Drop columns in place. Never by batch mode's copy-and-recreate on SQLite: dropping the old
    ``calendars`` table with foreign keys on would cascade-delete every entry and its audit trail."""
    if op.get_bind().dialect.name == "sqlite":  # SQLite >= 3.35 drops plain columns natively
        for name in names:
            op.execute(f'ALTER TABLE calendars DROP COLUMN "{name}"')
        return
    for name in names:
        op.drop_column("calendars", name)


def upgrade() -> None:
    op.add_column("calendars", sa.Column("cursor", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_OLD.c.id, _OLD.c.sync_token, *(_OLD.c[name] for name in _DATA_COLUMNS))
    ).mappings()
    for row in list(rows):
        data = {name: row[name] for name in _DATA_COLUMNS if row[name] is not None}
        if row["sync_token"] is None and not data:
            continue
        cursor = {"version": 1, "token": row["sync_token"], "data": data}
        connection.execute(sa.update(_OLD).where(_OLD.c.id == row["id"]).values(cursor=cursor))
    _drop_columns(*_DATA_COLUMNS, "sync_token")


def downgrade() -> None:
    op.add_column("calendars", sa.Column("etag", sa.String(length=512), nullable=True))
    op.add_column("calendars", sa.Column("last_modified", sa.String(length=128), nullable=True))
    op.add_column("calendars", sa.Column("content_hash", sa.String(length=64), nullable=True))
    op.add_column("calendars", sa.Column("sync_token", sa.Text(), nullable=True))
    connection = op.get_bind()
    for row in list(connection.execute(sa.select(_OLD.c.id, _OLD.c.cursor)).mappings()):
        cursor = row["cursor"] if isinstance(row["cursor"], dict) else {}
        data = cursor["data"] if isinstance(cursor.get("data"), dict) else {}
        values = {name: _text(data.get(name)) for name in _DATA_COLUMNS}
        values["sync_token"] = _text(cursor.get("token"))
        connection.execute(sa.update(_OLD).where(_OLD.c.id == row["id"]).values(**values))
    _drop_columns("cursor")


def _text(value: object) -> str | None:
    """A value the old string columns can hold (newer sources keep other shapes: those are dropped)."""
    return value if isinstance(value, str) else None
