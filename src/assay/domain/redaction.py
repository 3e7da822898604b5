"""Keeping secrets out of findings, evidence and reproduce commands.

Pure functions: every string that leaves assay (findings.json, reports, curl lines) passes
through here, so a password typed on the command line or a token obtained at login never
appears in an artifact.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import Json, JsonObject

MASK = "***"
BODY_LIMIT = 2048  # evidence bodies beyond this are cut: findings.json stays readable

# Shorter strings would mask ordinary words ("a", "id") all over the evidence.
_MIN_SECRET_LENGTH = 4

_SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "apikey",
        "x-auth-token",
        "x-access-token",
        "x-csrf-token",
        "x-xsrf-token",
    }
)
_SENSITIVE_HEADER_PARTS = ("token", "secret", "password", "api-key", "apikey", "api_key", "session")

_SENSITIVE_KEYS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "accesskey",
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "authtoken",
        "sessiontoken",
        "clientsecret",
        "privatekey",
        "authorization",
        "cookie",
        "sessionid",
        "otp",
    }
)
_SENSITIVE_KEY_PARTS = ("password", "secret", "token", "apikey", "privatekey", "credential")
# Names that contain a sensitive word but hold nothing secret (OAuth token type, LLM token counts).
_HARMLESS_KEYS = frozenset({"tokentype", "tokencount", "maxtokens", "tokensused", "passwordpolicy"})

_BEARER_RE = re.compile(r"(?i)\b(bearer|token)\s+[A-Za-z0-9._~+/=-]{8,}")
_JWT_RE = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")

ENV_TOKEN = "ASSAY_TOKEN"
ENV_PASSWORD = "ASSAY_PASSWORD"
ENV_COOKIE = "ASSAY_COOKIE"
ENV_API_KEY = "ASSAY_API_KEY"
ENV_BASIC = "ASSAY_BASIC_AUTH"
ENV_SECRET = "ASSAY_SECRET"


def _norm_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def is_sensitive_key(name: str) -> bool:
    """True for JSON field / query parameter names that hold credentials."""
    key = _norm_key(name)
    if key in _HARMLESS_KEYS:
        return False
    return key in _SENSITIVE_KEYS or any(part in key for part in _SENSITIVE_KEY_PARTS)


def is_sensitive_header(name: str) -> bool:
    """True for header names whose value is a credential."""
    lower = name.lower()
    return lower in _SENSITIVE_HEADERS or any(part in lower for part in _SENSITIVE_HEADER_PARTS)


def _usable(secrets: Iterable[str], min_length: int) -> list[str]:
    # Longest first, so a secret that contains another is masked whole.
    unique = {s for s in secrets if s and len(s) >= min_length}
    return sorted(unique, key=len, reverse=True)


def _forms(secret: str) -> set[str]:
    """The ways a secret appears in text: raw, URL- and form-encoded (query strings, form
    bodies), JSON-escaped (a body or a JSON document)."""
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}


def _replace_secrets(
    text: str, secrets: Sequence[str], mask: Callable[[str], str], min_length: int = _MIN_SECRET_LENGTH
) -> str:
    for secret in _usable(secrets, min_length):
        for form in _forms(secret):
            if form in text:
                text = text.replace(form, mask(secret))
    return text


def redact_secrets(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every known secret, however short, replaced by ``***``: for a finished
    document (a report), where a short password is still the user's password."""
    return _replace_secrets(text, secrets, lambda _s: MASK, min_length=1)


