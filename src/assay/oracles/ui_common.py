"""What the UI oracles share: the evidence record every UI finding carries."""

from __future__ import annotations

from collections.abc import Sequence

from assay.domain.json import Json, JsonObject


def evidence(page: str, element: str, screenshot: str, steps: Sequence[str], **extra: Json) -> JsonObject:
    """The page, the element acted on, the screenshot and the steps that show it, plus ``extra``."""
    return {"page": page, "element": element, "screenshot": screenshot, "steps": list(steps), **extra}
