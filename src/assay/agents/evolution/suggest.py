"""Ask the language model for assertion suggestions, a few tests per call, and check each answer.

The model sees each test's code (its docstring carries the scenario's Gherkin) and the answer the
target gave to the test's last request when the scenario passed: status, content type, a few
headers and the body's beginning (the session masks the run's secrets and bounds the prompt).
A suggestion the model makes is kept here only if it is well formed and that healthy answer
satisfies it; the caller then runs the improved test against the target.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from assay.agents.evolution.suggestions import SCHEMA, SYSTEM, Suggestion, holds, parse_answer, sensitive
from assay.agents.model_session import ModelSession
from assay.domain.exchanges import RecordedResponse
from assay.domain.json import JsonObject
from assay.domain.language_model import Prompt

PER_CALL = 4  # tests per call: a prompt stays well under the session's size bound
CODE_CHARS = 2_000
BODY_CHARS = 1_200
HEADERS_SHOWN = ("content-type", "cache-control", "location", "x-request-id", "etag")


@dataclass(frozen=True)
class Candidate:
    """A test that may be strengthened: it passed, and its last answer was recorded."""

    name: str
    code: str
    response: RecordedResponse


@dataclass
class Suggested:
    """What the model proposed that held on the healthy answer, and what was refused, per test."""

    kept: dict[str, list[Suggestion]] = field(default_factory=dict)
    refused: dict[str, list[str]] = field(default_factory=dict)
    asked: set[str] = field(default_factory=set)  # the tests the model answered for


def question(candidates: Sequence[Candidate]) -> str:
    """The user message for one call: each test's code and its healthy answer."""
    parts = []
    for candidate in candidates:
        response = candidate.response
        headers = {k: v for k, v in response.headers.items() if k in HEADERS_SHOWN}
        body = response.text[:BODY_CHARS] + (" [...]" if len(response.text) > BODY_CHARS else "")
        parts.append(
            f"## test {candidate.name}\n```python\n{candidate.code[:CODE_CHARS]}\n```\n"
            f"Its last request was answered {response.status} with headers {json.dumps(headers)} "
            f"and this body:\n{body or '(empty)'}\n"
        )
    return "\n".join(parts)


async def suggest(session: ModelSession, candidates: Sequence[Candidate]) -> Suggested:
    """Suggestions per test that held on its healthy answer (none when the model gave nothing)."""
    result = Suggested()
    by_name = {c.name: c for c in candidates}
    for start in range(0, len(candidates), PER_CALL):
        batch = candidates[start : start + PER_CALL]
        prompt = Prompt(SYSTEM, question(batch), "assertion_suggestions", SCHEMA, max_tokens=900)
        answer = await session.ask("assertion suggestions (improve-tests)", prompt, _valid)
        if answer is None:
            continue
        kept, refused = parse_answer(answer, {c.name for c in batch})
        for note in refused:
            name, _, why = note.partition(": ")
            result.refused.setdefault(name, []).append(why)
        for name, suggestions in kept.items():
            result.asked.add(name)
            for suggestion in suggestions:
                checked = holds(suggestion, by_name[name].response)
                if sensitive(suggestion, session.secrets):
                    # Said without the value: it is the credential.
                    what = f"a {suggestion.kind} on {suggestion.path or suggestion.name or 'the body'}"
                    result.refused.setdefault(name, []).append(
                        f"{what}: it would write a credential into the test"
                    )
                elif checked is None:
                    why = "the target's healthy answer does not satisfy it"
                    result.refused.setdefault(name, []).append(f"{suggestion.describe()}: {why}")
                else:
                    result.kept.setdefault(name, []).append(checked)
    return result


def _valid(answer: JsonObject) -> str:
    return "" if isinstance(answer.get("tests"), list) else "no list of tests"
