"""Runs the pipeline for the CLI: live progress, artifacts on disk, a closing summary.

The outputs are always written, whatever happened (a stage crashed, the target could not be
observed): findings.json and report.md say what was done and what was not. Each error is one
line on the console; the details are in ``assay.log`` beside the outputs.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from assay import __version__
from assay.adapters.browser.chromium import Chromium
from assay.adapters.http import HttpxTransport, SafetyPolicy
from assay.agents import pipeline
from assay.cli.log import run_log
from assay.cli.progress import ProgressView
from assay.domain.crashes import crash_note
from assay.domain.events import AgentCompleted, AgentStarted, Event, WorkflowCompleted, WorkflowFailed
from assay.domain.redaction import redact_text
from assay.domain.run import RunResult
from assay.domain.target import Target
from assay.report.artifacts import write_artifacts
from assay.report.summary import summary_lines

log = logging.getLogger("assay.cli.main")


async def run_and_write(target: Target, out_dir: Path, *, execute: bool, console: Console) -> RunResult:
    result = RunResult(target=target.base_url, started_at=pipeline.now_iso())
    target = replace(target, artifacts_dir=target.artifacts_dir or str(out_dir))  # screenshots go beside
    # The pipeline adds the credentials' secrets to result.secrets first thing; the log needs them
    # before that, from its first line.
    result.secrets = tuple(s for c in target.credentials for s in c.secrets)
    with run_log(out_dir, lambda: result.secrets) as log_path:
        log.info("assay %s: run against %s, output in %s", __version__, target.base_url, out_dir)
        try:
            await _run(target, result, execute, console)
        except Exception as exc:  # outside every stage (transport, progress view): still write
            line = crash_note("the run", exc, "the stages after it did not run")
            result.incomplete.append(line)
            result.error = result.error or line
        if not result.finished_at:
            result.finished_at = pipeline.now_iso()
        _write_and_summarise(result, out_dir, console, log_path)
    return result


async def _run(target: Target, result: RunResult, execute: bool, console: Console) -> None:
    read_hosts = _spec_host(target)
    async with HttpxTransport(SafetyPolicy.for_target(target, read_hosts)) as transport:
        with ProgressView(console) as view:
            async for event in pipeline.run(
                target, transport, result, realtime_execution=execute, browser=Chromium()
            ):
                _log_event(event)
                view.handle(event)
    if not console.is_terminal:
        console.print()  # a non-terminal Live leaves the cursor at the end of its last line


def _log_event(event: Event) -> None:
    if isinstance(event, AgentStarted):
        log.info("%s agent started", event.agent)
    elif isinstance(event, AgentCompleted):
        log.info("%s agent finished in %.1f s", event.agent, event.duration_seconds)
    elif isinstance(event, WorkflowFailed):
        log.error("workflow failed: %s", event.error)
    elif isinstance(event, WorkflowCompleted):
        log.info("workflow completed")


def _write_and_summarise(result: RunResult, out_dir: Path, console: Console, log_path: Path) -> None:
    def say(text: str, style: str | None = None) -> None:
        console.print(redact_text(text, result.secrets), highlight=False, markup=False, style=style)

    try:
        written = write_artifacts(result, out_dir)
    except Exception as exc:  # a renderer's bug: say so in one line, the log has the traceback
        say(f"assay: error: {crash_note('writing the outputs', exc)} (details in {log_path})", "red")
        return
    for line in summary_lines(result):  # lists result.incomplete under INCONCLUSIVE
        say(line)
    say(f"wrote {len(written)} files to {out_dir} (log: {log_path.name})")
    if result.error:
        say(f"assay: error: {result.error} (details in {log_path})", "red")


def _spec_host(target: Target) -> tuple[str, ...]:
    from urllib.parse import urlsplit

    spec = target.spec_location or ""
    host = urlsplit(spec).hostname if spec.startswith(("http://", "https://")) else None
    return (host,) if host else ()
