"""JWT crafting (checked against PyJWT) and the broken-authentication oracles."""

from __future__ import annotations

import jwt as pyjwt
from tests.fakes import json_response

from assay.agents.analysis.security.attacks import jwt
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.oracles.base import OracleContext
from assay.oracles.broken_authentication import AuthCheck, judge_deleted_user, judge_forgeries

CTX = OracleContext()


def ex(status: int) -> Exchange:
    return Exchange(
        RecordedRequest("GET", "http://t/users/me"), json_response(status, {}), path_template="/users/me"
    )


def test_parse_and_crack_a_weak_hs256_token() -> None:
    issued = pyjwt.encode({"sub": "alice"}, "secret", algorithm="HS256")
    token = jwt.parse_jwt(issued)
    assert token is not None and token.alg == "HS256" and token.payload == {"sub": "alice"}
    key = jwt.crack(token)
    assert key == "secret"
    forged = jwt.resigned(token, key)
    assert pyjwt.decode(forged, "secret", algorithms=["HS256"])["assay_tampered"] is True


def test_strong_key_is_not_cracked_and_forgeries_fail_verification() -> None:
    issued = pyjwt.encode({"sub": "bob"}, "k" * 48 + "-not-in-any-list", algorithm="HS512")
    token = jwt.parse_jwt(issued)
    assert token is not None and jwt.crack(token) is None
    for forged in (jwt.old_signature(token), jwt.alg_none(token)):
        try:
            pyjwt.decode(forged, "k" * 48 + "-not-in-any-list", algorithms=["HS512"])
        except pyjwt.InvalidTokenError:
            continue
        raise AssertionError("a forged token verified")
    none = jwt.parse_jwt(jwt.alg_none(token))
    assert none is not None and none.alg == "none" and none.signature == ""


def test_bearer_token_and_non_jwts() -> None:
    issued = pyjwt.encode({"sub": "a"}, "x", algorithm="HS256")
    assert jwt.bearer_token({"Authorization": f"Bearer {issued}"}) == ("Authorization", issued)
    assert jwt.bearer_token({"Authorization": "Bearer tok-alice"}) is None
    assert jwt.parse_jwt("a.b.c") is None


def test_forged_token_accepted_where_tokens_are_enforced_is_a_finding() -> None:
    check = AuthCheck(real=ex(200), anonymous=ex(401), garbage=ex(401))
    findings = judge_forgeries(
        check, [("alg none", ex(200)), ("changed claims, old signature", ex(401))], CTX
    )
    assert len(findings) == 1
    f = findings[0]
    assert (f.category, f.severity, f.path) == ("broken_authentication", "critical", "/users/me")
    assert "alg none" in f.title and "old signature" not in f.title


def test_no_finding_when_the_operation_does_not_check_tokens_at_all() -> None:
    # httpbin-like: everything answers 200, with or without a token. That is not a JWT flaw.
    check = AuthCheck(real=ex(200), anonymous=ex(200), garbage=ex(200))
    assert judge_forgeries(check, [("alg none", ex(200))], CTX) == []
    refused = AuthCheck(real=ex(200), anonymous=ex(401), garbage=ex(401))
    assert judge_forgeries(refused, [("alg none", ex(401)), ("weak", ex(403))], CTX) == []


def test_deleted_users_token() -> None:
    assert judge_deleted_user(ex(204), ex(200), CTX)[0].severity == "high"
    assert judge_deleted_user(ex(204), ex(401), CTX) == []
    assert judge_deleted_user(ex(403), ex(200), CTX) == []
