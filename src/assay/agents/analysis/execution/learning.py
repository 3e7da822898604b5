"""Bodies that work: what each operation's server needed beyond its spec, learned from its answers.

When a valid (or fixture) request is refused with a 400/422, or fails with a 5xx, and the answer
names fields the body lacked, the runner adds them and sends the request again before judging
anything: the first answer says "assay's body was incomplete", not "the server is broken". What
is learned is kept per operation, added to every later body of that operation (invalid variants
too: a wrong type must be the only thing wrong), and listed in report.md, one line per operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from assay.domain.exchanges import Exchange
from assay.domain.json import JsonObject
from assay.domain.operations import ApiModel
from assay.domain.scenarios import RequestSpec
from assay.spec.body_hints import fields_to_add
from assay.spec.datagen import required_names, resolve

MAX_ROUNDS = 3  # answers that name one missing field at a time: amount, then recipient
_LEARN_FROM = frozenset({"valid", "setup"})  # requests that should succeed as built
_APPLY_TO = frozenset({"valid", "setup", "invalid", "variant", "no_auth"})
_REFUSALS = frozenset({400, 422})


@dataclass
class BodyLearner:
    """The fields each operation's server asked for, and why (its answer)."""

    api: ApiModel | None
    learned: dict[str, JsonObject] = field(default_factory=dict)  # operation key -> fields added
    why: dict[str, list[str]] = field(default_factory=dict)  # operation key -> one reason per field

    def apply(self, spec: RequestSpec) -> RequestSpec:
        """``spec`` with what was learned for its operation added (never overriding a sent field)."""
        extra = self.learned.get(spec.operation)
        if not extra or spec.intent not in _APPLY_TO or not isinstance(spec.body, dict):
            return spec
        missing = {k: v for k, v in extra.items() if k not in spec.body and not self._removed(spec, k)}
        return replace(spec, body={**spec.body, **missing}) if missing else spec

    def _removed(self, spec: RequestSpec, name: str) -> bool:
        """An invalid variant that leaves out a spec-required field must keep it out."""
        if spec.intent != "invalid":
            return False
        op = self.api.operation(spec.operation) if self.api is not None else None
        schema = op.request_body.schema if op is not None and op.request_body is not None else {}
        return name in required_names(resolve(schema))

    def learn(self, spec: RequestSpec, exchange: Exchange) -> RequestSpec | None:
        """The request to send again when the answer names fields the body lacked, else None."""
        response = exchange.response
        body = exchange.request.body
        if response is None or not isinstance(body, dict) or not isinstance(spec.body, dict):
            return None
        if not self._worth_learning(spec, response.status):
            return None
        op = self.api.operation(spec.operation) if self.api is not None else None
        schema = op.request_body.schema if op is not None and op.request_body is not None else {}
        added = fields_to_add(schema, body, response.json, response.text or "")
        if spec.intent == "invalid":
            added = {k: v for k, v in added.items() if k not in required_names(resolve(schema))}
        if not added:
            return None
        self.learned.setdefault(spec.operation, {}).update(added)
        reasons = self.why.setdefault(spec.operation, [])
        reasons.extend(f"`{name}` (answered {response.status})" for name in added)
        return replace(spec, body={**spec.body, **added})

    @staticmethod
    def _worth_learning(spec: RequestSpec, status: int) -> bool:
        if spec.intent in _LEARN_FROM:
            return status in _REFUSALS or status >= 500
        # A type-swap variant that crashes on a field assay never sent says nothing about the type.
        return spec.intent == "invalid" and status >= 500

    def notes(self) -> tuple[str, ...]:
        """One line per operation: what its server needed that the spec did not mark required."""
        return tuple(
            f"{key}: learned {', '.join(reasons)} from the server's answers (the spec does not require them)"
            for key, reasons in sorted(self.why.items())
        )
