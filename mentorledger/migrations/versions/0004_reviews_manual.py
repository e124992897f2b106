"""mentor reviews and manual entries (counting rules v2, items 8 and 9), and web sign-in

Revision ID: 0004_reviews_manual
Revises: 0006_invite_replies
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_reviews_manual"
down_revision = "0006_invite_replies"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "manual_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=320), nullable=False),
        _when("start_utc"),
        _when("end_utc"),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("mentee", sa.String(length=320), nullable=True),
        sa.Column("group_id", sa.String(length=128), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        _when("created_at"),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_manual_entries_owner_start", "manual_entries", ["owner", "start_utc"], unique=False)

    op.create_table(
        "review_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=320), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        _when("at"),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=True),
        sa.Column("manual_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_audit_batch", "review_audit", ["batch"], unique=False)
    op.create_index("ix_review_audit_event_key", "review_audit", ["event_key"], unique=False)
    op.create_index("ix_review_audit_owner", "review_audit", ["owner"], unique=False)

    op.create_table(
        "web_login_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("next_path", sa.String(length=1024), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "web_login_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        _when("at"),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_web_login_requests_client_at", "web_login_requests", ["client_hash", "at"], unique=False
    )
    op.create_index(
        "ix_web_login_requests_email_at", "web_login_requests", ["email_hash", "at"], unique=False
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_web_sessions_email", "web_sessions", ["email"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_web_sessions_email", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_index("ix_web_login_requests_email_at", table_name="web_login_requests")
    op.drop_index("ix_web_login_requests_client_at", table_name="web_login_requests")
    op.drop_table("web_login_requests")
    op.drop_table("web_login_links")
    op.drop_index("ix_review_audit_owner", table_name="review_audit")
    op.drop_index("ix_review_audit_event_key", table_name="review_audit")
    op.drop_index("ix_review_audit_batch", table_name="review_audit")
    op.drop_table("review_audit")
    op.drop_index("ix_manual_entries_owner_start", table_name="manual_entries")
    op.drop_table("manual_entries")
