"""junit.xml: one testcase per executed scenario, plus one failing testcase per finding."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from assay.domain.analysis import ScenarioRun
from assay.domain.findings import Finding
from assay.domain.redaction import redact_secrets
from assay.domain.run import RunResult
from assay.domain.scenarios import Scenario
from assay.report.common import operation_of, runs

# Characters XML 1.0 cannot carry, even escaped (response bodies may hold them).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", {"name": name})


def _scenario_case(suite: ET.Element, result: ScenarioRun, scenario: Scenario | None) -> None:
    title = f"{result.scenario_id} {scenario.title}" if scenario else result.scenario_id
    feature = scenario.feature if scenario else "scenarios"
    attrs = {"classname": f"assay.{feature}", "name": _clean(title), "time": f"{result.duration_seconds:.3f}"}
    case = ET.SubElement(suite, "testcase", attrs)
    failed = [s for s in result.steps if not s.passed]
    details = "\n".join(f"{s.name}: {s.message or 'failed'} (HTTP {s.status})" for s in failed)
    if result.status == "failed":
        message = failed[0].message if failed else "scenario failed"
        ET.SubElement(case, "failure", {"message": _clean(message)}).text = _clean(details)
    elif result.status == "error":
        ET.SubElement(case, "error", {"message": _clean(details or "error")}).text = _clean(details)
    elif result.status in ("blocked", "skipped"):
        reason = f"blocked by {result.blocked_by}" if result.blocked_by else result.status
        ET.SubElement(case, "skipped", {"message": _clean(reason)})


def _finding_case(suite: ET.Element, finding: Finding) -> None:
    name = f"{finding.id or finding.category} [{finding.severity}] {finding.title}"
    case = ET.SubElement(
        suite, "testcase", {"classname": "assay.findings", "name": _clean(name), "time": "0"}
    )
    properties = ET.SubElement(case, "properties")
    for key, value in (("proof", finding.proof or ""), ("identity", finding.identity)):
        ET.SubElement(properties, "property", {"name": key, "value": _clean(value)})
    body = [f"{operation_of(finding)} ({finding.category})", finding.detail]
    body.append(f"Proof: {finding.proof or 'unknown'}; sent as: {finding.identity or 'unknown'}")
    if finding.reproduce:
        body.append(f"Reproduce: {finding.reproduce}")
    if finding.recommendation:
        body.append(f"Fix: {finding.recommendation}")
    if finding.flaky or finding.proof == "flaky":
        # Seen once and not again on a fresh connection: reported, but it must not fail a build.
        message = _clean(f"flaky (did not reproduce): {finding.title}")
        ET.SubElement(case, "skipped", {"message": message}).text = _clean("\n".join(body))
        return
    attrs = {"message": _clean(finding.title), "type": finding.category}
    ET.SubElement(case, "failure", attrs).text = _clean("\n".join(body))


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.set("time", f"{sum(float(c.get('time', '0')) for c in cases):.3f}")


def _features(results: Sequence[ScenarioRun], scenarios: dict[str, Scenario]) -> list[str]:
    return list(
        dict.fromkeys(
            scenarios[r.scenario_id].feature if r.scenario_id in scenarios else "scenarios" for r in results
        )
    )


def render_junit(run: RunResult) -> str:
    """A JUnit XML document (one suite per feature, one for the findings); secrets redacted."""
    scenarios = {s.id: s for s in run.requirements.scenarios} if run.requirements else {}
    root = ET.Element("testsuites", {"name": f"assay {run.target}"})
    results = runs(run)
    for feature in _features(results, scenarios):
        suite = _suite(root, feature)
        for result in results:
            scenario = scenarios.get(result.scenario_id)
            if (scenario.feature if scenario else "scenarios") == feature:
                _scenario_case(suite, result, scenario)
    findings = _suite(root, "findings")
    for finding in run.findings:
        _finding_case(findings, finding)
    for suite in root.findall("testsuite"):
        _count(suite)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in root.findall("testsuite"))))
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return redact_secrets('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n", run.secrets)
