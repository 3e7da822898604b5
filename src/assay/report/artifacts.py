"""Every file of a run in one folder: the only place in report/ that writes files."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from assay.domain.codec import to_json
from assay.domain.json import Json, JsonObject
from assay.domain.redaction import redact_secrets, redact_strings
from assay.domain.run import RunResult
from assay.report.findings_doc import findings_document
from assay.report.gherkin import render_features
from assay.report.html import render_html
from assay.report.junit import render_junit
from assay.report.markdown import render_markdown
from assay.report.sarif import sarif_document
from assay.report.wfc import wfc_document


def _safe_relative(path: str) -> PurePosixPath | None:
    """A relative path that stays inside its folder, or None."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or ".." in pure.parts:
        return None
    return pure


def _dump(value: Json, secrets: tuple[str, ...]) -> str:
    return json.dumps(redact_strings(value, secrets, redact_secrets), indent=2, ensure_ascii=False) + "\n"


def analysis_document(run: RunResult) -> JsonObject:
    return {
        "analysis": to_json(run.analysis),
        "coverage": to_json(run.requirements.coverage) if run.requirements else None,
    }


def ledger_document(run: RunResult) -> JsonObject:
    """created.json: every object, account and page assay created, so a user can clean up."""
    entries: list[Json] = [
        {"kind": e.kind, "key": e.key, "via": e.via, "path": e.path} for e in run.ledger.entries
    ]
    return {
        "target": run.target,
        "note": "what assay created on the target during this run: delete these to clean up",
        "created": entries,
    }


def model_prompts_document(run: RunResult) -> JsonObject:
    """model-prompts.json: each call to the language model, what it was sent and how it ended."""
    use = run.model_use
    calls: list[Json] = [
        {"purpose": p.purpose, "system": p.system, "user": p.user, "outcome": p.outcome}
        for p in (use.sent if use else [])
    ]
    return {"model": use.name if use else "", "calls": calls}


# Redacted by their renderer, part by part: a second pass over the whole text could cut into the
# page's embedded screenshots or its hashed script.
_SELF_REDACTED = frozenset({"report.html"})


def _texts(run: RunResult, out_dir: Path | None = None) -> dict[str, str]:
    """Relative path -> content of every artifact the run has material for (``out_dir``: its folder)."""
    texts = {
        "findings.json": _dump(findings_document(run), run.secrets),
        "report.md": render_markdown(run),
        "report.html": render_html(run, out_dir=out_dir),
        "junit.xml": render_junit(run),
        "findings.sarif": _dump(sarif_document(run), run.secrets),
        "wfc-report.json": _dump(wfc_document(run), run.secrets),
        "created.json": _dump(ledger_document(run), run.secrets),
    }
    if run.analysis or run.requirements:
        texts["analysis.json"] = _dump(analysis_document(run), run.secrets)
    if run.observation:
        texts["observation.json"] = _dump(to_json(run.observation), run.secrets)
    if run.model_use is not None:  # what the model was sent, as sent (redacted, bounded)
        texts["model-prompts.json"] = _dump(model_prompts_document(run), run.secrets)
    if run.requirements:
        for name, text in render_features(run.requirements.scenarios).items():
            texts[f"scenarios/{name}"] = text
    if run.evolution:
        for name, text in run.evolution.files.items():
            texts[f"tests/{name}"] = text
    return texts


def write_artifacts(run: RunResult, out_dir: Path) -> list[Path]:
    """Write the run's files under ``out_dir`` (created if needed); returns the paths written."""
    written: list[Path] = []
    for name, text in _texts(run, out_dir).items():
        relative = _safe_relative(name)
        if relative is None:
            continue
        path = out_dir.joinpath(*relative.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        final = text if name in _SELF_REDACTED else redact_secrets(text, run.secrets)
        path.write_text(final, encoding="utf-8")
        written.append(path)
    return written
