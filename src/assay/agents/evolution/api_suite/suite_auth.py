"""The ``auth_headers`` fixture of the generated conftest, from the API's AuthFlow."""

from __future__ import annotations

from assay.agents.evolution.api_suite.pysource import py_str
from assay.domain.operations import ApiModel, AuthFlow

NO_AUTH = '''\
@pytest.fixture(scope="session")
def auth_headers() -> dict[str, str]:
    """The API declares no authentication: requests go without credentials."""
    return {}
'''

CREDENTIALS = '''\
def credentials(client: httpx.Client) -> tuple[str, str]:
    """ASSAY_USERNAME and ASSAY_PASSWORD, or a fresh user registered through the API."""
    username = os.environ.get("ASSAY_USERNAME", "")
    password = os.environ.get("ASSAY_PASSWORD", "")
    if username and password:
        return username, password
    if REGISTER_PATH is None:
        pytest.skip("this test needs a login: set ASSAY_USERNAME and ASSAY_PASSWORD")
    return register_user(client, "ASSAY_USERNAME and ASSAY_PASSWORD")


def register_user(client: httpx.Client, variables: str) -> tuple[str, str]:
    """A fresh user registered through the API; the test is skipped when that fails."""
    if REGISTER_PATH is None:
        pytest.skip(f"this test needs a login: set {variables}")
    body = new_user(REGISTER_FIELDS, PASSWORD_FIELD)
    if REGISTER_FORMAT == "form":
        response = client.post(REGISTER_PATH, data=body)
    else:
        response = client.post(REGISTER_PATH, json=body)
    if not response.is_success:
        pytest.skip(f"could not register a test user; set {variables}. " + explain(response))
    emails = [value for name, value in body.items() if "mail" in name.lower()]
    login = body.get(USERNAME_FIELD) or next(iter(emails), "") or next(iter(body.values()))
    return login, body[PASSWORD_FIELD]
'''

LOG_IN = """\
def log_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    fields = {USERNAME_FIELD: username, PASSWORD_FIELD: password}
    if LOGIN_FORMAT == "form":
        response = client.post(LOGIN_PATH, data=fields)
    else:
        response = client.post(LOGIN_PATH, json=fields)
    if not response.is_success:
        pytest.fail("login failed: " + explain(response), pytrace=False)
    return response
"""

FIXTURE_HEAD = '''\
@pytest.fixture(scope="session")
def auth_headers(client: httpx.Client) -> dict[str, str]:
    """Credentials of the test user, obtained once per run."""
'''

BODIES = {
    "bearer": """\
    username, password = credentials(client)
    token = dig(json_body(log_in(client, username, password)), TOKEN_FIELD)
    assert token, f"the login answer has no {TOKEN_FIELD}"
    return {HEADER_NAME: f"{TOKEN_PREFIX}{token}"}
""",
    "bearer_env": """\
    token = os.environ.get("ASSAY_TOKEN", "")
    if not token:
        pytest.skip("this test needs a token: set ASSAY_TOKEN (the API offers no login operation)")
    return {HEADER_NAME: f"{TOKEN_PREFIX}{token}"}
""",
    "cookie": """\
    username, password = credentials(client)
    response = log_in(client, username, password)
    cookies = "; ".join(f"{name}={value}" for name, value in response.cookies.items())
    assert cookies, "the login answer set no cookie"
    return {"Cookie": cookies}
""",
    "basic": """\
    username, password = credentials(client)
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}
""",
    "api_key": """\
    key = os.environ.get("ASSAY_API_KEY", "")
    if not key:
        pytest.skip("this test needs an API key: set ASSAY_API_KEY")
    return {HEADER_NAME: key}
""",
}


def _path(api: ApiModel, key: str | None) -> str | None:
    """The path of an operation key (``"POST /auth/login"`` -> ``"/auth/login"``)."""
    if not key or " " not in key:
        return None
    return key.split(" ", 1)[1]


def _register_format(api: ApiModel, key: str | None) -> str:
    op = api.operation(key) if key else None
    body = op.request_body if op else None
    return "form" if body and "form" in body.content_type else "json"


def _constants(api: ApiModel, flow: AuthFlow) -> str:
    register = _path(api, flow.register_operation)
    fields = flow.register_fields or (flow.username_field, flow.password_field)
    prefix = "Bearer " if flow.header_name.lower() == "authorization" else ""
    values = [
        ("LOGIN_PATH", py_str(_path(api, flow.login_operation) or ""), "the login operation"),
        ("LOGIN_FORMAT", py_str(flow.login_format), '"json" or "form"'),
        ("USERNAME_FIELD", py_str(flow.username_field), ""),
        ("PASSWORD_FIELD", py_str(flow.password_field), ""),
        ("TOKEN_FIELD", py_str(flow.token_field), "dotted path of the token in the login answer"),
        ("HEADER_NAME", py_str(flow.header_name), ""),
        ("TOKEN_PREFIX", py_str(prefix), ""),
        ("REGISTER_PATH", py_str(register) if register else "None", "public registration, if any"),
        ("REGISTER_FORMAT", py_str(_register_format(api, flow.register_operation)), ""),
        ("REGISTER_FIELDS", _tuple(fields), ""),
    ]
    if _kind(flow) in ("api_key", "bearer_env"):
        values = [v for v in values if v[0] in ("HEADER_NAME", "TOKEN_PREFIX")]
    return "\n".join(f"{name} = {value}" + (f"  # {note}" if note else "") for name, value, note in values)


