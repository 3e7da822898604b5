"""The HTTP oracles, in the order they run, and one call that runs them all."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from assay.domain.crashes import isolated
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.operations import ApiModel
from assay.oracles import (
    missing_endpoint,
    redirect,
    response_schema,
    server_error,
    slow_response,
    spec_drift,
    spec_quality,
    status_code,
)
from assay.oracles.base import Judge, OracleContext

HTTP_ORACLES: tuple[tuple[str, Judge], ...] = (
    ("server_error", server_error.judge),
    ("missing_endpoint", missing_endpoint.judge),
    ("spec_drift", spec_drift.judge),
    ("response_schema", response_schema.judge),
    ("status_code", status_code.judge),
    ("redirect", redirect.judge),
    ("spec_quality", spec_quality.judge),
    ("slow_response", slow_response.judge),
)


def judge_all(
    exchanges: Sequence[Exchange],
    api: ApiModel | None,
    context: OracleContext,
    crashes: list[str] | None = None,
) -> list[Finding]:
    """Every HTTP oracle's findings, unmerged (``merge.merge_findings`` dedups and numbers them).

    An oracle that raises judges nothing; the others still run, and the crash is one line in
    ``crashes`` (when given) and a traceback in the log.
    """
    findings: list[Finding] = []
    notes = crashes if crashes is not None else []
    for name, judge in HTTP_ORACLES:
        work = partial(judge, exchanges, api, context)
        findings.extend(isolated(f"oracle {name}", f"no {name} findings were judged", work, [], notes))
    return findings
