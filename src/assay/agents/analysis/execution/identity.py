"""Which session and identity a scenario's request is sent with, from the run's ``Authenticator``."""

from __future__ import annotations

from assay.agents.analysis.execution.auth import MALFORMED_IDENTITY, NEW_PASSWORD, Authenticator, AuthSession
from assay.domain.findings import ANONYMOUS
from assay.domain.json import Json
from assay.domain.scenarios import RequestSpec
from assay.domain.target import Target


def identity_scope(auth: Authenticator | None, target: Target) -> dict[str, Json]:
    """``${auth.username}``/``${auth.password}``: the identity the run is signed in as."""
    who = auth.identity if auth is not None else None
    scope: dict[str, Json] = {NEW_PASSWORD: target.ledger.password}
    if who is not None:
        scope.update({"auth.username": who.username, "auth.password": who.password})
    return scope


def session_for(auth: Authenticator | None, spec: RequestSpec) -> AuthSession:
    """The session ``spec`` asks for: the run's own, none, or a deliberately malformed one."""
    session = auth.session if auth is not None else AuthSession()
    if spec.auth == "none":
        return AuthSession()
    return session.malformed if spec.auth == "malformed" else session


def identity_for(auth: Authenticator | None, spec: RequestSpec) -> str:
    """The role name the request is sent as (findings name it, never the credential)."""
    if spec.auth == "malformed":
        return MALFORMED_IDENTITY
    session = session_for(auth, spec)
    who = auth.identity if auth is not None else None
    return (who.role if who else "user") if session.authenticated else ANONYMOUS
