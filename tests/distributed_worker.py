"""``assay worker`` with the tests' fake pipeline: ``python -m tests.distributed_worker NAME``.

The settings come from ASSAY_* as for the real command; ASSAY_TEST_PIPELINE holds the fake
pipeline's switches (tests/distributed_helpers.py writes them).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from assay.bootstrap import run_worker
from assay.settings import Settings
from tests.api_helpers import FakePipeline
from tests.distributed_helpers import FileGate


def main() -> None:
    options = json.loads(os.environ.get("ASSAY_TEST_PIPELINE", "{}"))
    gate = options.pop("gate_file", None)
    pipeline = FakePipeline(**options, gate=FileGate(Path(gate)) if gate else None)
    run_worker(Settings(), pipeline, hostname=f"test-{sys.argv[1]}@localhost")


if __name__ == "__main__":
    main()
