"""The language model adapters: any OpenAI-compatible endpoint, and Anthropic.

Why the providers' own SDKs (``openai``, ``anthropic``) rather than pydantic-ai: assay asks for
one JSON object per call and validates it itself against what it observed, so an agent framework's
tool loop and model registry would be dead weight; the SDKs are what that framework wraps
anyway, each is kept by its provider, and each brings the timeouts, retries with backoff (429,
5xx, dropped connections) and the wire format of its API. Structured output is each API's own:
a JSON-schema ``response_format`` on chat completions (OpenAI, vLLM, Ollama, llama.cpp server),
a forced tool call on Anthropic's messages.

A client is built only when a model is configured (``bootstrap.language_model``); its base URL
is always passed explicitly, so no ``OPENAI_BASE_URL``-style variable of the process redirects it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal, TypedDict

import anthropic
import openai
from anthropic.types import ToolParam
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONObject, ResponseFormatJSONSchema

from assay.domain.json import Json, JsonObject, as_object
from assay.domain.language_model import Completion, ModelFailure, Prompt

Provider = Literal["openai", "anthropic"]
DEFAULT_BASE_URLS: dict[Provider, str] = {
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}
# A local OpenAI-compatible server (Ollama, llama.cpp) takes any key; the SDK insists on one.
NO_KEY = "not-needed"


@dataclass(frozen=True)
class ModelConfig:
    """Which model, where, with which key (never shown in a repr), and how patient to be."""

    provider: Provider
    model: str
    base_url: str = ""
    api_key: str = field(default="", repr=False)
    timeout_seconds: float = 30.0
    retries: int = 2

    @property
    def url(self) -> str:
        return self.base_url or DEFAULT_BASE_URLS[self.provider]


class _ClientOptions(TypedDict):
    api_key: str
    base_url: str
    timeout: float
    max_retries: int


class _Adapter:
    """What both adapters share: their configuration, their name, their SDK client's options."""

    def __init__(self, config: ModelConfig) -> None:
        self._config = config

    @property
    def name(self) -> str:
        return f"{self._config.provider}:{self._config.model}"

    def _options(self) -> _ClientOptions:
        config = self._config
        return _ClientOptions(
            api_key=config.api_key or NO_KEY,
            base_url=config.url,
            timeout=config.timeout_seconds,
            max_retries=config.retries,
        )


class OpenAiCompatibleModel(_Adapter):
    """Chat completions with a JSON-schema response format, on any OpenAI-compatible server.

    A server that refuses the ``json_schema`` format (llama-cpp-python's own server takes only
    ``json_object``, with the schema beside it) is asked again in that form, and so is every later
    call: the answer is validated by the caller either way, and the schema is also in the prompt.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__(config)
        self._client = openai.AsyncOpenAI(**self._options())
        self._json_object = False  # the server refused json_schema once: use json_object + schema

    async def complete(self, prompt: Prompt) -> Completion:
        if not self._json_object:
            try:
                return await self._create(prompt, json_object=False)
            except openai.APIStatusError as exc:
                if not _refuses_json_schema(exc):
                    raise ModelFailure(_why(exc, self._config.api_key)) from exc
                self._json_object = True
            except openai.OpenAIError as exc:
                raise ModelFailure(_why(exc, self._config.api_key)) from exc
        try:
            return await self._create(prompt, json_object=True)
        except openai.OpenAIError as exc:
            raise ModelFailure(_why(exc, self._config.api_key)) from exc

    async def _create(self, prompt: Prompt, *, json_object: bool) -> Completion:
        system = prompt.system
        if json_object:  # the format no longer carries the schema to every server: say it
            system += "\nAnswer with one JSON object that follows this JSON Schema: " + json.dumps(
                prompt.schema
            )
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": system},
            {"role": "user", "content": prompt.user},
        ]
        answer = await self._client.chat.completions.create(
            model=self._config.model,
            messages=messages,
            response_format=_json_object_format(prompt) if json_object else _schema_format(prompt),
            max_tokens=prompt.max_tokens,
            temperature=0,
        )
        if not answer.choices:
            raise ModelFailure("the model answered no choice")
        text = answer.choices[0].message.content or ""
        tokens = answer.usage.total_tokens if answer.usage else 0
        return Completion(_json_object(text), tokens)


def _schema_format(prompt: Prompt) -> ResponseFormatJSONSchema:
    return {
        "type": "json_schema",
        "json_schema": {"name": prompt.schema_name, "schema": dict(prompt.schema), "strict": True},
    }


def _json_object_format(prompt: Prompt) -> ResponseFormatJSONObject:
    # ``schema`` beside ``json_object`` is llama-cpp-python's form (it builds a grammar from it);
    # the SDK's type does not know the key, servers that do not know it ignore it.
    response_format: ResponseFormatJSONObject = {"type": "json_object"}
    response_format["schema"] = dict(prompt.schema)  # type: ignore[typeddict-unknown-key]
    return response_format


def _refuses_json_schema(exc: openai.APIStatusError) -> bool:
    """Whether the server rejected the request's ``json_schema`` response format itself."""
    text = f"{exc.message} {exc.body}".lower()
    return exc.status_code in (400, 415, 422, 500) and "json_schema" in text and "response_format" in text