def redact_text(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every known secret, bearer credential and JWT replaced by ``***``."""
    text = _replace_secrets(text, secrets, lambda _s: MASK)
    # Tokens minted at login are not in ``secrets``; their shape gives them away.
    text = _BEARER_RE.sub(lambda m: f"{m.group(1)} {MASK}", text)
    return _JWT_RE.sub(MASK, text)


def redact_strings(
    value: Json, secrets: Sequence[str], redact: Callable[[str, Sequence[str]], str] = redact_text
) -> Json:
    """Every string of a JSON value, keys included, through ``redact`` (field names are not judged:
    :func:`redact_json` masks credential fields whatever their value)."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, list):
        return [redact_strings(item, secrets, redact) for item in value]
    if isinstance(value, dict):
        return {redact(k, secrets): redact_strings(v, secrets, redact) for k, v in value.items()}
    return value


def _mask_credential(value: str, mask: str) -> str:
    """Keep the auth scheme ("Bearer ***") — it tells a reader how the call was authorized."""
    scheme, sep, _rest = value.strip().partition(" ")
    if sep and scheme.isalpha() and len(scheme) <= 16:
        return f"{scheme} {mask}"
    return mask


def _mask_cookie(value: str, mask: str, *, set_cookie: bool) -> str:
    """Keep cookie names and Set-Cookie attributes, which help debugging; drop the values."""
    parts = [p.strip() for p in value.split(";")]
    out: list[str] = []
    for index, part in enumerate(parts):
        name, eq, _val = part.partition("=")
        if set_cookie and index > 0:
            out.append(part)  # Path=/, HttpOnly, ... are attributes, not secrets
        elif eq:
            out.append(f"{name}={mask}")
        elif part:
            out.append(mask)
    return "; ".join(out)


def _header_value(name: str, value: str, mask: str) -> str:
    lower = name.lower()
    if lower in {"cookie", "set-cookie"}:
        return _mask_cookie(value, mask, set_cookie=lower == "set-cookie")
    return _mask_credential(value, mask)


def redact_headers(headers: Mapping[str, str], secrets: Sequence[str] = ()) -> dict[str, str]:
    """Headers with credential values masked: ``Authorization: Bearer ***``, ``Cookie: sid=***``."""
    out: dict[str, str] = {}
    for name, value in headers.items():
        if is_sensitive_header(name):
            out[name] = _header_value(name, value, MASK)
        else:
            out[name] = redact_text(value, secrets)
    return out


def _scrub(
    value: Json, secrets: Sequence[str], masker: Callable[[str], str], text: Callable[[str], str]
) -> Json:
    """Walk a JSON value: sensitive keys get ``masker(key)``, other strings go through ``text``."""
    if isinstance(value, dict):
        out: JsonObject = {}
        for key, item in value.items():
            # Numbers and booleans under such names are counts or flags ("max_tokens": 100);
            # a value already masked ("Bearer ***") keeps its useful scheme.
            if is_sensitive_key(key) and item is not None and not isinstance(item, bool | int | float):
                out[key] = text(item) if isinstance(item, str) and _already_masked(item) else masker(key)
            else:
                out[key] = _scrub(item, secrets, masker, text)
        return out
    if isinstance(value, list):
        return [_scrub(item, secrets, masker, text) for item in value]
    if isinstance(value, str):
        return text(value)
    return value


_MASKED_RE = re.compile(
    r"(?:[A-Za-z]{1,16} )?(?:\*\*\*|\$\{ASSAY_[A-Z_]+\})"  # "***", "Bearer ***", "Bearer ${ASSAY_TOKEN}"
    r"|[^=;\s]+=\*\*\*(?:; ?[^;]+)*"  # a masked cookie, with Set-Cookie attributes
)


def _already_masked(value: str) -> bool:
    return _MASKED_RE.fullmatch(value) is not None


def redact_json(value: Json, secrets: Sequence[str]) -> Json:
    """A copy of ``value`` with credential fields set to ``***`` and secrets masked in all strings."""
    return _scrub(value, secrets, lambda _k: MASK, lambda s: redact_text(s, secrets))


def _redact_url(url: str, secrets: Sequence[str], masker: Callable[[str], str]) -> str:
    parts = urlsplit(url)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_sensitive_key(k) for k, _v in pairs):
            masked = [(k, masker(k) if is_sensitive_key(k) else v) for k, v in pairs]
            # Placeholders such as ${ASSAY_TOKEN} must survive unencoded.
            query = urlencode(masked, safe="${}*")
    rebuilt = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    return redact_text(rebuilt, secrets)


def redact_url(url: str, secrets: Sequence[str]) -> str:
    """The URL with credential query parameters and known secrets masked."""
    return _redact_url(url, secrets, lambda _k: MASK)


# --------------------------------------------------------------------------- curl


def _placeholder_for_key(key: str) -> str:
    norm = _norm_key(key)
    if "password" in norm or norm in {"passwd", "pwd", "passphrase"}:
        return ENV_PASSWORD
    if "apikey" in norm:
        return ENV_API_KEY
    if "secret" in norm:
        return ENV_SECRET
    return ENV_TOKEN


