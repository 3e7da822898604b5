"""What assay asks a language model and what comes back (pure records, no I/O).

A model is optional everywhere: with none configured no prompt is built and every feature keeps its
rule-based answer. A :class:`Prompt` asks for one JSON object that follows ``schema``; the
adapter (``assay.adapters.llm``) turns it into the provider's structured output and hands back
the object as parsed JSON, never trusted: the caller validates it against what it observed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.domain.json import JsonObject


class ModelFailure(Exception):
    """The model could not answer: down, refused, over time, or its answer was not the JSON asked for."""


@dataclass(frozen=True)
class Prompt:
    """One request: instructions, the question (already redacted and bounded), the answer's schema."""

    system: str
    user: str
    schema_name: str  # a tool/format name the providers accept: letters, digits, "_"
    schema: JsonObject  # the JSON Schema of the one object the model must answer with
    max_tokens: int = 400


@dataclass(frozen=True)
class Completion:
    """The model's answer: the JSON object, and the tokens the call cost (prompt + answer)."""

    data: JsonObject
    tokens: int = 0


@dataclass(frozen=True)
class ModelLimits:
    """Per-run bounds: a run spends at most this many calls and tokens on the model."""

    max_calls: int = 20
    max_tokens: int = 40_000
    timeout_seconds: float = 30.0  # one call, retries included
    max_prompt_chars: int = 12_000  # the question is cut here (a page is never sent whole)


@dataclass(frozen=True)
class SentPrompt:
    """What one call sent (as sent: redacted and bounded) and how it ended, for the run's record."""

    purpose: str
    system: str
    user: str
    outcome: str  # "answered", or why not


@dataclass
class ModelUse:
    """One run's use of the model: calls, tokens, what was sent, and the notes a reader needs."""

    name: str  # provider and model, e.g. "openai:llama3.2"
    calls: int = 0
    tokens: int = 0
    sent: list[SentPrompt] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
