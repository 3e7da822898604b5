"""An answer refuses the request when its status or its body says so (an error message in a 200)."""

from __future__ import annotations

import pytest

from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.oracles.refusal import accepted, refusal_in


def json_answer(body: Json, status: int = 200) -> RecordedResponse:
    return RecordedResponse(status, {"content-type": "application/json"}, "", body, True)


def html_answer(markup: str, status: int = 200) -> RecordedResponse:
    return RecordedResponse(status, {"content-type": "text/html"}, markup)


@pytest.mark.parametrize(
    "body",
    [
        {"error": "invalid code"},
        {"errors": [{"message": "expired"}]},
        {"success": False},
        {"ok": False, "data": None},
        {"status": "error", "message": "Code not found"},
        {"status": "fail"},
        {"message": "The coupon code is invalid"},
        {"detail": "Access denied"},
        {"code": 404, "msg": "no such coupon"},
        {"data": {"error": "already redeemed"}},
        "Invalid token",
    ],
)
def test_an_error_in_a_2xx_json_body_is_a_refusal(body: Json) -> None:
    assert refusal_in(json_answer(body)) is not None


@pytest.mark.parametrize(
    "body",
    [
        {"status": "applied"},
        {"success": True, "message": "Coupon applied successfully"},
        {"id": 3, "title": "Error handling guide", "message": "invalid input handling"},
        {"error": None, "errors": [], "result": "ok"},
        [{"name": "wrong way"}],
        {"message": "Redeemed: no errors"},
    ],
)
def test_a_plain_2xx_answer_is_accepted(body: Json) -> None:
    assert refusal_in(json_answer(body)) is None


def test_html_error_page_in_a_200_is_a_refusal() -> None:
    page = "<html><head><title>Shop</title></head><body><nav>Home</nav>"
    page += '<div class="alert alert-danger">Invalid credentials</div><form></form></body></html>'
    assert refusal_in(html_answer(page)) == "Invalid credentials"


def test_html_page_without_error_is_accepted() -> None:
    page = "<html><head><title>Your orders</title><script>if (error) {}</script></head>"
    page += "<body><h1>Orders</h1><p>" + "An order you placed. " * 30 + "</p></body></html>"
    assert refusal_in(html_answer(page)) is None


def test_status_decides_outside_2xx() -> None:
    assert refusal_in(json_answer({"status": "applied"}, 403)) == "status 403"
    assert refusal_in(None) == "no answer"


def test_accepted_reads_the_exchange() -> None:
    request = RecordedRequest("POST", "http://127.0.0.1/redeem")
    assert accepted(Exchange(request, json_answer({"status": "applied"})))
    assert not accepted(Exchange(request, json_answer({"error": "invalid code"})))
    assert not accepted(Exchange(request, None, error="connection reset"))
    assert not accepted(None)
