"""Tier 3 end to end: a switch whose text, test id and position all changed after observation.

Real Chromium on a tiny local settings page (tests/apps/switch_app.py) and a fake
OpenAI-compatible model on 127.0.0.1. Tiers 1 and 2 cannot find the switch; the model, shown a
snapshot of the page, names it; assay checks and performs the click, the scenario's assertion
(unchanged) passes, the healed locator is written back to the book in the database, and the
next run, with a book of its own over that database, finds it at tier 1 without asking the
model. A model that names a dangerous control, or is down, slow or talks nonsense, leaves the
scenario failed as it would be without a model, with a note.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.api_helpers import Api, settings_for
from tests.apps.fake_models import FakeModel, ref_of, start_openai, user_text
from tests.apps.servers import WSGIServerThread
from tests.apps.switch_app import SwitchState, start_switch_app

from assay.adapters.browser.chromium import Chromium
from assay.adapters.browser.launcher import browser_available
from assay.adapters.healed_locators import SqlLocatorBook
from assay.adapters.http import HttpxTransport
from assay.adapters.llm import ModelConfig, language_model
from assay.adapters.store import make_engine, migrate
from assay.agents import pipeline
from assay.agents.analysis.ui.executor import UiRun, run_ui_scenarios
from assay.agents.analysis.ui.tier3 import Tier3Deps
from assay.agents.model_session import AiTier, ModelSession
from assay.api import mapping
from assay.bootstrap import build_app
from assay.demo.server import serve_in_thread
from assay.domain.action_safety import ActionPolicy
from assay.domain.host_policy import SafetyPolicy
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.language_model import ModelLimits
from assay.domain.locator_book import LocatorBook, MemoryLocatorBook
from assay.domain.observation import Observation
from assay.domain.run import RunResult
from assay.domain.scenarios import CoverageMetrics, RequirementsResult, Scenario, UiStep
from assay.domain.target import Credentials, Target
from assay.domain.workflow import WorkflowRecord
from assay.pages.containment import Containment
from assay.pages.extract import choose_locator, fingerprint
from assay.pages.page_script import COLLECT
from assay.services.workflows import WorkflowResults

pytestmark = [
    pytest.mark.integration,
    pytest.mark.usefixtures("loopback_only"),
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]
SECRET = "theme-secret-771"


@dataclass
class Setup:
    app: WSGIServerThread
    state: SwitchState
    model: WSGIServerThread
    fake: FakeModel
    scenario: Scenario


async def _observed_switch(base: str) -> tuple[str, JsonObject]:
    """The stored locator and fingerprint of "Dark mode", read as the crawl reads elements."""
    async with Chromium().open(base) as session:
        context = await session.context(Containment(base), None)
        page = await context.new_page()
        await page.goto(base + "/settings")
        elements = [
            as_object(e) for e in as_list(as_object(await page.evaluate(COLLECT, 200)).get("elements"))
        ]
        switch = next(e for e in elements if as_str(e.get("name")) == "Dark mode")
        locator = await choose_locator(page, switch)
        await context.close()
    return locator, fingerprint(switch)


@pytest.fixture
def setup() -> Iterator[Setup]:
    app, state = start_switch_app()
    model, fake = start_openai(ref_of("Night theme"))
    locator, fp = asyncio.run(_observed_switch(app.base_url))
    steps = (
        UiStep("goto", value="/settings", description="open the settings"),
        UiStep("click", locator=locator, fingerprint=fp, description=f'turn on "Dark mode" ({SECRET})'),
        UiStep("expect_text", value="Theme: dark", description="the dark theme is shown"),
    )
    scenario = Scenario(
        "SC-UI-001", "Settings /settings", "Turn on the dark theme", "ui_action", ("ui",), (), (), (),
        ui_steps=steps,
    )  # fmt: skip
    state.variant = "changed"  # the page as it is when the scenario runs
    yield Setup(app, state, model, fake, scenario)
    app.stop()
    model.stop()


def _tier3(setup: Setup, book: LocatorBook, limits: ModelLimits | None = None) -> Tier3Deps:
    config = ModelConfig("openai", "fake-model", setup.model.base_url + "/v1", "sk-test", 5.0, 0)
    session = ModelSession(language_model(config), limits or ModelLimits(), (SECRET,))
    return Tier3Deps(session, book, ActionPolicy.for_url(setup.app.base_url))


def _run(setup: Setup, tier3: Tier3Deps | None) -> UiRun:
    (run,) = asyncio.run(run_ui_scenarios([setup.scenario], setup.app.base_url, Chromium(), tier3=tier3))
    return run


def _sql_book(url: str) -> SqlLocatorBook:
    """A book of its own (a new engine, as another process opens it) on the database at ``url``."""
    engine = make_engine(url)
    migrate(engine)
    return SqlLocatorBook(engine)


def test_tier3_performs_what_tiers_1_and_2_cannot_then_tier1_finds_it(setup: Setup, tmp_path: Path) -> None:
    assert setup.scenario.ui_steps[1].locator.startswith("page.get_by_")
    without = _run(setup, None)  # no model: tiers 1 and 2 alone
    assert without.run.status == "failed" and "element not found" in (without.run.steps[1].message)
    assert setup.fake.received == []

    database = f"sqlite:///{tmp_path / 'assay.db'}"  # what `assay run` keeps its heals in
    book = _sql_book(database)
    tier3 = _tier3(setup, book)
    first = _run(setup, tier3)
    assert (first.run.status, first.success.tier_used, first.success.success_rate) == ("passed", "tier3", 1.0)
    (healed,) = first.healed
    assert healed.tier == "tier3" and "Night theme" in healed.new
    assert book.get(setup.app.base_url + "/settings", setup.scenario.ui_steps[1].locator) == healed.new
    (sent,) = setup.fake.received
    prompt = as_object(as_list(sent.body.get("messages"))[1])["content"]
    assert isinstance(prompt, str) and "Night theme" in prompt and "Dark mode" in prompt
    assert SECRET not in str(sent.body) and "***" in prompt  # the run's secrets are masked
    assert tier3.model is not None and tier3.model.use.calls == 1

    book.engine.dispose()
    # The next run, in another process: a new book over the same database; the written-back
    # locator is tier 1.
    again = _run(setup, _tier3(setup, _sql_book(database)))
    assert (again.run.status, again.success.tier_used, again.healed) == ("passed", "tier1", ())
    assert len(setup.fake.received) == 1  # the model was not asked again


def test_tier3_never_clicks_a_dangerous_control(setup: Setup) -> None:
    setup.fake.chooser = ref_of("Delete account")
    book = MemoryLocatorBook()
    run = _run(setup, _tier3(setup, book))
    assert run.run.status == "failed" and "does not use" in (run.run.steps[1].message)
    assert setup.state.deletes == 0 and book.entries == {}


def test_tier3_answer_outside_the_snapshot_is_refused(setup: Setup) -> None:
    setup.fake.chooser = lambda _p: {"ref": "e999", "action": "click", "value": ""}
    tier3 = _tier3(setup, MemoryLocatorBook())
    run = _run(setup, tier3)
    assert run.run.status == "failed" and run.success.tier_used == "tier1"
    assert tier3.model is not None and "not an element of the snapshot" in tier3.model.use.notes[0]


@pytest.mark.parametrize("mode", ["down", "slow", "nonsense"])
def test_a_failing_model_leaves_the_run_as_without_one_with_a_note(setup: Setup, mode: str) -> None:
    setup.fake.mode = mode  # type: ignore[assignment]
    tier3 = _tier3(setup, MemoryLocatorBook(), ModelLimits(timeout_seconds=1.0))
    run = _run(setup, tier3)
    assert run.run.status == "failed" and "element not found" in (run.run.steps[1].message)
    assert tier3.model is not None and len(tier3.model.use.notes) == 1
    assert "rule-based answer was kept" in tier3.model.use.notes[0]


def test_the_pipeline_hands_the_model_to_tier3_and_records_its_use(setup: Setup) -> None:
    """Through the composition's path (pipeline -> analysis -> UI phase -> executor)."""
    config = ModelConfig("openai", "fake-model", setup.model.base_url + "/v1", "sk-test", 5.0, 0)
    ai = AiTier(language_model(config))
    target = Target(setup.app.base_url, credentials=(Credentials("qa", SECRET),))
    result = RunResult(target.base_url, "2026-12-03T00:00:00Z")
    result.observation = Observation(target=target.base_url, kind="web")
    coverage = CoverageMetrics(0, 0, {}, (), ())
    result.requirements = RequirementsResult((setup.scenario,), (), {}, coverage)

    async def run() -> None:
        async with HttpxTransport(SafetyPolicy.for_target(target)) as transport:
            async for _event in pipeline.run(
                target, transport, result, stages=("analysis",), browser=Chromium(), ai=ai
            ):
                pass

    asyncio.run(run())
    assert result.analysis is not None
    (success,) = result.analysis.execution_success
    assert (success.scenario_id, success.tier_used, success.success_rate) == ("SC-UI-001", "tier3", 1.0)
    assert result.model_use is not None and result.model_use.calls == 1
    (sent,) = result.model_use.sent
    assert sent.outcome == "answered" and SECRET not in sent.user
    healed = ai.book.get(setup.app.base_url + "/settings", setup.scenario.ui_steps[1].locator)
    assert healed is not None and "Night theme" in healed
    assert not result.incomplete  # the model is never a reason to be inconclusive


