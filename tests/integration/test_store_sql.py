"""The SQL store against a real SQLite file and the real PostgreSQL on 127.0.0.1."""

from __future__ import annotations

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, event
from tests.api_helpers import analysis, evolution, observation, requirements

from assay.adapters.models import Base
from assay.adapters.store import SqlStore, migrate
from assay.domain.language_model import ModelUse, SentPrompt
from assay.domain.run import RunResult
from assay.domain.workflow import AgentState, StoredEvent, WorkflowRecord, WorkflowStatus
from assay.services.job import redact_run


def record(workflow_id: str, status: WorkflowStatus = "running") -> WorkflowRecord:
    return WorkflowRecord(
        workflow_id,
        "generate-tests",
        status,
        "http://127.0.0.1:9/",
        "2026-01-01T00:00:00Z",
        ("observation", "requirements"),
        {"observation": AgentState("observation", "completed", 1.0, elements_found=3)},
    )


def test_migrations_match_the_models(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_round_trips_records_runs_cases_and_events(engine: Engine) -> None:
    migrate(engine)
    store = SqlStore(engine)
    store.create(record("wf-a"))
    store.create(record("wf-b", "completed"))
    run = RunResult(target="http://127.0.0.1:9/", started_at="2026-01-01T00:00:00Z", finished_at="x")
    run.observation, run.requirements, run.analysis = observation(run.target), requirements(), analysis()
    run.evolution = evolution()
    store.save_run("wf-a", run)
    loaded = store.load_run("wf-a")
    assert loaded is not None
    assert (loaded.observation, loaded.requirements, loaded.analysis) == (
        run.observation,
        run.requirements,
        run.analysis,
    )
    assert loaded.evolution == run.evolution
    ids = store.add_test_cases("wf-a", run.evolution.test_cases)
    assert ids == sorted(ids) and len(ids) == 2 and store.test_case_ids("wf-a") == ids
    case = store.get_test_case(ids[1])
    assert case is not None and case.case.name == "test_list_items_again" and case.case.id == ids[1]
    store.update_test_case(ids[1], case.case, {"status": "passed"})
    assert store.get_test_case(ids[1]).last_result == {"status": "passed"}  # type: ignore[union-attr]
    for seq in (1, 2, 3):
        store.append_event("wf-a", StoredEvent(seq, "agent_progress", {"n": seq}))
    assert [e.seq for e in store.events_after("wf-a", 1)] == [2, 3]
    got = store.get("wf-a")
    assert got is not None and got == record("wf-a")
    got.status = "completed"
    store.save(got)
    assert [r.id for r in store.unfinished()] == []
    assert store.get("missing") is None and store.load_run("missing") is None


def test_an_event_is_appended_with_the_progress_and_the_record_is_not_rewritten(engine: Engine) -> None:
    migrate(engine)
    store = SqlStore(engine)
    big = record("w-big")
    big.instruction = "focus on the checkout " * 50_000  # ~1 MB: rewritten per event, it was GBs
    store.create(big)
    big.agents["requirements"] = AgentState("requirements", "running", 0.5, message="half way")
    big.current_agent, big.total_progress = "requirements", 0.75
    writes: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        for seq in range(1, 21):
            store.record_event(big, StoredEvent(seq, "agent_progress", {"seq": seq}))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    read, stale = store.get("w-big"), store.unfinished()
    assert writes and not [s for s in writes if re.search(r"\bworkflows\b", s)]
    assert read is not None and read.instruction == big.instruction
    assert read.current_agent == "requirements" and read.total_progress == 0.75
    assert read.agents["requirements"].message == "half way"
    assert [e.seq for e in store.events_after("w-big", 0)] == list(range(1, 21))
    assert [(r.id, r.current_agent) for r in stale] == [("w-big", "requirements")]  # what recover() says


def test_a_run_keeps_its_use_of_the_language_model(engine: Engine) -> None:
    migrate(engine)
    store = SqlStore(engine)
    store.create(record("wf-m", "completed"))
    run = RunResult(target="http://127.0.0.1:9/", started_at="2026-01-01T00:00:00Z", finished_at="x")
    sent = SentPrompt("tier 3: SC-UI-001 step 2", "Pick one element.", 'e1: button "Night theme"', "answered")
    refused = SentPrompt("instruction", "Write scenarios.", "log in as qa / pw-4417", "no answer within 30 s")
    run.model_use = ModelUse("openai:llama3.2", calls=2, tokens=311, sent=[sent, refused], notes=["not used"])
    # What the job stores: the run with its secrets masked, the model's prompts included.
    store.save_run("wf-m", redact_run(run, ("pw-4417",)))
    loaded = store.load_run("wf-m")
    assert loaded is not None and loaded.model_use is not None
    assert loaded.model_use.sent[1].user == "log in as qa / ***"
    masked = SentPrompt(refused.purpose, refused.system, "log in as qa / ***", refused.outcome)
    assert loaded.model_use == ModelUse("openai:llama3.2", 2, 311, [sent, masked], ["not used"])
    store.save_run("wf-m", RunResult(target=run.target, started_at=run.started_at))  # no model
    assert store.load_run("wf-m").model_use is None  # type: ignore[union-attr]
