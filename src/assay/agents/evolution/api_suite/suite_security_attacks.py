"""The bodies of the generated security tests for the attack surface (issue 4), and their helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from urllib.parse import parse_qs, parse_qsl, urlsplit

from assay.agents.evolution.api_suite.pysource import assert_explained, py_literal, py_str
from assay.agents.evolution.api_suite.suite_security_checks import Built, Needs, call, object_request
from assay.agents.evolution.api_suite.suite_security_tokens import broken_authentication
from assay.agents.evolution.api_suite.suite_security_web import (
    WEB_REASONS,
    cookie_flags,
    security_headers,
    weak_password_policy,
    web_injection,
)
from assay.domain.json import Json
from assay.domain.scenarios import RequestSpec

HELPERS = {
    "result_size": '''\
def result_size(response: httpx.Response) -> int:
    """How many results an answer holds: a list's length, or the first list in an object."""
    try:
        body = response.json()
    except ValueError:
        return 0
    if isinstance(body, dict):
        body = next((value for value in body.values() if isinstance(value, list)), [])
    return len(body) if isinstance(body, list) else 0''',
    "exposed_fields": '''\
def exposed_fields(value: Any, names: set[str]) -> list[str]:
    """The given field names found anywhere in a JSON value with a non-empty value."""
    if isinstance(value, list):
        return [name for item in value for name in exposed_fields(item, names)]
    if not isinstance(value, dict):
        return []
    found = [key for key, item in value.items() if key.lower() in names and item not in (None, "")]
    return found + [name for item in value.values() for name in exposed_fields(item, names)]''',
    "interpreter_error": '''\
INTERPRETER_ERRORS = re.compile(
    r"syntax error|sqlite|psycopg|mysql|ORA-\\d+|unterminated|Traceback|uid=\\d+\\(|TemplateSyntax",
    re.IGNORECASE,
)


def interpreter_error(text: str) -> bool:
    """An interpreter's error or output in an answer (SQL, shell, template)."""
    return bool(INTERPRETER_ERRORS.search(text))''',
    "off_site": '''\
