"""Score one ``assay run`` output folder against an SPA checklist (bench/spa_checklists/*.json).

What assay executed is read from its files: the scenarios from ``scenarios.json`` when a run
writes one (id, kind, tags, data), else from the Gherkin features (tags, and the page a scenario
opens); their outcome from ``analysis.json`` (``analysis.runs``); findings from ``findings.json``.
A scenario's affordance is taken from any of: its kind (``ui_search`` → search…), a tag
``affordance:<kind>`` (or ``@ui_search`` itself), or ``data["affordance"]``; whichever the run
offers. A behaviour is exercised when a UI scenario of its affordance, executed (passed or failed,
not skipped or blocked), opened its page. A known bug is found when a finding on its page says
one of the bug's ``match_words`` or is a ``ui_functional`` finding of the bug's affordance.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Scenario kinds → the checklist's affordance kinds. ui_navigation (every link answers 2xx) is
# mapped for completeness, but no checklist behaviour is a bare link check: see the checklists.
KIND_AFFORDANCE = {
    "ui_search": "search",
    "ui_filter": "filter",
    "ui_sort": "sort",
    "ui_create": "create_form",
    "ui_validation": "validation",
    "missing_required": "validation",
    "ui_dialog": "dialog",
    "ui_counter": "counter",
    "ui_persistence": "persistence",
    "ui_history": "history",
    "ui_route": "route",
    "ui_navigation": "navigation",
    "invalid_credentials": "login",
}
AFFORDANCES = frozenset(KIND_AFFORDANCE.values())
EXECUTED = frozenset({"passed", "failed"})
OPEN_STEP = re.compile(r'^\s*(?:Given|When|And)\s+I open "([^"]*)"')
SCENARIO_LINE = re.compile(r"^\s*Scenario(?: Outline)?:\s*(\S+)\s*(.*)$")


@dataclass
class ScenarioSeen:
    id: str
    title: str
    page: str  # the path it opens, normalised
    affordances: set[str]
    ui: bool
    status: str = "not run"


@dataclass
class AppScore:
    behaviours_total: int
    bugs_total: int
    exercised: dict[str, str] = field(default_factory=dict)  # behaviour id -> scenario ids
    not_exercised: list[str] = field(default_factory=list)
    bugs_found: dict[str, str] = field(default_factory=dict)  # bug id -> finding id and title
    bugs_missed: list[str] = field(default_factory=list)
    other_findings: list[dict[str, str]] = field(default_factory=list)
    ui_total: int = 0
    ui_executed: int = 0
    ui_kinds: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def norm_path(url_or_path: str) -> str:
    """The path of a URL or path, without query and fragment, without a trailing slash."""
    path = urlsplit(url_or_path).path or "/"
    return path.rstrip("/") or "/"


def _affordances(kind: str, tags: list[str], data: dict[str, Any]) -> set[str]:
    found = set()
    if kind in KIND_AFFORDANCE:
        found.add(KIND_AFFORDANCE[kind])
    for raw in tags:
        tag = raw.lstrip("@")
        name = tag.split(":", 1)[1] if ":" in tag else tag
        if tag.startswith(("affordance:", "kind:")) or ":" not in tag:
            if name in KIND_AFFORDANCE:
                found.add(KIND_AFFORDANCE[name])
            elif name in AFFORDANCES and tag.startswith("affordance:"):
                found.add(name)
    value = data.get("affordance")
    if isinstance(value, str):
        found.add(KIND_AFFORDANCE.get(value, value))
    return found


def _from_json(path: Path) -> list[ScenarioSeen]:
    doc = json.loads(path.read_text())
    items = doc.get("scenarios", doc) if isinstance(doc, dict) else doc
    seen = []
    for s in items:
        data = s.get("data") or {}
        page = str(data.get("page") or data.get("path") or "")
        for step in s.get("ui_steps") or []:
            if not page and isinstance(step, dict) and step.get("target"):
                page = str(step["target"])
        tags = [str(t) for t in s.get("tags", [])]
        kind = str(s.get("kind", ""))
        ui = kind.startswith("ui_") or "ui" in tags or str(s.get("id", "")).startswith("SC-UI")
        seen.append(
            ScenarioSeen(s["id"], s.get("title", ""), norm_path(page), _affordances(kind, tags, data), ui)
        )
    return seen


def _from_features(folder: Path) -> list[ScenarioSeen]:
    """Scenarios as the Gherkin shows them: tags above each, the page its Background or it opens."""
    seen: list[ScenarioSeen] = []
    for feature in sorted(folder.glob("*.feature")):
        background = ""
        tags: list[str] = []
        current: ScenarioSeen | None = None
        for line in feature.read_text().splitlines():
            stripped = line.strip()
            opened = OPEN_STEP.match(line)
            if stripped.startswith("@"):
                tags = stripped.split()
            elif match := SCENARIO_LINE.match(line):
                ui = "@ui" in tags or match.group(1).startswith("SC-UI")
                current = ScenarioSeen(
                    match.group(1), match.group(2), background, _affordances("", tags, {}), ui
                )
                seen.append(current)
                tags = []
            elif opened and current is None:
                background = norm_path(opened.group(1))
            elif opened and current is not None and current.page == background:
                current.page = norm_path(opened.group(1))
    return seen


def scenarios_of(out: Path) -> list[ScenarioSeen]:
    listed = out / "scenarios.json"
    seen = _from_json(listed) if listed.is_file() else _from_features(out / "scenarios")
    analysis = out / "analysis.json"
    if analysis.is_file():
        runs = (json.loads(analysis.read_text()).get("analysis") or {}).get("runs") or []
        status = {r["scenario_id"]: r["status"] for r in runs}
        for s in seen:
            s.status = status.get(s.id, "not run")
    return seen


def _page_matches(pattern: str, path: str) -> bool:
    return fnmatchcase(norm_path(path), norm_path(pattern))


def _bug_match(bug: dict[str, Any], finding: dict[str, Any], kinds: dict[str, set[str]]) -> bool:
    if not _page_matches(str(bug.get("page", "/")), str(finding.get("path") or "/")):
        return False
    text = f"{finding.get('title', '')} {finding.get('detail', '')}".lower()
    if any(str(w).lower() in text for w in bug.get("match_words", [])):
        return True
    if finding.get("category") != "ui_functional":
        return False
    evidence = json.dumps(finding.get("evidence") or {})
    named = {a for sid, aff in kinds.items() if sid in evidence for a in aff}
    return bug.get("affordance") in named


def score_run(checklist: dict[str, Any], out: Path) -> AppScore:
    seen = scenarios_of(out)
    behaviours = checklist.get("behaviours", [])
    bugs = checklist.get("known_bugs", [])
    score = AppScore(len(behaviours), len(bugs))
    ui = [s for s in seen if s.ui]
    score.ui_total = len(ui)
    ran = [s for s in ui if s.status in EXECUTED]
    score.ui_executed = len(ran)
    for s in ui:
        for key in sorted(s.affordances) or ["(none)"]:
            score.ui_kinds[key] = score.ui_kinds.get(key, 0) + 1
    for b in behaviours:
        hits = [s.id for s in ran if b["affordance"] in s.affordances and _page_matches(b["page"], s.page)]
        if hits:
            score.exercised[b["id"]] = ", ".join(hits)
        else:
            score.not_exercised.append(b["id"])
    findings: list[dict[str, Any]] = json.loads((out / "findings.json").read_text()).get("findings", [])
    kinds = {s.id: s.affordances for s in seen}
    matched: set[str] = set()
    for bug in bugs:
        found = [f for f in findings if _bug_match(bug, f, kinds)]
        if found:
            score.bugs_found[bug["id"]] = "; ".join(f"{f['id']} {f['category']}: {f['title']}" for f in found)
            matched.update(f["id"] for f in found)
        else:
            score.bugs_missed.append(bug["id"])
    for f in findings:
        if f["id"] not in matched:
            keys = ("category", "severity", "method", "path", "title")
            score.other_findings.append({k: str(f.get(k) or "") for k in keys})
    return score
