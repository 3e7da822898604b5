"""Runs the pipeline for the CLI: live progress, artifacts on disk, a closing summary."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.console import Console

from assay import pipeline
from assay.domain.run import RunResult
from assay.domain.target import Target
from assay.execution.transport import HttpxTransport, SafetyPolicy
from assay.progress_view import ProgressView
from assay.report.artifacts import write_artifacts
from assay.report.summary import summary_lines


async def run_and_write(target: Target, out_dir: Path, *, execute: bool, console: Console) -> RunResult:
    result = RunResult(target=target.base_url, started_at=pipeline.now_iso())
    target = replace(target, artifacts_dir=target.artifacts_dir or str(out_dir))  # screenshots go beside
    read_hosts = _spec_host(target)
    async with HttpxTransport(SafetyPolicy.for_target(target, read_hosts)) as transport:
        with ProgressView(console) as view:
            async for event in pipeline.run(target, transport, result, realtime_execution=execute):
                view.handle(event)
    if not console.is_terminal:
        console.print()  # a non-terminal Live leaves the cursor at the end of its last line
    if result.observation is not None:
        written = write_artifacts(result, out_dir)
        for line in summary_lines(result):
            console.print(line, highlight=False, markup=False)
        console.print(f"wrote {len(written)} files to {out_dir}", highlight=False, markup=False)
    if result.error:
        console.print(f"workflow stopped: {result.error}", highlight=False, markup=False, style="yellow")
    return result


def _spec_host(target: Target) -> tuple[str, ...]:
    from urllib.parse import urlsplit

    spec = target.spec_location or ""
    host = urlsplit(spec).hostname if spec.startswith(("http://", "https://")) else None
    return (host,) if host else ()