def _placeholder_for_header(name: str, value: str) -> str:
    lower = name.lower()
    if lower in {"cookie", "set-cookie"}:
        return _mask_cookie(value, "${" + ENV_COOKIE + "}", set_cookie=False)
    if lower in {"authorization", "proxy-authorization"}:
        scheme = value.strip().partition(" ")[0].lower()
        env = ENV_BASIC if scheme == "basic" else ENV_TOKEN
        return _mask_credential(value, "${" + env + "}")
    if "key" in lower:
        return "${" + ENV_API_KEY + "}"
    return _mask_credential(value, "${" + ENV_TOKEN + "}")


def _env(name: str) -> str:
    return "${" + name + "}"


_PLACEHOLDER_RE = re.compile(r"(\$\{ASSAY_[A-Z_]+\})")


def shell_quote(arg: str) -> str:
    """Quote one shell word; ``${ASSAY_*}`` placeholders stay expandable, everything else literal."""
    if not _PLACEHOLDER_RE.search(arg):
        return "'" + arg.replace("'", "'\"'\"'") + "'"
    pieces = _PLACEHOLDER_RE.split(arg)
    out: list[str] = []
    for piece in pieces:
        if _PLACEHOLDER_RE.fullmatch(piece):
            out.append(piece)
        else:
            out.append(re.sub(r'([\\"`$])', r"\\\1", piece))
    return '"' + "".join(out) + '"'


def _body_text(request: RecordedRequest, secrets: Sequence[str]) -> str | None:
    if not request.has_body and request.body is None:
        return None

    def text(s: str) -> str:
        return _replace_secrets(s, secrets, lambda _s: _env(ENV_SECRET))

    body = _scrub(request.body, secrets, lambda k: _env(_placeholder_for_key(k)), text)
    ctype = (request.content_type or "").lower()
    if "x-www-form-urlencoded" in ctype and isinstance(body, dict):
        return urlencode(
            [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in body.items()], safe="${}"
        )
    if isinstance(body, str):
        return body
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def curl_command(request: RecordedRequest, secrets: Sequence[str]) -> str:
    """A curl line that replays ``request``, credentials replaced by ``${ASSAY_*}`` variables."""
    words = ["curl", "-X", request.method.upper()]
    url = _redact_url(request.url, (), lambda k: _env(_placeholder_for_key(k)))
    url = _replace_secrets(url, secrets, lambda _s: _env(ENV_SECRET))
    words.append(shell_quote(url))
    headers = dict(request.headers)
    if request.content_type and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = request.content_type
    for name, value in headers.items():
        if is_sensitive_header(name):
            value = _placeholder_for_header(name, value)
        else:
            value = _replace_secrets(value, secrets, lambda _s: _env(ENV_SECRET))
        words += ["-H", shell_quote(f"{name}: {value}")]
    body = _body_text(request, secrets)
    if body is not None:
        words += ["--data-raw", shell_quote(body)]
    return " ".join(words)


# --------------------------------------------------------------------------- evidence


def _truncate(text: str, limit: int = BODY_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… (truncated, {len(text)} characters in all)"


def body_evidence(response: RecordedResponse, secrets: Sequence[str]) -> Json:
    """The response body as evidence: redacted JSON when small enough, else truncated text."""
    if response.is_json:
        redacted = redact_json(response.json, secrets)
        dumped = json.dumps(redacted, ensure_ascii=False)
        return redacted if len(dumped) <= BODY_LIMIT else _truncate(dumped)
    return _truncate(redact_text(response.text, secrets))


def _request_evidence(request: RecordedRequest, secrets: Sequence[str]) -> JsonObject:
    out: JsonObject = {
        "method": request.method.upper(),
        "url": redact_url(request.url, secrets),
        "headers": dict(redact_headers(request.headers, secrets)),
    }
    if request.has_body or request.body is not None:
        out["body"] = redact_json(request.body, secrets)
    if request.content_type:
        out["content_type"] = request.content_type
    return out


def evidence_of(exchange: Exchange, secrets: Sequence[str]) -> JsonObject:
    """What a finding shows of one exchange: request, response (body ~2 KB at most), timing."""
    evidence: JsonObject = {"request": _request_evidence(exchange.request, secrets)}
    response = exchange.response
    if response is not None:
        evidence["response"] = {
            "status": response.status,
            "headers": dict(redact_headers(response.headers, secrets)),
            "body": body_evidence(response, secrets),
        }
        evidence["elapsed_seconds"] = round(response.elapsed_seconds, 3)
    if exchange.error:
        evidence["error"] = redact_text(exchange.error, secrets)
    if exchange.retried:
        evidence["retried"] = True
    evidence["intent"] = exchange.intent
    return evidence
