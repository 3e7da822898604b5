"""Specs cannot cost unbounded memory: alias expansion, nesting and size are refused early."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tests.apps.misbehaving import billion_laughs_yaml
from tests.fakes import FakeTransport, text_response

from assay.domain.errors import SpecParseError
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import dig
from assay.spec.discovery import discover_spec
from assay.spec.loader import MAX_SPEC_BYTES, load_spec, load_spec_file, parse_spec_text
from assay.spec.yaml_bounded import YamlTooLarge, load_yaml

SHARED_ANCHORS = """
openapi: 3.0.3
info: {title: T, version: "1"}
x-common: &err {description: failed}
paths:
  /a: {get: {responses: {"200": {description: ok}, "500": *err}}}
  /b: {get: {responses: {"200": {description: ok}, "500": *err}}}
"""


def test_billion_laughs_is_refused_in_one_line() -> None:
    with pytest.raises(SpecParseError) as caught:
        parse_spec_text(billion_laughs_yaml(), "lol.yaml")
    message = str(caught.value)
    assert "lol.yaml" in message and "expand" in message and "\n" not in message


def test_a_few_laughs_still_load() -> None:
    doc = parse_spec_text(billion_laughs_yaml(levels=3), "lol.yaml")
    laughs = dig(doc, "paths./lol.get.x-laughs")
    assert isinstance(laughs, list) and len(laughs) == 10
    assert dig(laughs, "0.0") == [["lol"]] * 10  # every alias expanded, three levels deep


def test_ordinary_anchors_load() -> None:
    doc = parse_spec_text(SHARED_ANCHORS, "x")
    assert doc["paths"]["/b"]["get"]["responses"]["500"] == {"description": "failed"}  # type: ignore[call-overload,index]


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlTooLarge, match="recursive"):
        load_yaml("a: &a [1, *a]\n")


DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_YAML = "openapi: 3.0.0\nx: " + "[" * 400 + "]" * 400


@pytest.mark.parametrize("text", [DEEP_JSON, DEEP_YAML], ids=["json", "yaml"])
def test_deep_nesting_is_refused(text: str) -> None:
    with pytest.raises(SpecParseError, match="deeper than"):
        parse_spec_text(text, "deep")


def test_oversized_text_and_file_are_refused(tmp_path: Path) -> None:
    big = '{"openapi": "3.0.3", "x": "' + "a" * MAX_SPEC_BYTES + '"}'
    with pytest.raises(SpecParseError, match="larger than"):
        parse_spec_text(big, "big")
    path = tmp_path / "big.json"
    path.write_text(big)
    with pytest.raises(SpecParseError, match="larger than"):
        load_spec_file(path)


def test_a_body_cut_by_the_transport_is_no_spec() -> None:
    cut = RecordedResponse(200, {"content-type": "application/json"}, text='{"openapi": "3.0', truncated=True)
    transport = FakeTransport(lambda request: cut)
    with pytest.raises(SpecParseError, match="larger than"):
        asyncio.run(load_spec("http://api.test/openapi.json", transport))


def test_discovery_logs_why_it_refused_a_spec_and_goes_on() -> None:
    def answer(request: RecordedRequest) -> RecordedResponse:
        if request.url.endswith("/openapi.json"):
            return text_response(200, billion_laughs_yaml(), "application/yaml")
        return text_response(404, "no")

    found = asyncio.run(discover_spec("http://api.test", FakeTransport(answer)))
    assert found.document is None
    line = "GET http://api.test/openapi.json -> 200 application/yaml (refused: its aliases expand"
    assert any(entry.startswith(line) for entry in found.log), found.log
