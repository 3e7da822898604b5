"""Which credentials a request carries, and so which identity it really was.

"Anonymous" is a property of the request, not of a label: a request is anonymous only when it
carries no credential of any kind (no Authorization, Cookie, API-key or token header, no token in
the query). Findings take their ``identity`` from here, so a finding can never claim "anonymous"
for a request that carried a session cookie.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.findings import ANONYMOUS
from assay.domain.redaction import is_sensitive_header, is_sensitive_key

_CREDENTIAL_HEADER_PARTS = ("auth", "session", "cookie")
_CREDENTIAL_QUERY = frozenset({"key", "apikey", "accesstoken", "token", "auth", "jwt", "session", "sid"})


def _credential_header(name: str) -> bool:
    lower = name.lower()
    return is_sensitive_header(lower) or any(part in lower for part in _CREDENTIAL_HEADER_PARTS)


def _credential_param(name: str) -> bool:
    flat = "".join(c for c in name.lower() if c.isalnum())
    return flat in _CREDENTIAL_QUERY or is_sensitive_key(name)


def carried_credentials(request: RecordedRequest) -> list[str]:
    """The names of the headers and query parameters of ``request`` that carry a credential."""
    found = [name for name in request.headers if _credential_header(name)]
    query = parse_qsl(urlsplit(request.url).query, keep_blank_values=True)
    found.extend(f"?{name}" for name, _ in query if _credential_param(name))
    return found


def is_anonymous(request: RecordedRequest) -> bool:
    return not carried_credentials(request)


def identity_of(exchange: Exchange) -> str:
    """The role that sent ``exchange``: ``anonymous`` exactly when it carried no credential.

    Empty when it carried credentials but its sender did not say whose (the run's primary identity
    is filled in when findings are merged).
    """
    if is_anonymous(exchange.request):
        return ANONYMOUS
    claimed = exchange.identity or ""
    return "" if claimed == ANONYMOUS else claimed
