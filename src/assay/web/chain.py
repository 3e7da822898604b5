"""The chain of stages (observation → requirements → analysis → evolution) a workflow belongs to.

A chained workflow names the one it continues (``source_workflow_id``); the chain is read
backwards through those names and forwards through the workflows that name this one.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.domain.events import AGENTS
from assay.domain.workflow import WorkflowRecord
from assay.web.views import Chain, StageLink

CHAINABLE = ("requirements", "analysis", "evolution")  # the kinds that continue an earlier workflow


def build_chain(
    record: WorkflowRecord, ancestors: Sequence[WorkflowRecord], descendants: Sequence[WorkflowRecord]
) -> Chain:
    """Each stage with the workflow that ran it: this one first, then the nearest earlier one,
    then the later ones; and the stage this workflow can be continued with, once it completed."""
    candidates = [record, *ancestors, *descendants]
    links = []
    for stage in AGENTS:
        owner = next((r for r in candidates if stage in r.stages), None)
        if owner is None:
            links.append(StageLink(stage, None))
        else:
            links.append(StageLink(stage, owner.id, owner.status, owner.id == record.id))
    done = [i for i, stage in enumerate(AGENTS) if any(stage in r.stages for r in [record, *ancestors])]
    following = AGENTS[max(done) + 1] if done and max(done) + 1 < len(AGENTS) else None
    chainable = record.status == "completed" and record.kind != "improve-tests"
    return Chain(links, following if chainable and following in CHAINABLE else None)
