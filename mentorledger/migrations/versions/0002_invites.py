"""peer-group invites: sessions as last sent, and every delivery attempt

Revision ID: 0002_invites
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_invites"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invite_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=128), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("uid", sa.String(length=320), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("first_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
        sa.UniqueConstraint("group_id", "token", name="uq_invite_sessions_group_token"),
    )
    with op.batch_alter_table("invite_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invite_sessions_group_id"), ["group_id"], unique=False)

    op.create_table(
        "invite_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=128), nullable=False),
        sa.Column("uid", sa.String(length=320), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("invite_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invite_deliveries_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invite_deliveries_uid"), ["uid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invite_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invite_deliveries_uid"))
        batch_op.drop_index(batch_op.f("ix_invite_deliveries_group_id"))
    op.drop_table("invite_deliveries")
    with op.batch_alter_table("invite_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invite_sessions_group_id"))
    op.drop_table("invite_sessions")
