"""The locator book in the database, so a locator healed in one process is tier 1 in every other.

Revision ID: 0004_healed_locators
Revises: 0003_progress
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_healed_locators"
down_revision = "0003_progress"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "healed_locators",
        sa.Column("page", sa.Text(), nullable=False),
        sa.Column("locator", sa.Text(), nullable=False),
        sa.Column("healed", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("page", "locator", name="pk_healed_locators"),
    )


def downgrade() -> None:
    op.drop_table("healed_locators")
