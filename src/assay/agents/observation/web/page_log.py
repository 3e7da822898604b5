"""The crawler's page log: :mod:`assay.pages.page_log`, where the UI scenarios' executor finds it too."""

from __future__ import annotations

from assay.pages.page_log import NETWORK_FAILURE, PageLog, listen

__all__ = ["NETWORK_FAILURE", "PageLog", "listen"]
