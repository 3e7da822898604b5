"""Which API operations reset the application, and which change or delete one existing object (pure).

* A **state reset** puts the whole application (or a whole collection) back to a start state:
  its name (path, operationId, summary) says reset/seed/init/createdb..., or its description says
  the database or all records are wiped; or, for a write, it names destruction without naming
  one object (``POST /purge``, ``DELETE /items`` with no id). Resets never run beside other requests; assay
  calls them only with ``--destructive``, alone and last.
* An operation **changes an existing object** when it is a PUT, PATCH or DELETE, or when its name
  says it destroys something and its path names the object (``POST /items/{id}/delete``). Such a
  request goes only to objects assay created in this run, unless ``--destructive``.

Request paths are matched against their template to read the values of the path parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from assay.domain.danger import describes_wipe, is_logout, is_reset, names_destruction
from assay.domain.operations import Operation

OVERWRITING_METHODS = frozenset({"PUT", "PATCH", "DELETE"})
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
STATE_RESET_TAG = "@state_reset"  # a scenario that calls a state reset: run only with --destructive, last
_PARAM = re.compile(r"\{([^{}/]+)\}")
# A last segment that names the caller's own object: acting on it is acting on one account.
_SELF = re.compile(r"/(?:me|self|current|mine|my|current[_-]?user)/?$", re.IGNORECASE)


def _destroys(*texts: str) -> bool:
    # is_reset, not the raw reset words: "POST /password-reset" changes no object of anyone's.
    return names_destruction(*texts) or is_reset(*texts)


def _names(op: Operation) -> tuple[str, ...]:
    return (op.path, op.operation_id or "", op.summary)


def has_path_params(path: str) -> bool:
    return _PARAM.search(path) is not None


def is_state_reset(op: Operation) -> bool:
    """True when ``op`` resets the application's state (see the module docstring)."""
    if has_path_params(op.path) or names_own_object(op.path) or is_logout(*_names(op)):
        return False
    if is_reset(*_names(op)) or describes_wipe(op.description) or describes_wipe(op.summary):
        return True
    # Destruction that names no object wipes a whole collection (or everything). A read named
    # "drop" or "clear" alone is too weak a sign: a GET must name a reset or describe a wipe.
    if op.method in _READS:
        return False
    return op.method == "DELETE" or names_destruction(op.path, op.operation_id or "")


def names_own_object(path: str) -> bool:
    """``/users/me``, ``/account/self``: the caller's own object, not a collection."""
    return _SELF.search(path) is not None


def changes_existing(op: Operation) -> bool:
    """True when ``op`` overwrites or deletes an object that may exist before assay came."""
    if op.method in OVERWRITING_METHODS:
        return True
    if op.method in _READS and not has_path_params(op.path):
        return False  # as for resets: a read named "drop" that names no object is too weak a sign
    return _destroys(*_names(op))


def request_changes_existing(method: str, path: str) -> bool:
    """The same judgment for a request that matches no documented operation (method and URL path).

    An undocumented read is judged by :func:`request_is_reset` only: a GET named "drop" is too
    weak a sign without a spec that says what it does.
    """
    upper = method.upper()
    return upper in OVERWRITING_METHODS or (upper not in _READS and _destroys(path))


def request_is_reset(method: str, path: str) -> bool:
    """A request to an undocumented path that names a reset (``GET /reset``, ``POST /api/initdb``)."""
    del method  # a GET that resets is as harmful as a POST
    return is_reset(path)


@dataclass(frozen=True)
class ObjectRef:
    """The object a request acts on: the value of its last path parameter, and the path up to it."""

    parameter: str
    value: str
    path: str  # "/users/7/items/5": the template's prefix up to that parameter, filled


def _template_regex(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<p{i // 2}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(pattern.rstrip("/") + "/?$")


def object_of(template: str, url: str) -> ObjectRef | None:
    """The object ``url`` names through ``template``'s last path parameter, or None without one."""
    names = _PARAM.findall(template)
    if not names:
        return None
    path = urlsplit(url).path
    match = _template_regex(template).search(path)
    if match is None:
        return None
    last = f"p{len(names) - 1}"
    prefix = path[match.start() : match.end(last)]
    return ObjectRef(names[-1], unquote(match.group(last)), unquote(prefix))


def filled_path(template: str, url: str) -> str | None:
    """``url``'s path from where ``template`` starts (the base path left out), or None."""
    path = urlsplit(url).path
    match = _template_regex(template).search(path)
    return unquote(path[match.start() :]).rstrip("/") if match else None
