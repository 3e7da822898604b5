"""The Observation agent for HTTP APIs: find and read the spec, or probe when there is none."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from assay.agents import run_clock
from assay.agents.observation.credentialed import credentialed
from assay.agents.observation.web.stage import observe_pages
from assay.agents.progress import ProgressFn, report
from assay.domain.crashes import crash_note
from assay.domain.errors import ConnectionDropped
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.observation import Observation, TargetKind
from assay.domain.operations import ApiModel
from assay.domain.ports import HttpTransport
from assay.domain.target import Target
from assay.pages.browser import BrowserPort
from assay.spec import build_api_model
from assay.spec.catch_all import note as fallback_note
from assay.spec.discovery import Discovery, discover_spec
from assay.spec.loader import load_spec
from assay.spec.probe import Probed, probe

_GIVEN_CONFIDENCE = 0.95
_DISCOVERED_CONFIDENCE = 0.9


@dataclass
class _Found:
    """What the search for a spec produced, whichever way it went."""

    api: ApiModel | None = None
    location: str | None = None
    log: list[str] = field(default_factory=list)
    base_response: RecordedResponse | None = None
    given: bool = False


REACH_TIMEOUT = 10.0


async def observe(
    target: Target,
    transport: HttpTransport,
    progress: ProgressFn | None = None,
    browser: BrowserPort | None = None,
) -> Observation:
    """Observe ``target``: its API model when a spec exists, else what probing shows.

    A spec given in ``target.spec_location`` wins over discovery. Raises TargetUnreachable when the
    base URL cannot be reached, SpecNotFound/SpecParseError/SpecRefError for a given spec that
    cannot be used. A target that serves HTML is also crawled in Chromium when one is found.
    """
    http = await _observe_http(target, transport, progress)
    try:
        return await observe_pages(target, http, progress, browser)
    except Exception as exc:  # a browser crash (a Playwright timeout in sign-in) keeps the HTTP side
        line = crash_note("observation: browser crawl", exc, "the pages were not observed")
        return replace(http, notes=(*http.notes, line), incomplete=(*http.incomplete, line))


async def _observe_http(target: Target, transport: HttpTransport, progress: ProgressFn | None) -> Observation:
    sent_before = transport.requests_sent
    report(progress, 0.0, "checking that the target answers", requests=0)
    base = await _reachable(target, transport)
    report(progress, 0.1, "looking for the API description", requests=1)
    found = await _find_spec(target, transport)
    if found.given and found.base_response is None:
        # A given spec skips discovery, which reads the base page: the reachability answer tells
        # whether the target also serves HTML, so its pages are still crawled (Jupyter's sign-in).
        found.base_response = base
    sent = transport.requests_sent - sent_before
    if found.api is not None:
        api = found.api
        report(
            progress,
            1.0,
            f"read {len(api.operations)} operations",
            operations=len(api.operations),
            requests=sent,
        )
        return _api_observation(target, found, api, sent)
    report(progress, 0.6, "no spec found; probing common paths", requests=sent)
    probed = await probe(target.base_url, transport, log=found.log)
    sent = transport.requests_sent - sent_before
    count = len(probed.endpoints)
    report(progress, 1.0, f"probed {count} endpoints", endpoints=count, requests=sent)
    return _probe_observation(target, found, probed, sent)


async def _reachable(target: Target, transport: HttpTransport) -> RecordedResponse | None:
    """One GET of the base URL: a target that is down or hangs ends the run here, in seconds.

    TargetUnreachable and TargetTimeout propagate (exit 2 in the CLI); a dropped connection or
    any status, even a 5xx, means something answers and observation goes on (its answer, or None).
    """
    with contextlib.suppress(ConnectionDropped):
        return await transport.send(RecordedRequest("GET", target.base_url), timeout=REACH_TIMEOUT)
    return None


async def _find_spec(target: Target, transport: HttpTransport) -> _Found:
    transport = credentialed(transport, target)  # a spec behind a token needs the token too
    if target.spec_location:
        document = await load_spec(target.spec_location, transport)
        api = build_api_model(document, target.spec_location)
        log = [f"spec given: {target.spec_location}"]
        return _Found(api=api, location=target.spec_location, log=log, given=True)
    discovery: Discovery = await discover_spec(
        target.base_url, transport, time_budget=max(5.0, target.budget_seconds / 3), clock=run_clock.charged
    )
    model = build_api_model(discovery.document, discovery.location or "") if discovery.document else None
    return _Found(model, discovery.location, discovery.log, discovery.base_response)


def with_given_headers(api: ApiModel, target: Target) -> ApiModel:
    """A spec that declares no authentication, for a target the user gave a fixed credential header:
    the API authenticates by that static key, as an ``api_key`` scheme would say (so anonymous and
    malformed-token checks compare against it)."""
    fixed = target.fixed_headers
    if api.auth.kind != "none" or not fixed:
        return api
    name = fixed[0][0]
    note = f"the spec declares no authentication; using the fixed header {name} given"
    return replace(api, auth=replace(api.auth, kind="api_key", header_name=name, notes=(note,)))


def _api_observation(target: Target, found: _Found, api: ApiModel, sent: int) -> Observation:
    api = with_given_headers(api, target)
    notes = [
        f"spec {'given' if found.given else 'found'} at {found.location} "
        f"({_label(api)}): {len(api.operations)} operations, {len(api.dependencies)} dependencies, "
        f"{len(api.spec_issues)} spec issues",
        *_auth_notes(api),
    ]
    notes.extend(_base_path_notes(target, api))
    confidence = _GIVEN_CONFIDENCE if found.given else _DISCOVERED_CONFIDENCE
    if not api.operations:
        notes.append("the spec describes no operations")
        confidence = 0.3
    kind: TargetKind = "both" if _serves_html(found.base_response) else "api"
    if kind == "both":
        notes.append("the base URL also serves an HTML page")
    return Observation(
        target=target.base_url,
        kind=kind,
        api=api,
        spec_location=found.location,
        discovery_log=tuple(found.log),
        notes=tuple(dict.fromkeys(notes)),
        confidence=confidence,
        requests_sent=sent,
    )


def _label(api: ApiModel) -> str:
    return f"Swagger {api.spec_version}" if api.spec_version == "2.0" else f"OpenAPI {api.spec_version}"


def _auth_notes(api: ApiModel) -> list[str]:
    auth = api.auth
    if auth.kind == "none":
        return list(auth.notes)
    how = f" via {auth.login_operation} ({auth.login_format})" if auth.login_operation else ""
    return [f"authentication: {auth.kind}{how}", *auth.notes]


def _base_path_notes(target: Target, api: ApiModel) -> list[str]:
    """Say so when the base URL's path and the spec's paths could double up or miss a prefix."""
    url_path = urlsplit(target.base_url).path.rstrip("/")
    if not url_path or not api.operations:
        return []
    if api.base_path and api.base_path.rstrip("/") == url_path:
        return [f"the base URL already ends with the spec's base path {api.base_path}"]
    if all(op.path.startswith(url_path + "/") for op in api.operations):
        return [f"the spec's paths already start with the base URL's path {url_path}"]
    return []


def _probe_observation(target: Target, found: _Found, probed: Probed, sent: int) -> Observation:
    probes = probed.endpoints
    html = _serves_html(found.base_response)
    json_probes = [p for p in probes if "json" in p.content_type and p.status < 500]
    kind: TargetKind = (
        "both" if html and json_probes else "web" if html else "api" if json_probes else "unknown"
    )
    notes = [
        f"no OpenAPI or Swagger spec found ({_count_places(found.log)} places tried); "
        "pass --spec if there is one"
    ]
    if html:
        notes.append("the base URL serves an HTML page: observe it as a web app")
    if json_probes:
        notes.append(
            f"{len(json_probes)} probed paths answer JSON: " + ", ".join(p.path for p in json_probes[:8])
        )
    if probed.fallbacks:
        # Said in the notes, which the Requirements agent reads back as a coverage gap.
        notes.append(fallback_note(probed.fallbacks))
    confidence = 0.3 if json_probes else 0.2 if html else 0.1
    return Observation(
        target=target.base_url,
        kind=kind,
        api=None,
        spec_location=None,
        discovery_log=tuple(found.log),
        probes=tuple(probes),
        notes=tuple(notes),
        confidence=confidence,
        requests_sent=sent,
    )


def _count_places(log: list[str]) -> int:
    return sum(1 for line in log if line.startswith("GET "))


def _serves_html(response: RecordedResponse | None) -> bool:
    if response is None or response.status >= 400:
        return False
    content_type = (response.header("content-type") or "").lower()
    return "html" in content_type or response.text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
