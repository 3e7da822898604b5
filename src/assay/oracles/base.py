"""What every HTTP oracle shares: its context, the judge signature and small helpers.

An oracle is a pure function over recorded exchanges. It never sends a request; it only
decides whether what was recorded shows a fault, and builds the finding with its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median
from urllib.parse import unquote, urlsplit

from assay.domain.credentials import identity_of
from assay.domain.exchanges import Exchange
from assay.domain.findings import SEVERITY_ORDER, Category, Finding, Severity
from assay.domain.json import Json, JsonObject
from assay.domain.operations import ApiModel, Operation
from assay.domain.redaction import curl_command, evidence_of

SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")

# Requests that a correct server must accept: the generator built them from the spec.
VALID_INTENTS = frozenset({"valid", "setup"})

# Last path segments that name an action rather than a collection: POSTing to them does not
# create a resource, so "200 instead of 201" would be noise there.
ACTION_WORDS = frozenset(
    {
        "login",
        "logout",
        "signin",
        "sign-in",
        "token",
        "tokens",
        "refresh",
        "search",
        "query",
        "verify",
        "validate",
        "validation",
        "check",
        "preview",
        "calculate",
        "estimate",
        "run",
        "execute",
        "test",
        "ping",
        "echo",
        "reset",
        "confirm",
        "authorize",
        "introspect",
        "revoke",
        "graphql",
        "batch",
        "bulk",
        "export",
        "anything",
        "post",
    }
)


@dataclass(frozen=True)
class OracleContext:
    """What oracles know beyond the exchanges themselves."""

    latency_budget_seconds: float = 1.0
    secrets: tuple[str, ...] = ()
    # Scenario id -> its severity (1-10, RPN's S): a failing core scenario is more severe.
    scenario_severities: dict[str, int] = field(default_factory=dict)
    # Ids of objects the run created (fixture outputs). Exchanges' own create responses are
    # mined too; this adds what the runner knows from elsewhere.
    known_ids: frozenset[str] = frozenset()
    max_violations: int = 5  # response_schema: violations listed per finding


Judge = Callable[[Sequence[Exchange], ApiModel | None, OracleContext], list[Finding]]


def method_of(exchange: Exchange) -> str:
    return exchange.request.method.upper()


def concrete_path(exchange: Exchange) -> str:
    return urlsplit(exchange.request.url).path or "/"


def path_of(exchange: Exchange) -> str:
    """The operation's template when known, else the concrete path (never host or query)."""
    return exchange.path_template or concrete_path(exchange)


def operation_of(exchange: Exchange, api: ApiModel | None) -> Operation | None:
    if api is None or exchange.operation is None:
        return None
    return api.operation(exchange.operation)


def group_key(exchange: Exchange) -> tuple[str, str]:
    return (method_of(exchange), path_of(exchange))


def group_by_route(exchanges: Iterable[Exchange]) -> dict[tuple[str, str], list[Exchange]]:
    """Exchanges per (method, path template), in first-seen order."""
    groups: dict[tuple[str, str], list[Exchange]] = {}
    for exchange in exchanges:
        groups.setdefault(group_key(exchange), []).append(exchange)
    return groups


def _humanize(identifier: str) -> str:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", identifier).replace("_", " ").replace("-", " ")
    words = " ".join(words.split()).lower()
    return words[:1].upper() + words[1:]


def label(exchange: Exchange, api: ApiModel | None) -> str:
    """A human name for the operation: its summary, its operationId, or ``METHOD /path``."""
    op = operation_of(exchange, api)
    if op is not None:
        summary = op.summary.strip().rstrip(".")
        if summary and len(summary) <= 60:
            return summary
        if op.operation_id:
            # FastAPI ids carry the route: "send_message_api_v1_chat_sessions__id__messages_post".
            return _humanize(op.operation_id.split("_api_")[0].split("__")[0])
    return f"{method_of(exchange)} {path_of(exchange)}"


def route(exchange: Exchange) -> str:
    return f"{method_of(exchange)} {path_of(exchange)}"


def template_params(template: str) -> list[str]:
    return re.findall(r"\{([^}/]+)\}", template)


def path_params(template: str, path: str) -> dict[str, str] | None:
    """The values a concrete path gives a template's ``{params}``; None when it doesn't match."""
    pattern = ""
    for piece in re.split(r"(\{[^}/]+\})", template):
        if piece.startswith("{") and piece.endswith("}"):
            pattern += f"(?P<p{len(pattern)}>[^/]+)"
        else:
            pattern += re.escape(piece)
    names = template_params(template)
    # A base path may prefix the template; trailing-slash variants still belong to it.
    match = re.fullmatch("(?:/.*?)?" + pattern.rstrip("/") + "/?", path)
    if match is None:
        return None
    return {name: unquote(value) for name, value in zip(names, match.groups(), strict=False)}