def test_a_workflow_via_the_api_keeps_the_model_use_and_the_heal_in_the_store(
    setup: Setup, tmp_path: Path
) -> None:
    """``assay serve`` with a model: the findings and report read back from the store carry the
    language model's use, and the heal is in the store's database for every process on it."""
    settings = settings_for(
        tmp_path,
        allowed_targets="127.0.0.1",
        llm_model="fake-model",
        llm_base_url=setup.model.base_url + "/v1",
        llm_api_key="sk-test",
        llm_retries=0,
    )
    step = dataclasses.replace(setup.scenario.ui_steps[1], description='turn on "Dark mode"')
    scenario = dataclasses.replace(
        setup.scenario, ui_steps=(setup.scenario.ui_steps[0], step, *setup.scenario.ui_steps[2:])
    )
    done = RunResult(setup.app.base_url, "2026-12-03T00:00:00Z")
    done.observation = Observation(target=setup.app.base_url, kind="web")
    done.requirements = RequirementsResult((scenario,), (), {}, CoverageMetrics(0, 0, {}, (), ()))
    record = WorkflowRecord(
        "w-0", "requirements", "completed", done.target, done.started_at, ("requirements",)
    )
    earlier = json.loads(mapping.results_response(WorkflowResults(record, done, [])).model_dump_json())
    body = {name: earlier[name] for name in ("observation_result", "requirements_result")}
    with (
        serve_in_thread(build_app(settings)) as server,
        httpx.Client(base_url=f"{server.base_url}/api/v2", timeout=30) as client,
    ):
        workflow_id = as_str(client.post("/analysis", json=body).json()["workflow_id"])
        assert Api(server.base_url, client).wait(workflow_id)["status"] == "completed"
        findings = client.get(f"/workflows/{workflow_id}/findings").json()
        report = client.get(f"/workflows/{workflow_id}/report").text
        results = client.get(f"/workflows/{workflow_id}/results").json()
        prompts = client.get(f"/workflows/{workflow_id}/model-prompts").json()
        page = httpx.get(f"{server.base_url}/workflows/{workflow_id}", timeout=30).text
    (success,) = results["analysis_result"]["execution_success"]
    assert success["tier_used"] == "tier3" and len(setup.fake.received) == 1
    block = findings["language_model"]
    assert (block["model"], block["calls"], block["notes"]) == ("openai:fake-model", 1, [])
    assert block["tokens"] > 0
    assert "## Language Model" in report and "(tier 3): SC-UI-001" in report
    (call,) = prompts["calls"]  # what was sent, kept after the job ended
    assert prompts["model"] == "openai:fake-model" and call["outcome"] == "answered"
    assert "Night theme" in call["user"] and call["user"] == user_text(setup.fake.received[0].body)
    # The dashboard's overview says the same, and links the prompts.
    assert 'id="model-use"' in page and "openai:fake-model: 1 call(s)" in page
    assert "tier 3) in SC-UI-001" in page and f"/api/v2/workflows/{workflow_id}/model-prompts" in page
    book = _sql_book(settings.resolved_database_url())  # another process's view of the store
    healed = book.get(setup.app.base_url + "/settings", step.locator)
    assert healed is not None and "Night theme" in healed
