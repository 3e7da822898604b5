"""information_disclosure, data_exposure and cors oracles, with httpbin-style traps."""

from __future__ import annotations

import json

from tests.fakes import json_response, text_response

from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.domain.operations import ApiModel, AuthFlow, Operation
from assay.oracles.base import OracleContext
from assay.oracles.cors import judge_cors
from assay.oracles.data_exposure import judge_personal_data, judge_secrets
from assay.oracles.information_disclosure import (
    DEBUG_PATHS,
    judge_banners,
    judge_debug_paths,
    judge_stack_traces,
)

CTX = OracleContext()
BCRYPT = "$2b$12$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
API = ApiModel(
    "t",
    "1",
    "3.0.3",
    "",
    (Operation("POST", "/login"),),
    auth=AuthFlow("bearer", login_operation="POST /login"),
)


def ex(response: RecordedResponse, path: str = "/users", method: str = "GET") -> Exchange:
    return Exchange(
        RecordedRequest(method, f"http://t{path}"), response, operation=f"{method} {path}", path_template=path
    )


def with_headers(response: RecordedResponse, **headers: str) -> RecordedResponse:
    merged = {**response.headers, **{k.replace("_", "-").lower(): v for k, v in headers.items()}}
    return RecordedResponse(response.status, merged, response.text, response.json, response.is_json)


def test_banners_one_finding_and_unversioned_server_is_quiet() -> None:
    noisy = with_headers(json_response(200, {}), x_powered_by="Express", server="nginx/1.18.0")
    findings = judge_banners([ex(noisy), ex(noisy, "/other")], CTX)
    assert len(findings) == 1 and findings[0].severity == "low"
    assert "nginx/1.18.0" in findings[0].detail
    quiet = with_headers(json_response(200, {}), server="uvicorn")
    assert judge_banners([ex(quiet)], CTX) == []
    # A product name alone ("X-Powered-By: Express") is said as such, at info: no version to match.
    bare = with_headers(json_response(200, {}), x_powered_by="Express")
    (named,) = judge_banners([ex(bare)], CTX)
    assert named.severity == "info" and "no version" in named.title


def test_stack_traces_only_in_error_answers() -> None:
    trace = 'Traceback (most recent call last):\n  File "/app/main.py", line 12, in handler\nKeyError'
    assert len(judge_stack_traces([ex(text_response(500, trace, "text/plain"))], CTX)) == 1
    assert (
        judge_stack_traces(
            [ex(text_response(200, "a tutorial about Traceback (most recent call last)"))], CTX
        )
        == []
    )
    assert judge_stack_traces([ex(json_response(500, {"detail": "Internal Server Error"}))], CTX) == []


def _debug(path: str) -> object:
    return next(d for d in DEBUG_PATHS if d.path == path)


def test_debug_paths_are_verified_and_spa_fallback_is_quiet() -> None:
    env = _debug("/.env")
    admin = _debug("/admin")
    missing = ex(text_response(404, "Not Found"), "/assay-zzz")
    good_env = ex(text_response(200, "DB_URL=postgres://x\nSECRET_KEY=abc\n", "text/plain"), "/.env")
    assert len(judge_debug_paths([(env, good_env)], missing, CTX)) == 1  # type: ignore[list-item]
    # A SPA answers its index.html for every path: the random path looks the same.
    index = "<html><body><div id=app></div>admin panel</body></html>"
    spa_missing = ex(text_response(200, index), "/assay-zzz")
    spa_env = ex(text_response(200, index), "/.env")
    spa_admin = ex(text_response(200, index), "/admin")
    probes = [(env, spa_env), (admin, spa_admin)]
    assert judge_debug_paths(probes, spa_missing, CTX) == []  # type: ignore[arg-type]
    not_env = ex(text_response(200, "<html>hello</html>"), "/.env")
    assert judge_debug_paths([(env, not_env)], missing, CTX) == []  # type: ignore[list-item]


def test_secrets_by_name_and_shape() -> None:
    users: Json = [{"id": 1, "email": "a@x.io", "password_hash": BCRYPT}, {"id": 2, "api_key": "k-123456789"}]
    findings = judge_secrets([ex(json_response(200, users))], API, CTX)
    assert len(findings) == 1
    f = findings[0]
    assert f.category == "data_exposure" and f.severity == "high"
    assert BCRYPT not in json.dumps(f.evidence) and "k-123456789" not in json.dumps(f.evidence)


def test_token_in_login_answer_and_harmless_fields_are_quiet() -> None:
    login = ex(
        json_response(
            200,
            {
                "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl",
                "token_type": "bearer",
            },
        ),
        "/login",
        "POST",
    )
    harmless = ex(
        json_response(
            200,
            {"password": "", "token_type": "bearer", "secret": "***", "max_tokens": 100, "hash": "not-hex"},
        )
    )
    assert judge_secrets([login, harmless], API, CTX) == []


def test_other_users_emails_in_lists() -> None:
    listing: Json = [{"email": "me@x.io"}, {"email": "bob@x.io", "phone": "+1 555 0100 22"}]
    findings = judge_personal_data([ex(json_response(200, listing))], {"me@x.io"}, CTX)
    assert len(findings) == 1 and findings[0].severity == "medium"
    assert "bob@x.io" not in json.dumps(findings[0].evidence)
    mine: Json = [{"email": "me@x.io"}]
    assert judge_personal_data([ex(json_response(200, mine))], {"ME@x.io"}, CTX) == []
    single: Json = {"email": "bob@x.io"}  # one object, not a list of users
    assert judge_personal_data([ex(json_response(200, single))], {"me@x.io"}, CTX) == []


def test_cors_credentialed_reflection_only() -> None:
    evil = "https://evil.example"
    bad = with_headers(
        json_response(200, {}), access_control_allow_origin=evil, access_control_allow_credentials="true"
    )
    findings = judge_cors([(evil, ex(bad))], "cookie", CTX)
    assert len(findings) == 1 and findings[0].severity == "high"
    wildcard = with_headers(json_response(200, {}), access_control_allow_origin="*")
    # httpbin's /headers echoes Origin in the body: not a CORS header.
    echo = json_response(200, {"headers": {"Origin": evil}})
    no_creds = with_headers(json_response(200, {}), access_control_allow_origin=evil)
    assert judge_cors([(evil, ex(wildcard)), (evil, ex(echo)), (evil, ex(no_creds))], "cookie", CTX) == []
    null = with_headers(
        json_response(200, {}), access_control_allow_origin="null", access_control_allow_credentials="true"
    )
    assert judge_cors([("null", ex(null))], "none", CTX)[0].severity == "low"


def test_the_banner_is_one_target_wide_finding_shown_by_the_shortest_get() -> None:
    noisy = with_headers(json_response(200, {}), x_powered_by="PHP/7.4.3")
    answers = [ex(noisy, "/api/users/{id}"), ex(noisy, "/api/me", "POST"), ex(noisy, "/api/me")]
    for order in (answers, answers[::-1]):
        (finding,) = judge_banners(order, CTX)
        assert (finding.method, finding.path, finding.occurrences) == ("GET", "/api/me", 3)
        assert finding.evidence["target_wide"] is True
