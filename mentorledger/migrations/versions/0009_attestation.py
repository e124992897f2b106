"""attestation, mailed links, mail preferences and deliveries, sync jobs (issue 11)

Adds ``attestations`` (a mentee's answer per session with their mentor, and the mentor's decision to
keep a denied one), ``mail_links`` (single-use e-mailed links, hashed), ``mail_preferences`` (who turned
which e-mail off), ``mail_deliveries`` (what each monthly mailing sent to whom: send-once) and
``sync_jobs`` (a "sync now" started from the web app). Nothing existing changes, so the downgrade drops
exactly these tables.

Revision ID: 0009_attestation
Revises: 0005_coverage
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_attestation"
down_revision = "0005_coverage"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "attestations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor", sa.String(length=320), nullable=False),
        sa.Column("mentee", sa.String(length=320), nullable=False),
        sa.Column("event_key", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("start_utc", _TIME, nullable=False),
        sa.Column("end_utc", _TIME, nullable=False),
        sa.Column("answered_at", _TIME, nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("kept_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mentor", "mentee", "event_key", name="uq_attestations_session"),
    )
    op.create_index("ix_attestations_mentor", "attestations", ["mentor"])
    op.create_index("ix_attestations_mentee", "attestations", ["mentee"])

    op.create_table(
        "mail_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("used_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_mail_links_email", "mail_links", ["email"])

    op.create_table(
        "mail_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email", "kind", name="uq_mail_preferences_email_kind"),
    )

    op.create_table(
        "mail_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", _TIME, nullable=False),
        sa.Column("sent_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "period", "recipient", name="uq_mail_deliveries_once"),
    )

    op.create_table(
        "sync_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=320), nullable=False),
        sa.Column("requested_at", _TIME, nullable=False),
        sa.Column("calendar_keys", sa.JSON(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("finished_at", _TIME, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_jobs_run_id", "sync_jobs", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_sync_jobs_run_id", table_name="sync_jobs")
    op.drop_table("sync_jobs")
    op.drop_table("mail_deliveries")
    op.drop_table("mail_preferences")
    op.drop_index("ix_mail_links_email", table_name="mail_links")
    op.drop_table("mail_links")
    op.drop_index("ix_attestations_mentee", table_name="attestations")
    op.drop_index("ix_attestations_mentor", table_name="attestations")
    op.drop_table("attestations")
