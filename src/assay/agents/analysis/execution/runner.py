"""Executes scenarios against the target over the HttpTransport port, recording every exchange.

Per scenario: its fixture chain first (ResourceRecipes, variables namespaced ``${dataset.id}``;
a failing fixture BLOCKS the scenario), then its actions in order, saving variables and checking
each expectation. Groups from the execution strategy run in order; a group of several
scenarios runs concurrently (bounded). The runner never raises for target trouble: a dropped
connection is retried once, a timeout is recorded, and a target that stops answering
(``max_unreachable`` connection failures in a row) ends the run with partial results and a
``target_failure`` message. The time budget and the cancel token are checked between scenarios.

Every request passes the SafetyGuard first: a scenario that would change an object assay did not
create, or call a state reset, is skipped with the rule's reason (never reported as the target's
problem). Resets run only in the reset phase (``reset_phase``, with ``--destructive``); once one
has gone through, the exchanges that follow are kept apart (``after_reset``, never judged) and a
scenario that failed after it is inconclusive, not failed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from assay.agents import run_clock
from assay.agents.analysis.execution.auth import Authenticator, account_created
from assay.agents.analysis.execution.guard import SAFETY_RULE, SafetyGuard
from assay.agents.analysis.execution.identity import identity_for, identity_scope, session_for
from assay.agents.analysis.execution.learning import MAX_ROUNDS, BodyLearner
from assay.agents.analysis.execution.report import ExecutionReport, RunCallback
from assay.agents.analysis.execution.reset_watch import FAILED, MAX_MADE, RAN, ResetWatch, inconclusive
from assay.agents.analysis.execution.steps import save_variables, step_result
from assay.agents.analysis.planning import resets_state
from assay.agents.analysis.value import fixture_chain
from assay.domain.analysis import RunStatus, ScenarioRun, StepResult
from assay.domain.errors import ConnectionDropped, SafetyError, TargetTimeout, TargetUnreachable
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.json import Json, dig
from assay.domain.operations import ApiModel
from assay.domain.ports import CancelToken, HttpTransport
from assay.domain.scenarios import Action, Expectation, RequestSpec, ResourceRecipe, Scenario
from assay.domain.target import Target
from assay.spec.placeholders import UNIQUE, missing_placeholders, new_unique, render_request

# Other modules and tests import the records from here.
__all__ = ["ExecutionReport", "RunCallback", "Runner", "RunnerOptions", "execute"]


# A frozen dataclass of this module: ruff's B008 accepts it as a default argument.
@dataclass(frozen=True)
class RunnerOptions:
    concurrency: int = 4  # scenarios in flight within a parallel group
    request_timeout: float = 10.0
    max_unreachable: int = 3  # connection failures in a row that mean the target is gone
    reset_phase: bool = False  # the run's last phase: state resets may run (with --destructive)


@dataclass(frozen=True)
class _Meta:
    scenario_id: str
    action: str
    expect_from: Action


class _TargetDead(Exception):
    """Internal: unwinds a scenario once the target is declared dead."""


class _Refused(Exception):
    """Internal: unwinds a scenario whose next request the safety rules refuse."""


# The runner's own work outside any scenario: the object it watches for resets.
_SENTINEL = Scenario("assay-reset-watch", "", "", "happy_path", (), (), (), ())
_READ = Action("read the watched object", RequestSpec("", "GET", ""), Expectation())


class Runner:
    """One execution of a strategy against one target; not reusable."""

    def __init__(
        self,
        recipes: Sequence[ResourceRecipe],
        api: ApiModel | None,
        target: Target,
        transport: HttpTransport,
        *,
        auth: Authenticator | None = None,
        options: RunnerOptions = RunnerOptions(),
        cancel: CancelToken | None = None,
        on_run: RunCallback | None = None,
        clock: Callable[[], float] = run_clock.charged,
    ) -> None:
        self._recipes = {r.name: r for r in recipes}
        self._base_path = api.base_path if api else ""
        self._target = target
        self._transport = transport
        self._auth = auth
        self._options = options
        self._cancel = cancel
        self._on_run = on_run
        self._clock = clock
        self._deadline = clock() + target.budget_seconds
        self._unreachable = 0
        self._auth_ok: set[str] = set()  # operations where our credentials were accepted
        self._auth_lock = asyncio.Lock()
        self._auth_generation = 0
        creates = {r.action.request.operation: r.id_field for r in recipes}
        self._guard = SafetyGuard(target, api, creates=creates, allow_resets=options.reset_phase)
        self._watch = ResetWatch(api if not options.reset_phase else None, creates)
        self._learner = BodyLearner(api)
        self.report = ExecutionReport()

    async def run(self, groups: Sequence[Sequence[Scenario]]) -> ExecutionReport:
        """Run every group in order; whatever cannot run is recorded as skipped, with why."""
        sent_before = self._transport.requests_sent
        semaphore = asyncio.Semaphore(max(1, self._options.concurrency))
        for group in groups:
            if self._watch.suspects(group):
                await self._ensure_sentinel()
            marks = (len(self.report.exchanges), len(self.report.runs))
            if len(group) == 1:
                await self._run_one(group[0])
            else:
                await asyncio.gather(*(self._bounded(s, semaphore) for s in group))
            await self._check_reset(group, marks)
        self.report.requests_sent = self._transport.requests_sent - sent_before
        self.report.learned_bodies = self._learner.notes()
        return self.report

    async def _ensure_sentinel(self) -> None:
        """Before a group that could reset the application: an object of assay's to watch."""
        found = self._watch.sentinel_recipe(list(self._recipes.values()))
        if self._watch.sentinel is not None or found is None or self._watch.made >= MAX_MADE:
            return
        if self._stop_reason(_SENTINEL) is not None:
            return
        self._watch.made += 1
        recipe, read = found
        scope = identity_scope(self._auth, self._target)
        try:
            if await self._fixtures(replace(_SENTINEL, fixtures=(recipe.name,)), scope) is not None:
                return
            exchange = await self._exchange(
                read, scope, _Meta(_SENTINEL.id, "read the watched object", _READ)
            )
        except (_Refused, _TargetDead):
            return
        if exchange.status is not None and 200 <= exchange.status < 300:
            self._watch.sentinel = exchange.request

    async def _check_reset(self, group: Sequence[Scenario], marks: tuple[int, int]) -> None:
        """After a group that could have reset the application: did the sentinel object vanish?"""
        suspects = self._watch.suspects(group)
        if not suspects or self._watch.sentinel is None or self.report.target_failure:
            return
        if not await self._watch.vanished(self._transport):
            self._watch.clear(suspects)
            return
        # The group reset the application: its suspects are resets from now on, and nothing it
        # recorded is judged (a failure beside a reset is assay's doing, not the target's).
        names = ", ".join(sorted(suspects))
        self.report.resets_by_effect.extend(sorted(suspects))
        self._guard.add_resets(set(suspects))
        self._watch.sentinel = None
        self.report.after_reset.extend(self.report.exchanges[marks[0] :])
        del self.report.exchanges[marks[0] :]
        why = (
            f"inconclusive: {names} reset the application (an object assay created vanished); "
            "treated as a state reset from now on"
        )
        self.report.runs[marks[1] :] = inconclusive(self.report.runs[marks[1] :], why, RAN)

    async def _bounded(self, scenario: Scenario, semaphore: asyncio.Semaphore) -> None:
        async with semaphore:
            await self._run_one(scenario)

    def _stop_reason(self, scenario: Scenario) -> str | None:
        if resets_state(scenario) and not (self._options.reset_phase and self._target.destructive):
            keys = sorted(
                {a.request.operation for a in scenario.actions if self._guard.is_reset(a.request.operation)}
            )
            return (
                f"not run: {SAFETY_RULE}: {', '.join(keys) or 'it'} resets the application's state; "
                "pass --destructive to test it (alone, after everything else)"
            )
        if self.report.target_failure:
            return f"not run: {self.report.target_failure}"
        if self._cancel is not None and self._cancel.cancelled:
            self.report.cancelled = True
            return "not run: the workflow was cancelled"
        if self._clock() >= self._deadline:
            self.report.budget_exhausted = True
            return f"not run: time budget of {self._target.budget_seconds:g}s exhausted"
        return None

    async def _run_one(self, scenario: Scenario) -> None:
        reason = self._stop_reason(scenario)
        started = self._clock()
        after_reset = self.report.reset_by
        if reason is not None:
            run = ScenarioRun(scenario.id, "skipped", blocked_by=reason)
        else:
            try:
                run = await self._scenario(scenario)
            except _Refused as refused:
                run = ScenarioRun(scenario.id, "skipped", blocked_by=f"not run: {refused}")
            except _TargetDead:
                run = ScenarioRun(scenario.id, "error", blocked_by=self.report.target_failure)
            except Exception as exc:
                # One scenario that trips an unexpected error (a URL httpx rejects, a bad body)
                # must not throw away every other scenario's results.
                run = ScenarioRun(
                    scenario.id, "error", blocked_by=f"runner error: {type(exc).__name__}: {exc}"
                )
            run = replace(run, duration_seconds=round(self._clock() - started, 3))
        if after_reset:
            why = f"inconclusive: ran after assay's own reset of the application ({after_reset})"
            run = inconclusive([run], why, FAILED)[0]
        self.report.runs.append(run)
        if self._on_run is not None:
            self._on_run(run)

    async def _scenario(self, scenario: Scenario) -> ScenarioRun:
        scope: dict[str, Json] = identity_scope(self._auth, self._target)
        blocked = await self._fixtures(scenario, scope)
        if blocked is not None:
            return ScenarioRun(scenario.id, "blocked", blocked_by=blocked)
        scope[UNIQUE] = new_unique()
        steps: list[StepResult] = []
        sent: list[Exchange] = []
        transport_error = False
        for action in scenario.actions:
            missing = missing_placeholders(action.request, scope)
            if missing:
                names = ", ".join("${" + m + "}" for m in missing)
                steps.append(StepResult(action.name, False, f"not sent: no value for {names}"))
                continue
            exchange = await self._exchange(action.request, scope, _Meta(scenario.id, action.name, action))
            steps.append(step_result(action, exchange))
            sent.append(exchange)
            transport_error |= exchange.response is None
            if exchange.response is not None:
                save_variables(scope, action.save, exchange.response.json, exchange.request.body)
        status: RunStatus = "error" if transport_error else "passed"
        if not transport_error and not all(s.passed for s in steps):
            status = "failed"
        self._watch.adopt(scenario, sent, self._target)
        return ScenarioRun(scenario.id, status, tuple(steps))

    async def _fixtures(self, scenario: Scenario, scope: dict[str, Json]) -> str | None:
        """Create the scenario's fixtures into ``scope``; the reason it is blocked, or None."""
        for name in fixture_chain(scenario.fixtures, self._recipes):
            recipe = self._recipes.get(name)
            if recipe is None:
                return f"fixture {name}: no recipe to create it"
            local: dict[str, Json] = {**scope, UNIQUE: new_unique()}
            spec = recipe.action.request
            missing = missing_placeholders(spec, local)
            if missing:
                return f"fixture {name}: {spec.operation} needs {', '.join(missing)}"
            meta = _Meta(scenario.id, f"fixture {name}", recipe.action)
            exchange = await self._exchange(spec, local, meta)
            response = exchange.response
            if response is None:
                return f"fixture {name}: {spec.operation} failed ({exchange.error})"
            if not recipe.action.expect.accepts(response.status):
                return f"fixture {name}: {spec.operation} answered {response.status}"
            created = recipe.created_key(response.json, exchange.request.body)
            if created is None:
                return (
                    f"fixture {name}: {spec.operation} answered {response.status} without {recipe.id_field}"
                )
            scope[f"{name}.id"] = created
            self.report.created_ids.add(str(created))
            scope[f"{name}.{recipe.id_field}"] = created
            for var, path in recipe.action.save.items():
                saved = dig(response.json, path)
                scope[f"{name}.{var}"] = saved if saved is not None else dig(exchange.request.body, path)
        return None

    def _render(self, spec: RequestSpec, scope: Mapping[str, Json]) -> RecordedRequest:
        session = session_for(self._auth, spec)
        return render_request(
            spec,
            base_url=self._target.base_url,
            base_path=self._base_path,
            scope=scope,
            auth_headers=session.headers,
            auth_query=session.query,
        )

    async def _exchange(self, spec: RequestSpec, scope: Mapping[str, Json], meta: _Meta) -> Exchange:
        """Send ``spec``; while the answer names body fields it lacked, add them and send again."""
        spec = self._learner.apply(spec)
        after_reset = self.report.reset_by is not None
        exchange = await self._exchange_once(spec, scope, meta)
        for _ in range(MAX_ROUNDS):
            again = self._learner.learn(spec, exchange)
            if again is None:
                break
            self.report.learning.append(exchange)  # assay's incomplete body: evidence, never judged
            spec, exchange = again, await self._exchange_once(again, scope, meta)
        if not (exchange.error or "").startswith("refused"):
            (self.report.after_reset if after_reset else self.report.exchanges).append(exchange)
        return exchange

    async def _exchange_once(self, spec: RequestSpec, scope: Mapping[str, Json], meta: _Meta) -> Exchange:
        generation = self._auth_generation
        request = self._render(spec, scope)
        refusal = self._guard.refusal(request, spec.operation, spec.path)
        if refusal is not None:
            raise _Refused(refusal)
        exchange = await self._send(request, spec, meta)
        expired = exchange.status == 401 and spec.auth == "user" and spec.operation in self._auth_ok
        if expired and await self._refresh(generation):
            exchange = await self._send(self._render(spec, scope), spec, meta)
        if exchange.status is not None and exchange.status not in {401, 403} and spec.auth == "user":
            self._auth_ok.add(spec.operation)
        if spec.auth == "user" and self._auth is not None:
            self._auth.absorb(exchange.response)  # the identity's own jar; never the anonymous one
        account = account_created(exchange.request, exchange.response, self._target.ledger.password)
        if account is not None:
            self._target.ledger.record("account", account, f"{spec.method} {spec.path}")
        self._guard.note_created(exchange)
        self._note_reset(spec, exchange)
        return exchange

    def _note_reset(self, spec: RequestSpec, exchange: Exchange) -> None:
        """A reset that was not refused (any answer but a 4xx) has reset the application."""
        refused = exchange.status is not None and 400 <= exchange.status < 500
        if self.report.reset_by is None and self._guard.is_reset(spec.operation) and not refused:
            self.report.reset_by = spec.operation

    async def _refresh(self, generation: int) -> bool:
        """Log in again (token expiry), once for all the requests that hit the same 401."""
        if self._auth is None:
            return False
        async with self._auth_lock:
            if generation != self._auth_generation:
                return True  # another request already logged in again
            if await self._auth.refresh() is None:
                return False
            self._auth_generation += 1
            return True

    async def _send(self, request: RecordedRequest, spec: RequestSpec, meta: _Meta) -> Exchange:
        """One request, a dropped connection retried once; errors become error exchanges."""
        base = Exchange(
            request=request,
            response=None,
            operation=spec.operation,
            path_template=spec.path,
            scenario_id=meta.scenario_id,
            action=meta.action,
            intent=spec.intent,
            expect=meta.expect_from.expect,
            identity=identity_for(self._auth, spec),
        )
        for attempt in (1, 2):
            retried = attempt == 2
            if self.report.target_failure:
                raise _TargetDead
            try:
                response = await self._transport.send(request, timeout=self._timeout())
            except ConnectionDropped as exc:
                if retried:
                    return replace(base, error=_describe(exc, "connection dropped"), retried=True)
                # The first drop is evidence of its own (server_error judges it); then retry.
                kept = self.report.after_reset if self.report.reset_by else self.report.exchanges
                kept.append(replace(base, error=_describe(exc, "connection dropped")))
                continue
            except TargetTimeout as exc:
                return replace(base, error=_describe(exc, "timeout"), retried=retried)
            except TargetUnreachable as exc:
                self._note_unreachable(exc)
                return replace(base, error=_describe(exc, "unreachable"), retried=retried)
            except SafetyError as exc:
                return replace(base, error=f"refused by the safety policy: {exc}")
            self._unreachable = 0
            return replace(base, response=response, retried=retried)
        raise AssertionError("unreachable: the loop returns on its second attempt")

    def _timeout(self) -> float:
        remaining = self._deadline - self._clock()
        # Never cut a request shorter than a second: a budget overrun beats a bogus timeout.
        return max(1.0, min(self._options.request_timeout, remaining))

    def _note_unreachable(self, exc: TargetUnreachable) -> None:
        self._unreachable += 1
        if self._unreachable >= self._options.max_unreachable and not self.report.target_failure:
            self.report.target_failure = (
                f"the target stopped answering ({self._unreachable} connection failures in a row; "
                f"last: {_describe(exc, 'unreachable')})"
            )


def _describe(exc: Exception, fallback: str) -> str:
    return str(exc) or fallback


async def execute(
    groups: Sequence[Sequence[Scenario]],
    recipes: Sequence[ResourceRecipe],
    api: ApiModel | None,
    target: Target,
    transport: HttpTransport,
    *,
    auth: Authenticator | None = None,
    options: RunnerOptions = RunnerOptions(),
    cancel: CancelToken | None = None,
    on_run: RunCallback | None = None,
) -> ExecutionReport:
    """Run ``groups`` (the strategy's parallel groups, in order) and report what happened."""
    runner = Runner(recipes, api, target, transport, auth=auth, options=options, cancel=cancel, on_run=on_run)
    return await runner.run(groups)
