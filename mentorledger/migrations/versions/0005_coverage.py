"""calendar coverage: the spans each calendar's successful syncs covered, the last full sync's window,
and since when a calendar has been failing

Revision ID: 0005_coverage
Revises: 0004_reviews_manual
Create Date: 2026-12-01

Ledgers from before this revision know when each calendar last synced, not which window it read. The
upgrade therefore takes each calendar to have covered the span from its earliest stored entry to its
last successful sync; the next sync of the calendar is a full one (the ledger reports no usable
state for a calendar whose window is unknown) and records the real window.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_coverage"
down_revision = "0004_reviews_manual"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendars", schema=None) as batch_op:
        batch_op.add_column(sa.Column("synced_window_start", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("synced_window_end", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "calendar_coverage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["calendar_id"], ["calendars.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("calendar_coverage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_coverage_calendar_id"), ["calendar_id"], unique=False)

    op.execute(
        "INSERT INTO calendar_coverage (calendar_id, start_utc, end_utc, seen_at) "
        "SELECT c.id, MIN(e.start_utc), c.last_success_at, c.last_success_at FROM calendars c "
        "JOIN entries e ON e.calendar_id = c.id WHERE c.last_success_at IS NOT NULL "
        "GROUP BY c.id, c.last_success_at HAVING MIN(e.start_utc) < c.last_success_at"
    )
    op.execute(
        "UPDATE calendars SET failing_since = (SELECT MIN(r.finished_at) FROM calendar_runs r "
        "WHERE r.calendar_id = calendars.id AND r.outcome = 'failed' AND "
        "(calendars.last_success_at IS NULL OR r.finished_at > calendars.last_success_at)) "
        "WHERE consecutive_failures > 0"
    )


def downgrade() -> None:
    op.drop_index("ix_calendar_coverage_calendar_id", table_name="calendar_coverage")
    op.drop_table("calendar_coverage")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of `calendars` would drop the
    # old table, and with foreign keys on, SQLite would cascade that to every entry and run.
    for column in ("failing_since", "synced_window_end", "synced_window_start"):
        op.drop_column("calendars", column)
