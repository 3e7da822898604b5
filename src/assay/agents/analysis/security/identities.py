"""The identities the authorization families act as, and the WFC auth file that can name them.

Identities come from four places: the primary (the run's logged-in ``Authenticator``), further
``--login [ROLE=]USER:PASS`` credentials, users assay registers itself when registration is
public, and a Web Fuzzing Commons auth file (the format EvoMaster, schemathesis and CATS read,
``https://github.com/WebFuzzing/Commons`` ``auth.yaml``). An identity is named by a label built
from its username and role: secrets never leave the ``AuthSession``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from assay.agents.analysis.execution.auth import MALFORMED_IDENTITY, Authenticator, AuthSession
from assay.agents.analysis.security.base import SecurityContext
from assay.agents.analysis.security.wfc_auth import load_wfc_auth
from assay.domain.target import Credentials

__all__ = ["Identity", "IdentityPool", "load_wfc_auth", "role_rank"]

_LOW_ROLES = frozenset({"user", "customer", "member", "viewer", "reader", "guest", "basic", "default"})


def role_rank(role: str) -> int:
    """0 for ordinary users, 2 for administrators, 1 for any other named role."""
    lowered = role.lower()
    if lowered in _LOW_ROLES:
        return 0
    return 2 if any(w in lowered for w in ("admin", "superuser", "root")) else 1


@dataclass
class Identity:
    """One client of the target: a label for reports, a role, and how to be it."""

    label: str
    role: str
    auth: Authenticator | None = None
    static: AuthSession | None = None
    registered: bool = False  # assay created this user: destructive calls on it are allowed
    worked: bool = False  # its credentials were accepted once: a later 401 means expiry
    # The run's list of secrets to redact (the primary Authenticator's): new tokens are added to it.
    sink: list[str] | None = field(default=None, repr=False)

    @property
    def session(self) -> AuthSession:
        if self.auth is not None:
            return self.auth.session
        return self.static or AuthSession()

    @property
    def username(self) -> str | None:
        who = self.auth.identity if self.auth is not None else None
        return who.username if who else self.session.username

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(self.auth.secrets) if self.auth is not None else self.session.secrets

    async def refresh(self) -> bool:
        """Log in again after the token expired; False when that is not possible."""
        if self.auth is None or await self.auth.refresh() is None:
            return False
        if self.sink is not None:
            self.sink.extend(s for s in self.secrets if s not in self.sink)
        return True


def label_for(username: str | None, role: str, registered: bool) -> str:
    name = username or "unnamed user"
    return f"{name} ({role}{', registered by assay' if registered else ''})"


def anonymous() -> Identity:
    return Identity(label="anonymous (no credentials)", role="anonymous")


def malformed(of: Identity) -> Identity:
    return Identity(f"malformed token of {of.label}", MALFORMED_IDENTITY, static=of.session.malformed)


def primary_identity(ctx: SecurityContext) -> Identity:
    who = ctx.auth.identity
    registered = ctx.auth.session.registered
    role = who.role if who else "user"
    return Identity(label_for(ctx.auth.session.username, role, registered), role, ctx.auth, None, registered)


async def login_as(ctx: SecurityContext, creds: Credentials | None) -> Identity | None:
    """A logged-in identity for ``creds`` (None: register a fresh user); None when refused."""
    target = replace(ctx.target, credentials=(creds,) if creds else ())
    auth = Authenticator(ctx.api, target, ctx.transport)
    session = await auth.login()
    if not session.authenticated:
        return None
    role = creds.role if creds else "user"
    name = session.username or (f"{creds.headers[0][0]} header" if creds and creds.headers else None)
    label = label_for(name, role, session.registered)
    return Identity(label, role, auth, None, session.registered)


def can_register(ctx: SecurityContext) -> bool:
    flow = ctx.api.auth
    op = ctx.api.operation(flow.register_operation or "")
    return flow.kind in {"bearer", "cookie"} and op is not None and not op.requires_auth


class IdentityPool:
    """The identities of one run, made once and shared by every family that needs them."""

    def __init__(self, max_registered: int = 2) -> None:
        self._ctx: SecurityContext | None = None
        self._all: list[Identity] = []
        self._max_registered = max_registered
        self._register_failed = False

    def _reset(self, ctx: SecurityContext) -> None:
        if self._ctx is not ctx:
            self._ctx, self._all, self._register_failed = ctx, [], False

    def _add(self, ctx: SecurityContext, identity: Identity) -> None:
        """Keep ``identity`` and make the run redact its secrets (now and after a refresh)."""
        identity.sink = ctx.auth.secrets
        ctx.auth.secrets.extend(s for s in identity.secrets if s not in ctx.auth.secrets)
        self._all.append(identity)

    async def all(self, ctx: SecurityContext) -> list[Identity]:
        """The primary plus every other given credential that logs in."""
        self._reset(ctx)
        if self._all:
            return self._all
        primary = primary_identity(ctx)
        self._all = [primary] if primary.session.authenticated else []
        for creds in ctx.target.credentials:
            known = {primary.username, *(i.username for i in self._all)}
            # Header-only identities have no username: only the primary's own entry is it.
            fresh = creds.username not in known if creds.username else creds is not ctx.auth.identity
            if fresh:
                other = await login_as(ctx, creds)
                if other is not None:
                    self._add(ctx, other)
        return self._all

    async def registered(self, ctx: SecurityContext, count: int = 1) -> list[Identity]:
        """Up to ``count`` users assay registered itself (registering more when needed)."""
        pool = await self.all(ctx)
        while sum(1 for i in pool if i.registered) < min(count, self._max_registered):
            if self._register_failed or not can_register(ctx):
                break
            fresh = await login_as(ctx, None)
            if fresh is None:
                self._register_failed = True
                break
            self._add(ctx, fresh)
        return [i for i in pool if i.registered][:count]

    async def peers(self, ctx: SecurityContext) -> tuple[Identity, Identity] | None:
        """Two distinct identities of the same (lowest) role: owner first, intruder second."""
        pool = await self.all(ctx)
        low = [i for i in pool if role_rank(i.role) == 0]
        if len(low) < 2:
            await self.registered(ctx, 2 - len(low) + sum(1 for i in low if i.registered))
            low = [i for i in await self.all(ctx) if role_rank(i.role) == 0]
        return (low[0], low[1]) if len(low) >= 2 else None

    async def roles(self, ctx: SecurityContext) -> tuple[Identity, Identity] | None:
        """A higher-role identity and a lower one, when the run has both."""
        pool = await self.all(ctx)
        high = max(pool, key=lambda i: role_rank(i.role), default=None)
        low = [i for i in pool if role_rank(i.role) == 0]
        if not low:
            low = await self.registered(ctx, 1)
        if high is None or not low or role_rank(high.role) == 0:
            return None
        return high, low[0]

    def secrets(self) -> tuple[str, ...]:
        found: list[str] = []
        for identity in self._all:
            found.extend(s for s in identity.secrets if s not in found)
        return tuple(found)
