"""Between the API's Pydantic models and the service's dataclasses, in both directions."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel

from assay.api.result_models import (
    AnalysisResultModel,
    EvolutionResultModel,
    ObservationResult,
    RequirementsResultModel,
    ScenarioModel,
)
from assay.api.schemas import (
    AgentProgress,
    AnalysisRequest,
    EvolutionRequest,
    GenerateTestsRequest,
    GmailCredentials,
    LoginCredentials,
    ObservationRequest,
    RequirementsRequest,
    SkippedItem,
    TestCaseLastResult,
    TestCaseResponse,
    WorkflowResultsResponse,
    WorkflowStatusResponse,
)
from assay.domain import clock
from assay.domain.codec import to_json
from assay.domain.json import Json, JsonObject, as_object
from assay.domain.observation import Observation
from assay.domain.partial import skipped
from assay.domain.scenarios import Scenario
from assay.domain.target import DEEP_CRAWL, Credentials, MailAccount, website_login
from assay.domain.workflow import StoredTestCase, WorkflowKind, WorkflowRecord
from assay.services.workflows import StartRequest, WorkflowResults

M = TypeVar("M", bound=BaseModel)
Trigger = GenerateTestsRequest | ObservationRequest | RequirementsRequest | AnalysisRequest | EvolutionRequest


def parse_time(value: str | None) -> datetime | None:
    return clock.parse(value) if value else None


def status_response(record: WorkflowRecord) -> WorkflowStatusResponse:
    progress = {
        name: AgentProgress.model_validate(
            {
                **vars(state),
                "started_at": parse_time(state.started_at),
                "completed_at": parse_time(state.completed_at),
            }
        )
        for name, state in record.agents.items()
    }
    return WorkflowStatusResponse(
        workflow_id=record.id,
        status=record.status,
        current_agent=record.current_agent,
        progress=progress,
        total_progress=min(1.0, max(0.0, record.total_progress)),
        started_at=parse_time(record.started_at) or clock.now(),
        estimated_completion=parse_time(record.estimated_completion),
        error=record.error,
        partial=record.partial,
    )


def results_response(results: WorkflowResults) -> WorkflowResultsResponse:
    record, run = results.record, results.run
    started = parse_time(record.started_at) or clock.now()
    completed = parse_time(record.completed_at) or clock.now()
    requirements = None
    if run.requirements is not None:
        data = as_object(to_json(run.requirements))
        data["coverage_metrics"] = data.pop("coverage", None)
        requirements = RequirementsResultModel.model_validate(data)
    return WorkflowResultsResponse(
        workflow_id=record.id,
        status="completed"
        if record.status == "completed"
        else record.status
        if record.status == "cancelled"
        else "failed",
        test_case_ids=results.test_case_ids,
        test_count=len(results.test_case_ids),
        observation_result=observation_result(run.observation) if run.observation else None,
        requirements_result=requirements,
        analysis_result=_model(AnalysisResultModel, run.analysis),
        evolution_result=_model(EvolutionResultModel, run.evolution),
        completed_at=completed,
        total_duration_seconds=max(0.0, (completed - started).total_seconds()),
        incomplete=list(run.incomplete),
        partial=bool(items := skipped(run)),
        skipped=[SkippedItem(kind=s.kind, name=s.name, reason=s.reason) for s in items],
    )


def _model(cls: type[M], value: object) -> M | None:
    return None if value is None else cls.model_validate(to_json(value))


def inline(model: BaseModel | None, *, rename_coverage: bool = False) -> JsonObject | None:
    """A request's inline result as codec JSON (the domain's field names)."""
    if model is None:
        return None
    data: JsonObject = model.model_dump(mode="json", by_alias=True)
    if rename_coverage:
        data["coverage"] = data.pop("coverage_metrics", None)
    return data


# --- Observation <-> ObservationResult ----------------------------------------------------
# Field for field, but for the typed page facts: the spec shows them as one ``page_context``
# object. PAGE_FIELDS are the Observation fields it holds; the rest of page_context is summary
# counts for a reader, worked out from them and ignored on the way back.
API_DEEP = 3  # the spec's depth range is 1-3
PAGE_FIELDS = ("pages", "login", "blocked_hosts", "unsettled_pages", "crawl")
# CrawlFacts field -> its page_context key (the crawl's facts sit at the top of page_context).
_CRAWL_KEYS = {"url": "url", "seconds": "crawl_seconds", "popups_closed": "popups_closed",
               "dialogs_dismissed": "dialogs_dismissed", "discovered": "discovered", "routes": "routes",
               "forms": "forms", "clicks": "clicks", "depth_reached": "depth_reached"}  # fmt: skip


def observation_result(observation: Observation) -> ObservationResult:
    data = as_object(to_json(observation))
    for name in PAGE_FIELDS:
        del data[name]
    data["page_context"] = page_context(observation)
    return ObservationResult.model_validate(data)


def page_context(observation: Observation) -> JsonObject:
    """The page facts as the API's ``page_context``; {} when the pages were not crawled."""
    o = observation
    if not (o.pages or o.login or o.blocked_hosts or o.unsettled_pages or o.crawl):
        return {}
    first = o.pages[0] if o.pages else None
    context: JsonObject = {
        "title": first.title if first else "",
        "purpose": first.purpose if first else "",
        "console_errors": sum(len(p.console_errors) for p in o.pages),
        "failed_requests": sum(len(p.failed_requests) for p in o.pages),
        "accessibility_problems": sum(len(p.unnamed_controls) + len(p.images_without_alt) for p in o.pages),
        "pages": to_json(o.pages),
        "blocked_hosts": to_json(o.blocked_hosts),
        "unsettled_pages": to_json(o.unsettled_pages),
    }
    if o.login is not None:
        context["login"] = to_json(o.login)
    if o.crawl is not None:
        crawl = as_object(to_json(o.crawl))
        context.update({key: crawl[name] for name, key in _CRAWL_KEYS.items()})
    return context


