"""The one check every API request of a run passes before it is sent, and the ledger it keeps.

* A **state reset** (``GET /reset``, ``POST /api/createdb``...) is refused, except in the run's
  last phase when the user passed ``--destructive``: it runs there alone, after everything else.
* A request that **changes an existing object** (PUT, PATCH, DELETE, ``POST /items/{id}/delete``)
  goes only to an object assay created in this run (the target's ledger), unless ``--destructive``.
  The object is the value of the path's last parameter; it is assay's when the ledger holds its
  path (``/items/5``), or its id as made by the operation that produces that parameter.
* Every object a create answer hands out (a POST answering 2xx with an id) is recorded in the
  ledger, so later deletes may go to it, and the user can clean up after the run.

The scenario runner and every security family's client ask :meth:`SafetyGuard.refusal` first.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.json import Json, dig
from assay.domain.operations import ApiModel, Operation
from assay.domain.state_change import (
    ObjectRef,
    changes_existing,
    filled_path,
    is_state_reset,
    names_own_object,
    object_of,
    request_changes_existing,
    request_is_reset,
)
from assay.domain.target import Target

SAFETY_RULE = "assay's safety rule"


class SafetyGuard:
    """Judges requests against the run's safety rules and records what creates hand out."""

    def __init__(
        self,
        target: Target,
        api: ApiModel | None,
        *,
        creates: Mapping[str, str] | None = None,  # create operation key -> its id field
        allow_resets: bool = False,  # the run's last phase: resets may go out with --destructive
        destructive: bool | None = None,  # None: the target's --destructive
    ) -> None:
        self._target = target
        self._destructive = target.destructive if destructive is None else destructive
        self._api = api
        self._creates = dict(creates or {})
        self._allow_resets = allow_resets
        self._found_resets: set[str] = set()  # operations seen resetting the application by effect

    def add_resets(self, keys: set[str] | frozenset[str]) -> None:
        """Operations shown to reset the application by their effect: treated as named resets."""
        self._found_resets.update(keys)

    def operation(self, key: str | None) -> Operation | None:
        return self._api.operation(key) if self._api is not None and key else None

    def is_reset(self, key: str | None) -> bool:
        op = self.operation(key)
        return op is not None and (is_state_reset(op) or op.key in self._found_resets)

    def refusal(
        self,
        request: RecordedRequest,
        operation: str | None = None,
        path_template: str | None = None,
        *,
        own_account: bool = False,
    ) -> str | None:
        """Why ``request`` must not be sent, or None.

        ``own_account``: the request acts as an account assay registered (``/users/me``).
        """
        op = self.operation(operation)
        method = request.method.upper()
        template = op.path if op is not None else path_template
        path = urlsplit(request.url).path
        label = f"{method} {template or path}"
        reset = self.is_reset(operation) if op is not None else request_is_reset(method, path)
        if reset:
            if self._allow_resets and self._destructive:
                return None
            return (
                f"{SAFETY_RULE}: {label} resets the application's state; "
                "it runs only with --destructive, alone and last"
            )
        changes = changes_existing(op) if op is not None else request_changes_existing(method, path)
        if not changes or self._destructive:
            return None
        return self._ownership(label, method, template, request.url, own_account)

    def _ownership(
        self, label: str, method: str, template: str | None, url: str, own_account: bool
    ) -> str | None:
        ref = object_of(template, url) if template else None
        if ref is None:
            if own_account and template and names_own_object(template):
                return None
            return f"{SAFETY_RULE}: {label} would change an object assay did not create (pass --destructive)"
        if self._owns(ref, f"{method} {template}"):
            return None
        return (
            f"{SAFETY_RULE}: {label} with {ref.parameter}={ref.value} would change an object assay "
            "did not create in this run (pass --destructive)"
        )

    def _owns(self, ref: ObjectRef, key: str) -> bool:
        producers = (
            {d.producer for d in self._api.producers_of(key) if d.parameter == ref.parameter}
            if self._api
            else set()
        )
        path = ref.path.rstrip("/")
        for entry in self._target.ledger.entries:
            if entry.path and entry.path.rstrip("/") == path:
                return True
            if entry.key == ref.value and (entry.kind == "account" or entry.via in producers):
                return True
        return False

    def note_created(self, exchange: Exchange, id_field: str | None = None) -> None:
        """Record the object a successful create answer hands out (its id and where it lives)."""
        response = exchange.response
        template = exchange.path_template
        key = exchange.operation or ""
        if response is None or response.status // 100 != 2 or exchange.request.method.upper() != "POST":
            return
        if template is None or not self._is_create(key, response.status):
            return
        field = id_field or self._creates.get(key, "id")
        answer = response.json
        created = _scalar(dig(answer, field)) or _scalar(dig(answer, f"data.{field}"))
        created = created or _scalar(dig(exchange.request.body, field))  # a natural key it was sent
        if created is None:
            return
        base = filled_path(template, exchange.request.url) or template
        self._target.ledger.record("object", created, via=key, path=f"{base.rstrip('/')}/{created}")

    def _is_create(self, key: str, status: int) -> bool:
        if key in self._creates:
            return True
        api, op = self._api, self.operation(key)
        if api is None or op is None:
            return status == 201
        if op.key in {api.auth.login_operation, api.auth.register_operation}:
            return False  # a login answers with the id of someone who existed before
        if is_state_reset(op) or changes_existing(op):
            return False
        return status == 201 or any(d.producer == op.key for d in api.dependencies)


def _scalar(value: Json) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return None
    text = str(value)
    return text or None
