"""The pure parts behind logins that fail with 200 and the token forgeries."""

from __future__ import annotations

from tests.apps.login_apps import _Rsa

from assay.agents.analysis.security.attacks import jwks, jwt
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.domain.severity import Impact, rate
from assay.oracles.refusal import attempt_failed


def _ex(status: int, body: str, headers: dict[str, str] | None = None) -> Exchange:
    response = RecordedResponse(status, {"content-type": "application/json", **(headers or {})}, body)
    return Exchange(RecordedRequest("POST", "http://127.0.0.1/login"), response)


def test_failed_logins_are_judged_by_content() -> None:
    assert attempt_failed(_ex(200, '{"status":"fail","message":"User not found"}'))
    assert attempt_failed(_ex(200, '{"message":"Invalid password"}'))
    assert attempt_failed(_ex(401, '{"detail":"nope"}'))
    assert not attempt_failed(_ex(200, '{"status":"success","token":"abcdefghijkl"}'))
    assert not attempt_failed(_ex(200, '{"message":"Invalid password"}', {"set-cookie": "sid=1"}))
    assert not attempt_failed(_ex(200, "{}"))  # unclear: not counted as a failure


def test_the_wordlist_has_thousands_and_cracks_every_hmac_size() -> None:
    assert len(jwt.wordlist()) > 70_000
    for alg in ("HS256", "HS384", "HS512"):
        token = jwt.parse_jwt(jwt.encode({"alg": alg}, {"sub": "a"}, "beaches1"))
        assert token is not None and jwt.crack(token) == "beaches1"
    strong = jwt.parse_jwt(jwt.encode({"alg": "HS256"}, {"sub": "a"}, "f" * 64 + "x9"))
    assert strong is not None and jwt.crack(strong) is None


def test_jwks_pem_matches_what_a_server_derives_from_its_key() -> None:
    key = _Rsa.generate()
    body: Json = {"keys": [{"kty": "RSA", "n": jwt.b64url_encode(key.n.to_bytes(256, "big")), "e": "AQAB"}]}
    assert key.pem() in jwks.public_keys(body, "")
    assert jwks.public_keys({}, key.pem().decode())[0] == key.pem()
    assert jwks.key_paths(["/auth/jwks", "/users/{id}"])[0] == "/auth/jwks"


def test_expired_and_none_spellings() -> None:
    token = jwt.parse_jwt(jwt.encode({"alg": "HS256"}, {"sub": "a", "exp": 9}, "k"))
    assert token is not None
    old = jwt.parse_jwt(jwt.expired(token, "k", now=1000))
    assert old is not None and old.payload["exp"] == 1000 - 3600 and jwt.crack(old, ("k",)) == "k"
    none = jwt.parse_jwt(jwt.alg_none(token, "NONE"))
    assert none is not None and none.alg == "NONE" and none.signature == ""


def test_an_unlimited_short_code_is_high() -> None:
    assert rate("rate_limiting", Impact(short_code=True)) == "high"
    assert rate("rate_limiting") == "medium"
