"""What each finding category means and how it is usually fixed: the help text of machine formats.

The meanings are the category tables of FINDINGS.md and docs/findings-categories.md, shortened; a
test checks that every ``Category`` has an entry, so a new category cannot ship without its help.
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.domain.findings import Category


@dataclass(frozen=True)
class CategoryHelp:
    meaning: str  # what a finding of this category says about the target
    fix: str  # what usually makes it go away


def _h(meaning: str, fix: str) -> CategoryHelp:
    return CategoryHelp(meaning, fix)


HELP: dict[Category, CategoryHelp] = {
    "server_error": _h(
        "A request got a 5xx answer, or its connection was dropped.",
        "Find the exception in the server log for the request shown and handle the input that caused it; "
        "answer a client's mistake with a 4xx.",
    ),
    "missing_endpoint": _h(
        "The spec documents the operation, but the server answers 404/405 to it.",
        "Deploy or route the operation, or remove it from the spec.",
    ),
    "spec_drift": _h(
        "The server rejects a request the spec says is valid (400/422), or requires a field the spec "
        "calls optional.",
        "Make the spec and the validation agree: document the field as required, "
        "or accept what the spec allows.",
    ),
    "response_schema": _h(
        "A response body or header violates the schema the spec documents for it.",
        "Return what the schema says, or correct the schema to the real response.",
    ),
    "status_code": _h(
        "The status code does not fit what happened: 200 on a create that should be 201, 200 on an "
        "error, an undocumented success code.",
        "Answer with the code REST conventions and the spec give for the outcome.",
    ),
    "redirect": _h(
        "An unexpected redirect, e.g. a collection without its trailing slash answers 307.",
        "Serve the documented path directly, or document the redirect.",
    ),
    "spec_quality": _h(
        "The spec itself is weak: untyped or placeholder response schemas, missing operationId, "
        "undocumented authentication.",
        "Type the response schemas, give every operation an operationId and declare the security schemes.",
    ),
    "missing_authentication": _h(
        "An operation answers 2xx with no credentials although it serves user data.",
        "Require authentication on the operation (the same dependency or middleware as its siblings).",
    ),
    "broken_function_authorization": _h(
        "A lower-privileged identity can call an operation meant for a higher one (admin, staff), or "
        "raise its own role.",
        "Check the caller's role on the server for every privileged operation, never only in the UI.",
    ),
    "broken_object_authorization": _h(
        "One user (tenant) can read or change another's object by its id (BOLA/IDOR).",
        "Check that the object belongs to the caller (or their tenant) on every read and write by id.",
    ),
    "broken_authentication": _h(
        "Tokens are accepted that should not be: unsigned or alg none, a forged signature, a weak "
        "HMAC key, a token of a deleted user.",
        "Verify signatures with a pinned algorithm and a strong random key; "
        "check that the user still exists.",
    ),
    "information_disclosure": _h(
        "The server tells an attacker how it is built: version banners, stack traces or debugger pages, "
        "reachable debug or admin endpoints the spec does not list.",
        "Drop version headers, turn debug mode off in production and return generic error bodies.",
    ),
    "ssrf": _h(
        "The server fetches a URL the client supplies: a URL field made it call a listener assay controls.",
        "Fetch only allow-listed hosts, and never internal or loopback addresses.",
    ),
    "cors": _h(
        "Credentialed cross-origin access is granted to origins that should not have it (reflected or "
        "look-alike origins with Access-Control-Allow-Credentials: true).",
        "Allow credentials only for an exact list of trusted origins; never reflect the Origin header.",
    ),
    "open_redirect": _h(
        "A next/return/url parameter sends the browser to another origin.",
        "Accept only relative paths on the same site (parsed as a browser parses them), or an allow-list.",
    ),
    "security_headers": _h(
        "Pages lack a header a browser needs to defend them: CSP, frame-ancestors or X-Frame-Options, "
        "nosniff, HSTS on https.",
        "Add the headers in one middleware for every HTML response.",
    ),
    "cookie_flags": _h(
        "A session or auth cookie lacks HttpOnly, Secure (on https) or SameSite.",
        "Set HttpOnly, Secure and SameSite on the session cookie.",
    ),
    "session_management": _h(
        "A session survives logout, is fixed across login, or never expires.",
        "End the session on the server at logout, issue a new id at login and expire idle sessions.",
    ),
    "weak_session_secret": _h(
        "Session cookies are signed with a framework default or well-known weak key: "
        "a forged cookie is accepted.",
        "Sign sessions with a long random secret kept out of the code, and rotate it.",
    ),
    "weak_password_policy": _h(
        "Registration or password change accepts trivially weak passwords.",
        "Enforce a minimum length and reject common passwords on the server.",
    ),
    "resource_exhaustion": _h(
        "Input makes the server work disproportionately: catastrophic regex backtracking, unbounded "
        "sizes or page sizes.",
        "Bound input sizes and page sizes, and use linear-time patterns or timeouts.",
    ),
    "data_exposure": _h(
        "A response carries secrets: password hashes, tokens, keys.",
        "Serialise responses through an explicit model that leaves secrets out.",
    ),
    "injection": _h(
        "Input reaches an interpreter: SQL, NoSQL, shell or template metacharacters change behaviour, "
        "show the interpreter's output, or answer 500 with its error.",
        "Use parameterised queries and APIs that take arguments, never strings built from input.",
    ),
    "mass_assignment": _h(
        "A create or update accepts and persists a field the client must not set "
        "(tenant_id, is_admin, role, id).",
        "Bind request bodies to an explicit model of the fields a client may set.",
    ),
    "user_enumeration": _h(
        "Answers differ (message, status or timing) between an unknown user and a wrong password.",
        "Answer both cases with the same message, status and timing.",
    ),
    "rate_limiting": _h(
        "An authentication operation accepts unlimited failed attempts, never 429.",
        "Limit failed attempts per account and per client, answering 429 with Retry-After.",
    ),
    "stale_resource": _h(
        "A DELETE succeeds but the object is still served afterwards.",
        "Delete (or hide) the object in the same transaction that answers the DELETE; clear caches.",
    ),
    "lost_update": _h(
        "An update is acknowledged but not (fully) persisted.",
        "Persist every accepted field before answering, or refuse the ones that are not stored.",
    ),
    "race_condition": _h(
        "Concurrent requests break a rule the server keeps when they arrive one by one: the same create "
        "sent at once makes several objects although a unique field refuses the duplicate.",
        "Enforce the rule in the database (a unique index) or in a transaction with the right isolation.",
    ),
    "business_flow": _h(
        "A one-time or valuable business operation (coupon, voucher, referral, transfer) keeps succeeding "
        "when the same request is repeated (OWASP API6).",
        "Make the operation idempotent: one use per code and user, checked atomically.",
    ),
    "slow_response": _h(
        "An operation is consistently slower than the latency budget (default 1 s).",
        "Profile the operation: add the missing index, paginate, or cache.",
    ),
    "ui_broken_link": _h(
        "A link or navigation on a page leads to a 4xx/5xx page.",
        "Fix the link's target or the route it points to.",
    ),
    "ui_console_error": _h(
        "A page throws a JavaScript error or logs a console error.",
        "Fix the script error shown in the evidence.",
    ),
    "ui_server_error": _h(
        "Submitting a form or clicking a control yields a 5xx.",
        "Handle the submitted input on the server; answer invalid input with a message, not a 500.",
    ),
    "ui_accessibility": _h(
        "An interactive element has no accessible name (no label), or an image no alt text.",
        "Give the control a label (label element, aria-label) and images an alt text.",
    ),
    "ui_silent_failure": _h(
        "An action fails with no feedback: e.g. a wrong password re-shows the form with no error message.",
        "Show the user what went wrong next to the control that failed.",
    ),
    "ui_functional": _h(
        "A page does not do what it is for: a search, filter, sort, create form, dialog or counter "
        "behaves wrongly, checked twice in fresh browser contexts.",
        "Follow the steps in the evidence and fix the behaviour that broke.",
    ),
}
