"""``assay serve``: the API under uvicorn."""

from __future__ import annotations

import uvicorn

from assay.bootstrap import build_app
from assay.settings import Settings


def serve(host: str, port: int) -> None:
    """Serve /api/v2 on ``host:port`` until interrupted (settings from ASSAY_* variables)."""
    app = build_app(Settings())
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=10)
