"""Workflows, their results, events and test cases.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _workflow_fk() -> sa.Column[str]:
    return sa.Column("workflow_id", sa.String(36), nullable=False)


def upgrade() -> None:
    op.create_table(
        "workflows",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("completed_at", sa.String(40), nullable=True),
        sa.Column("record", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_workflows"),
    )
    op.create_index("ix_workflows_status", "workflows", ["status"])
    op.create_table(
        "workflow_results",
        _workflow_fk(),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("finished_at", sa.String(40), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        *(sa.Column(name, JSON, nullable=True) for name in _STAGES),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name="fk_workflow_results_workflow_id_workflows",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workflow_id", name="pk_workflow_results"),
    )
    _create_test_cases()
    op.create_table(
        "workflow_events",
        _workflow_fk(),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name="fk_workflow_events_workflow_id_workflows",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workflow_id", "seq", name="pk_workflow_events"),
    )


_STAGES = ("observation", "requirements", "analysis", "evolution", "findings")


def _create_test_cases() -> None:
    op.create_table(
        "test_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _workflow_fk(),
        sa.Column("scenario_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("file", sa.String(300), nullable=False),
        sa.Column("framework", sa.String(40), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("finding_ids", JSON, nullable=False),
        sa.Column("scenario", JSON, nullable=True),
        sa.Column("last_result", JSON, nullable=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.ForeignKeyConstraint(
            ["workflow_id"], ["workflows.id"], name="fk_test_cases_workflow_id_workflows", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_test_cases"),
    )
    op.create_index("ix_test_cases_workflow_id", "test_cases", ["workflow_id"])


def downgrade() -> None:
    op.drop_table("workflow_events")
    op.drop_index("ix_test_cases_workflow_id", table_name="test_cases")
    op.drop_table("test_cases")
    op.drop_table("workflow_results")
    op.drop_index("ix_workflows_status", table_name="workflows")
    op.drop_table("workflows")