def _tuple(items: tuple[str, ...]) -> str:
    inner = ", ".join(py_str(item) for item in items)
    return f"({inner},)" if len(items) == 1 else f"({inner})"


def _kind(flow: AuthFlow) -> str:
    if flow.kind == "bearer" and not flow.login_operation:
        return "bearer_env"
    if flow.kind == "cookie" and not flow.login_operation:
        return "api_key"
    return flow.kind


def auth_doc(flow: AuthFlow, kind: str) -> str:
    if kind == "api_key":
        return (
            f"    ASSAY_API_KEY     the {flow.header_name} header's whole value, the API key (or the\n"
            "                      value given to assay with --header); required by authenticated tests\n"
        )
    if kind == "bearer_env":
        return "    ASSAY_TOKEN       a bearer token (required by authenticated tests)\n"
    lines = [
        "    ASSAY_USERNAME    a user to log in as (optional)",
        "    ASSAY_PASSWORD    that user's password (optional)",
    ]
    if flow.register_operation:
        lines.append(f"Without them the suite registers a fresh user through {flow.register_operation}.")
    else:
        lines.append("Without them the tests that need a login are skipped.")
    return "\n".join(lines) + "\n"


def auth_section(api: ApiModel | None) -> tuple[str, str]:
    """(lines for the conftest docstring, the auth constants, helpers and fixture)."""
    if api is None or api.auth.kind == "none":
        return "", NO_AUTH
    flow = api.auth
    kind = _kind(flow)
    helpers = [CREDENTIALS, LOG_IN] if kind in ("bearer", "cookie") else []
    if kind == "basic":
        helpers = [CREDENTIALS]
    parts = [_constants(api, flow), *helpers, FIXTURE_HEAD + BODIES[kind]]
    code = "\n\n\n".join(part.rstrip("\n") for part in parts)
    return auth_doc(flow, kind), code


OTHER_IDENTITIES = """\
def other_identity(
    client: httpx.Client, user_var: str, password_var: str, register: bool
) -> dict[str, str]:
    \"\"\"The headers of another identity from the environment, else (if allowed) of a fresh user.\"\"\"
    names = f"{user_var} and {password_var}"
    username = os.environ.get(user_var, "")
    password = os.environ.get(password_var, "")
    if not (username and password):
        if not register:
            pytest.skip(f"this test needs that identity: set {names}")
        username, password = register_user(client, names)
    return login_headers(client, username, password)


@pytest.fixture(scope="session")
def second_auth_headers(client: httpx.Client) -> dict[str, str]:
    \"\"\"A second user for cross-user tests: ASSAY_USERNAME_2 / ASSAY_PASSWORD_2, or registered.\"\"\"
    return other_identity(client, "ASSAY_USERNAME_2", "ASSAY_PASSWORD_2", True)


@pytest.fixture(scope="session")
def admin_auth_headers(client: httpx.Client) -> dict[str, str]:
    \"\"\"An administrator: ASSAY_ADMIN_USERNAME / ASSAY_ADMIN_PASSWORD (never registered).\"\"\"
    return other_identity(client, "ASSAY_ADMIN_USERNAME", "ASSAY_ADMIN_PASSWORD", False)
"""

KEY_IDENTITIES = """\
def other_identity(variable: str) -> dict[str, str]:
    \"\"\"Another identity's credential from the environment.\"\"\"
    value = os.environ.get(variable, "")
    if not value:
        pytest.skip(f"this test needs that identity: set {variable}")
    return {HEADER_NAME: f"{TOKEN_PREFIX}{value}"}


@pytest.fixture(scope="session")
def second_auth_headers() -> dict[str, str]:
    \"\"\"A second user for cross-user tests: {VAR}_2.\"\"\"
    return other_identity("{VAR}_2")


@pytest.fixture(scope="session")
def admin_auth_headers() -> dict[str, str]:
    \"\"\"An administrator: {VAR}_ADMIN.\"\"\"
    return other_identity("{VAR}_ADMIN")
"""


def identities_section(api: ApiModel | None) -> str:
    """``second_auth_headers`` and ``admin_auth_headers`` (for the security tests), or nothing."""
    if api is None or api.auth.kind == "none":
        return ""
    kind = _kind(api.auth)
    if kind in ("api_key", "bearer_env"):
        return KEY_IDENTITIES.replace("{VAR}", "ASSAY_API_KEY" if kind == "api_key" else "ASSAY_TOKEN")
    body = BODIES[kind].split("\n", 1)[1]
    head = "def login_headers(client: httpx.Client, username: str, password: str) -> dict[str, str]:\n"
    return head + '    """The headers that authenticate ``username``."""\n' + body + "\n\n" + OTHER_IDENTITIES
