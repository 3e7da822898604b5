"""Workflows know who started them (a digest of the API key), so another key cannot see them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workflows", sa.Column("owner", sa.String(64), nullable=True))
    op.create_index("ix_workflows_owner", "workflows", ["owner"])


def downgrade() -> None:
    op.drop_index("ix_workflows_owner", table_name="workflows")
    op.drop_column("workflows", "owner")
