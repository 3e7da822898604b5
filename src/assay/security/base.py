"""What every security family is handed, and the budgeted client it sends through.

A family (``SecurityFamily``) plans a bounded set of request sequences from the ApiModel and
the resource recipes, sends them through ``ProbeClient`` (which enforces the family's request
budget, the run's deadline and the cancel token, and records every exchange), then judges the
recorded exchanges with its pure oracle. Families never raise for target trouble.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assay.domain.crashes import crash_note
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.findings import Finding
from assay.domain.operations import ApiModel
from assay.domain.scenarios import Intent, ResourceRecipe
from assay.domain.target import Target
from assay.errors import SafetyError, TargetError
from assay.execution.auth import Authenticator
from assay.ports import CancelToken, HttpTransport


@dataclass
class SecurityContext:
    api: ApiModel
    target: Target
    transport: HttpTransport
    recipes: Mapping[str, ResourceRecipe]
    auth: Authenticator  # the primary identity, already logged in
    deadline: float  # time.monotonic() value after which families stop sending
    cancel: CancelToken | None = None
    destructive: bool = False  # may touch objects assay did not create itself
    budget_per_family: int = 120
    # Every ProbeClient made for this run: what a family sent is kept even when it crashes.
    clients: list[ProbeClient] = field(default_factory=list, repr=False)


@dataclass
class FamilyReport:
    family: str
    exchanges: list[Exchange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    notes: list[str] = field(default_factory=list)
    crash: str | None = None  # the family raised: what failed and what it skipped, one line


class SecurityFamily(Protocol):
    name: str

    async def run(self, ctx: SecurityContext) -> FamilyReport: ...


class ProbeClient:
    """Sends a family's requests within its budget and records each one as an Exchange."""

    def __init__(self, ctx: SecurityContext, family: str, budget: int | None = None) -> None:
        self._ctx = ctx
        self.family = family
        self.budget = budget if budget is not None else ctx.budget_per_family
        self.exchanges: list[Exchange] = []
        self.sent = 0
        ctx.clients.append(self)

    @property
    def exhausted(self) -> bool:
        cancelled = self._ctx.cancel is not None and self._ctx.cancel.cancelled
        return cancelled or self.sent >= self.budget or time.monotonic() >= self._ctx.deadline

    async def send(
        self,
        request: RecordedRequest,
        *,
        operation: str | None = None,
        path_template: str | None = None,
        action: str = "",
        intent: Intent = "probe",
        timeout: float = 10.0,
    ) -> Exchange | None:
        """The recorded exchange, or None when the budget, deadline or cancel stopped it."""
        if self.exhausted:
            return None
        self.sent += 1
        meta = {"operation": operation, "path_template": path_template, "action": f"{self.family}: {action}"}
        try:
            response = await self._ctx.transport.send(request, timeout=timeout)
        except SafetyError:
            self.sent -= 1  # refused locally: nothing reached the target
            return None
        except TargetError as exc:
            exchange = Exchange(request, None, error=str(exc), intent=intent, **meta)  # type: ignore[arg-type]
        else:
            exchange = Exchange(request, response, intent=intent, **meta)  # type: ignore[arg-type]
        self.exchanges.append(exchange)
        return exchange


async def run_families(ctx: SecurityContext, families: Sequence[SecurityFamily]) -> list[FamilyReport]:
    """Run each family in turn; one family's crash is a note, never the end of the run."""
    reports: list[FamilyReport] = []
    for family in families:
        if ctx.cancel is not None and ctx.cancel.cancelled:
            break
        reports.append(await _run_one(ctx, family))
    return reports


async def _run_one(ctx: SecurityContext, family: SecurityFamily) -> FamilyReport:
    first_client = len(ctx.clients)
    try:
        return await family.run(ctx)
    except Exception as exc:  # a bug in one family must not lose the others' results
        # What it sent before crashing stays on record: counted, and kept with the run's exchanges.
        clients = ctx.clients[first_client:]
        exchanges = [e for c in clients for e in c.exchanges]
        line = crash_note(f"security family {family.name}", exc, "its remaining checks were skipped")
        sent = sum(c.sent for c in clients)
        return FamilyReport(family.name, exchanges, [], sent, notes=[line], crash=line)
