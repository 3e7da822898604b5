"""What every security family is handed, and the budgeted client it sends through.

A family (``SecurityFamily``) plans a bounded set of request sequences from the ApiModel and
the resource recipes, sends them through ``ProbeClient`` (which enforces the family's request
budget, the run's deadline and the cancel token, and records every exchange), then judges the
recorded exchanges with its pure oracle. Families never raise for target trouble.

``ProbeClient`` asks the run's SafetyGuard about every request: a state reset, or a change to an
object assay did not create (without ``--destructive``), is not sent and is listed in
``refusals``; every object a create answer hands out goes into the run's ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assay.agents import run_clock
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.execution.guard import SafetyGuard
from assay.domain.crashes import crash_note
from assay.domain.errors import SafetyError, TargetError
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.findings import Finding
from assay.domain.operations import ApiModel
from assay.domain.ports import CancelToken, HttpTransport
from assay.domain.scenarios import Intent, ResourceRecipe
from assay.domain.target import Target


@dataclass
class SecurityContext:
    api: ApiModel
    target: Target
    transport: HttpTransport
    recipes: Mapping[str, ResourceRecipe]
    auth: Authenticator  # the primary identity, already logged in
    deadline: float  # run_clock.charged() value after which families stop sending
    cancel: CancelToken | None = None
    destructive: bool = False  # may touch objects assay did not create itself
    budget_per_family: int = 120
    resets: frozenset[str] = frozenset()  # operations the scenarios showed to reset the application
    # Operation key -> an identity it answers 2xx when it refuses the primary (a staff-only door):
    # learned by the identity_reach family, used by the attack families' Prober.
    reach: dict[str, Authenticator] = field(default_factory=dict)
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
    out_of_time: bool = False  # it wanted to send past the deadline: planned more than it did


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
        self.out_of_time = False  # a request was held back by the deadline (domain.partial)
        self.refusals: list[str] = []  # why requests were not sent (the safety rules), without repeats
        creates = {r.action.request.operation: r.id_field for r in ctx.recipes.values()}
        destructive = ctx.destructive or ctx.target.destructive
        self._guard = SafetyGuard(ctx.target, ctx.api, creates=creates, destructive=destructive)
        self._guard.add_resets(ctx.resets)
        ctx.clients.append(self)

    @property
    def exhausted(self) -> bool:
        cancelled = self._ctx.cancel is not None and self._ctx.cancel.cancelled
        if cancelled or self.sent >= self.budget:
            return True
        if run_clock.charged() >= self._ctx.deadline:
            # Remembered: the family planned more than the time budget let it send.
            self.out_of_time = True
            return True
        return False

    async def send(
        self,
        request: RecordedRequest,
        *,
        operation: str | None = None,
        path_template: str | None = None,
        action: str = "",
        intent: Intent = "probe",
        timeout: float = 10.0,
        identity: str | None = None,
        own_account: bool = False,
    ) -> Exchange | None:
        """The recorded exchange, or None when the budget, deadline, cancel or safety rules stopped it.

        ``identity`` is the role name the request is sent as; findings read it from the exchange.
        ``own_account``: the request acts as an account assay registered (``DELETE /users/me``).
        """
        if self.exhausted:
            return None
        refusal = self._guard.refusal(request, operation, path_template, own_account=own_account)
        if refusal is not None:
            if refusal not in self.refusals:
                self.refusals.append(refusal)
            return None
        self.sent += 1
        meta = {
            "operation": operation,
            "path_template": path_template,
            "action": f"{self.family}: {action}",
            "identity": identity,
        }
        try:
            response = await self._ctx.transport.send(request, timeout=timeout)
        except SafetyError:
            self.sent -= 1  # refused locally: nothing reached the target
            return None
        except TargetError as exc:
            exchange = Exchange(request, None, error=str(exc), intent=intent, **meta)  # type: ignore[arg-type]
        else:
            exchange = Exchange(request, response, intent=intent, **meta)  # type: ignore[arg-type]
            self._guard.note_created(exchange)
        self.exchanges.append(exchange)
        return exchange

    def refusal_notes(self) -> list[str]:
        """One note for what the safety rules kept from being sent (the first reasons, a count)."""
        if not self.refusals:
            return []
        shown = "; ".join(self.refusals[:3])
        more = f" (+{len(self.refusals) - 3} more)" if len(self.refusals) > 3 else ""
        return [f"not sent, by {len(self.refusals)} safety refusal(s): {shown}{more}"]


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
        return out_of_time(await family.run(ctx), ctx.clients[first_client:])
    except Exception as exc:  # a bug in one family must not lose the others' results
        # What it sent before crashing stays on record: counted, and kept with the run's exchanges.
        clients = ctx.clients[first_client:]
        exchanges = [e for c in clients for e in c.exchanges]
        line = crash_note(f"security family {family.name}", exc, "its remaining checks were skipped")
        sent = sum(c.sent for c in clients)
        return out_of_time(FamilyReport(family.name, exchanges, [], sent, notes=[line], crash=line), clients)


def out_of_time(report: FamilyReport, clients: Sequence[ProbeClient]) -> FamilyReport:
    """``report``, marked when any of the family's clients was held back by the deadline."""
    report.out_of_time = report.out_of_time or any(c.out_of_time for c in clients)
    return report
