"""Secrets never leave assay: text, headers, JSON, curl lines and evidence are all masked."""

from __future__ import annotations

import json
import shlex
from urllib.parse import quote, quote_plus

from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import JsonObject, dig
from assay.domain.redaction import (
    BODY_LIMIT,
    MASK,
    curl_command,
    evidence_of,
    redact_headers,
    redact_json,
    redact_secrets,
    redact_strings,
    redact_text,
    redact_url,
)

PASSWORD = "hunter2-Secret!"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXZhbHVl"


def test_redact_text_masks_secrets_their_encodings_bearers_and_jwts() -> None:
    text = f"pw={PASSWORD} enc=hunter2-Secret%21 auth: Bearer abcdefghijkl token {JWT}"
    out = redact_text(text, [PASSWORD, "ab"])
    assert PASSWORD not in out and "hunter2-Secret%21" not in out
    assert "Bearer ***" in out and JWT not in out
    assert "ab" in redact_text("about", ["ab"])  # too short to be a secret: left alone


def test_redact_headers_keeps_schemes_and_cookie_names() -> None:
    headers = {
        "Authorization": f"Bearer {JWT}",
        "Cookie": "session=abc123; theme=dark",
        "Set-Cookie": "sid=xyz; Path=/; HttpOnly",
        "X-API-Key": "k-123456",
        "X-Refresh-Token": "r-1",
        "Accept": "application/json",
        "X-Echo": f"has {PASSWORD}",
    }
    out = redact_headers(headers, [PASSWORD])
    assert out["Authorization"] == "Bearer ***"
    assert out["Cookie"] == "session=***; theme=***"
    assert out["Set-Cookie"] == "sid=***; Path=/; HttpOnly"
    assert out["X-API-Key"] == "***" and out["X-Refresh-Token"] == "***"
    assert out["Accept"] == "application/json"
    assert out["X-Echo"] == "has ***"


def test_redact_json_masks_credential_fields_at_any_depth() -> None:
    value: JsonObject = {
        "user": {"email": "a@b.c", "password": PASSWORD, "api_key": "k"},
        "access_token": JWT,
        "refresh_token": "r",
        "token_type": "bearer",
        "max_tokens": 100,
        "items": [{"client_secret": "s", "note": f"uses {PASSWORD}"}],
    }
    out = redact_json(value, [PASSWORD])
    assert out == {
        "user": {"email": "a@b.c", "password": "***", "api_key": "***"},
        "access_token": "***",
        "refresh_token": "***",
        "token_type": "bearer",
        "max_tokens": 100,
        "items": [{"client_secret": "***", "note": "uses ***"}],
    }


def test_curl_command_uses_placeholders_and_is_shell_safe() -> None:
    request = RecordedRequest(
        method="post",
        url="http://127.0.0.1:8000/auth/login?api_key=k1&next=/home's",
        headers={"Authorization": f"Bearer {JWT}", "X-Trace": "it's"},
        body={"username": "alice", "password": PASSWORD, "note": f"echo {PASSWORD}"},
        has_body=True,
        content_type="application/json",
    )
    line = curl_command(request, [PASSWORD])
    assert PASSWORD not in line and JWT not in line and "k1" not in line
    words = shlex.split(line)  # parses: quoting is balanced
    assert words[:3] == ["curl", "-X", "POST"]
    assert "Authorization: Bearer ${ASSAY_TOKEN}" in words
    assert "X-Trace: it's" in words
    assert "Content-Type: application/json" in words
    assert "api_key=${ASSAY_API_KEY}" in words[3]
    body = json.loads(words[words.index("--data-raw") + 1])
    assert body == {"username": "alice", "password": "${ASSAY_PASSWORD}", "note": "echo ${ASSAY_SECRET}"}
    # Placeholders sit in double quotes so the shell expands them.
    assert '"Authorization: Bearer ${ASSAY_TOKEN}"' in line


def test_curl_command_form_bodies_and_cookies() -> None:
    request = RecordedRequest(
        method="POST",
        url="http://h/token",
        headers={"Cookie": "sid=abc"},
        body={"username": "u", "password": PASSWORD},
        has_body=True,
        content_type="application/x-www-form-urlencoded",
    )
    words = shlex.split(curl_command(request, []))
    assert "Cookie: sid=${ASSAY_COOKIE}" in words
    assert words[words.index("--data-raw") + 1] == "username=u&password=${ASSAY_PASSWORD}"


def test_redact_url_masks_credential_query_parameters() -> None:
    assert redact_url("http://h/x?token=abc&page=2", []) == "http://h/x?token=***&page=2"


def test_evidence_of_is_redacted_and_truncated() -> None:
    big = "x" * (BODY_LIMIT * 2)
    exchange = Exchange(
        request=RecordedRequest(
            "POST",
            "http://h/login",
            {"Authorization": "Basic dXNlcjpwYXNz"},
            {"password": PASSWORD},
            True,
            "application/json",
        ),
        response=RecordedResponse(
            200,
            {"content-type": "application/json", "set-cookie": "sid=1; Path=/"},
            json.dumps({"access_token": JWT, "blob": big}),
            {"access_token": JWT, "blob": big},
            True,
            0.25,
        ),
    )
    evidence = evidence_of(exchange, [PASSWORD])
    dumped = json.dumps(evidence)
    assert PASSWORD not in dumped and JWT not in dumped and "dXNlcjpwYXNz" not in dumped
    assert dig(evidence, "request.headers") == {"Authorization": "Basic ***"}
    body = dig(evidence, "response.body")
    assert isinstance(body, str) and "truncated" in body and len(body) < BODY_LIMIT + 100
    assert evidence["elapsed_seconds"] == 0.25
    dropped = Exchange(request=RecordedRequest("GET", "http://h/x"), response=None, error="connection reset")
    assert evidence_of(dropped, [])["error"] == "connection reset"


def test_one_redaction_for_every_output_reports_included() -> None:
    secret = 'pa"ss w/rd'
    forms = [secret, json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)]
    assert all(MASK in redact_text(f"x {form} y", [secret]) for form in forms)
    # A finished report masks even a short password; evidence leaves "ab" of "about" alone.
    assert redact_secrets("pw: pw1", ["pw"]) == "***: ***1" and "ab" in redact_text("about", ["ab"])
    document: JsonObject = {"s3cret-key": ["token s3cret-key"], "n": 1}
    assert redact_strings(document, ["s3cret-key"], redact_secrets) == {"***": ["token ***"], "n": 1}
    assert redact_strings({"auth": "Bearer abcdefghijkl"}, []) == {"auth": "Bearer ***"}