class AnthropicModel(_Adapter):
    """Anthropic's messages API; the answer's shape is forced as the input of one tool."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__(config)
        self._client = anthropic.AsyncAnthropic(**self._options())

    async def complete(self, prompt: Prompt) -> Completion:
        tool: ToolParam = {
            "name": prompt.schema_name,
            "description": "Give the answer: exactly one call, with arguments that follow the schema.",
            "input_schema": dict(prompt.schema),
        }
        try:
            answer = await self._client.messages.create(
                model=self._config.model,
                max_tokens=prompt.max_tokens,
                system=prompt.system,
                messages=[{"role": "user", "content": prompt.user}],
                tools=[tool],
                tool_choice={"type": "tool", "name": prompt.schema_name},
            )
        except anthropic.AnthropicError as exc:
            raise ModelFailure(_why(exc, self._config.api_key)) from exc
        tokens = answer.usage.input_tokens + answer.usage.output_tokens
        for block in answer.content:
            if block.type == "tool_use" and block.name == prompt.schema_name:
                return Completion(as_object(_plain(block.input)), tokens)
        raise ModelFailure("the answer is not the JSON asked for (no tool call)")


def language_model(config: ModelConfig) -> OpenAiCompatibleModel | AnthropicModel:
    """The adapter for ``config.provider``."""
    if config.provider == "anthropic":
        return AnthropicModel(config)
    return OpenAiCompatibleModel(config)


def _json_object(text: str) -> JsonObject:
    """The one JSON object the model answered; a fenced or chatty answer around it is tolerated."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ModelFailure(f"the answer is not the JSON asked for: {text[:80]!r}")
    try:
        value = json.loads(text[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ModelFailure(f"the answer is not the JSON asked for ({exc.msg})") from exc
    if not isinstance(value, dict):
        raise ModelFailure("the answer is not the JSON asked for (not an object)")
    return as_object(value)


def _plain(value: object) -> Json:
    """The SDK's parsed tool input as plain JSON values (it may hand back its own mapping types)."""
    plain: Json = json.loads(json.dumps(value, default=str))
    return plain


def _why(exc: Exception, key: str = "") -> str:
    """One line: the status and the server's own words when it answered, else the kind of failure
    (never the key)."""
    status = getattr(exc, "status_code", None)
    if status is not None:
        said = " ".join(_server_words(exc).split())[:240]
        if key:
            said = said.replace(key, "***")
        return f"the model server answered {status}" + (f": {said}" if said else "")
    if isinstance(exc, openai.APITimeoutError | anthropic.APITimeoutError):
        return "the model server did not answer in time"
    if isinstance(exc, openai.APIConnectionError | anthropic.APIConnectionError):
        return "the model server could not be reached"
    return f"the model call failed ({type(exc).__name__})"


def _server_words(exc: Exception) -> str:
    """The error message in the server's body (``{"error": {"message": ...}}`` on both APIs)."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        message = error.get("message") if isinstance(error, dict) else error
        if isinstance(message, str) and message:
            return message
    return str(getattr(exc, "message", ""))
