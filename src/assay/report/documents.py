"""Documents built from a finished run: findings.json, the report, model-prompts.json, the suite as a zip."""

from __future__ import annotations

import io
import zipfile

from assay.domain.run import RunResult

# The renderers themselves live in assay.report (pure); the API serves them under these names.
from assay.report.artifacts import model_prompts_document
from assay.report.findings_doc import findings_document
from assay.report.html import render_html as html_report
from assay.report.markdown import render_markdown as markdown_report

__all__ = ["findings_document", "html_report", "markdown_report", "model_prompts_document", "suite_zip"]


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
