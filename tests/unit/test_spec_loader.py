"""Parsing and checking spec text, from files and through the transport."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.fakes import FakeTransport, json_response, text_response

from assay.domain.errors import SpecNotFound, SpecParseError
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.spec.loader import load_spec, load_spec_file, parse_spec_text, spec_version

MINIMAL_YAML = """
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /items:
    get:
      responses:
        "200": {description: ok}
"""


def test_json_and_yaml_both_parse() -> None:
    assert parse_spec_text('{"openapi": "3.1.0", "paths": {}}', "x")["openapi"] == "3.1.0"
    doc = parse_spec_text(MINIMAL_YAML, "x")
    assert "/items" in doc["paths"]  # type: ignore[operator]


def test_yaml_values_become_plain_json() -> None:
    doc = parse_spec_text("swagger: '2.0'\ninfo: {version: 2024-01-01}\npaths: {200: x}\n", "x")
    assert doc["info"] == {"version": "2024-01-01"}
    assert doc["paths"] == {"200": "x"}


def test_invalid_text_names_source_and_line() -> None:
    with pytest.raises(SpecParseError) as err:
        parse_spec_text("openapi: 3.0.0\npaths:\n  - a\n b: [", "spec.yaml")
    message = str(err.value)
    assert message.startswith("spec at spec.yaml is not valid JSON or YAML: line ")
    assert "\n" not in message


def test_broken_json_reports_the_json_error() -> None:
    with pytest.raises(SpecParseError) as err:
        parse_spec_text('{\n  "openapi": "3.0.0",\n  "paths": {\n}', "s.json")
    assert str(err.value).startswith("spec at s.json is not valid JSON or YAML: line 4 column 2:")


def test_html_is_not_a_spec() -> None:
    with pytest.raises(SpecParseError, match="spec at http://h/ is not"):
        parse_spec_text("<!doctype html><html><body>hi</body></html>", "http://h/")


@pytest.mark.parametrize(
    ("doc", "version"),
    [({"openapi": "3.0.3"}, "3.0.3"), ({"openapi": "3.1.0"}, "3.1.0"), ({"swagger": "2.0"}, "2.0")],
)
def test_supported_versions(doc: dict[str, str], version: str) -> None:
    assert spec_version(doc) == version  # type: ignore[arg-type]


@pytest.mark.parametrize("doc", [{"openapi": "4.0.0"}, {"swagger": "1.2"}, {"title": "not a spec"}])
def test_unsupported_documents_are_refused(doc: dict[str, str]) -> None:
    with pytest.raises(SpecParseError, match="spec at"):
        parse_spec_text(str(doc).replace("'", '"'), "s.json")


def test_missing_file_is_spec_not_found(tmp_path: Path) -> None:
    with pytest.raises(SpecNotFound, match="cannot be read"):
        load_spec_file(tmp_path / "nope.json")


async def test_load_from_file_and_url(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(MINIMAL_YAML)

    def handler(request: RecordedRequest) -> RecordedResponse:
        if request.url.endswith("/openapi.yaml"):
            return text_response(200, MINIMAL_YAML, "application/yaml")
        return json_response(404, {"detail": "Not Found"})

    transport = FakeTransport(handler)
    assert (await load_spec(str(path), transport))["openapi"] == "3.0.3"
    assert transport.requests_sent == 0
    assert (await load_spec("http://h/openapi.yaml", transport))["openapi"] == "3.0.3"
    with pytest.raises(SpecNotFound, match="answered HTTP 404"):
        await load_spec("http://h/missing.json", transport)
