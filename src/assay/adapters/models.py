"""SQLAlchemy tables of the workflow store (the Alembic migrations create the same)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JsonColumn = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "pk": "pk_%(table_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        }
    )


class WorkflowRow(Base):
    __tablename__ = "workflows"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    target: Mapped[str] = mapped_column(Text)
    started_at: Mapped[str] = mapped_column(String(40))
    completed_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    record: Mapped[dict[str, Any]] = mapped_column(JsonColumn)


class ResultRow(Base):
    """Stage outputs of a workflow as codec JSON; secrets are redacted before they get here."""

    __tablename__ = "workflow_results"

    workflow_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True
    )
    target: Mapped[str] = mapped_column(Text)
    started_at: Mapped[str] = mapped_column(String(40))
    finished_at: Mapped[str] = mapped_column(String(40), default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    observation: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    requirements: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    analysis: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    evolution: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    findings: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    # The run's use of the language model (domain.language_model.ModelUse): its prompts as sent,
    # which the model session redacted; None when no model was configured.
    model_use: Mapped[Any] = mapped_column(JsonColumn, nullable=True)


class TestCaseRow(Base):
    __tablename__ = "test_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("workflows.id", ondelete="CASCADE"), index=True
    )
    scenario_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    file: Mapped[str] = mapped_column(String(300))
    framework: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(Text)
    finding_ids: Mapped[Any] = mapped_column(JsonColumn)
    scenario: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    last_result: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    created_at: Mapped[str] = mapped_column(String(40))


class EventRow(Base):
    __tablename__ = "workflow_events"

    workflow_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event: Mapped[str] = mapped_column(String(40))
    data: Mapped[Any] = mapped_column(JsonColumn)


class ProgressRow(Base):
    """A workflow's live progress (status, agents, totals), written on every event.

    Apart from ``workflows`` on purpose: SQLite rewrites a whole row on any update, and that row
    holds the record with its instruction (which may be megabytes); this one is small.
    """

    __tablename__ = "workflow_progress"

    workflow_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[Any] = mapped_column(JsonColumn)


class HealedLocatorRow(Base):
    """The locator book (domain.locator_book): what a step's stored locator healed to, per page.

    Shared by every process on the database, so a heal made by one worker is tier 1 for the next
    run on any other; written by upsert, so concurrent writers of one key do not conflict.
    """

    __tablename__ = "healed_locators"

    page: Mapped[str] = mapped_column(Text, primary_key=True)
    locator: Mapped[str] = mapped_column(Text, primary_key=True)
    healed: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(40))
