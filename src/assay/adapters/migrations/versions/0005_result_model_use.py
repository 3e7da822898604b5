"""A workflow's results keep its use of the language model: calls, tokens, notes, prompts as sent.

Revision ID: 0005_model_use
Revises: 0004_healed_locators
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005_model_use"
down_revision = "0004_healed_locators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json = sa.JSON().with_variant(JSONB(), "postgresql")
    op.add_column("workflow_results", sa.Column("model_use", json, nullable=True))


def downgrade() -> None:
    op.drop_column("workflow_results", "model_use")
