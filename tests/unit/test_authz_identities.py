"""Identities: the WFC auth file, the identity pool (registration, roles) and token refresh."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from tests.fakes import FakeTransport, json_response

from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.authz.common import send_as
from assay.agents.analysis.security.base import ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import IdentityPool, load_wfc_auth, role_rank
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.operations import ApiModel, AuthFlow, Operation, RequestBody
from assay.domain.target import Credentials, Target
from assay.spec.requests import request_for

WFC = """
auth:
  - name: admin
    loginEndpointAuth:
      payloadUserPwd: {username: root, password: toor, usernameField: username, passwordField: password}
  - name: foo
    loginEndpointAuth:
      payloadRaw: '{"email": "foo@example.com", "password": "123"}'
  - name: static
    fixedHeaders: [{name: Authorization, value: "Bearer abc"}]
authTemplate:
  loginEndpointAuth: {endpoint: /login, verb: POST, contentType: application/json}
"""


def test_wfc_yaml_users_with_template_raw_payload_and_roles(tmp_path: Path) -> None:
    path = tmp_path / "auth.yaml"
    path.write_text(WFC)
    root, foo, static = load_wfc_auth(path)
    assert (root.username, root.password, root.role) == ("root", "toor", "admin")
    assert (foo.username, foo.password, foo.role) == ("foo@example.com", "123", "user")
    # A fixedHeaders entry is an identity of its own, with no login, its values secrets.
    assert static.headers_only and static.headers == (("Authorization", "Bearer abc"),)
    assert set(static.secrets) == {"Bearer abc", "abc"} and "abc" not in repr(static)


def test_wfc_json_and_toml_are_read_too(tmp_path: Path) -> None:
    doc = {
        "auth": [
            {"name": "staff-1", "loginEndpointAuth": {"verb": "POST", "payloadRaw": "username=s&password=p"}}
        ]
    }
    (tmp_path / "a.json").write_text(json.dumps(doc))
    assert load_wfc_auth(tmp_path / "a.json") == (Credentials("s", "p", "staff"),)
    toml = '[[auth]]\nname = "u"\n[auth.loginEndpointAuth.payloadUserPwd]\nusername = "u1"\npassword = "p1"\n'
    (tmp_path / "a.toml").write_text(toml)
    assert load_wfc_auth(tmp_path / "a.toml")[0].username == "u1"


def test_wfc_without_an_auth_list_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("configs: {}\n")
    with pytest.raises(ValueError, match="'auth' list"):
        load_wfc_auth(tmp_path / "bad.yaml")


def test_role_rank_orders_users_below_named_roles_below_admins() -> None:
    assert role_rank("user") == 0 < role_rank("editor") == 1 < role_rank("admin") == 2


class FakeServer:
    """Registration, login with fresh tokens, and a resource that expires tokens on demand."""

    def __init__(self) -> None:
        self.users = {"alice": "pw", "root": "toor"}
        self.tokens: dict[str, str] = {}
        self.registrations = 0

    def __call__(self, request: RecordedRequest) -> RecordedResponse:
        body = request.body if isinstance(request.body, dict) else {}
        if request.url.endswith("/register"):
            self.registrations += 1
            self.users[str(body["username"])] = str(body["password"])
            return json_response(201, {"username": body["username"]})
        if request.url.endswith("/login"):
            if self.users.get(str(body.get("username"))) != body.get("password"):
                return json_response(401, {"detail": "no"})
            token = f"t{len(self.tokens)}"
            self.tokens[token] = str(body["username"])
            return json_response(200, {"access_token": token})
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return (
            json_response(200, {"me": self.tokens[token]}) if token in self.tokens else json_response(401, {})
        )


REGISTER = RequestBody(
    "application/json",
    {"type": "object", "properties": {"username": {"type": "string"}, "password": {"type": "string"}}},
)
API = ApiModel(
    "t",
    "1",
    "3.0.3",
    "",
    (
        Operation("POST", "/register", request_body=REGISTER),
        Operation("POST", "/login"),
        Operation("GET", "/me", security=("b",)),
    ),
    auth=AuthFlow(kind="bearer", login_operation="POST /login", register_operation="POST /register"),
)


async def context(server: FakeServer, *creds: Credentials) -> SecurityContext:
    target = Target("http://127.0.0.1:9", credentials=creds)
    transport = FakeTransport(server)
    auth = Authenticator(API, target, transport)
    await auth.login()
    return SecurityContext(API, target, transport, {}, auth, deadline=time.monotonic() + 10)


async def test_peers_register_a_second_user_once_and_roles_pair_admin_with_user() -> None:
    server = FakeServer()
    ctx = await context(server, Credentials("alice", "pw"), Credentials("root", "toor", "admin"))
    pool = IdentityPool()
    owner, intruder = await pool.peers(ctx) or pytest.fail("no peers")
    assert owner.username == "alice" and intruder.registered and server.registrations == 1
    assert await pool.peers(ctx) is not None and server.registrations == 1
    high, low = await pool.roles(ctx) or pytest.fail("no roles")
    assert (high.username, low.username) == ("root", "alice")
    assert "pw" in pool.secrets() and "toor" in pool.secrets()
    assert "pw" not in repr(owner) and "t0" not in repr(owner)


async def test_an_expired_token_is_refreshed_by_logging_in_again_not_by_registering() -> None:
    server = FakeServer()
    ctx = await context(server, Credentials("alice", "pw"))
    pool = IdentityPool()
    [fresh] = await pool.registered(ctx, 1)
    client = ProbeClient(ctx, "test")
    spec = request_for(API.operations[2], {})
    first = await send_as(client, ctx, fresh, spec, {}, "read")
    assert first is not None and first.exchange.status == 200
    server.tokens.clear()  # every token expires
    again = await send_as(client, ctx, fresh, spec, {}, "read again")
    assert again is not None and again.exchange.status == 200
    assert server.registrations == 1 and client.sent == 3
    response = again.exchange.response
    assert response is not None and response.json == {"me": fresh.username}
