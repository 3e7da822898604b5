"""The workflow store on SQLAlchemy 2: a SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.orm import sessionmaker

from assay.adapters.models import EventRow, ProgressRow, ResultRow, TestCaseRow, WorkflowRow
from assay.domain.analysis import AnalysisResult
from assay.domain.clock import now_iso
from assay.domain.codec import from_json, to_json
from assay.domain.evolution import EvolutionResult, TestCase
from assay.domain.findings import Finding
from assay.domain.json import JsonObject
from assay.domain.language_model import ModelUse
from assay.domain.observation import Observation
from assay.domain.run import RunResult
from assay.domain.scenarios import RequirementsResult, Scenario
from assay.domain.workflow import AgentState, StoredEvent, StoredTestCase, WorkflowRecord


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL and a busy timeout for concurrent readers."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class SqlStore:
    """Implements service_model.WorkflowStore."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)

    def create(self, record: WorkflowRecord) -> None:
        with self._session.begin() as s:
            s.add(WorkflowRow(id=record.id, **_record_columns(record)))
            s.flush()  # the row first: the progress row's foreign key needs it
            s.add(ProgressRow(workflow_id=record.id, data=_progress(record)))

    def save(self, record: WorkflowRecord) -> None:
        """The whole record (at a stage's boundary: it holds the instruction, maybe megabytes)."""
        with self._session.begin() as s:
            row = s.get(WorkflowRow, record.id)
            if row is None:
                s.add(WorkflowRow(id=record.id, **_record_columns(record)))
                s.flush()
            else:
                for key, value in _record_columns(record).items():
                    setattr(row, key, value)
            s.merge(ProgressRow(workflow_id=record.id, data=_progress(record)))

    def record_event(self, record: WorkflowRecord, event: StoredEvent) -> None:
        """Append ``event`` and update ``record``'s progress row, in one transaction; the record
        itself is not rewritten (``save`` does that at the stage boundaries)."""
        with self._session.begin() as s:
            s.add(_event_row(record.id, event))
            s.merge(ProgressRow(workflow_id=record.id, data=_progress(record)))

    def get(self, workflow_id: str) -> WorkflowRecord | None:
        with self._session() as s:
            query = _records().where(WorkflowRow.id == workflow_id)
            found = s.execute(query).first()
            return _record_from(found[0], found[1]) if found is not None else None

    def recent(self, limit: int, owner: str | None = None) -> list[WorkflowRecord]:
        """The newest first; only ``owner``'s when given."""
        with self._session() as s:
            query = _records()
            if owner is not None:
                query = query.where(WorkflowRow.owner == owner)
            query = query.order_by(WorkflowRow.started_at.desc()).limit(limit)
            return [_record_from(r, p) for r, p in s.execute(query)]

    def unfinished(self) -> list[WorkflowRecord]:
        with self._session() as s:
            query = _records().where(WorkflowRow.status.in_(("pending", "running")))
            return [_record_from(r, p) for r, p in s.execute(query)]

    def save_run(self, workflow_id: str, run: RunResult) -> None:
        values = _run_columns(run)
        with self._session.begin() as s:
            row = s.get(ResultRow, workflow_id)
            if row is None:
                s.add(ResultRow(workflow_id=workflow_id, **values))
                return
            for key, value in values.items():
                setattr(row, key, value)

    def load_run(self, workflow_id: str) -> RunResult | None:
        with self._session() as s:
            row = s.get(ResultRow, workflow_id)
            return _run_from(row) if row is not None else None

    def add_test_cases(
        self, workflow_id: str, cases: Sequence[TestCase], scenarios: Mapping[str, Scenario] | None = None
    ) -> list[int]:
        with self._session.begin() as s:
            rows = [_case_row(workflow_id, c, (scenarios or {}).get(c.scenario_id)) for c in cases]
            s.add_all(rows)
            s.flush()
            return [r.id for r in rows]

    def test_case_ids(self, workflow_id: str) -> list[int]:
        with self._session() as s:
            query = select(TestCaseRow.id).where(TestCaseRow.workflow_id == workflow_id)
            return list(s.scalars(query.order_by(TestCaseRow.id)))

    def get_test_case(self, case_id: int) -> StoredTestCase | None:
        with self._session() as s:
            row = s.get(TestCaseRow, case_id)
            if row is None:
                return None
            case = TestCase(
                scenario_id=row.scenario_id,
                name=row.name,
                file=row.file,
                framework=row.framework,  # type: ignore[arg-type]
                code=row.code,
                finding_ids=tuple(row.finding_ids or ()),
                id=row.id,
            )
            scenario = from_json(Scenario, row.scenario) if row.scenario is not None else None
            return StoredTestCase(row.id, row.workflow_id, case, row.created_at, row.last_result, scenario)

    def update_test_case(self, case_id: int, case: TestCase, last_result: JsonObject | None) -> None:
        with self._session.begin() as s:
            row = s.get(TestCaseRow, case_id)
            if row is None:
                return
            row.code, row.finding_ids = _no_nul(case.code), list(case.finding_ids)  # type: ignore[assignment]
            row.last_result = _no_nul(last_result)

    def append_event(self, workflow_id: str, event: StoredEvent) -> None:
        with self._session.begin() as s:
            s.add(_event_row(workflow_id, event))

    def events_after(self, workflow_id: str, seq: int) -> list[StoredEvent]:
        with self._session() as s:
            query = select(EventRow).where(EventRow.workflow_id == workflow_id, EventRow.seq > seq)
            return [StoredEvent(r.seq, r.event, r.data) for r in s.scalars(query.order_by(EventRow.seq))]


