"""invite replies: members' answers per session, and what a session needs to match them

Adds ``invite_replies`` (one answer per member per session UID) and, on ``invite_sessions``, the
organizer a session was sent by, its hand-over generation, the SEQUENCE from which answers count and
when the facilitator's digest went out. Rows sent before this revision keep their UID and get no
organizer (read as the group's organizer; see mentorledger.invites.store).

Revision ID: 0006_invite_replies
Revises: 0003_source_cursor
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_invite_replies"
down_revision = "0003_source_cursor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invite_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organizer", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("generation", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("reply_floor", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("digest_sent_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "invite_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=128), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("uid", sa.String(length=320), nullable=False),
        sa.Column("attendee", sa.String(length=320), nullable=False),
        sa.Column("partstat", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("dtstamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid", "attendee", name="uq_invite_replies_uid_attendee"),
    )
    with op.batch_alter_table("invite_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invite_replies_group_id"), ["group_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invite_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invite_replies_group_id"))
    op.drop_table("invite_replies")
    with op.batch_alter_table("invite_sessions", schema=None) as batch_op:
        batch_op.drop_column("digest_sent_at")
        batch_op.drop_column("reply_floor")
        batch_op.drop_column("generation")
        batch_op.drop_column("organizer")
