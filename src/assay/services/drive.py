"""The one way to the pipeline: run a workflow's stages over a transport opened for its target.

The API's background job (``services.job``) and the CLI's local run (``services.run_local``)
both go through ``drive``; they differ only in what they do with each event (persist and
publish, or show and log) and with the end (a stored record, or files on disk). Nothing else
imports ``assay.agents.pipeline``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial

from assay.agents.model_session import AiTier
from assay.domain.events import AGENTS, AgentName, Event, WorkflowCompleted, WorkflowFailed
from assay.domain.ports import CancelToken
from assay.domain.run import RunResult
from assay.domain.target import Target
from assay.domain.workflow import PipelineFn, TransportFactory
from assay.pages.browser import BrowserPort

EventHandler = Callable[[Event], Awaitable[None]]
FinalEvent = WorkflowCompleted | WorkflowFailed


def default_pipeline(browser: BrowserPort | None = None, ai: AiTier | None = None) -> PipelineFn:
    """The four agents, with ``browser`` for the web pages (none: the pages are not crawled) and
    ``ai`` for the optional language model (none: nothing is sent to a model); imported on first
    use so that importing the services stays light."""
    from assay.agents.pipeline import run

    return partial(run, browser=browser, ai=ai)


@dataclass(frozen=True)
class PipelineDeps:
    """What a run needs from the composition root (``assay.bootstrap``); tests hand in fakes."""

    pipeline: PipelineFn
    transport_factory: TransportFactory


async def drive(
    deps: PipelineDeps,
    target: Target,
    run: RunResult,
    on_event: EventHandler,
    *,
    stages: Sequence[AgentName] = AGENTS,
    realtime_execution: bool = True,
    cancel: CancelToken | None = None,
) -> FinalEvent | None:
    """Run ``stages`` against ``target``, filling ``run``; each event but the final one goes to
    ``on_event``. The final one is returned, not handed on: the caller saves what the run
    produced first, then tells (a client reacting to "completed" must find the results ready).
    None means the pipeline stopped without saying how it ended."""
    final: FinalEvent | None = None
    async with deps.transport_factory(target) as transport:
        events = deps.pipeline(
            target, transport, run, stages=stages, realtime_execution=realtime_execution, cancel=cancel
        )
        async for event in events:
            if isinstance(event, WorkflowCompleted | WorkflowFailed):
                final = event
            else:
                await on_event(event)
    return final
