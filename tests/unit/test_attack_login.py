"""user_enumeration, rate_limiting, resource_exhaustion and business-flow oracles."""

from __future__ import annotations

from dataclasses import replace

from tests.fakes import json_response

from assay.agents.analysis.security.attacks.business import is_business_flow
from assay.agents.analysis.security.attacks.exhaustion import filler
from assay.domain.exchanges import Exchange, RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.domain.operations import Operation
from assay.oracles.base import OracleContext
from assay.oracles.business_flow import REPEATS, judge_repeats
from assay.oracles.rate_limiting import judge_rate_limit
from assay.oracles.resource_exhaustion import judge_growth, judge_page_size
from assay.oracles.user_enumeration import judge_enumeration

CTX = OracleContext()


def ex(
    status: int, body: Json = None, seconds: float = 0.01, headers: dict[str, str] | None = None
) -> Exchange:
    response: RecordedResponse = replace(json_response(status, body, headers), elapsed_seconds=seconds)
    return Exchange(RecordedRequest("POST", "http://t/login"), response, path_template="/login")


def test_enumeration_by_status_message_and_timing() -> None:
    names = ("ghost", "alice")
    status = judge_enumeration([ex(404, {"d": "x"})] * 4, [ex(401, {"d": "x"})] * 4, names, CTX)
    assert status and status[0].category == "user_enumeration" and "status" in status[0].title
    msg = judge_enumeration(
        [ex(401, {"d": "no user ghost"})] * 4, [ex(401, {"d": "wrong password"})] * 4, names, CTX
    )
    assert msg and "message" in msg[0].title
    timing = judge_enumeration(
        [ex(401, {"d": "bad"}, s) for s in (0.01, 0.02, 0.015, 0.012)],
        [ex(401, {"d": "bad"}, s) for s in (0.21, 0.25, 0.22, 0.3)],
        names,
        CTX,
    )
    assert timing and timing[0].severity == "low"


def test_identical_answers_and_echoed_usernames_are_quiet() -> None:
    names = ("ghost", "alice")
    same = judge_enumeration(
        [ex(401, {"d": "bad credentials"})] * 4, [ex(401, {"d": "bad credentials"})] * 4, names, CTX
    )
    echoed = judge_enumeration(
        [ex(401, {"d": "login ghost failed"})] * 4, [ex(401, {"d": "login alice failed"})] * 4, names, CTX
    )
    noisy = judge_enumeration(
        [ex(401, {}, s) for s in (0.01, 0.3, 0.02, 0.2)],
        [ex(401, {}, s) for s in (0.25, 0.02, 0.2, 0.03)],
        names,
        CTX,
    )
    assert same == echoed == noisy == []


def test_rate_limit_finding_and_the_signs_of_a_limit() -> None:
    burst = [ex(401, {"d": "bad"}) for _ in range(30)]
    assert judge_rate_limit(burst, ex(200, {}), CTX)[0].category == "rate_limiting"
    assert judge_rate_limit([*burst[:20], ex(429, {})], None, CTX) == []
    assert judge_rate_limit([*burst[:20], ex(401, {}, headers={"Retry-After": "30"})], None, CTX) == []
    assert judge_rate_limit([*burst[:20], ex(401, {"d": "Account locked"})], None, CTX) == []
    assert judge_rate_limit(burst, ex(401, {}), CTX) == []  # the real password is refused: locked out
    assert judge_rate_limit(burst[:5], None, CTX) == []  # too few attempts to say


def test_growth_super_linear_vs_linear() -> None:
    points = [(12, ex(422, {}, 0.002)), (16, ex(422, {}, 0.03)), (24, ex(422, {}, 2.5))]
    assert judge_growth(points, ex(422, {}, 2.4), "body text", CTX)[0].category == "resource_exhaustion"
    assert judge_growth(points, ex(422, {}, 0.05), "body text", CTX) == []  # not confirmed
    linear = [(1024, ex(200, {}, 0.3)), (16384, ex(200, {}, 1.5))]
    assert judge_growth(linear, ex(200, {}, 1.5), "body text", CTX) == []


def test_growth_is_judged_against_the_fastest_baseline_of_the_same_run() -> None:
    # A busy machine delayed the first short answer: its second sample is the honest baseline.
    noisy = [(12, ex(422, {}, 0.4)), (20, ex(422, {}, 0.6)), (24, ex(422, {}, 4.0))]
    assert judge_growth(noisy, ex(422, {}, 4.2), "handle", CTX) == []  # 10× for 2× the size: unsure
    [found] = judge_growth(noisy, ex(422, {}, 4.2), "handle", CTX, baseline=[ex(422, {}, 0.01)])
    assert found.evidence["baseline_seconds"] == 0.01 and found.evidence["time_ratio"] == 400.0
    # The smaller of the slow answer and its confirmation counts: one slow sample is not enough.
    assert judge_growth(noisy, ex(422, {}, 0.3), "handle", CTX, baseline=[ex(422, {}, 0.01)]) == []


def test_a_loaded_machine_slows_every_answer_and_the_ratio_still_holds() -> None:
    def scaled(factor: float) -> list[tuple[int, Exchange]]:
        return [(12, ex(422, {}, 0.005 * factor)), (24, ex(422, {}, 2.0 * factor))]

    for factor in (1.0, 3.0, 10.0):  # the same server on an idle, a busy and a crawling machine
        points = scaled(factor)
        assert judge_growth(points, points[-1][1], "handle", CTX), factor


def test_page_size_and_filler() -> None:
    assert judge_page_size(ex(200, [], 0.01), ex(200, [], 2.0), ex(200, [], 2.1), "limit", CTX)
    assert judge_page_size(ex(200, [], 0.01), ex(422, {}, 2.0), ex(422, {}, 2.0), "limit", CTX) == []
    noisy_base = ex(200, [], 0.5)  # the default page, delayed once by a busy machine
    assert judge_page_size(noisy_base, ex(200, [], 2.0), ex(200, [], 2.1), "limit", CTX) == []
    assert judge_page_size(noisy_base, ex(200, [], 2.0), ex(200, [], 2.1), "limit", CTX, [ex(200, [], 0.01)])
    assert filler(r"^(\d+)+$") == "0" and filler(r"^([a-z]+)*$") == "a" and filler(None) == "a"


def test_business_flow_repeats() -> None:
    op = Operation("POST", "/coupons/redeem")
    assert is_business_flow(op) and not is_business_flow(Operation("GET", "/coupons"))
    ok = [ex(200, {}) for _ in range(REPEATS)]
    [repeated] = judge_repeats(op, ok, CTX)
    assert repeated.severity == "medium" and repeated.category == "business_flow"
    assert judge_repeats(op, [*ok[:1], ex(409, {})], CTX) == []
