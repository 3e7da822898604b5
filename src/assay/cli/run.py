"""The CLI's side of a run: the live progress, ``assay.log`` and the closing summary.

The run itself is ``services.run_local`` (the API's job drives the same core): it writes the
outputs whatever happened. Each error is one line on the console; the details are in
``assay.log`` beside the outputs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from assay import __version__
from assay.bootstrap import local_deps
from assay.cli.log import run_log
from assay.cli.progress import ProgressView
from assay.domain.baseline import Baseline
from assay.domain.events import AgentCompleted, AgentStarted, Event, WorkflowCompleted, WorkflowFailed
from assay.domain.redaction import redact_text
from assay.domain.run import RunResult
from assay.domain.target import Target
from assay.report.summary import summary_lines
from assay.services.run_local import Consume, Outputs, new_run, run_to_completion

log = logging.getLogger("assay.cli.main")


async def run_and_write(
    target: Target,
    out_dir: Path,
    *,
    execute: bool,
    console: Console,
    summary: Console | None = None,
    baseline: Baseline | None = None,
) -> RunResult:
    """Run against ``target``, writing the outputs in ``out_dir``: the live progress and errors go
    to ``console`` (stderr), the closing summary to ``summary`` (stdout; ``console`` when not
    given), so that a CI step can keep the summary and let the progress scroll by."""
    result = new_run(target)
    result.baseline = baseline
    with run_log(out_dir, lambda: result.secrets) as log_path:
        log.info("assay %s: run against %s, output in %s", __version__, target.base_url, out_dir)
        outputs = await run_to_completion(
            local_deps(), target, result, out_dir, _live(console), execute=execute
        )
        _summarise(result, outputs, out_dir, (summary or console, console), log_path)
    return result


@contextmanager
def _live(console: Console) -> Iterator[Consume]:
    """The live table, and a log line per stage, for as long as the run's events come."""
    with ProgressView(console) as view:

        def consume(event: Event) -> None:
            _log_event(event)
            view.handle(event)

        yield consume
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


def _summarise(
    result: RunResult, outputs: Outputs, out_dir: Path, consoles: tuple[Console, Console], log_path: Path
) -> None:
    summary, errors = consoles

    def say(text: str, style: str | None = None, console: Console = summary) -> None:
        console.print(redact_text(text, result.secrets), highlight=False, markup=False, style=style)

    if outputs.error is not None:  # the log has the traceback
        say(f"assay: error: {outputs.error} (details in {log_path})", "red", errors)
        return
    for line in summary_lines(result):  # lists result.incomplete under INCONCLUSIVE
        say(line)
    say(f"wrote {len(outputs.files)} files to {out_dir} (log: {log_path.name})")
    if result.error:
        say(f"assay: error: {result.error} (details in {log_path})", "red", errors)
