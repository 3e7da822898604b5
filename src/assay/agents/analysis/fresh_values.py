"""A replayed create must not collide with the object its original made.

Scenario requests carry ``${unique}`` (a fresh token per scenario) in names and e-mails so that a
create never meets an existing object. Replaying the recorded request byte for byte would send
the same token again, and a registration's replay would be refused as a duplicate: the fault
would seem not to reproduce. So the token is found in the recorded request, from the places the
request templates put ``${unique}`` (``qa-${unique}@example.com``), and replaced by a new one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from assay.domain.exchanges import Exchange
from assay.domain.json import Json
from assay.domain.scenarios import RequestSpec, RequirementsResult
from assay.spec.placeholders import new_unique

_TOKEN = "[a-z][a-z0-9]{9}"  # execution.placeholders.new_unique
# Up to 12 characters of literal text on each side of the placeholder (not across a quote).
_AROUND = re.compile(r"([^\"${}]{0,12})\$\{unique\}([^\"${}]{0,12})")
# The names assay itself makes without a template (the Authenticator's throwaway users:
# ``assay.<token>@example.com``, ``assay_<token>``; scenario values: ``qa-title-<token>``).
_OWN_NAMES = re.compile(r"(?i)(?<![a-z0-9])(?:assay|qa)[ ._-](?:[a-z]+-)*([a-z][a-z0-9]{9})(?![a-z0-9])")


def _spec_text(spec: RequestSpec) -> str:
    return json.dumps([dict(spec.path_params), dict(spec.query), spec.body], ensure_ascii=False)


def token_patterns(specs: Iterable[RequestSpec]) -> list[re.Pattern[str]]:
    """Patterns that capture the token in a rendered request, from the templates' literal context."""
    found: dict[str, re.Pattern[str]] = {}
    for spec in specs:
        for before, after in _AROUND.findall(_spec_text(spec)):
            if before or after:  # a bare "${unique}" has no context to find it by
                source = re.escape(before) + f"({_TOKEN})" + re.escape(after)
                found.setdefault(source, re.compile(source))
    return list(found.values())


def templates_by_operation(requirements: RequirementsResult) -> dict[str, list[RequestSpec]]:
    """Every request template of the run (scenario steps and recipes), by operation key."""
    specs = [a.request for s in requirements.scenarios for a in s.actions]
    specs += [r.action.request for r in requirements.recipes]
    out: dict[str, list[RequestSpec]] = {}
    for spec in specs:
        out.setdefault(spec.operation, []).append(spec)
    return out


def _swap(value: Json, old: str, new: str) -> Json:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_swap(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _swap(v, old, new) for k, v in value.items()}
    return value


def with_fresh_token(original: Exchange, templates: Mapping[str, Sequence[RequestSpec]]) -> Exchange:
    """``original`` with the ``${unique}`` token it was sent with replaced by a new one.

    Unchanged when no template of its operation, nor one of assay's own name shapes, shows one.
    """
    request = original.request
    rendered = json.dumps([request.url, request.body], ensure_ascii=False)
    for pattern in [*token_patterns(templates.get(original.operation or "", ())), _OWN_NAMES]:
        match = pattern.search(rendered)
        if match is not None:
            old, new = match.group(1), new_unique()
            fresh = replace(request, url=request.url.replace(old, new), body=_swap(request.body, old, new))
            return replace(original, request=fresh)
    return original
