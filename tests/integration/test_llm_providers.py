"""The model adapters against fake OpenAI-compatible and Anthropic servers on 127.0.0.1.

Each fake records what the SDK sent: these tests pin the request contract (endpoint, model,
structured-output shape, key header) and the answer's handling, and hold every connection of the
process to loopback while they run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from tests.apps.fake_models import FakeModel, start_anthropic, start_openai
from tests.apps.servers import WSGIServerThread

from assay.adapters.llm import ModelConfig, language_model
from assay.agents.analysis.ui import tier3_prompt
from assay.agents.model_session import ModelSession
from assay.bootstrap import ai_tier, local_deps
from assay.domain.json import JsonObject, as_list, as_object
from assay.domain.language_model import ModelLimits, Prompt
from assay.settings import ModelSettings

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("loopback_only")]
KEY = "sk-test-key-0042"
PASSWORD = "hunter2-secret-pw"
ANSWER: JsonObject = {"ref": "e1", "action": "click", "value": ""}


@pytest.fixture
def openai_fake() -> Iterator[tuple[WSGIServerThread, FakeModel]]:
    server, fake = start_openai(lambda _prompt: ANSWER)
    yield server, fake
    server.stop()


@pytest.fixture
def anthropic_fake() -> Iterator[tuple[WSGIServerThread, FakeModel]]:
    server, fake = start_anthropic(lambda _prompt: ANSWER)
    yield server, fake
    server.stop()


def _prompt() -> Prompt:
    return Prompt("system text", f"Step: sign in\nValue: {PASSWORD}", "ui_step_choice", tier3_prompt.SCHEMA)


def _session(provider: str, url: str, limits: ModelLimits | None = None) -> ModelSession:
    config = ModelConfig(provider, "test-model", url, KEY, timeout_seconds=5, retries=0)  # type: ignore[arg-type]
    return ModelSession(language_model(config), limits or ModelLimits(), (PASSWORD,))


def test_openai_compatible_contract(
    openai_fake: tuple[WSGIServerThread, FakeModel], loopback_only: list[str]
) -> None:
    server, fake = openai_fake
    session = _session("openai", server.base_url + "/v1")
    assert asyncio.run(session.ask("test", _prompt())) == ANSWER
    (sent,) = fake.received
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    body = sent.body
    assert body["model"] == "test-model" and body["temperature"] == 0
    roles = [as_object(m).get("role") for m in as_list(body.get("messages"))]
    assert roles == ["system", "user"]
    form = as_object(as_object(body.get("response_format")).get("json_schema"))
    assert as_object(body.get("response_format")).get("type") == "json_schema"
    assert form["name"] == "ui_step_choice" and form["schema"] == tier3_prompt.SCHEMA
    assert PASSWORD not in str(body) and "***" in str(body)  # the run's secret never leaves
    assert (session.use.calls, session.use.tokens) == (1, 132)
    assert "127.0.0.1" in loopback_only  # the guard saw the SDK's connection: it would see another


def test_anthropic_contract(anthropic_fake: tuple[WSGIServerThread, FakeModel]) -> None:
    server, fake = anthropic_fake
    session = _session("anthropic", server.base_url)
    assert asyncio.run(session.ask("test", _prompt())) == ANSWER
    (sent,) = fake.received
    assert sent.path == "/v1/messages"
    # The SDK sends the key as x-api-key or as a bearer token, depending on its version.
    assert KEY in (
        sent.headers.get("x-api-key"),
        sent.headers.get("authorization", "").removeprefix("Bearer "),
    )
    assert "anthropic-version" in sent.headers
    body = sent.body
    assert body["system"] == "system text" and body["model"] == "test-model"
    (tool,) = as_list(body.get("tools"))
    assert as_object(tool)["input_schema"] == tier3_prompt.SCHEMA
    assert body["tool_choice"] == {"type": "tool", "name": "ui_step_choice"}
    assert PASSWORD not in str(body)
    assert session.use.tokens == 170


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize(
    ("mode", "why"),
    [
        ("down", "answered 503: overloaded"),  # the server's own words are in the note
        ("slow", "no answer within"),
        ("nonsense", "not the JSON asked for"),
    ],
)
def test_a_failing_model_is_a_note_never_an_error(provider: str, mode: str, why: str) -> None:
    server, fake = (start_openai if provider == "openai" else start_anthropic)(lambda _p: ANSWER)
    fake.mode = mode  # type: ignore[assignment]
    try:
        url = server.base_url + ("/v1" if provider == "openai" else "")
        session = _session(provider, url, ModelLimits(timeout_seconds=1.0))
        assert asyncio.run(session.ask("tier 3 of a UI step", _prompt())) is None
    finally:
        server.stop()
    (note,) = session.use.notes
    assert why in note and "rule-based answer was kept" in note
    assert session.use.sent[0].outcome != "answered"


def test_a_server_without_json_schema_is_asked_with_json_object_and_the_schema(
    openai_fake: tuple[WSGIServerThread, FakeModel],
) -> None:
    """llama-cpp-python's own server refuses ``json_schema`` (a 500, seen here with 0.3.36) but
    builds a grammar from ``{"type": "json_object", "schema": ...}``: asked again so, and from
    then on so, with the schema also in the instructions."""
    server, fake = openai_fake
    fake.mode = "no_json_schema"
    session = _session("openai", server.base_url + "/v1")
    assert asyncio.run(session.ask("first", _prompt())) == ANSWER
    assert asyncio.run(session.ask("second", _prompt())) == ANSWER
    kinds = [as_object(r.body.get("response_format")).get("type") for r in fake.received]
    assert kinds == ["json_schema", "json_object", "json_object"]  # retries=0: one refusal
    later = fake.received[-1].body
    assert as_object(later.get("response_format")).get("schema") == tier3_prompt.SCHEMA
    system = as_object(as_list(later.get("messages"))[0]).get("content")
    assert isinstance(system, str) and "JSON Schema" in system and '"ref"' in system
    assert session.use.notes == []


def test_budgets_stop_calls_before_anything_is_sent(openai_fake: tuple[WSGIServerThread, FakeModel]) -> None:
    server, fake = openai_fake
    session = _session("openai", server.base_url + "/v1", ModelLimits(max_calls=2))
    answers = [asyncio.run(session.ask("test", _prompt())) for _ in range(3)]
    assert answers == [ANSWER, ANSWER, None] and len(fake.received) == 2
    assert "budget of 2 model calls" in session.use.notes[0]
    tokens = _session("openai", server.base_url + "/v1", ModelLimits(max_tokens=100))
    assert asyncio.run(tokens.ask("test", _prompt())) == ANSWER  # 132 tokens: over after this one
    assert asyncio.run(tokens.ask("test", _prompt())) is None and len(fake.received) == 3


def test_prompts_are_cut_to_their_size_bound(openai_fake: tuple[WSGIServerThread, FakeModel]) -> None:
    server, fake = openai_fake
    session = _session("openai", server.base_url + "/v1", ModelLimits(max_prompt_chars=500))
    long = Prompt("s", "x" * 5000, "ui_step_choice", tier3_prompt.SCHEMA)
    asyncio.run(session.ask("test", long))
    user = as_object(as_list(fake.received[0].body.get("messages"))[1])["content"]
    assert isinstance(user, str) and len(user) == 500 and user.endswith("size bound]")


def test_no_model_configured_builds_no_client_and_sends_nothing(
    openai_fake: tuple[WSGIServerThread, FakeModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, fake = openai_fake
    monkeypatch.delenv("ASSAY_LLM_MODEL", raising=False)
    monkeypatch.setenv("ASSAY_LLM_BASE_URL", server.base_url + "/v1")  # a URL alone configures nothing
    assert ai_tier(ModelSettings()) is None
    assert getattr(local_deps().pipeline, "keywords", {}).get("ai") is None
    monkeypatch.setenv("ASSAY_LLM_MODEL", "llama3.2")
    tier = ai_tier(ModelSettings())
    assert tier is not None and tier.model.name == "openai:llama3.2"
    monkeypatch.setenv("ASSAY_LLM_PROVIDER", "anthropic")
    tier = ai_tier(ModelSettings())
    assert tier is not None and tier.model.name == "anthropic:llama3.2"
    assert fake.received == []
