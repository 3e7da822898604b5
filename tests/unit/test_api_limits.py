"""Oversized bodies and fields are refused with the error shape, before anything is stored."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

from tests.api_helpers import served, settings_for

TARGET = "http://127.0.0.1:9/"


def test_a_body_over_the_limit_is_413_with_the_error_shape(tmp_path: Path) -> None:
    with served(settings_for(tmp_path, max_body_bytes=64 * 1024)) as api:
        big = {"url": TARGET, "user_instruction": "x" * 9_000, "pad": "y" * 100_000}
        answer = api.client.post("/generate-tests", json=big)
        listed = api.client.get("/", follow_redirects=True)
    assert answer.status_code == 413, answer.text
    body = answer.json()
    assert body["code"] == "PAYLOAD_TOO_LARGE" and "limit" in body["error"] and body["timestamp"]
    assert "/workflows/" not in listed.text  # nothing was started


def test_a_chunked_body_over_the_limit_is_413(tmp_path: Path) -> None:
    """No Content-Length: the body is counted as it arrives."""
    with served(settings_for(tmp_path, max_body_bytes=4096)) as api:
        parts = urlsplit(api.base)
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=10) as sock:
            head = (
                f"POST /api/v2/generate-tests HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            sock.sendall(head.encode())
            chunk = b'{"url": "' + b"a" * 8000 + b'"}'
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n0\r\n\r\n")
            reply = sock.recv(65536).decode(errors="replace")
    assert reply.startswith("HTTP/1.1 413"), reply[:200]
    assert "PAYLOAD_TOO_LARGE" in reply


def test_oversized_fields_are_400_invalid_input(tmp_path: Path) -> None:
    with served(settings_for(tmp_path)) as api:
        instruction = api.client.post(
            "/generate-tests", json={"url": TARGET, "user_instruction": "x" * 10_001}
        )
        password = api.client.post(
            "/generate-tests",
            json={"url": TARGET, "login_credentials": {"username": "a", "password": "p" * 2000}},
        )
        chained = api.client.post("/requirements", json={"workflow_id": "w" * 101})
        fits = api.client.post("/generate-tests", json={"url": TARGET, "user_instruction": "x" * 10_000})
    for answer in (instruction, password, chained):
        assert answer.status_code == 400, answer.text
        assert answer.json()["code"] == "INVALID_INPUT"
    assert "p" * 50 not in password.text  # the refused secret is not echoed back
    assert fits.status_code == 202