def last_literal_segment(template: str) -> str:
    segments = [s for s in template.strip("/").split("/") if s]
    return segments[-1].lower() if segments else ""


def is_collection_path(template: str) -> bool:
    """A path whose last segment is a plain noun (``/items``), not ``{id}`` or an action word."""
    last = last_literal_segment(template)
    return bool(last) and not last.startswith("{") and last not in ACTION_WORDS


def is_action_path(template: str) -> bool:
    return last_literal_segment(template) in ACTION_WORDS


_ID_KEY_RE = re.compile(r"^(id|uuid|guid|slug|key|.+_id|.+Id|.+_uuid)$")


def ids_in(body: Json) -> list[str]:
    """Identifier-like values of a response body: top-level and one level down (``data.id``)."""
    found: list[str] = []
    objects: list[JsonObject] = []
    if isinstance(body, dict):
        objects.append(body)
        objects.extend(v for v in body.values() if isinstance(v, dict))
    for obj in objects:
        for key, value in obj.items():
            if _ID_KEY_RE.match(key) and isinstance(value, str | int) and not isinstance(value, bool):
                found.append(str(value))
    return found


def own_id(body: Json) -> str | None:
    """The id of the object a body describes (``id`` at top level or under ``data``)."""
    if not isinstance(body, dict):
        return None
    for obj in (body, body.get("data")):
        if isinstance(obj, dict):
            value = obj.get("id", obj.get("uuid"))
            if isinstance(value, str | int) and not isinstance(value, bool):
                return str(value)
    return None


def created_ids(exchanges: Iterable[Exchange], context: OracleContext) -> set[str]:
    """Ids the run's own create requests received: path params made of these are trustworthy."""
    ids = set(context.known_ids)
    for exchange in exchanges:
        response = exchange.response
        if response is None or not 200 <= response.status < 300 or not response.is_json:
            continue
        if method_of(exchange) in {"POST", "PUT"} and exchange.intent in VALID_INTENTS:
            ids.update(ids_in(response.json))
    return ids


def scenario_severity(exchange: Exchange, context: OracleContext) -> int:
    if exchange.scenario_id is None:
        return 5
    return context.scenario_severities.get(exchange.scenario_id, 5)


def raise_severity(severity: Severity, steps: int = 1) -> Severity:
    return SEVERITIES[min(len(SEVERITIES) - 1, SEVERITIES.index(severity) + steps)]


def lower_severity(severity: Severity, steps: int = 1) -> Severity:
    return SEVERITIES[max(0, SEVERITIES.index(severity) - steps)]


def most_severe(severities: Iterable[Severity]) -> Severity:
    return max(severities, key=lambda s: SEVERITY_ORDER[s], default="info")


def median_of(values: Sequence[float]) -> float:
    return float(median(values)) if values else 0.0


def documented_status(op: Operation, status: int) -> bool:
    """True when the spec documents ``status`` exactly or by its class (``4XX``)."""
    codes = {s.upper() for s in op.documented_statuses()}
    return str(status) in codes or f"{status // 100}XX" in codes


def documented_success_codes(op: Operation) -> set[int]:
    return {int(s) for s in op.documented_statuses() if s.isdigit() and s.startswith("2")}


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def is_json_media(media: str) -> bool:
    return media == "application/json" or media.endswith("+json") or media.endswith("/json")


@dataclass(frozen=True)
class Draft:
    """The facts of one finding before evidence and reproduce are attached."""

    category: Category
    severity: Severity
    title: str
    detail: str
    recommendation: str = ""
    impact: str = ""
    extra: JsonObject = field(default_factory=dict)


def build(draft: Draft, exchange: Exchange, context: OracleContext, *, occurrences: int = 1) -> Finding:
    """A finding for ``draft``, shown by ``exchange`` (its evidence and curl line)."""
    evidence = evidence_of(exchange, context.secrets)
    evidence.update(draft.extra)
    evidence["occurrences"] = occurrences
    return Finding(
        category=draft.category,
        severity=draft.severity,
        method=method_of(exchange),
        path=path_of(exchange),
        title=draft.title,
        detail=draft.detail,
        evidence=evidence,
        reproduce=curl_command(exchange.request, context.secrets),
        scenario_id=exchange.scenario_id,
        recommendation=draft.recommendation,
        impact=draft.impact,
        occurrences=occurrences,
        identity=identity_of(exchange),
    )


def expected(exchange: Exchange, status: int) -> bool:
    """True when the scenario step itself expected this status (e.g. 404 after a delete)."""
    return exchange.expect is not None and exchange.expect.accepts(status)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