def off_site(response: httpx.Response) -> str:
    """The host a browser follows this answer's Location to, when it is not the target's ("" if none).

    As browsers read it: tabs and newlines dropped, "\\\\" as "/", any run of slashes after
    "https:" skipped, and "https:page" on an https page a path on it.
    """
    if not response.is_redirect:
        return ""
    location = re.sub(r"[\\t\\n\\r]", "", response.headers.get("location", "")).strip()
    location = location.replace("\\\\", "/")
    base = response.request.url
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", location)
    rest = location[scheme.end() :] if scheme else location
    if scheme and scheme.group(1).lower() not in {"http", "https"}:
        return ""
    if not rest.startswith("//") and (not scheme or scheme.group(1).lower() == base.scheme):
        return ""
    host = re.split(r"[/?#]", rest.lstrip("/"), maxsplit=1)[0].rpartition("@")[2].partition(":")[0]
    host = host.lower().rstrip(".")
    return "" if host == base.host else host''',
}


def _payload(n: Needs, where: str, name: str) -> Json:
    request = n.finding.evidence.get("request")
    if not isinstance(request, dict):
        return None
    if where == "query":
        values = parse_qs(urlsplit(str(request.get("url", ""))).query).get(name)
        return values[0] if values else None
    source = request.get("body" if where == "body" else "headers")
    return source.get(name) if isinstance(source, dict) else None


def _with_value(request: RequestSpec, where: str, name: str, value: Json) -> RequestSpec:
    if where == "query":
        return replace(request, query={**request.query, name: value})
    if where == "header":
        return replace(request, headers={**request.headers, name: str(value)})
    plain = request.body if isinstance(request.body, dict) else {}
    return replace(request, body={**plain, name: value}, has_body=True)


def injection(n: Needs) -> Built | str:
    if n.finding.evidence.get("marker"):
        return web_injection(n)  # found on a crawled page, outside the API model
    request = object_request(n)
    where, _, name = str(n.finding.evidence.get("field", "")).partition(" ")
    payload = _payload(n, where, name) if where in ("query", "body", "header") else None
    if isinstance(request, str) or not isinstance(payload, str):
        return "the payload is not in a query, header or body field"
    attack = _with_value(request, where, name, payload)
    baseline = _with_value(request, where, name, "assay-${unique}")
    lines = [
        "    # the payload, which a correct server treats as a plain value",
        call(attack, n.ctx, "auth_headers"),
    ]
    lines.append(assert_explained("response.status_code < 500", n.label()))
    lines.append(assert_explained("not interpreter_error(response.text)", n.label()))
    signal = n.finding.evidence.get("signal")
    if signal == "timing":
        lines.append(assert_explained("response.elapsed.total_seconds() < 2.5", n.label()))
    requests = [attack]
    if signal == "tautology":
        lines += [
            "",
            "    # a harmless value of the same field",
            call(baseline, n.ctx, "auth_headers", target="plain"),
        ]
        lines.append("    widened = result_size(response) > result_size(plain)")
        lines.append(f"    assert not widened, {n.label('the payload widened the result set')}")
        requests.append(baseline)
    return Built(lines, "the payload neither crashes nor changes what the query does.", requests)


def information_disclosure(n: Needs) -> Built | str:
    if n.op() is not None or n.finding.method.upper() != "GET":
        return "only debug pages outside the spec get a test; banners and traces vary per request"
    lines = [
        "    # a debug or admin page the spec does not list, asked for without credentials",
        f"    response = client.get(client.base_url.join({py_str(n.finding.path)}))",
        assert_explained("not response.is_success", n.label()),
    ]
    return Built(lines, "the page is not served (4xx).")


def data_exposure(n: Needs) -> Built | str:
    request = object_request(n)
    fields = n.finding.evidence.get("fields")
    names = sorted({str(f).rsplit(".", 1)[-1].lower() for f in fields} if isinstance(fields, list) else set())
    if isinstance(request, str) or not names:
        return "the exposed fields are unknown"
    literal = "{" + ", ".join(py_str(name) for name in names) + "}"
    lines = [call(request, n.ctx, "auth_headers"), "    assert response.is_success, explain(response)"]
    lines.append(f"    found = exposed_fields(json_body(response), {literal})")
    lines.append(f'    assert not found, {n.label()} + f"the answer hands out {{found}}"')
    return Built(lines, "the answer carries no secrets (password hashes, tokens, keys).", [request])


def cors(n: Needs) -> Built | str:
    request = object_request(n)
    origins = n.finding.evidence.get("origins")
    foreign = (
        [o for o in origins if isinstance(o, str) and o.startswith("https://")]
        if isinstance(origins, list)
        else []
    )
    if isinstance(request, str) or not foreign:
        return "the foreign origin is unknown"
    origin = foreign[0]
    asked = replace(request, headers={**request.headers, "Origin": origin})
    lines = [f"    # a request from {origin}", call(asked, n.ctx, "auth_headers")]
    lines.append('    allowed = response.headers.get("access-control-allow-origin", "")')
    lines.append('    credentials = response.headers.get("access-control-allow-credentials", "")')
    lines.append(f'    reflected = allowed == {py_str(origin)} and credentials.lower() == "true"')
    lines.append(f"    assert not reflected, {n.label('a foreign origin gets credentialed access')}")
    return Built(lines, "a foreign origin is not granted credentialed access.", [asked])


def business_flow(n: Needs) -> Built | str:
    request = object_request(n)
    if isinstance(request, str):
        return request
    lines = ["    answers = []", "    for _ in range(3):", call(request, n.ctx, "auth_headers", 8)]
    lines.append("        answers.append(response)")
    lines.append("    accepted = sum(answer.is_success for answer in answers)")
    lines.append(f'    assert accepted <= 1, {n.label()} + f"accepted {{accepted}} times"')
    return Built(lines, "a one-time action (coupon, referral, transfer) is accepted at most once.", [request])


def open_redirect(n: Needs) -> Built | str:
    if n.op() is None:
        return _page_redirect(n)
    request = object_request(n)
    where, _, name = str(n.finding.evidence.get("fields", "")).split(",")[0].partition(" ")
    payload = _payload(n, where, name) if where == "query" else None
    if isinstance(request, str) or not isinstance(payload, str):
        return "the off-site URL is not in a query parameter"
    attack = _with_value(request, where, name, payload)
    lines = [f"    # {name} names another site", call(attack, n.ctx, "auth_headers")]
    lines.append("    host = off_site(response)")
    lines.append(f'    assert not host, {n.label()} + f"Location leads off site to {{host}}"')
    return Built(lines, "the answer never redirects to another host than the target's.", [attack])


def _page_redirect(n: Needs) -> Built | str:
    """A web page's redirect (the sign-in page's ``next``): no operation to build from, so the
    request is the evidence's own URL, on the site's root rather than under ``API_PREFIX``."""
    request = n.finding.evidence.get("request")
    url = urlsplit(str(request.get("url", ""))) if isinstance(request, dict) else None
    if url is None or n.finding.method != "GET" or not url.query:
        return "the off-site URL is not in a page's query"
    signed_in = n.finding.identity not in (None, "anonymous")
    if signed_in and not n.ctx.needs_auth:
        return "the page redirects a visitor signed in through its sign-in form, which the suite does not do"
    params: dict[str, Json] = dict(parse_qsl(url.query, keep_blank_values=True))
    headers = ", headers=auth_headers" if signed_in else ""
    lines = [
        f"    # a page outside the API, {'signed in' if signed_in else 'anonymously'}: {url.path}",
        f"    page = client.base_url.join({py_str(url.path or '/')})",
        f"    params = {py_literal(params, 4, prefix=len('    params = '))}",
        f"    response = client.get(page, params=params{headers})",
        "    host = off_site(response)",
        f'    assert not host, {n.label()} + f"Location leads off site to {{host}}"',
    ]
    return Built(lines, "the page never redirects to another host than the target's.")


def _reason(why: str) -> Callable[[Needs], Built | str]:
    return lambda _: why


ATTACK_BUILDERS: dict[str, Callable[[Needs], Built | str]] = {
    "injection": injection,
    "information_disclosure": information_disclosure,
    "data_exposure": data_exposure,
    "cors": cors,
    "open_redirect": open_redirect,
    "security_headers": security_headers,
    "cookie_flags": cookie_flags,
    "weak_password_policy": weak_password_policy,
    **{category: _reason(why) for category, why in WEB_REASONS.items()},
    "business_flow": business_flow,
    "user_enumeration": _reason(
        "comparing answers for known and unknown accounts needs the test user's login"
    ),
    "rate_limiting": _reason("a burst of failed logins would lock out the suite's own users"),
    "broken_authentication": broken_authentication,
}
