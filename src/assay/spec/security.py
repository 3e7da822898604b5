"""Security schemes (3.x securitySchemes, 2.0 securityDefinitions) and per-operation requirements."""

from __future__ import annotations

from urllib.parse import urlsplit

from assay.domain.json import Json, JsonObject, as_object, as_str
from assay.domain.operations import SchemeKind, SecurityScheme


def operation_security(requirements: Json) -> tuple[str, ...]:
    """Scheme names that may authorize a call; ``()`` when public.

    ``security: []`` is public by the spec, and so is a list holding ``{}`` (auth optional).
    """
    if not isinstance(requirements, list):
        return ()
    names: list[str] = []
    for requirement in requirements:
        if not isinstance(requirement, dict):
            continue
        if not requirement:
            return ()
        names.extend(requirement)
    return tuple(dict.fromkeys(names))


def security_schemes(document: JsonObject) -> tuple[SecurityScheme, ...]:
    """The declared schemes, in declaration order."""
    if "swagger" in document:
        raw = as_object(document.get("securityDefinitions"))
    else:
        raw = as_object(as_object(document.get("components")).get("securitySchemes"))
    return tuple(_scheme(name, as_object(value)) for name, value in raw.items())


def _scheme(name: str, raw: JsonObject) -> SecurityScheme:
    kind = as_str(raw.get("type")).lower()
    if kind == "apikey":
        return SecurityScheme(
            name=name,
            kind="api_key",
            location=as_str(raw.get("in")) or "header",
            parameter_name=as_str(raw.get("name")) or None,
        )
    if kind == "basic" or (kind == "http" and as_str(raw.get("scheme")).lower() == "basic"):
        return SecurityScheme(name=name, kind="http_basic", location="header", parameter_name="Authorization")
    if kind == "http":
        http_kind: SchemeKind = "http_bearer" if as_str(raw.get("scheme")).lower() == "bearer" else "other"
        return SecurityScheme(name=name, kind=http_kind, location="header", parameter_name="Authorization")
    if kind == "oauth2":
        return _oauth2(name, raw)
    if kind == "openidconnect":
        return SecurityScheme(name=name, kind="openid", location="header", parameter_name="Authorization")
    return SecurityScheme(name=name, kind="other")


def _oauth2(name: str, raw: JsonObject) -> SecurityScheme:
    flows = as_object(raw.get("flows"))
    password = as_object(flows.get("password"))
    # Swagger 2 names the flow "password" directly on the scheme.
    token_url = as_str(password.get("tokenUrl")) or (
        as_str(raw.get("tokenUrl")) if as_str(raw.get("flow")) == "password" else ""
    )
    kind: SchemeKind = "oauth2_password" if token_url else "oauth2_other"
    if not token_url:
        for flow in flows.values():
            token_url = token_url or as_str(as_object(flow).get("tokenUrl"))
    return SecurityScheme(
        name=name,
        kind=kind,
        location="header",
        parameter_name="Authorization",
        token_url=token_url or None,
    )


def token_path(token_url: str, base_path: str = "") -> str:
    """The path part of a tokenUrl, which may be absolute or relative to the server's base path."""
    path = urlsplit(token_url).path if "://" in token_url else token_url
    if path.startswith("/"):
        return path
    return f"{base_path.rstrip('/')}/{path}"
