"""The browser side never harms a target, never hands a password elsewhere, and is not stopped by
an overlay: whole `assay run`s against small real apps on 127.0.0.1, in real Chromium."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from tests.apps.blog_webapp import (
    PASSWORD,
    USER,
    start_blog,
    start_collector,
    start_overlay_login,
    start_phishing,
)

from assay.adapters.browser.chromium import Chromium
from assay.adapters.browser.launcher import browser_available
from assay.agents.observation.web.crawler import CrawlConfig, crawl
from assay.domain.ledger import Ledger
from assay.domain.target import Credentials

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not browser_available(), reason="no Chromium: apt-get install -y chromium"),
]
Row = tuple[object, ...]


def assay(url: str, out: Path, *extra: str) -> dict[str, object]:
    """`assay run` as a user types it (without --destructive); its observation.json."""
    cmd = [sys.executable, "-m", "assay", "run", url, "--out", str(out), "--depth", "2", "--budget", "40"]
    proc = subprocess.run([*cmd, *extra], capture_output=True, text=True, timeout=300)
    # 3: inconclusive, e.g. a sign-in assay refused to do is a part of the plan it could not carry out.
    assert proc.returncode in (0, 1, 3) and "Traceback" not in proc.stderr, proc.stderr
    observation: dict[str, object] = json.loads((out / "observation.json").read_text())
    return observation


def rows(db: Path, where: str = "1 = 1") -> list[Row]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(f"select * from posts where {where} order by id"))


def notes(observation: dict[str, object]) -> str:
    return "\n".join(str(n) for n in observation.get("notes", []))  # type: ignore[attr-defined]


def test_a_run_changes_no_post_it_did_not_create_yet_searches_and_creates(tmp_path: Path) -> None:
    server, state = start_blog()
    try:
        theirs = rows(state.db, "author = 'alice'")
        observation = assay(server.base_url + "/", tmp_path, "--login", f"{USER}:{PASSWORD}")
    finally:
        server.stop()
    assert rows(state.db, "author = 'alice'") == theirs  # no Save, Delete, _method=DELETE, Supprimer
    assert rows(state.db, "author != 'alice'"), "the create form was never submitted"
    assert {r[1] for r in rows(state.db)} == {"alice", USER}
    assert state.searches > 0, "the search form was never submitted"
    said = notes(observation)
    assert "not submitted" in said and "would change an existing object" in said and "delete" in said


def test_with_nothing_to_create_the_database_file_is_byte_for_byte_unchanged(tmp_path: Path) -> None:
    server, state = start_blog(creates=False)
    try:
        before = hashlib.sha256(state.db.read_bytes()).hexdigest()
        assay(server.base_url + "/", tmp_path, "--login", f"{USER}:{PASSWORD}")
    finally:
        server.stop()
    assert hashlib.sha256(state.db.read_bytes()).hexdigest() == before
    assert state.searches > 0


def test_a_login_form_posting_to_another_origin_never_receives_the_password(tmp_path: Path) -> None:
    collector, received = start_collector()
    site = start_phishing(collector.base_url)
    try:
        observation = assay(site.base_url + "/login", tmp_path, "--login", "victim:Victim-secret-5120")
    finally:
        site.stop()
        collector.stop()
    assert not any("Victim-secret-5120" in body for _, _, body in received.received)
    assert received.received == []  # nor the wrong-password probe, nor a scenario
    assert "submits to another origin" in notes(observation)
    assert "Victim-secret-5120" not in (tmp_path / "observation.json").read_text()


def test_sign_in_dismisses_a_blocking_overlay() -> None:
    server, state = start_overlay_login()
    try:
        result = asyncio.run(
            crawl(
                server.base_url + "/",
                CrawlConfig(contexts=1, credentials=Credentials(USER, PASSWORD)),
                Chromium(),
            )
        )
    finally:
        server.stop()
    assert result.login is not None and result.login.signed_in, result.notes
    assert "clicked 'accept' on an overlay" in result.login.note
    assert state.sessions
    assert [p.title for p in result.pages] == ["Your account"]


def test_a_sign_in_that_times_out_is_a_note_and_the_run_goes_on(tmp_path: Path) -> None:
    server, _ = start_overlay_login(stuck=True)
    try:
        observation = assay(server.base_url + "/", tmp_path, "--login", f"{USER}:{PASSWORD}")
    finally:
        server.stop()
    assert "signing in" in notes(observation) and "signed out" in notes(observation)
    assert observation["login"]["signed_in"] is False  # type: ignore[index]
    assert (tmp_path / "findings.json").is_file() and (tmp_path / "report.md").is_file()


def test_a_submit_button_whose_formaction_leaves_the_origin_gets_no_password() -> None:
    collector, received = start_collector()
    site = start_phishing(collector.base_url, formaction=True)
    try:
        config = CrawlConfig(contexts=1, probe_actions=True, credentials=Credentials("victim", "Victim-5120"))
        result = asyncio.run(crawl(site.base_url + "/login", config, Chromium()))
    finally:
        site.stop()
        collector.stop()
    assert received.received == []
    assert result.login is not None and not result.login.signed_in
    assert "submits to another origin" in result.login.note


def test_what_the_create_form_made_goes_in_the_ledger_and_nothing_else_changes() -> None:
    server, state = start_blog()
    ledger = Ledger()
    try:
        theirs = rows(state.db, "author = 'alice'")
        config = CrawlConfig(depth=2, contexts=1, probe_actions=True, ledger=ledger)
        asyncio.run(crawl(server.base_url + "/", config, Chromium()))
    finally:
        server.stop()
    assert rows(state.db, "author = 'alice'") == theirs
    created = [f"/posts/{r[0]}" for r in rows(state.db, "author != 'alice'")]
    assert created and ledger.keys("page") == tuple(created)
