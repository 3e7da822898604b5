"""``assay.log`` in the output folder: the full story of a run, secrets masked.

The console gets one line per error; tracebacks and the stage, family or check that failed go
here, through Python logging (every module logs under the ``assay`` logger).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from assay.domain.redaction import redact_text

LOG_NAME = "assay.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    """Masks the run's secrets (and any bearer token or JWT) in messages and tracebacks."""

    def __init__(self, secrets: Callable[[], Sequence[str]]) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self._secrets()
        record.msg, record.args = redact_text(record.getMessage(), secrets), None
        if record.exc_info:
            # Format the traceback now so that its text (locals' reprs, messages) is masked too.
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, redact_text(text, secrets)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info, secrets)
        return True


@contextmanager
def run_log(out_dir: Path, secrets: Callable[[], Sequence[str]]) -> Iterator[Path]:
    """Log everything under ``assay`` to ``out_dir/assay.log`` while the block runs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOG_NAME
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter(secrets))
    logger = logging.getLogger("assay")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield path
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
        handler.close()
