"""Accounts, cohorts and enrollments.

Revision ID: 0001
Revises:
Created: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What downgrade() drops, checked for data before it runs (see lms.migrate.declared_drops).
DROPS: dict[str, str | None] = {"users": None, "cohorts": None, "enrollments": None}


def upgrade() -> None:
    """Create users, cohorts and enrollments."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "learner",
                "instructor",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("ui_language", sa.String(length=8), nullable=False),
        sa.Column("content_language", sa.String(length=8), nullable=False),
        sa.Column("content_language_chosen", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("invite_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohorts")),
        sa.UniqueConstraint("invite_token", name=op.f("uq_cohorts_invite_token")),
    )
    op.create_table(
        "enrollments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_enrollments_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_enrollments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollments")),
        sa.UniqueConstraint("user_id", "cohort_id", name=op.f("uq_enrollments_user_id_cohort_id")),
    )
    with op.batch_alter_table("enrollments") as batch_op:
        batch_op.create_index(batch_op.f("ix_enrollments_cohort_id"), ["cohort_id"], unique=False)


def downgrade() -> None:
    """Drop users, cohorts and enrollments."""
    with op.batch_alter_table("enrollments") as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrollments_cohort_id"))
    op.drop_table("enrollments")
    op.drop_table("cohorts")
    op.drop_table("users")
