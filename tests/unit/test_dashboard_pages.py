"""The dashboard's workflow pages over a real server (uvicorn on 127.0.0.1) with a fake pipeline:
a finding with its evidence and screenshot, the scenarios, the tests and improve-tests, the chain
of stages, the comparison of two runs, and credentials that are never shown again."""

from __future__ import annotations

import dataclasses
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from tests.api_helpers import FakePipeline, analysis, served, settings_for, stored_bytes

from assay.domain.analysis import ScenarioRun
from assay.domain.events import AgentName
from assay.domain.findings import Finding
from assay.domain.json import JsonObject
from assay.domain.run import RunResult
from assay.domain.target import DEEP_CRAWL, Target
from assay.web.start_form import StartForm, start_request

TARGET = "http://127.0.0.1:9/"
SECRET = "Sup3r-secret-pw!"


def tiny_png() -> bytes:
    """A valid 1x1 PNG, made here so the test needs no picture file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@dataclass
class EvidencePipeline(FakePipeline):
    """The fake pipeline, whose analysis reports ``findings`` and runs its one scenario."""

    findings: list[Finding] = field(default_factory=list)

    def _fill(self, agent: AgentName, target: Target, result: RunResult) -> None:
        super()._fill(agent, target, result)
        if agent == "analysis":
            runs = (ScenarioRun("SC-API-001", "passed"),)
            result.analysis = dataclasses.replace(analysis(), runs=runs)
            result.findings[:] = list(self.findings)


def server_error() -> Finding:
    evidence: JsonObject = {
        "request": {"method": "GET", "url": "http://127.0.0.1:9/items", "headers": {}},
        "response": {"status": 500, "headers": {}, "body": "Traceback: boom"},
    }
    return Finding(
        "server_error", "critical", "GET", "/items", "List items answers 500", "Every list answers 500.",
        evidence=evidence, reproduce="curl -X GET 'http://127.0.0.1:9/items'", scenario_id="SC-API-001",
        recommendation="Catch the error and answer 200 with the list.", id="F-0001",
    )  # fmt: skip


def ui_finding(shot: Path) -> Finding:
    evidence: JsonObject = {
        "page": "/dashboard",
        "element": "",
        "screenshot": str(shot),
        "steps": ["open /dashboard"],
    }
    return Finding(
        "ui_console_error", "medium", "GET", "/dashboard", "The page's script throws", "TypeError.",
        evidence=evidence, id="F-0002",
    )  # fmt: skip


def start(web: httpx.Client, **data: str) -> str:
    response = web.post("/", data={"url": TARGET, "kind": "generate-tests", **data})
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


def test_a_finding_shows_its_evidence_curl_recommendation_screenshot_and_test(tmp_path: Path) -> None:
    shot = tmp_path / "page--dashboard.png"
    shot.write_bytes(tiny_png())
    pipeline = EvidencePipeline(findings=[server_error(), ui_finding(shot)])
    with served(settings_for(tmp_path), pipeline) as api, httpx.Client(base_url=api.base, timeout=10) as web:
        workflow_id = start(web)
        assert api.wait(workflow_id)["status"] == "completed"
        overview = web.get(f"/workflows/{workflow_id}")
        page = web.get(f"/workflows/{workflow_id}/findings/F-0001")
        ui_page = web.get(f"/workflows/{workflow_id}/findings/F-0002")
        picture = web.get(f"/workflows/{workflow_id}/findings/F-0002/screenshots/0")
        beyond = web.get(f"/workflows/{workflow_id}/findings/F-0002/screenshots/1")
        unknown = web.get(f"/workflows/{workflow_id}/findings/F-9999")
    assert 'href="/workflows/' + workflow_id + '/findings/F-0001"' in overview.text
    assert "1 / 1 (100.0 %)" in overview.text  # the pass rate of the scenarios run
    assert page.status_code == 200
    # Held to its own /static files: no inline script or style for the policy to refuse.
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text and "style=" not in page.text and "<style" not in page.text
    assert "Traceback: boom" in page.text and "&#34;status&#34;: 500" in page.text
    assert "curl -X GET &#39;http://127.0.0.1:9/items&#39;" in page.text and 'data-copy="curl"' in page.text
    assert "Catch the error and answer 200 with the list." in page.text
    assert "<img" not in page.text  # an API finding has no picture
    assert f'src="/workflows/{workflow_id}/findings/F-0002/screenshots/0"' in ui_page.text
    assert str(shot) not in ui_page.text  # the page links the picture by index, never by path
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert picture.content == tiny_png()
    assert beyond.status_code == 404 and unknown.status_code == 404


def test_scenarios_show_gherkin_rpn_tier_and_result(tmp_path: Path) -> None:
    with (
        served(settings_for(tmp_path), EvidencePipeline(findings=[server_error()])) as api,
        httpx.Client(base_url=api.base, timeout=10) as web,
    ):
        workflow_id = start(web)
        assert api.wait(workflow_id)["status"] == "completed"
        page = web.get(f"/workflows/{workflow_id}/scenarios")
    assert page.status_code == 200
    row = page.text.split('<tr id="SC-API-001">', 1)[1].split("</tr>", 1)[0]
    assert "Scenario: SC-API-001 List items" in row and "When I list items" in row  # the Gherkin
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in row.split("<td")[2:5]]
    assert cells == ["120", "critical", "tier1"]
    assert 'class="result passed"' in row and f"/workflows/{workflow_id}/findings/F-0001" in row


def test_tests_page_code_and_improve_the_ticked_ones(tmp_path: Path) -> None:
    with served(settings_for(tmp_path)) as api, httpx.Client(base_url=api.base, timeout=10) as web:
        workflow_id = start(web)
        assert api.wait(workflow_id)["status"] == "completed"
        ids = api.client.get(f"/workflows/{workflow_id}/results").json()["test_case_ids"]
        page = web.get(f"/workflows/{workflow_id}/tests")
        none_ticked = web.post(f"/workflows/{workflow_id}/improve", data={"max_iterations": "1"})
        improved = web.post(
            f"/workflows/{workflow_id}/improve", data={"test_case_ids": str(ids[0]), "max_iterations": "1"}
        )
        improve_id = improved.headers["location"].rsplit("/", 1)[-1]
        status = api.wait(improve_id)
        improve_page = web.get(f"/workflows/{improve_id}")
        improve_tests = web.get(f"/workflows/{improve_id}/tests")
    assert page.status_code == 200 and len(ids) == 2
    assert all(f'name="test_case_ids" value="{i}"' in page.text for i in ids)
    assert "def test_list_items(client):" in page.text and "test_items.py" in page.text
    assert f'href="/api/v2/workflows/{workflow_id}/suite"' in page.text
    assert none_ticked.status_code == 400 and "Tick the test cases to improve." in none_ticked.text
    assert improved.status_code == 303 and improve_id != workflow_id
    assert status["status"] == "completed"
    assert "improve-tests" in improve_page.text and 'id="agent-evolution"' in improve_page.text
    assert f'value="{ids[0]}"' in improve_tests.text and f'value="{ids[1]}"' not in improve_tests.text


def test_the_chain_of_stages_links_each_workflow(tmp_path: Path) -> None:
    with served(settings_for(tmp_path)) as api, httpx.Client(base_url=api.base, timeout=10) as web:
        observed = start(web, kind="observation")
        assert api.wait(observed)["status"] == "completed"
        first = web.get(f"/workflows/{observed}")
        chained = web.post("/", data={"kind": "requirements", "source_workflow_id": observed})
        required = chained.headers["location"].rsplit("/", 1)[-1]
        assert api.wait(required)["status"] == "completed"
        second = web.get(f"/workflows/{required}")
        back = web.get(f"/workflows/{observed}")
        index = web.get("/")
    assert (
        'name="kind" value="requirements"' in first.text and "Run requirements on these results" in first.text
    )
    chain = second.text.split('id="chain"', 1)[1].split("</ol>", 1)[0]
    assert (
        f'href="/workflows/{observed}"' in chain
        and f'href="/workflows/{required}" aria-current="page"' in chain
    )
    assert chain.count("not run") == 2  # analysis and evolution
    assert "Run analysis on these results" in second.text
    assert f'href="/workflows/{required}"' in back.text.split('id="chain"', 1)[1]  # the later stage, forwards
    assert f'<option value="{observed}"' in index.text  # offered as a source to chain from


def test_compare_two_runs_of_one_target(tmp_path: Path) -> None:
    pipeline = EvidencePipeline(findings=[server_error()])
    fixed_later = dataclasses.replace(
        server_error(), category="response_schema", title="Bad body", id="F-0002"
    )
    with served(settings_for(tmp_path), pipeline) as api, httpx.Client(base_url=api.base, timeout=10) as web:
        first = start(web)
        assert api.wait(first)["status"] == "completed"
        pipeline.findings = [dataclasses.replace(server_error(), id="F-0007"), fixed_later]
        second = start(web)
        assert api.wait(second)["status"] == "completed"
        overview = web.get(f"/workflows/{second}")
        page = web.get("/compare", params={"before": second, "after": first})  # put in order by the page
        missing = web.get("/compare", params={"before": first, "after": "nope"})
    assert f"/compare?before={first}&amp;after={second}" in overview.text
    assert page.status_code == 200
    new = page.text.split('id="new-findings"', 1)[1].split("</table>", 1)[0]
    assert "Bad body" in new and f"/workflows/{second}/findings/F-0002" in new
    assert "None." in page.text.split('id="fixed-heading"', 1)[1].split("</section>", 1)[0]
    unchanged = page.text.split('id="unchanged-findings"', 1)[1].split("</table>", 1)[0]
    assert (
        f"/workflows/{first}/findings/F-0001" in unchanged
        and f"/workflows/{second}/findings/F-0007" in unchanged
    )
    assert 'id="findings-change">+1<' in page.text and 'id="pass-rate-change">+0.0 points<' in page.text
    assert missing.status_code == 404


def test_credentials_are_used_once_and_never_shown_again(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    with served(settings) as api, httpx.Client(base_url=api.base, timeout=10) as web:
        refused = web.post(
            "/",
            data={"kind": "requirements", "source_workflow_id": "x", "username": "al", "password": SECRET},
        )
        workflow_id = start(web, username="alice", password=SECRET, user_instruction="items")
        assert api.wait(workflow_id)["status"] == "completed"
        pages = [web.get(f"/workflows/{workflow_id}{p}").text for p in ("", "/tests", "/scenarios")]
        pages.append(web.get("/").text)
        suite = web.get(f"/api/v2/workflows/{workflow_id}/suite").content
    assert refused.status_code == 400 and "takes no login" in refused.text
    assert SECRET not in refused.text and 'value="al"' not in refused.text
    assert "# ***" in pages[1]  # the fake pipeline writes the password into a test: it is masked
    assert all(SECRET not in text for text in pages)
    assert SECRET.encode() not in suite and SECRET.encode() not in stored_bytes(settings, tmp_path)


def test_the_form_becomes_the_services_request() -> None:
    deep = start_request(StartForm(url=TARGET, depth=3, username="a", password="pw", totp_secret="JBSW"))
    assert deep.depth == DEEP_CRAWL and deep.url == TARGET
    assert deep.credentials[0].totp_secret == "JBSW" and "pw" in deep.credentials[0].secrets
    mailbox = StartForm(url=TARGET, username="a", password="pw", mail_address="m@x.test", mail_password="app")
    assert start_request(mailbox).extra_secrets == ("app",)
    assert "password" not in str(StartForm(password="pw").echo()) and "pw" not in repr(
        StartForm(password="pw")
    )
    for form, says in [
        (StartForm(kind="improve-tests", url=TARGET), "Unknown workflow kind"),
        (StartForm(url=" "), "Give the target URL"),
        (StartForm(kind="analysis"), "continues an earlier one"),
        (StartForm(url=TARGET, mail_address="m@x.test", mail_password="p"), "goes with a login"),
        (StartForm(url=TARGET, username="a"), "needs both a user name"),
        (StartForm(url=TARGET, depth=4), "Depth is 1"),
    ]:
        try:
            start_request(form)
        except Exception as exc:
            assert says in str(exc), (form.kind, exc)
        else:
            raise AssertionError(f"{form.kind} was accepted")
