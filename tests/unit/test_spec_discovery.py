"""Spec discovery against a fake server: order, logging, docs pages, redirects, host rules."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.fakes import FakeTransport, json_response, text_response

from assay.domain.errors import TargetTimeout, TargetUnreachable
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import JsonObject
from assay.spec.discovery import candidate_urls, discover_spec, spec_links

SPEC: JsonObject = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}}
NOT_FOUND = json_response(404, {"detail": "Not Found"})


def _site(pages: dict[str, RecordedResponse]) -> Callable[[RecordedRequest], RecordedResponse]:
    def handler(request: RecordedRequest) -> RecordedResponse:
        return pages.get(request.url, NOT_FOUND)

    return handler


def test_candidates_cover_base_then_root_without_repeats() -> None:
    urls = candidate_urls("http://h/api/v1")
    assert urls[0] == "http://h/api/v1/openapi.json"
    assert urls.index("http://h/api/v1/openapi.json") < urls.index("http://h/openapi.json")
    assert len(urls) == len(set(urls))
    assert len(candidate_urls("http://h/")) == 16


def test_spec_links_from_swagger_ui_redoc_and_link_tags() -> None:
    swagger_ui = "<script>SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' })</script>"
    redoc = '<redoc spec-url="specs/api.yaml"></redoc>'
    link = '<link rel="service-desc" href="/meta/swagger.json"><a href="/about.html">x</a>'
    page = "http://h/docs/"
    assert spec_links(swagger_ui, page) == ["http://h/openapi.json"]
    assert spec_links(redoc, page) == ["http://h/docs/specs/api.yaml"]
    assert spec_links(link, page) == ["http://h/meta/swagger.json"]
    assert spec_links("<script>Redoc.init('/o.json', {})</script>", page) == ["http://h/o.json"]


async def test_stops_at_the_first_hit_and_logs_every_try() -> None:
    transport = FakeTransport(_site({"http://h/swagger.json": json_response(200, SPEC)}))
    found = await discover_spec("http://h", transport)
    assert found.location == "http://h/swagger.json" and found.document == SPEC
    assert [r.url for r in transport.requests] == [
        "http://h", "http://h/openapi.json", "http://h/openapi.yaml", "http://h/swagger.json",
    ]  # fmt: skip
    assert found.log[0] == "GET http://h -> 404 application/json"
    assert found.log[-1].endswith("(spec found: OpenAPI 3.1.0)")


async def test_falls_back_to_host_root_and_yaml() -> None:
    yaml_spec = text_response(
        200, "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "text/plain"
    )
    transport = FakeTransport(_site({"http://h/openapi.yaml": yaml_spec}))
    found = await discover_spec("http://h/api/v1/", transport)
    assert found.location == "http://h/openapi.yaml"
    assert "Swagger 2.0" in found.log[-1]


async def test_json_that_is_not_a_spec_is_logged_and_skipped() -> None:
    site = {
        "http://h/openapi.json": json_response(200, {"hello": "world"}),
        "http://h/api-docs": json_response(200, SPEC),
    }
    found = await discover_spec("http://h", FakeTransport(_site(site)))
    assert found.location == "http://h/api-docs"
    assert "GET http://h/openapi.json -> 200 application/json (not an OpenAPI document)" in found.log


async def test_docs_page_swagger_ui_initializer_and_redirects() -> None:
    site = {
        "http://h/docs": RecordedResponse(301, headers={"location": "/docs/"}),
        "http://h/docs/": text_response(200, '<script src="./swagger-initializer.js"></script>'),
        "http://h/docs/swagger-initializer.js": text_response(
            200, 'window.ui = SwaggerUIBundle({url: "/internal/spec.v3.json"})', "application/javascript"
        ),
        "http://h/internal/spec.v3.json": json_response(200, SPEC),
    }
    found = await discover_spec("http://h", FakeTransport(_site(site)))
    assert found.location == "http://h/internal/spec.v3.json"
    assert "GET http://h/docs -> 301" in found.log


async def test_base_page_links_are_tried_first() -> None:
    site = {
        "http://h/": text_response(200, "<html><redoc spec-url='/v9/openapi.json'></redoc></html>"),
        "http://h/v9/openapi.json": json_response(200, SPEC),
    }
    transport = FakeTransport(_site(site))
    found = await discover_spec("http://h/", transport)
    assert found.location == "http://h/v9/openapi.json"
    assert transport.requests_sent == 2


async def test_other_hosts_are_skipped_not_asked() -> None:
    site = {
        "http://h/": text_response(
            200, "<script>SwaggerUIBundle({url: 'https://petstore.io/v2/swagger.json'})</script>"
        )
    }
    transport = FakeTransport(_site(site))
    found = await discover_spec("http://h/", transport)
    assert found.document is None
    assert "GET https://petstore.io/v2/swagger.json -> skipped: not the target's host" in found.log
    assert all(r.url.startswith("http://h/") for r in transport.requests)


async def test_unreachable_base_raises_but_errors_later_are_logged() -> None:
    def down(request: RecordedRequest) -> RecordedResponse:
        raise TargetUnreachable("connection refused")

    with pytest.raises(TargetUnreachable):
        await discover_spec("http://h", FakeTransport(down))

    def slow(request: RecordedRequest) -> RecordedResponse:
        if request.url == "http://h":
            return NOT_FOUND
        raise TargetTimeout("no answer within 10s")

    transport = FakeTransport(slow)
    found = await discover_spec("http://h", transport)
    assert found.document is None
    assert found.log[-1] == "stopped: 3 transport errors in a row"
    assert transport.requests_sent == 4


async def test_request_budget_is_respected() -> None:
    transport = FakeTransport(_site({}))
    found = await discover_spec("http://h/api", transport, max_requests=5)
    assert transport.requests_sent == 5
    assert "stopped: request budget of 5 spent" in found.log
