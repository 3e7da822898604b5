"""Fake language model servers on 127.0.0.1: just the endpoints the providers' SDKs call.

``start_openai()`` serves ``POST /v1/chat/completions`` (OpenAI, vLLM, Ollama, llama.cpp speak it),
``start_anthropic()`` serves ``POST /v1/messages``. Each records every request it received (path,
headers, JSON body) and answers as its ``mode`` says: ``answer`` (the object ``chooser`` builds
from the prompt's user message), ``down`` (503), ``slow`` (sleeps past any test timeout), or
``nonsense`` (prose instead of the JSON asked for), or ``no_json_schema`` (a 500 for a
``json_schema`` response format, as llama-cpp-python's server answers; ``json_object`` works).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from flask import Flask, Response, request

from assay.domain.json import JsonObject, as_list, as_object, as_str
from tests.apps.servers import WSGIServerThread

Mode = Literal["answer", "down", "slow", "nonsense", "no_json_schema"]
# What llama-cpp-python's server (0.3.36) answers a ``json_schema`` response format, as seen here.
NO_JSON_SCHEMA = {
    "error": {
        "message": "[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
        "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}]",
        "type": "internal_server_error",
    }
}
Chooser = Callable[[str], JsonObject]
SLOW_SECONDS = 4.0


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: JsonObject


@dataclass
class FakeModel:
    """What the fake answers and what it was asked."""

    chooser: Chooser
    mode: Mode = "answer"
    received: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self) -> JsonObject:
        body = as_object(request.get_json(force=True, silent=True))
        headers = {k.lower(): v for k, v in request.headers.items()}
        with self.lock:
            self.received.append(Recorded(request.path, headers, body))
        return body

    def failure(self, body: JsonObject) -> Response | None:
        kind = as_object(body.get("response_format")).get("type")
        if self.mode == "no_json_schema" and kind == "json_schema":
            return Response(json.dumps(NO_JSON_SCHEMA), 500, mimetype="application/json")
        if self.mode == "down":
            return Response('{"error": {"message": "overloaded"}}', 503, mimetype="application/json")
        if self.mode == "slow":
            time.sleep(SLOW_SECONDS)
        return None


def user_text(body: JsonObject) -> str:
    """The user message of a chat-completions or messages request."""
    for message in as_list(body.get("messages")):
        item = as_object(message)
        if item.get("role") == "user":
            content = item.get("content")
            if isinstance(content, str):
                return content
            return " ".join(as_str(as_object(c).get("text")) for c in as_list(content))
    return ""


def ref_of(needle: str) -> Chooser:
    """A chooser that answers a click on the snapshot line naming ``needle`` ("none" if absent)."""

    def choose(prompt: str) -> JsonObject:
        for line in prompt.splitlines():
            if line.startswith("e") and ": " in line and needle in line:
                return {"ref": line.split(":", 1)[0], "action": "click", "value": ""}
        return {"ref": "none", "action": "click", "value": ""}

    return choose


NONSENSE = "Sure! I would click the blue button."
Answer = Callable[[FakeModel, JsonObject], JsonObject]


def _serve(name: str, path: str, chooser: Chooser, answer: Answer) -> tuple[WSGIServerThread, FakeModel]:
    """A fake on ``path`` that records each request, then fails as its mode says or ``answer``s."""
    fake = FakeModel(chooser)
    app = Flask(name)

    @app.post(path)
    def endpoint() -> Response:
        body = fake.record()
        failed = fake.failure(body)
        if failed is not None:
            return failed
        return Response(json.dumps(answer(fake, body)), mimetype="application/json")

    return WSGIServerThread(app), fake


def _chat_completion(fake: FakeModel, body: JsonObject) -> JsonObject:
    content = NONSENSE if fake.mode == "nonsense" else json.dumps(fake.chooser(user_text(body)))
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": as_str(body.get("model")),
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 120, "completion_tokens": 12, "total_tokens": 132},
    }


def _message(fake: FakeModel, body: JsonObject) -> JsonObject:
    tool = as_str(as_object(body.get("tool_choice")).get("name"))
    block: JsonObject = (
        {"type": "text", "text": NONSENSE}
        if fake.mode == "nonsense"
        else {"type": "tool_use", "id": "toolu_fake", "name": tool, "input": fake.chooser(user_text(body))}
    )
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": as_str(body.get("model")),
        "content": [block],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 150, "output_tokens": 20},
    }


def start_openai(chooser: Chooser) -> tuple[WSGIServerThread, FakeModel]:
    """``POST /v1/chat/completions``, as OpenAI-compatible servers answer it."""
    return _serve("fake-openai", "/v1/chat/completions", chooser, _chat_completion)


def start_anthropic(chooser: Chooser) -> tuple[WSGIServerThread, FakeModel]:
    """``POST /v1/messages``, as Anthropic answers it (the forced tool's call)."""
    return _serve("fake-anthropic", "/v1/messages", chooser, _message)
