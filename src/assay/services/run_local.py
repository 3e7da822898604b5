"""Run one workflow to completion in this process and write its outputs: the CLI's use case.

The core is the API's background job's (``services.drive``); what differs is around it. The
events go to a consumer the caller brings (the CLI's live table and log), and the end is files
in the output folder instead of a stored record. The files are written whatever happened (a
stage crashed, the target could not be observed, the consumer itself broke): findings.json and
report.md say what was done and what was not.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path

from assay.domain.clock import now_iso
from assay.domain.crashes import crash_note
from assay.domain.events import Event
from assay.domain.run import RunResult
from assay.domain.target import Target
from assay.report.artifacts import write_artifacts
from assay.services.drive import PipelineDeps, drive

Consume = Callable[[Event], None]
# Entered before the run and left after its last event, so that a live display brackets it.
EventSink = AbstractContextManager[Consume]


@dataclass(frozen=True)
class Outputs:
    files: tuple[Path, ...] = ()
    error: str | None = None  # why they could not be written, in one line (the log has the rest)


def new_run(target: Target) -> RunResult:
    """An empty run for ``target``. Its secrets are known from the start, before the pipeline
    adds them: a log masking them needs them from its first line."""
    result = RunResult(target=target.base_url, started_at=now_iso())
    result.secrets = tuple(s for c in target.credentials for s in c.secrets)
    return result


async def run_to_completion(
    deps: PipelineDeps, target: Target, result: RunResult, out_dir: Path, sink: EventSink, *, execute: bool
) -> Outputs:
    """All four stages against ``target``, filling ``result``; every event goes to ``sink``
    (the final one too, as the stream's last); then ``result``'s files in ``out_dir``."""
    target = replace(target, artifacts_dir=target.artifacts_dir or str(out_dir))  # screenshots go beside
    try:
        with sink as consume:

            async def on_event(event: Event) -> None:
                consume(event)

            final = await drive(deps, target, result, on_event, realtime_execution=execute)
            if final is not None:
                consume(final)
    except Exception as exc:  # outside every stage (the transport, the consumer): still write
        line = crash_note("the run", exc, "the stages after it did not run")
        result.incomplete.append(line)
        result.error = result.error or line
    if not result.finished_at:
        result.finished_at = now_iso()
    return write_outputs(result, out_dir)


def write_outputs(result: RunResult, out_dir: Path) -> Outputs:
    """``result``'s files; a failure (a renderer's bug, a full disk) is one line in
    ``Outputs.error``, not an exception."""
    try:
        return Outputs(files=tuple(write_artifacts(result, out_dir)))
    except Exception as exc:
        return Outputs(error=crash_note("writing the outputs", exc))
