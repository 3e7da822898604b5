"""What one action's answer means for its scenario: the step's result and the variables it saves."""

from __future__ import annotations

from collections.abc import Mapping

from assay.domain.analysis import StepResult
from assay.domain.exchanges import Exchange
from assay.domain.json import Json, dig
from assay.domain.scenarios import Action


def save_variables(scope: dict[str, Json], save: Mapping[str, str], body: Json, sent: Json = None) -> None:
    """Put the answer's values the action saves (``{"item_id": "id"}``) into the scenario's scope.

    A value the answer lacks is taken from what was ``sent``: a natural key (``username``) the
    client chose names the object even when the create answers with no body.
    """
    for name, path in save.items():
        value = dig(body, path)
        if value is None:
            value = dig(sent, path)
        if value is not None:
            scope[name] = value


def step_result(action: Action, exchange: Exchange) -> StepResult:
    """Whether the answer is one the action expects, and what it was."""
    if exchange.response is None:
        return StepResult(action.name, False, exchange.error or "no answer")
    status = exchange.response.status
    if action.expect.accepts(status):
        return StepResult(action.name, True, f"answered {status}", status)
    expected = action.expect.description or _wanted(action)
    return StepResult(action.name, False, f"answered {status}, expected {expected}", status)


def _wanted(action: Action) -> str:
    parts = [str(s) for s in action.expect.statuses] + [f"{c}xx" for c in action.expect.status_classes]
    return " or ".join(parts) or "any status"
