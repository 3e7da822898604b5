"""Proof before report: replay single-exchange findings alone, on a fresh connection.

A finding an oracle judged from one exchange is real only when the same request shows the same
fault again, sent by itself (after every scenario and family is done, so nothing runs beside it)
over a connection of its own (a new client: no pooled keep-alive connection, no state from
earlier traffic). Each fault (category, method, path) gets up to :data:`TRIES_PER_FAULT` replays of
its most severe instances; when none shows it again, every instance is ``flaky`` (at most low,
never blocking). Faults are checked in a fixed order, so the same run replays the same requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace

from assay.agents.analysis.execution.auth import account_created
from assay.agents.analysis.fresh_values import with_fresh_token
from assay.domain.errors import SafetyError, TargetError
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.json import JsonObject, dig
from assay.domain.ports import HttpTransport, Reconnecting
from assay.domain.scenarios import RequestSpec
from assay.domain.target import Target
from assay.oracles.base import path_of
from assay.oracles.merge import flaky_severity, mark_flaky, shown_key

# Categories an oracle decides from one exchange: replaying that exchange tells real from flaky.
REPLAYABLE = frozenset(
    {"server_error", "missing_endpoint", "spec_drift", "response_schema", "status_code", "redirect"}
)
# Read-only single-exchange judgments of the security families: replaying a GET changes nothing.
REPLAYABLE_READS = frozenset({"information_disclosure", "data_exposure"})
TRIES_PER_FAULT = 2
MAX_REPLAYS = 60
REPLAY_TIMEOUT = 10.0
# Replays without any answer in a row after which the target is taken for gone (counted in work,
# not seconds: the same target gives the same verdicts on a busy machine and an idle one).
MAX_SILENT_REPLAYS = 3


def replayable(finding: Finding) -> bool:
    """A finding judged from one exchange, whose producer did not establish it another way."""
    if finding.proof is not None:
        return False  # differential, canary or timing: proven by its own pair or measurements
    if finding.category in REPLAYABLE:
        return True
    return finding.category in REPLAYABLE_READS and finding.method.upper() in {"GET", "HEAD"}


@asynccontextmanager
async def fresh_transport(transport: HttpTransport) -> AsyncIterator[HttpTransport]:
    """A new client with the run's safety policy (a transport that cannot reconnect is reused as is)."""
    if not isinstance(transport, Reconnecting):
        yield transport
        return
    async with transport.fresh() as fresh:
        yield fresh


async def replay_exchange(original: Exchange, transport: HttpTransport) -> Exchange:
    """Send the original request again, recorded as a ``replay`` exchange."""
    try:
        response = await transport.send(original.request, timeout=REPLAY_TIMEOUT)
    except (TargetError, SafetyError) as exc:
        return replace(
            original, response=None, error=str(exc) or type(exc).__name__, intent="replay", retried=False
        )
    return replace(original, response=response, error=None, intent="replay", retried=False)


def trigger_of(finding: Finding, exchanges: Sequence[Exchange]) -> Exchange | None:
    """The recorded exchange a finding was judged from: same route and scenario, same answer."""
    candidates = [
        e
        for e in exchanges
        if e.request.method.upper() == finding.method.upper()
        and path_of(e) == finding.path
        and e.intent != "replay"
        and (finding.scenario_id is None or e.scenario_id == finding.scenario_id)
    ]
    status = dig(finding.evidence, "response.status")
    for exchange in candidates:
        if isinstance(status, int) and exchange.status == status:
            return exchange
        if status is None and exchange.response is None and exchange.error:
            return exchange
    return candidates[0] if candidates else None


def unproven(finding: Finding, why: str) -> Finding:
    """``finding`` as flaky: its fault was not seen again (or could not be replayed)."""
    evidence: JsonObject = dict(finding.evidence)
    evidence["replay"] = why
    return replace(
        finding, flaky=True, proof="flaky", severity=flaky_severity(finding.severity), evidence=evidence
    )


class _Replayer:
    """Replays exchanges one at a time, each over a fresh client, within counts of replays."""

    def __init__(
        self,
        target: Target,
        transport: HttpTransport,
        exchanges: list[Exchange],
        templates: Mapping[str, Sequence[RequestSpec]],
    ) -> None:
        self._target = target
        self._transport = transport
        self._exchanges = exchanges  # replays are appended: they are evidence too
        self._templates = templates
        self._done: dict[int, Exchange] = {}
        self._silent = 0  # replays in a row that got no answer at all

    @property
    def exhausted(self) -> bool:
        return len(self._done) >= MAX_REPLAYS or self._silent >= MAX_SILENT_REPLAYS

    async def replay(self, original: Exchange) -> Exchange:
        key = id(original)
        if key not in self._done:
            again = with_fresh_token(original, self._templates)  # a create must not meet its twin
            async with fresh_transport(self._transport) as fresh:
                self._done[key] = done = await replay_exchange(again, fresh)
            self._exchanges.append(done)
            self._silent = self._silent + 1 if done.response is None else 0
            account = account_created(done.request, done.response, self._target.ledger.password)
            if account is not None:  # a replayed registration made one more account of ours
                self._target.ledger.record(
                    "account", account, f"replay of {done.request.method} {done.path_template}"
                )
        return self._done[key]


async def _check_fault(group: list[Finding], replayer: _Replayer, exchanges: list[Exchange]) -> list[Finding]:
    """The group's findings after replaying its best instances until one shows the fault again."""
    tried = 0
    checked: list[Finding] = []
    for finding in group:
        original = trigger_of(finding, exchanges) if tried < TRIES_PER_FAULT else None
        if original is None:
            checked.append(finding)
            continue
        if replayer.exhausted:
            return [
                unproven(f, "not replayed: the replay budget was spent, or the target stopped answering")
                for f in group
            ]
        tried += 1
        result = mark_flaky(finding, await replayer.replay(original), original)
        if not result.flaky:
            return [*checked, result, *group[len(checked) + 1 :]]
        checked.append(result)
    if tried == 0:
        return group  # no recorded request to replay: judged on what was recorded
    why = f"not reproduced: {tried} replay(s) on a fresh connection did not show it"
    return [f if f.flaky else unproven(f, why) for f in checked]


async def check_flaky(
    findings: Sequence[Finding],
    exchanges: list[Exchange],
    target: Target,
    transport: HttpTransport,
    templates: Mapping[str, Sequence[RequestSpec]] | None = None,
) -> list[Finding]:
    """Replay each single-exchange fault (see the module docstring); replays join ``exchanges``.

    ``templates`` (operation -> request templates) let a replay send fresh ``${unique}`` values.
    """
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    others: list[Finding] = []
    for finding in findings:
        if replayable(finding):
            groups.setdefault(finding.dedup_key, []).append(finding)
        else:
            others.append(finding)
    replayer = _Replayer(target, transport, exchanges, templates or {})
    checked: list[Finding] = []
    for key in sorted(groups):
        checked.extend(await _check_fault(sorted(groups[key], key=shown_key), replayer, exchanges))
    return [*checked, *others]
