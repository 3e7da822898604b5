"""``assay serve``: the API under uvicorn."""

from __future__ import annotations

import uvicorn

from assay.bootstrap import build_app
from assay.domain.host_policy import ServerAddress
from assay.settings import Settings


def serve(host: str, port: int) -> None:
    """Serve /api/v2 on ``host:port`` until interrupted (settings from ASSAY_* variables).

    The target policy knows the address: the server refuses itself as a target, and bound to
    anything but loopback (a shared service) refuses the host's own networks unless allowed.
    """
    app = build_app(Settings(), server=ServerAddress(host, port))
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=10)
