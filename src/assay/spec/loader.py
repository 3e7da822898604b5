"""Turn spec text (JSON or YAML, from a file or a URL) into a checked OpenAPI/Swagger document."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import yaml

from assay.domain.errors import SpecNotFound, SpecParseError, SpecTooLarge
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import Json, JsonObject, json_depth
from assay.domain.ports import HttpTransport
from assay.spec.yaml_bounded import YamlTooLarge, load_yaml

SPEC_ACCEPT = "application/json, application/yaml;q=0.9, text/yaml;q=0.8, */*;q=0.5"
# Bounds on what a spec may cost: the biggest public specs are a few MB and nest a few dozen deep.
MAX_SPEC_BYTES = 20_000_000
MAX_SPEC_DEPTH = 150
SPEC_TIMEOUT = 20.0


def parse_spec_text(text: str, source: str) -> JsonObject:
    """Parse ``text`` as JSON, else YAML, and check it is an OpenAPI 3.x or Swagger 2.0 document."""
    if len(text) > MAX_SPEC_BYTES:
        raise _refused(source, f"it is larger than {MAX_SPEC_BYTES // 1_000_000} MB")
    document = _parse_json_or_yaml(text, source)
    if json_depth(document) > MAX_SPEC_DEPTH:
        raise _refused(source, f"it nests deeper than {MAX_SPEC_DEPTH} levels")
    if not isinstance(document, dict):
        raise SpecParseError(f"spec at {source} is not an OpenAPI or Swagger document: not a map")
    spec_version(document, source)
    return document


def spec_version(document: JsonObject, source: str = "the spec") -> str:
    """The document's declared version ("3.0.3", "3.1.0", "2.0"); SpecParseError when unsupported."""
    openapi = document.get("openapi")
    swagger = document.get("swagger")
    if isinstance(openapi, str) and (openapi.startswith("3.0") or openapi.startswith("3.1")):
        return openapi
    if swagger is not None and str(swagger) in {"2.0", "2"}:
        return "2.0"
    if openapi is not None or swagger is not None:
        found = f"openapi {openapi}" if openapi is not None else f"swagger {swagger}"
        raise SpecParseError(
            f"spec at {source} declares {found}; assay reads OpenAPI 3.0, 3.1 and Swagger 2.0"
        )
    raise SpecParseError(
        f"spec at {source} is not an OpenAPI or Swagger document: no 'openapi' or 'swagger' key"
    )


def looks_like_spec(value: Json) -> bool:
    """True for a map that declares itself OpenAPI 3.x or Swagger 2.0 (no error when not)."""
    if not isinstance(value, dict):
        return False
    try:
        spec_version(value)
    except SpecParseError:
        return False
    return True


def load_spec_file(path: str | Path, display: str | None = None) -> JsonObject:
    """Read and check a spec file; SpecNotFound when it cannot be read."""
    source = display or str(path)
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_SPEC_BYTES + 1)  # never more: the path may be a FIFO or /dev/zero
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecNotFound(f"spec file {source} cannot be read: {exc.__class__.__name__}") from exc
    return parse_spec_text(text, source)


async def load_spec_url(url: str, transport: HttpTransport) -> JsonObject:
    """Fetch a spec through the transport (so the safety policy applies) and check it."""
    response = await fetch(url, transport)
    if response.status != 200:
        raise SpecNotFound(f"spec at {url} answered HTTP {response.status}; check the --spec URL")
    return document_from_response(response, url)


async def load_spec(location: str, transport: HttpTransport) -> JsonObject:
    """A spec from a URL (http/https) or a local path."""
    if location.startswith(("http://", "https://")):
        return await load_spec_url(location, transport)
    if location.startswith("file://"):
        return load_spec_file(location[len("file://") :], location)
    return load_spec_file(location)


async def fetch(url: str, transport: HttpTransport, *, timeout: float = SPEC_TIMEOUT) -> RecordedResponse:
    """One GET that asks for JSON or YAML."""
    request = RecordedRequest(method="GET", url=url, headers={"accept": SPEC_ACCEPT})
    return await transport.send(request, timeout=timeout)


def document_from_response(response: RecordedResponse, source: str) -> JsonObject:
    """The checked spec a response carries; the parsed JSON is reused when the transport has it."""
    if response.truncated:
        raise _refused(source, f"it is larger than {MAX_SPEC_BYTES // 1_000_000} MB")
    if response.is_json and isinstance(response.json, dict):
        spec_version(response.json, source)
        return response.json
    return parse_spec_text(response.text, source)


def _parse_json_or_yaml(text: str, source: str) -> Json:
    try:
        parsed: Json = json.loads(text)
        return parsed
    except json.JSONDecodeError as exc:
        json_error = exc
    except RecursionError as exc:
        raise _refused(source, f"it nests deeper than {MAX_SPEC_DEPTH} levels") from exc
    try:
        loaded: object = load_yaml(text)
    except YamlTooLarge as exc:
        raise _refused(source, str(exc)) from exc
    except RecursionError as exc:
        raise _refused(source, f"it nests deeper than {MAX_SPEC_DEPTH} levels") from exc
    except yaml.YAMLError as exc:
        # Text that opens like JSON was meant as JSON: its error is the one that helps.
        problem = _json_problem(json_error) if text.lstrip()[:1] in "{[" else _yaml_problem(exc)
        raise SpecParseError(f"spec at {source} is not valid JSON or YAML: {problem}") from exc
    if isinstance(loaded, str | None):
        # A bare scalar means YAML swallowed something that was never a document (HTML, prose).
        raise SpecParseError(f"spec at {source} is not valid JSON or YAML: line 1: not a map of keys")
    return to_json(loaded)


def _refused(source: str, why: str) -> SpecTooLarge:
    return SpecTooLarge(f"spec at {source} is refused: {why}")


def _json_problem(exc: json.JSONDecodeError) -> str:
    return f"line {exc.lineno} column {exc.colno}: {exc.msg}"


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is not None:
        return f"line {mark.line + 1} column {mark.column + 1}: {problem}"
    return str(problem)


def to_json(value: object) -> Json:
    """YAML's richer values (dates, int keys, tuples) as plain JSON."""
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value)
