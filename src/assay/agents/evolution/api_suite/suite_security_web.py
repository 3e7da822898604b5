"""The generated tests for findings on crawled pages (XSS, content and template injection).

The test replays what assay sent, with the marked value, in a session of its own (a form's
anti-forgery token is bound to the session cookie that came with the page, so it reads the page
first and sends the tokens it holds now), follows the same-site redirects as a browser does, and
asserts what a fixed page does: the marked markup is no element, the path is not echoed, the
template is not evaluated.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from assay.agents.evolution.api_suite.pysource import assert_explained, py_str
from assay.agents.evolution.api_suite.suite_security_checks import Built, Needs
from assay.oracles.reflected_input import TEMPLATE_PRODUCT, TEMPLATE_WALK

WEB_HELPERS = {
    "browse": '''\
def browse(
    client: httpx.Client, method: str, url: str, body: str | None = None, page: str = ""
) -> httpx.Response:
    """Send a request as a browser would: with the cookies and hidden tokens of ``page`` (read
    first), following redirects that stay on the target's host."""
    if page:
        form_page = client.get(page)
        if body is not None:
            fresh = hidden_fields(form_page.text)
            pairs = [(k, fresh.get(k, v)) for k, v in parse_qsl(body, keep_blank_values=True)]
            body = urlencode(pairs)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    response = client.request(method, url, content=body, headers=headers)
    for _ in range(3):
        location = response.headers.get("location")
        if not response.is_redirect or not location:
            break
        nxt = response.url.join(location)
        if nxt.host != response.url.host:
            break
        response = client.get(nxt)
    return response''',
    "hidden_fields": '''\