def _no_nul(value: object) -> object:
    """``value`` with every NUL character replaced by U+FFFD: PostgreSQL stores none in text or
    jsonb, and SQLite does the same so both backends give back the same data."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {_no_nul(k): _no_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_nul(v) for v in value]
    return value


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    return {key: _no_nul(value) for key, value in values.items()}


def _record_columns(record: WorkflowRecord) -> dict[str, Any]:
    return _columns(
        {
            "kind": record.kind,
            "status": record.status,
            "target": record.target,
            "started_at": record.started_at,
            "completed_at": record.completed_at,
            "owner": record.owner,
            "record": dataclasses.asdict(record),
        }
    )


def _event_row(workflow_id: str, event: StoredEvent) -> EventRow:
    return EventRow(workflow_id=workflow_id, seq=event.seq, event=event.event, data=_no_nul(event.data))


# What changes as a workflow runs: kept in its progress row, laid over the record when read.
PROGRESS_FIELDS = ("status", "current_agent", "total_progress", "estimated_completion", "agents")


def _progress(record: WorkflowRecord) -> Any:
    return _no_nul({name: _plain(getattr(record, name)) for name in PROGRESS_FIELDS})


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: dataclasses.asdict(v) if isinstance(v, AgentState) else v for k, v in value.items()}
    return value


def _records() -> Any:
    """The records with their progress rows (none for a row written before migration 0003)."""
    return select(WorkflowRow.record, ProgressRow.data).outerjoin(
        ProgressRow, ProgressRow.workflow_id == WorkflowRow.id
    )


def _record_from(data: dict[str, Any], progress: dict[str, Any] | None = None) -> WorkflowRecord:
    values = {**data, **(progress or {})}
    values["stages"] = tuple(values.get("stages", ()))
    values["agents"] = {k: AgentState(**v) for k, v in values.get("agents", {}).items()}
    fields = {f.name for f in dataclasses.fields(WorkflowRecord)}
    return WorkflowRecord(**{k: v for k, v in values.items() if k in fields})


def _run_columns(run: RunResult) -> dict[str, Any]:
    return _columns(
        {
            "target": run.target,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "error": run.error,
            "cancelled": run.cancelled,
            "observation": to_json(run.observation) if run.observation is not None else None,
            "requirements": to_json(run.requirements) if run.requirements is not None else None,
            "analysis": to_json(run.analysis) if run.analysis is not None else None,
            "evolution": to_json(run.evolution) if run.evolution is not None else None,
            "findings": [to_json(f) for f in run.findings],
            # As the job hands it in: its prompts redacted by the model session, then with the
            # rest of the run (services.job.redact_run).
            "model_use": to_json(run.model_use) if run.model_use is not None else None,
        }
    )


def _run_from(row: ResultRow) -> RunResult:
    run = RunResult(target=row.target, started_at=row.started_at, finished_at=row.finished_at)
    run.error, run.cancelled = row.error, row.cancelled
    run.observation = from_json(Observation, row.observation) if row.observation is not None else None
    run.requirements = (
        from_json(RequirementsResult, row.requirements) if row.requirements is not None else None
    )
    run.analysis = from_json(AnalysisResult, row.analysis) if row.analysis is not None else None
    run.evolution = from_json(EvolutionResult, row.evolution) if row.evolution is not None else None
    run.findings = [from_json(Finding, f) for f in row.findings or []]
    run.model_use = from_json(ModelUse, row.model_use) if row.model_use is not None else None
    return run


def _case_row(workflow_id: str, case: TestCase, scenario: Scenario | None) -> TestCaseRow:
    values: dict[str, Any] = {
        "workflow_id": workflow_id,
        "scenario_id": case.scenario_id,
        "name": case.name,
        "file": case.file,
        "framework": case.framework,
        "code": case.code,
        "finding_ids": list(case.finding_ids),
        "last_result": None,
        "scenario": to_json(scenario) if scenario is not None else None,
        "created_at": now_iso(),
    }
    return TestCaseRow(**_columns(values))


MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x61737361  # "assa": the advisory lock every migrating process takes


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` with the bundled Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # The API and its workers start together on one database: one migrates, the others
            # wait for it and then find nothing to do (held until this transaction ends).
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
