"""The identities the authorization families act as, and the WFC auth file that can name them.

Identities come from four places: the primary (the run's logged-in ``Authenticator``), further
``--login [ROLE=]USER:PASS`` credentials, users assay registers itself when registration is
public, and a Web Fuzzing Commons auth file (the format EvoMaster, schemathesis and CATS read,
``https://github.com/WebFuzzing/Commons`` ``auth.yaml``). An identity is named by a label built
from its username and role: secrets never leave the ``AuthSession``.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl

import yaml

from assay.agents.analysis.execution.auth import MALFORMED_IDENTITY, Authenticator, AuthSession
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.json import Json, JsonObject, as_list, as_object, as_str
from assay.domain.target import Credentials

_ROLE_WORDS = ("superuser", "admin", "root", "staff", "moderator", "manager", "support", "owner")
_LOW_ROLES = frozenset({"user", "customer", "member", "viewer", "reader", "guest", "basic", "default"})
_USER_KEYS = ("username", "user", "login", "email", "name", "userName", "user_name")
_PASSWORD_KEYS = ("password", "pass", "passwd", "pwd", "secret")


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


# --------------------------------------------------------------------------- WFC auth files


def _read_document(path: Path) -> JsonObject:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        return as_object(_json(tomllib.loads(text)))
    if path.suffix.lower() == ".json":
        return as_object(_json(json.loads(text)))
    try:
        return as_object(_json(yaml.safe_load(text)))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from exc


def _json(value: object) -> Json:
    """A parsed YAML/TOML value as plain JSON (dates and other scalars become strings)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    return str(value)


def _merged(entry: JsonObject, template: JsonObject) -> JsonObject:
    """``entry`` with the template's fields filled in where the entry has none (one level deep)."""
    out: JsonObject = dict(template)
    for key, value in entry.items():
        base = template.get(key)
        out[key] = {**base, **value} if isinstance(base, dict) and isinstance(value, dict) else value
    return out


def _raw_payload(raw: str) -> JsonObject:
    try:
        return as_object(json.loads(raw))
    except ValueError:
        return {k: v for k, v in parse_qsl(raw)}


def _pick(payload: JsonObject, keys: tuple[str, ...]) -> str:
    return next((as_str(payload[k]) for k in keys if as_str(payload.get(k))), "")


def _role_of(name: str) -> str:
    lowered = name.lower()
    return next((w for w in _ROLE_WORDS if w in lowered), "user")


def _fixed_headers(entry: JsonObject) -> tuple[tuple[str, str], ...]:
    """The entry's ``fixedHeaders`` (``[{name, value}]``): a static credential sent on every call."""
    pairs = (as_object(h) for h in as_list(entry.get("fixedHeaders")))
    return tuple((as_str(h.get("name")), as_str(h.get("value"))) for h in pairs if as_str(h.get("name")))


def _credentials_of(entry: JsonObject) -> Credentials | None:
    role, headers = _role_of(as_str(entry.get("name"))), _fixed_headers(entry)
    login = as_object(entry.get("loginEndpointAuth"))
    pair = as_object(login.get("payloadUserPwd"))
    username, password = as_str(pair.get("username")), as_str(pair.get("password"))
    if not username and as_str(login.get("payloadRaw")):
        raw = _raw_payload(as_str(login.get("payloadRaw")))
        username, password = _pick(raw, _USER_KEYS), _pick(raw, _PASSWORD_KEYS)
    if not username:
        return Credentials("", "", role, headers=headers) if headers else None
    return Credentials(username=username, password=password, role=role, headers=headers)


def load_wfc_auth(path: str | Path) -> tuple[Credentials, ...]:
    """The users of a WFC auth file (YAML, JSON or TOML), ``authTemplate`` applied.

    Each entry's ``name`` gives the role when it contains a role word (``admin``, ``staff``...),
    else ``user``. An entry's ``fixedHeaders`` (static tokens, API keys) are sent on every request
    made as that user; an entry with only ``fixedHeaders`` is an identity with no login. Raises
    ``ValueError`` when the file has no ``auth`` list.
    """
    document = _read_document(Path(path))
    entries = document.get("auth")
    if not isinstance(entries, list):
        raise ValueError(f"{path}: a WFC auth file needs an 'auth' list (see WebFuzzing/Commons auth.md)")
    template = as_object(document.get("authTemplate"))
    found = (_credentials_of(_merged(as_object(e), template)) for e in as_list(entries))
    return tuple(c for c in found if c is not None)
