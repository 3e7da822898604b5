"""The composition root: reads Settings once and wires adapters to ports.

The API's pieces (FastAPI, the SQL store, settings) are imported where they are built, so the
CLI, which only needs a transport and the pipeline (``local_deps``), does not load them.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assay.domain.errors import SafetyError, UsageError
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.host_policy import ServerAddress, TargetPolicy
from assay.domain.ports import HttpTransport
from assay.domain.target import Target
from assay.domain.workflow import PipelineFn, TransportFactory
from assay.services.drive import PipelineDeps, default_pipeline

if TYPE_CHECKING:
    from fastapi import FastAPI

    from assay.adapters.browser.pool import BrowserPool
    from assay.adapters.celery_queue import QueueConfig
    from assay.adapters.redis_events import Backfill
    from assay.adapters.store import SqlStore
    from assay.adapters.workflow_claims import WorkflowClaims
    from assay.agents.model_session import AiTier
    from assay.domain.locator_book import LocatorBook
    from assay.domain.suite_run import SuiteRunner
    from assay.domain.workflow import EventBus, Runner, WorkflowStore
    from assay.services.workflows import WorkflowService
    from assay.settings import ModelSettings, Settings


class NullTransport:
    """For stages that need no network (inline inputs without a target URL)."""

    requests_sent = 0

    async def send(self, request: RecordedRequest, *, timeout: float | None = None) -> RecordedResponse:
        raise SafetyError("this workflow has no target URL; give observation_result.target to execute")

    async def __aenter__(self) -> NullTransport:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


def default_transport(target: Target) -> AbstractAsyncContextManager[HttpTransport]:
    """The real transport, confined to the target's host (and its spec's, for reading) by its
    safety policy."""
    if not target.base_url:
        return NullTransport()
    from assay.adapters.http import HttpxTransport
    from assay.domain.host_policy import SafetyPolicy

    return HttpxTransport(SafetyPolicy.for_target(target, _spec_host(target)))


def real_pipeline(ai: AiTier | None = None) -> PipelineFn:
    """The four agents, handed the real browser (Chromium under Playwright) and the model, if any."""
    from assay.adapters.browser.chromium import Chromium
    from assay.adapters.mail import ImapMailbox

    return default_pipeline(Chromium(mailbox=ImapMailbox()), ai)


def ai_tier(settings: ModelSettings, book: Callable[[], LocatorBook] | None = None) -> AiTier | None:
    """The language model the settings name, with its per-run limits and the locator book that
    ``book`` opens (this process's memory when not given); None when ASSAY_LLM_MODEL is unset:
    then no client is built (the SDKs are not even imported), no book is opened and nothing is
    ever sent."""
    if not settings.llm_model:
        return None
    from assay.adapters.llm import ModelConfig, language_model
    from assay.agents.model_session import AiTier
    from assay.domain.language_model import ModelLimits

    config = ModelConfig(
        settings.llm_provider,
        settings.llm_model,
        settings.llm_base_url,
        settings.llm_api_key,
        settings.llm_timeout,
        settings.llm_retries,
    )
    limits = ModelLimits(settings.llm_max_calls, settings.llm_max_tokens, settings.llm_timeout)
    if book is None:
        return AiTier(language_model(config), limits)
    return AiTier(language_model(config), limits, book())


def _store_book(store: SqlStore) -> Callable[[], LocatorBook]:
    """The locator book on the store's database: every server and worker on it shares it."""

    def opened() -> LocatorBook:
        from assay.adapters.healed_locators import SqlLocatorBook

        return SqlLocatorBook(store.engine)

    return opened


def _local_book() -> LocatorBook:
    """``assay run``'s locator book: in the database ASSAY_DATABASE_URL names, by default the
    SQLite file ``.assay/assay.db`` under the working directory, so that the next run from there
    (or ``assay serve`` started there) finds what this one healed."""
    from assay.adapters.healed_locators import open_locator_book
    from assay.settings import DatabaseSettings

    database = DatabaseSettings()
    return open_locator_book(database.resolved_database_url(), database.run_migrations)


def shared_browser_pipeline(
    workflows: int, max_contexts: int = 0, ai: AiTier | None = None
) -> tuple[PipelineFn, BrowserPool]:
    """The four agents over the server's browser pool: one Chromium per target host shared by
    the workflows on it, at most ``max_contexts`` contexts open at once (0: enough for
    ``workflows`` running at once). A session reserves the most contexts an agent holds at once
    (the crawl's, the UI scenarios' workers), so that sessions never wait on each other's."""
    from assay.adapters.browser.pool import BrowserPool
    from assay.adapters.mail import ImapMailbox
    from assay.agents.analysis.ui.run import UI_WORKERS
    from assay.agents.observation.web.observe import default_contexts

    per_session = max(UI_WORKERS, default_contexts())
    pool = BrowserPool(max_contexts or per_session * workflows, per_session, mailbox=ImapMailbox())
    return default_pipeline(pool, ai), pool


def _spec_host(target: Target) -> tuple[str, ...]:
    """The host of a spec given by URL (``assay run --spec https://...``): it may be read too."""
    spec = target.spec_location or ""
    host = urlsplit(spec).hostname if spec.startswith(("http://", "https://")) else None
    return (host,) if host else ()


def local_deps(settings: ModelSettings | None = None) -> PipelineDeps:
    """What a run in this process (the CLI) needs: the real pipeline over the real transport, with
    the language model of ``settings`` (the CLI's ASSAY_LLM_* variables when not given)."""
    from assay.settings import ModelSettings

    ai = ai_tier(settings or ModelSettings(), _local_book)
    return PipelineDeps(pipeline=real_pipeline(ai), transport_factory=default_transport)


def build_service(
    settings: Settings | None = None,
    *,
    pipeline: PipelineFn | None = None,
    transport_factory: TransportFactory | None = None,
    policy: TargetPolicy | None = None,
    server: ServerAddress | None = None,
    ai: AiTier | None = None,
) -> WorkflowService:
    """The workflow service on the configured store; recovers workflows a stopped server left."""
    from assay.adapters.events import InMemoryEventBus
    from assay.adapters.runner import Closer, InProcessRunner, default_concurrency
    from assay.services.workflows import WorkflowService
    from assay.settings import Settings

    settings = settings or Settings()
    store = _store(settings)
    distributed = bool(settings.broker_url)
    ai = ai or ai_tier(settings, _store_book(store))
    bus: EventBus
    runner: Runner
    if distributed:  # the API only enqueues: workers run the pipeline
        bus, runner = _queue_parts(settings, store)
        pipeline = pipeline or real_pipeline(ai)
    else:
        limit = settings.max_concurrent_workflows or default_concurrency()
        closers: list[Closer] = []
        if pipeline is None:
            pipeline, pool = shared_browser_pipeline(limit, settings.max_browser_contexts, ai)
            closers.append(pool.aclose)
        bus, runner = InMemoryEventBus(), InProcessRunner(limit, on_shutdown=closers)
    service = WorkflowService(
        store=store,
        bus=bus,
        runner=runner,
        pipeline=pipeline,
        transport_factory=transport_factory or default_transport,
        policy=policy
        or TargetPolicy(tuple(settings.allowed_targets), settings.allow_metadata_targets, server=server),
        realtime_execution=settings.enable_analysis_realtime_execution,
        cancel_grace_seconds=settings.cancel_grace_seconds,
        mail_server=settings.mail_server(),
        local_jobs=not distributed,
        ai=ai,
        suite_runner=_suite_runner(ai),
    )
    if not distributed:  # queued workflows belong to the workers, which outlive this server
        service.recover()
    return service


def _suite_runner(ai: AiTier | None) -> SuiteRunner | None:
    """What runs improve-tests' checks of the model's suggestions: only needed with a model."""
    if ai is None:
        return None
    from assay.adapters.suite_runner import PytestSubprocess

    return PytestSubprocess()


def _store(settings: Settings) -> SqlStore:
    """The SQL store on the configured database, its schema brought up to date when allowed."""
    from assay.adapters.store import SqlStore, make_engine, migrate

    engine = make_engine(settings.resolved_database_url())
    if settings.run_migrations:
        migrate(engine)
    return SqlStore(engine)


def queue_config(settings: Settings) -> QueueConfig:
    """Where distributed mode's queue is, and its visibility timeout from the target budget."""
    from assay.adapters.celery_queue import QueueConfig
    from assay.domain.queueing import visibility_timeout

    return QueueConfig(
        broker_url=settings.broker_url,
        queue=f"{settings.broker_prefix}workflows",
        key_prefix=settings.broker_prefix,
        visibility_timeout=visibility_timeout(Target("").budget_seconds, settings.broker_visibility_seconds),
    )


def _redis_parts(
    settings: Settings, backfill: Backfill | None = None
) -> tuple[QueueConfig, EventBus, WorkflowClaims]:
    from assay.adapters.redis_events import RedisEventBus
    from assay.adapters.redis_keys import Keys, sync_client
    from assay.adapters.workflow_claims import WorkflowClaims
    from assay.domain.queueing import lease_seconds

    config = queue_config(settings)
    client, keys = sync_client(settings.broker_url), Keys(settings.broker_prefix)
    claims = WorkflowClaims(client, keys, lease_seconds(config.visibility_timeout))
    return config, RedisEventBus(settings.broker_url, client, keys, backfill), claims


def _queue_parts(settings: Settings, store: WorkflowStore) -> tuple[EventBus, Runner]:
    from assay.adapters.celery_queue import CeleryRunner, celery_app

    config, bus, claims = _redis_parts(settings, store.events_after)
    return bus, CeleryRunner(celery_app(config), config, claims)


def run_worker(settings: Settings, pipeline: PipelineFn | None = None, hostname: str | None = None) -> None:
    """``assay worker``: run workflows from the queue on ``settings.broker_url`` until stopped,
    over the real transport (``pipeline``: the real agents unless a test hands in a fake)."""
    from assay.adapters.celery_queue import celery_app, start_worker
    from assay.domain.ports import CancelToken
    from assay.domain.queueing import QueuedWorkflow
    from assay.services.job import JobDeps
    from assay.services.queued import run_queued

    if not settings.broker_url:
        raise UsageError("`assay worker` needs ASSAY_BROKER_URL (redis://host:6379/0), as the server has.")
    store = _store(settings)
    config, bus, claims = _redis_parts(settings, store.events_after)
    ai = ai_tier(settings, _store_book(store))
    deps = JobDeps(
        pipeline or real_pipeline(ai),
        default_transport,
        store=store,
        bus=bus,
        ai=ai,
        suite_runner=_suite_runner(ai),
    )

    async def handle(message: QueuedWorkflow, cancel: CancelToken) -> None:
        await run_queued(message, cancel, deps)

    start_worker(celery_app(config, handle, claims), config, hostname)


def build_app(
    settings: Settings | None = None,
    *,
    pipeline: PipelineFn | None = None,
    transport_factory: TransportFactory | None = None,
    policy: TargetPolicy | None = None,
    server: ServerAddress | None = None,
    ai: AiTier | None = None,
) -> FastAPI:
    """The HTTP API over a freshly built service, with the dashboard beside it when the API is open."""
    from assay.api.app import create_app
    from assay.settings import Settings
    from assay.web.routes import install

    settings = settings or Settings()
    service = build_service(
        settings,
        pipeline=pipeline,
        transport_factory=transport_factory,
        policy=policy,
        server=server,
        ai=ai,
    )
    app = create_app(service, api_keys=settings.api_keys, max_body_bytes=settings.max_body_bytes)
    if not settings.api_keys:  # the dashboard has no login: it is served only when the API is open too
        install(app)
    return app
