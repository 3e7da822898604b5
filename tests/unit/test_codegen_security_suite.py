"""The generated tests/test_security.py: one test per security finding, correct behaviour asserted."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.unit.sample_run import SECRET, api_model, findings, requirements

from assay.agents.evolution.api_suite.pytest_suite import build_suite
from assay.domain.findings import Category, Finding
from assay.domain.json import Json, JsonObject

OBJECT_ID = "4242"
HOST = "http://127.0.0.1:8000"


def _evidence(method: str, path: str, body: JsonObject | None = None, **extra: Json) -> JsonObject:
    request: JsonObject = {"method": method, "url": HOST + path, "headers": {"Authorization": "Bearer ***"}}
    if body is not None:
        request["body"] = body
    step: JsonObject = {
        "step": 1,
        "as": "alice@example.com (user)",
        "request": f"{method} {HOST}{path}",
        "status": 200,
    }
    return {"request": request, "response": {"status": 200}, "sequence": [step], **extra}


def _finding(n: int, category: Category, method: str, path: str, title: str, evidence: JsonObject) -> Finding:
    return Finding(category, "high", method, path, title, "detail", evidence, id=f"F-01{n:02d}")


def security_findings() -> list[Finding]:
    item = f"/items/{OBJECT_ID}"
    mass: JsonObject = {"name": "x", "is_admin": True, "role": "admin", "password": SECRET}
    return [
        _finding(
            1,
            "broken_object_authorization",
            "GET",
            "/items/{item_id}",
            "B reads A's item",
            _evidence("GET", item),
        ),
        _finding(2, "missing_authentication", "GET", "/items/{item_id}", "no auth", _evidence("GET", item)),
        _finding(
            3, "stale_resource", "DELETE", "/items/{item_id}", "still served", _evidence("DELETE", item)
        ),
        _finding(
            4, "mass_assignment", "POST", "/items/", "sets `is_admin`", _evidence("POST", "/items/", mass)
        ),
        _finding(
            5,
            "lost_update",
            "PUT",
            "/items/{item_id}",
            "lost",
            _evidence("PUT", item, {"name": f"upd-{OBJECT_ID}"}, lost_fields=["name"]),
        ),
        _finding(
            6, "race_condition", "POST", "/items/", "dups", _evidence("POST", "/items/", created_at_once=8)
        ),
        _finding(
            7,
            "broken_function_authorization",
            "DELETE",
            "/items/{item_id}",
            "lower role",
            _evidence("DELETE", item),
        ),
        _finding(
            8,
            "injection",
            "GET",
            "/items/",
            "SQL injection in query q",
            _evidence("GET", "/items/?q=%27+OR+%271%27%3D%271", field="query q", signal="tautology"),
        ),
        _finding(
            9, "cors", "GET", "/items/", "cors", _evidence("GET", "/items/", origins=["https://evil.example"])
        ),
        _finding(
            10,
            "data_exposure",
            "GET",
            "/items/",
            "hash",
            _evidence("GET", "/items/", fields=["[].password_hash"]),
        ),
        _finding(11, "information_disclosure", "GET", "/debug", "debug page", _evidence("GET", "/debug")),
        _finding(
            12,
            "business_flow",
            "POST",
            "/items/{item_id}/reviews",
            "repeat",
            _evidence("POST", item + "/reviews"),
        ),
        _finding(13, "ssrf", "POST", "/items/", "ssrf", _evidence("POST", "/items/")),
        _finding(14, "user_enumeration", "POST", "/auth/login", "enum", _evidence("POST", "/auth/login")),
    ]


def files() -> dict[str, str]:
    return build_suite(requirements(), api_model(), [*findings(), *security_findings()], HOST).files


def security_module() -> str:
    return files()["test_security.py"]


def test_one_test_per_supported_finding_named_after_id_and_category() -> None:
    names = re.findall(r"^def (test_\w+)\(", security_module(), re.MULTILINE)
    expected = [f"test_f_01{n:02d}_{f.category}" for n, f in enumerate(security_findings()[:12], 1)]
    assert names == expected
    for finding in security_findings()[:12]:
        assert f'@pytest.mark.finding("{finding.id}")' in security_module()


def test_unsupported_families_get_a_note_not_a_test() -> None:
    suite = build_suite(requirements(), api_model(), security_findings(), HOST)
    notes = " ".join(suite.notes)
    assert "F-0113: no security test (proving SSRF needs a canary listener" in notes
    assert "F-0114: no security test" in notes
    assert "test_f_0113" not in suite.files["test_security.py"]


def test_no_security_module_without_security_findings() -> None:
    assert "test_security.py" not in build_suite(requirements(), api_model(), findings(), HOST).files


def test_deterministic_compiles_and_no_evidence_values() -> None:
    assert files() == files()
    text = "\n".join(files().values())
    compile(security_module(), "test_security.py", "exec")
    assert (
        SECRET not in text and OBJECT_ID not in text and "alice" not in text and "127.0.0.1:8000/" not in text
    )
    assert "${item.id}" in security_module()  # objects come from the recipe fixture


def test_generated_suite_is_ruff_clean(tmp_path: Path) -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    for name, text in files().items():
        (tmp_path / name).write_text(text)
    check = subprocess.run([ruff, "check", "."], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run([ruff, "format", "--diff", "."], cwd=tmp_path, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def _test_source(name: str) -> str:
    module = security_module()
    start = module.index(f"def {name}(")
    end = module.find("\n\n\n", start)
    return module[start : end if end > 0 else None]


def test_correct_behaviour_is_asserted() -> None:
    bola = _test_source("test_f_0101_broken_object_authorization")
    assert "headers=second_auth_headers" in bola and "in (401, 403, 404)" in bola
    assert "item: dict[str, Any]" in bola
    missing = _test_source("test_f_0102_missing_authentication")
    assert "assay-malformed-credential" in missing and "assert not response.is_success" in missing
    assert "in (404, 410)" in _test_source("test_f_0103_stale_resource")
    mass = _test_source("test_f_0104_mass_assignment")
    assert (
        '"is_admin": True' in mass and 'value = dig(stored, "is_admin")\n    assert value is not True' in mass
    )
    assert '"password"' not in mass and "role" not in mass  # only the fields the finding names
    lost = _test_source("test_f_0105_lost_update")
    assert 'assert value == substitute("upd-${unique}", variables)' in lost
    assert "created <= 1" in _test_source("test_f_0106_race_condition")
    injection = _test_source("test_f_0108_injection")
    assert "\"' OR '1'='1\"" in injection and "result_size(response) > result_size(plain)" in injection
    assert 'allowed == "https://evil.example"' in _test_source("test_f_0109_cors")
    assert '{"password_hash"}' in _test_source("test_f_0110_data_exposure")
    assert 'client.base_url.join("/debug")' in _test_source("test_f_0111_information_disclosure")
    assert "accepted <= 1" in _test_source("test_f_0112_business_flow")


def test_conftest_gets_the_other_identities_from_the_environment() -> None:
    conftest = files()["conftest.py"]
    assert "def second_auth_headers(" in conftest and "def admin_auth_headers(" in conftest
    assert '"ASSAY_USERNAME_2", "ASSAY_PASSWORD_2", True' in conftest
    assert '"ASSAY_ADMIN_USERNAME", "ASSAY_ADMIN_PASSWORD", False' in conftest
    assert (
        "def second_auth_headers("
        not in build_suite(requirements(), api_model(), findings(), HOST).files["conftest.py"]
    )


def test_readme_lists_the_security_tests() -> None:
    assert "`test_f_0101_broken_object_authorization` (test_security.py): F-0101" in files()["README.md"]
