"""A workflow's live progress in a small row of its own, so an event does not rewrite the record.

Revision ID: 0003_progress
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_progress"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workflow_progress",
        sa.Column("workflow_id", sa.String(36), nullable=False),
        sa.Column("data", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name="fk_workflow_progress_workflow_id_workflows",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workflow_id", name="pk_workflow_progress"),
    )


def downgrade() -> None:
    op.drop_table("workflow_progress")
