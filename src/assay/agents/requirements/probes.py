"""Smoke scenarios from probed endpoints, for a target without an API description."""

from __future__ import annotations

from assay.agents.requirements import scoring
from assay.domain.observation import Observation, ProbedEndpoint
from assay.domain.operations import operation_key
from assay.domain.scenarios import Action, CoverageItem, Expectation, RequestSpec, Scenario, Step
from assay.spec import naming
from assay.spec.catch_all import noted

PROBE_GAPS: tuple[CoverageItem, ...] = (
    CoverageItem("request bodies and required fields", "no API description found: nothing says what to send"),
    CoverageItem(
        "POST, PUT, PATCH and DELETE", "not generated without a description: no safe valid request known"
    ),
    CoverageItem("response schemas", "no API description found: bodies cannot be validated"),
    CoverageItem("authentication", "not tested: no login operation is known without a description"),
)


def _expect(probe: ProbedEndpoint) -> Expectation:
    if probe.status >= 500:
        # It failed while probing: expecting any non-5xx makes the failure show as a finding.
        return Expectation(status_classes=(2, 3, 4), description="any answer but a server error")
    return Expectation(
        statuses=(probe.status,), status_classes=(), validate_schema=False, description="as probed"
    )


def _scenario(index: int, probe: ProbedEndpoint) -> Scenario:
    key = operation_key("GET", probe.path)
    spec = RequestSpec(operation=key, method="GET", path=probe.path, auth="none", intent="probe")
    expect = _expect(probe)
    wanted = "an answer other than 5xx" if probe.status >= 500 else f"{probe.status} as when probed"
    steps = (
        Step("Given", "a client without credentials"),
        Step("When", f"I send GET {probe.path}"),
        Step("Then", f"the response status is {wanted}"),
    )
    sev = 2 if naming.is_low_value_path(probe.path) else 4
    return Scenario(
        id=f"SC-API-{index:03d}",
        feature=(naming.static_segments(probe.path) or ["root"])[0],
        title=f"GET {probe.path} answers {wanted}",
        kind="happy_path",
        tags=("@smoke", "@probe", scoring.tag("get")),
        operations=(key,),
        steps=steps,
        actions=(Action("probe", spec, expect),),
        data={"requests": [{"operation": key}], "probed_status": probe.status},
        severity=sev,
    )


def probe_scenarios(observation: Observation) -> tuple[list[Scenario], list[CoverageItem]]:
    """One GET per probed endpoint (method GET only), in path order; the rest is a gap.

    Only what was observed: a probed path that answered like a path that cannot exist was
    dropped at observation, and is a gap here, never a scenario.
    """
    gets: dict[str, ProbedEndpoint] = {}
    others: list[CoverageItem] = []
    for p in sorted(observation.probes, key=lambda p: (p.path, p.method)):
        if p.method.upper() == "GET":
            gets.setdefault(p.path, p)
        else:
            others.append(
                CoverageItem(operation_key(p.method, p.path), "found by probing; only GET is replayed")
            )
    scenarios = [_scenario(i, p) for i, p in enumerate(gets.values(), start=1)]
    gaps = list(others) + list(PROBE_GAPS)
    fallback = noted(observation.notes)
    if fallback is not None:
        gaps.insert(0, CoverageItem("probed paths", fallback))
    if not gets:
        gaps.insert(
            0, CoverageItem(observation.target, "no API description and no endpoint answered probing")
        )
    return scenarios, gaps