def hidden_fields(page: str) -> dict[str, str]:
    """The name and value of every hidden input of a page (its anti-forgery tokens)."""
    found: dict[str, str] = {}
    for tag in re.findall(r"<input\\b[^>]*>", page, re.IGNORECASE):
        if not re.search(r"type=[\\"']?hidden", tag, re.IGNORECASE):
            continue
        name = re.search(r"name=[\\"']([^\\"']*)", tag)
        value = re.search(r"value=[\\"']([^\\"']*)", tag)
        if name:
            found[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return found''',
}


CHUNK = 60  # characters of a string literal per line: with quotes and escapes, within 100


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _assign(name: str, text: str, indent: int) -> str:
    """``name = "…"``, split into implicitly joined pieces when it would pass the line length
    (ruff cannot split a string literal itself)."""
    pad = " " * indent
    one = f"{pad}{name} = {py_str(text)}"
    if len(one) <= CHUNK + 30:
        return one
    pieces = [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)]
    inner = "\n".join(f"{pad}    {py_str(piece)}" for piece in pieces)
    return f"{pad}{name} = (\n{inner}\n{pad})"


def web_injection(n: Needs) -> Built | str:
    """A test for a finding of the web reflection families (its evidence carries the marker)."""
    evidence = n.finding.evidence
    request, mark, kind = evidence.get("request"), evidence.get("marker"), evidence.get("reflection")
    if not isinstance(request, dict) or not isinstance(mark, str) or not isinstance(kind, str):
        return "the marked request is not in the evidence"
    method, url = str(request.get("method", "GET")), _relative(str(request.get("url", "")))
    body = request.get("body")
    page = str(evidence.get("page") or "") if isinstance(body, str) else ""
    shown_at = _relative(str(evidence.get("shown_at") or ""))
    lines = [
        '    with httpx.Client(base_url=client.base_url.join("/"), timeout=client.timeout) as browser:',
        "        # the marked value, as assay sent it (with the tokens of a fresh visit to the form)",
        _assign("url", url, 8),
        _assign("body", body, 8) if isinstance(body, str) else "        body = None",
        f"        response = browse(browser, {py_str(method)}, url, body, {py_str(page)})",
    ]
    if shown_at and shown_at != url and method != "GET":
        lines.append(_assign("shown_at", shown_at, 8))
        lines.append("        response = browser.get(shown_at)  # where the value is shown")
    if kind == "markup":
        lines.append(f"    live = re.search(r{py_str(f'<i id={mark}>')}, response.text, re.IGNORECASE)")
        lines.append(assert_explained("not live", n.label("the markup came back as an element")))
        return Built(lines, "values written into the page are escaped: markup stays text.")
    if kind == "text":
        lines.append(assert_explained(f"{py_str(mark)} not in response.text", n.label("the path is echoed")))
        return Built(lines, "the error page does not repeat text from the URL.")
    evaluated = f"{mark}{TEMPLATE_PRODUCT}{TEMPLATE_WALK}"
    lines.append(
        assert_explained(f"{py_str(evaluated)} not in response.text", n.label("the template was evaluated"))
    )
    return Built(lines, "user input is never evaluated as a template outside a sandbox.")


# What each missing header's check looks like in the generated test (``headers``, ``csp`` bound).
_HEADER_CHECKS = {
    "X-Frame-Options / CSP frame-ancestors": '"x-frame-options" in headers or "frame-ancestors" in csp',
    "X-Content-Type-Options: nosniff": 'headers.get("x-content-type-options", "").lower() == "nosniff"',
    "Content-Security-Policy": "bool(csp)",
    "Strict-Transport-Security": '"strict-transport-security" in headers',
}


def security_headers(n: Needs) -> Built | str:
    if n.finding.severity == "info":
        return "a missing Content-Security-Policy alone is advice, not a fault a test holds the site to"
    missing = n.finding.evidence.get("missing")
    names = (
        [m for m in missing if isinstance(m, str) and m in _HEADER_CHECKS]
        if isinstance(missing, list)
        else []
    )
    if not names:
        return "the missing headers are unknown"
    lines = [
        f"    response = client.get(client.base_url.join({py_str(n.finding.path or '/')}))",
        "    headers = response.headers",
        '    csp = headers.get("content-security-policy", "").lower()',
    ]
    lines += [assert_explained(_HEADER_CHECKS[name], n.label(f"no {name}")) for name in names]
    return Built(lines, "the page carries the headers that let a browser defend it.")


def cookie_flags(n: Needs) -> Built | str:
    evidence = n.finding.evidence
    name, missing = evidence.get("cookie"), evidence.get("missing")
    if evidence.get("at_sign_in") or not isinstance(name, str) or not isinstance(missing, list):
        return "the cookie is set by a sign-in through the page's form, which the suite does not do"
    lines = [
        f"    response = client.get(client.base_url.join({py_str(n.finding.path or '/')}))",
        '    cookies = [c for c in response.headers.get_list("set-cookie") '
        f"if c.startswith({py_str(name + '=')})]",
        f"    assert cookies, {n.label('the cookie is no longer set here')} + explain(response)",
    ]
    for flag in missing:
        if flag in ("httponly", "secure"):
            lines.append(assert_explained(f"{py_str(flag)} in cookies[0].lower()", n.label(f"no {flag}")))
    return Built(lines, "the session cookie is set HttpOnly (and Secure on https).")


def weak_password_policy(n: Needs) -> Built | str:
    """Register a fresh account (the registered name swapped for a new one each run) with the
    one-character password, as assay did, and assert the site refuses it."""
    evidence = n.finding.evidence
    request, account = evidence.get("request"), evidence.get("account")
    body = request.get("body") if isinstance(request, dict) else None
    if (
        not isinstance(request, dict)
        or not isinstance(body, str)
        or not isinstance(account, str)
        or not account
    ):
        return "the registration request is not in the evidence"
    url = _relative(str(request.get("url", "")))
    page = _relative(str(evidence.get("page") or url))
    lines = [
        '    with httpx.Client(base_url=client.base_url.join("/"), timeout=client.timeout) as browser:',
        "        # a fresh account each run, with the password assay registered",
        _assign("url", url, 8),
        _assign("body", body, 8),
        f'        body = body.replace({py_str(account)}, "assaypw" + os.urandom(4).hex())',
        f'        response = browse(browser, "POST", url, body, {py_str(page)})',
        '    form_again = re.search(r"type=[\\"\']?password", response.text, re.IGNORECASE)',
        assert_explained(
            "response.status_code >= 400 or form_again", n.label("a one-character password was accepted")
        ),
    ]
    return Built(lines, "registration refuses a one-character password (the form is shown again).")


# Findings of the web session checks that get no generated test, and why (the suite has no browser
# session of a form sign-in, and never writes a cracked key).
WEB_REASONS = {
    "session_management": (
        "the session comes from a sign-in through the site's form and a logout, which the suite does not do"
    ),
    "weak_session_secret": "the forged cookie is signed with the cracked key, a secret never written down",
}
