"""The ledger of what assay created on the target during one run.

Destructive actions (delete, overwrite, reset) are allowed only on what this ledger holds, unless
the user passed ``--destructive``. Every part of a run that creates something (API fixtures,
registered accounts, forms the browser submitted) records it here; every part that is about to
change or delete something asks :meth:`Ledger.owns` first. Ids are compared as strings, paths
without their query.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Literal

CreatedKind = Literal["object", "account", "page"]
# How an account the browser registered through the app's own form is recorded (``via``).
WEB_REGISTRATION = "registration form on "


@dataclass(frozen=True)
class Created:
    """One thing assay created: an API object (by id), an account (by user name) or a page/URL."""

    kind: CreatedKind
    key: str  # the id, the user name, or the path of the created page
    via: str  # how: "POST /items", "form on /posts/new", "registration"
    path: str = ""  # where it can be read back, when known


def fresh_password() -> str:
    """A password any sane policy accepts: upper, lower, digit, symbol; 16 characters, random."""
    return "Aa1!" + secrets.token_urlsafe(9)[:12]


@dataclass
class Ledger:
    """Mutable, shared by every stage of one run (a run makes one, and only one).

    ``password`` is the run's own: every account assay registers in this run gets it (a fresh
    random value per run, never a constant), and it is redacted from every output.
    """

    entries: list[Created] = field(default_factory=list)
    password: str = field(default_factory=fresh_password, repr=False)

    def record(self, kind: CreatedKind, key: str, via: str, path: str = "") -> None:
        item = Created(kind, str(key), via, path)
        if item not in self.entries:
            self.entries.append(item)

    def owns(self, key: str) -> bool:
        """True when ``key`` (an id, a user name or a path) names something assay created."""
        wanted = str(key).split("?", 1)[0]
        return any(wanted in (e.key, e.path) for e in self.entries if wanted)

    def keys(self, kind: CreatedKind) -> tuple[str, ...]:
        return tuple(e.key for e in self.entries if e.kind == kind)

    def web_account(self) -> str:
        """The user name of the first account registered through the app's form ("" when none)."""
        return next(
            (e.key for e in self.entries if e.kind == "account" and e.via.startswith(WEB_REGISTRATION)), ""
        )