def page_fields(context: JsonObject) -> JsonObject:
    """The Observation fields (codec JSON) a posted ``page_context`` holds: :func:`page_context` undone."""
    fields: JsonObject = {name: context[name] for name in PAGE_FIELDS if name in context and name != "crawl"}
    if "url" in context:
        fields["crawl"] = {name: context[key] for name, key in _CRAWL_KEYS.items() if key in context}
    return fields


def inline_observation(model: ObservationResult | None) -> JsonObject | None:
    """A posted observation as codec JSON of :class:`Observation`."""
    data = inline(model)
    if data is None:
        return None
    context: Json = data.pop("page_context", None)
    return {**data, **page_fields(as_object(context))}


def credentials(
    login: LoginCredentials | None, mail: GmailCredentials | None = None
) -> tuple[Credentials, ...]:
    """The website login, with its second step's TOTP secret and mailbox (for one-time codes)."""
    if login is None:
        return ()
    account = MailAccount(mail.email, mail.password) if mail is not None else None
    return website_login(login.username or login.email or "", login.password, login.totp_secret, account)


def start_request(body: Trigger) -> StartRequest:
    if isinstance(body, GenerateTestsRequest | ObservationRequest):
        mail = body.gmail_credentials if isinstance(body, GenerateTestsRequest) else None
        extra = (mail.password,) if mail is not None else ()
        kind: WorkflowKind = "generate-tests" if isinstance(body, GenerateTestsRequest) else "observation"
        return StartRequest(
            kind=kind,
            url=body.url,
            instruction=body.user_instruction,
            depth=DEEP_CRAWL if body.depth >= API_DEEP else body.depth,  # the spec's 3 = "deep crawl"
            credentials=credentials(body.login_credentials, mail),
            extra_secrets=extra,
        )
    return StartRequest(
        kind=_chained_kind(body),
        instruction=body.user_instruction,
        credentials=credentials(body.login_credentials) if isinstance(body, EvolutionRequest) else (),
        source_workflow_id=body.workflow_id,
        observation=inline_observation(body.observation_result),
        requirements=inline(getattr(body, "requirements_result", None), rename_coverage=True),
        analysis=inline(getattr(body, "analysis_result", None)),
    )


def _chained_kind(body: Trigger) -> WorkflowKind:
    if isinstance(body, RequirementsRequest):
        return "requirements"
    return "analysis" if isinstance(body, AnalysisRequest) else "evolution"


def test_case_response(stored: StoredTestCase, scenario: Scenario | None) -> TestCaseResponse:
    case = stored.case
    last = TestCaseLastResult.model_validate(stored.last_result) if stored.last_result else None
    return TestCaseResponse(
        id=stored.id,
        workflow_id=stored.workflow_id,
        scenario_id=case.scenario_id,
        name=case.name,
        file=case.file,
        framework=case.framework,
        code=case.code,
        finding_ids=list(case.finding_ids),
        scenario=_model(ScenarioModel, scenario),
        last_result=last,
        created_at=parse_time(stored.created_at) or clock.now(),
    )
