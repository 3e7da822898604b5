"""Documents built from a finished run: findings.json, the report, the test suite as a zip."""

from __future__ import annotations

import html
import importlib
import io
import zipfile
from collections.abc import Callable
from typing import cast

from assay import __version__
from assay.domain.codec import to_json
from assay.domain.json import JsonObject
from assay.domain.run import RunResult


def _renderer(module: str, name: str) -> Callable[[RunResult], object] | None:
    """A renderer of assay.report when that module is installed (it is built separately)."""
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return cast(Callable[[RunResult], object], found) if callable(found) else None


def findings_document(run: RunResult) -> JsonObject:
    """findings.json as FINDINGS.md defines it."""
    render = _renderer("assay.report.findings_doc", "findings_document")
    if render is not None:
        return cast(JsonObject, render(run))
    findings = []
    for index, finding in enumerate(run.findings, start=1):
        data = cast(JsonObject, to_json(finding))
        data["id"] = data.get("id") or f"F-{index:04d}"
        findings.append(data)
    return {
        "assay_version": __version__,
        "target": run.target,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "findings": list(findings),
    }


def markdown_report(run: RunResult) -> str:
    render = _renderer("assay.report.markdown", "render_markdown")
    if render is not None:
        return str(render(run))
    lines = [
        f"# assay report for {run.target}",
        "",
        f"Started {run.started_at}, finished {run.finished_at}.",
        "",
    ]
    if run.error:
        lines += [f"**Workflow error:** {run.error}", ""]
    lines.append(f"## Findings ({len(run.findings)})")
    for f in run.findings:
        lines.append(f"- **{f.severity}** `{f.method} {f.path}` {f.category}: {f.title}")
    return "\n".join(lines) + "\n"


def html_report(run: RunResult) -> str:
    render = _renderer("assay.report.html", "render_html")
    if render is not None:
        return str(render(run))
    body = html.escape(markdown_report(run))
    title = html.escape(f"assay report for {run.target}")
    head = f"<head><meta charset='utf-8'><title>{title}</title></head>"
    return f"<!doctype html><html>{head}<body><pre>{body}</pre></body></html>"


def suite_zip(run: RunResult, workflow_id: str) -> bytes:
    """The generated test suite: every file Evolution wrote, under ``assay-suite-<id>/``."""
    buffer = io.BytesIO()
    root = f"assay-suite-{workflow_id[:8]}"
    evolution = run.evolution
    files = dict(evolution.files) if evolution is not None else {}
    if evolution is not None and not files:
        for case in evolution.test_cases:
            files[case.file] = files.get(case.file, "") + case.code + "\n\n"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in sorted(files.items()):
            archive.writestr(f"{root}/{path.lstrip('/')}", content)
    return buffer.getvalue()
