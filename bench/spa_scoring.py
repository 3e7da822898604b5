"""Score one ``assay run`` output folder against an SPA checklist (bench/spa_checklists/*.json).

What assay executed is read from its files: the scenarios from ``scenarios.json`` when a run
writes one (id, kind, tags, data, ui_steps), else from the Gherkin features (tags, steps, the page
a scenario opens); their outcome, step by step, from ``analysis.json`` (``analysis.runs``);
findings from ``findings.json``. A scenario's affordance is taken from any of: its kind
(``ui_search`` → search…), a tag ``affordance:<kind>`` (or ``@ui_search`` itself), or
``data["affordance"]``.

A behaviour is **exercised** only by a scenario that ran (passed or failed, not skipped or
blocked), on its page, of one of its affordances, that performed the behaviour's defining steps
(each step passed: a click that found the control disabled did not click) and then asserted the
outcome (the assertion ran, whether it held or not) before its next action. What the defining
steps and the outcome are is the behaviour's own ``evidence`` in the checklist — the matching here
knows no app::

    "evidence": {
      "affordances": ["create_form", "dialog"],        # default: [the behaviour's affordance]
      "steps": [                                       # in order; a list is alternatives
        {"action": "type", "input": "value"},          # input: value | empty | no_match
        {"action": ["click", "press"], "control": ["create", "save", "enter"]}
      ],
      "outcome": ["\"{typed}\" is (listed|shown)"]      # regexes; {typed}: the value typed
    }

``control`` holds keywords, one of which must be a word of the control's name; ``value`` a regex
on the step's value. ``no_match`` is a value typed that the page should not match: the scenario's
data marks it (``data["no_match"]``), or the assertion right after it expects an empty result.
Without ``steps``, any performed action followed by an assertion counts.

A known bug is found when a finding on its page says one of the bug's ``match_words`` or is a
``ui_functional`` finding of the bug's affordance; a ``ui_functional`` finding that is no known
bug is a false alarm (the checklists list every bug the apps are known to have).
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
STEP_LINE = re.compile(r"^\s*(?:Given|When|Then|And|But)\s+(.*)$")
# How assay words what a scenario does (first person); anything else is an assertion.
ACTIONS = (
    ("open", re.compile(r'^I open "(?P<value>[^"]*)"')),
    ("click", re.compile(r'^I click "(?P<control>[^"]*)"(?: on "(?P<value>[^"]*)")?')),
    ("type", re.compile(r'^I type "(?P<value>[^"]*)" into "(?P<control>[^"]*)"')),
    ("type", re.compile(r'^I leave "(?P<control>[^"]*)" empty')),
    ("choose", re.compile(r'^I choose (?:an option of )?"(?P<control>[^"]*)"')),
    ("check", re.compile(r'^I (?:check|tick) (?:"(?P<control>[^"]*)"|(?P<value>.+))')),
    ("press", re.compile(r"^I press (?P<control>\S+)")),
    ("back", re.compile(r"^I go back")),
    ("forward", re.compile(r"^I go forward")),
    ("reload", re.compile(r"^I reload")),
    ("confirm", re.compile(r"^I confirm")),
    ("note", re.compile(r"^I note")),
)
# An assertion that the page shows no result (assay's wording of its empty-result oracles).
EMPTY_RESULT = re.compile(
    r"(?i)\bno (items?|results?|match(es)?) (is |are )?(shown|listed|found)|\bnothing (is )?"
    r"(shown|listed|found|matched)|\bis (not|no longer) listed\b"
)


@dataclass
class StepSeen:
    """One step as it ran: what it did (``action``, on ``control``, with ``value``) or asserted."""

    text: str
    action: (
        str  # open, click, type, choose, check, press, back, forward, reload, confirm, note, other, assert
    )
    control: str = ""
    value: str = ""
    state: str = "not run"  # passed, failed (it ran and did not hold), not run

    @property
    def performed(self) -> bool:
        return self.action != "assert" and self.state == "passed"

    @property
    def ran(self) -> bool:
        return self.state in EXECUTED


@dataclass
class ScenarioSeen:
    id: str
    title: str
    page: str  # the path it opens, normalised
    affordances: set[str]
    ui: bool
    status: str = "not run"
    steps: list[StepSeen] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class AppScore:
    behaviours_total: int
    bugs_total: int
    exercised: dict[str, str] = field(default_factory=dict)  # behaviour id -> scenario ids
    not_exercised: list[str] = field(default_factory=list)
    bugs_found: dict[str, str] = field(default_factory=dict)  # bug id -> finding id and title
    bugs_missed: list[str] = field(default_factory=list)
    other_findings: list[dict[str, str]] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)  # ui_functional findings no known bug explains
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


def parse_step(text: str, state: str = "not run") -> StepSeen:
    """A step's words as what it does: assay writes actions in the first person."""
    for action, pattern in ACTIONS:
        if match := pattern.match(text):
            found = match.groupdict()
            return StepSeen(text, action, found.get("control") or "", found.get("value") or "", state)
    return StepSeen(text, "other" if text.startswith("I ") else "assert", state=state)


def _from_json(path: Path) -> list[ScenarioSeen]:
    doc = json.loads(path.read_text())
    items = doc.get("scenarios", doc) if isinstance(doc, dict) else doc
    seen = []
    for s in items:
        data = s.get("data") or {}
        page = str(data.get("page") or data.get("path") or "")
        steps = []
        for step in s.get("ui_steps") or []:
            if not isinstance(step, dict):
                continue
            if not page and step.get("target"):
                page = str(step["target"])
            steps.append(parse_step(str(step.get("description") or step.get("action") or "")))
        tags = [str(t) for t in s.get("tags", [])]
        kind = str(s.get("kind", ""))
        ui = kind.startswith("ui_") or "ui" in tags or str(s.get("id", "")).startswith("SC-UI")
        found = ScenarioSeen(
            s["id"], s.get("title", ""), norm_path(page), _affordances(kind, tags, data), ui, data=data
        )
        found.steps = steps
        seen.append(found)
    return seen


def _from_features(folder: Path) -> list[ScenarioSeen]:
    """Scenarios as the Gherkin shows them: tags above each, the Background's steps then its own,
    the page its Background or it opens."""
    seen: list[ScenarioSeen] = []
    for feature in sorted(folder.glob("*.feature")):
        background = ""
        background_steps: list[str] = []
        tags: list[str] = []
        current: ScenarioSeen | None = None
        for line in feature.read_text().splitlines():
            stripped = line.strip()
            opened = OPEN_STEP.match(line)
            step = STEP_LINE.match(line)
            if stripped.startswith("@"):
                tags = stripped.split()
            elif match := SCENARIO_LINE.match(line):
                ui = "@ui" in tags or match.group(1).startswith("SC-UI")
                current = ScenarioSeen(
                    match.group(1), match.group(2), background, _affordances("", tags, {}), ui
                )
                current.steps = [parse_step(t) for t in background_steps]
                seen.append(current)
                tags = []
            elif step and current is None:
                background_steps.append(step.group(1))
                if opened:
                    background = norm_path(opened.group(1))
            elif step and current is not None:
                current.steps.append(parse_step(step.group(1)))
                if opened and current.page == background:
                    current.page = norm_path(opened.group(1))
    return seen


def _record_run(scenario: ScenarioSeen, run: dict[str, Any]) -> None:
    """The run's outcome, step by step: its steps as they ran replace the written ones."""
    scenario.status = str(run.get("status") or "not run")
    ran = [s for s in run.get("steps") or [] if isinstance(s, dict) and s.get("name")]
    if ran:
        scenario.steps = [parse_step(str(s["name"]), _step_state(s)) for s in ran]
    elif scenario.status == "passed":  # every step held
        for step in scenario.steps:
            step.state = "passed"


def _step_state(step: dict[str, Any]) -> str:
    if step.get("passed"):
        return "passed"
    return "not run" if str(step.get("message") or "").startswith("not run") else "failed"


def scenarios_of(out: Path) -> list[ScenarioSeen]:
    listed = out / "scenarios.json"
    seen = _from_json(listed) if listed.is_file() else _from_features(out / "scenarios")
    analysis = out / "analysis.json"
    if analysis.is_file():
        runs = (json.loads(analysis.read_text()).get("analysis") or {}).get("runs") or []
        by_id = {r["scenario_id"]: r for r in runs}
        for s in seen:
            if s.id in by_id:
                _record_run(s, by_id[s.id])
    return seen


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _names(keywords: list[str], name: str) -> bool:
    """One keyword is a word (or, for a symbol, a part) of the control's name."""
    folded = name.casefold()
    for word in keywords:
        w = str(word).casefold()
        if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded) if re.search(r"\w", w) else w in folded:
            return True
    return False


def _block(steps: list[StepSeen], after: int) -> list[StepSeen]:
    """The assertions that follow step ``after`` up to the next action: what they judge is its effect."""
    out = []
    for step in steps[after + 1 :]:
        if step.action == "assert":
            out.append(step)
        elif step.action != "note":
            break
    return out


def _no_match(scenario: ScenarioSeen, at: int) -> bool:
    value = scenario.steps[at].value
    if not value:
        return False
    if value in [str(v) for v in _as_list(scenario.data.get("no_match"))]:
        return True
    judged = [a for a in _block(scenario.steps, at) if a.ran]
    return bool(judged) and EMPTY_RESULT.search(judged[0].text) is not None


def _fits(spec: dict[str, Any], scenario: ScenarioSeen, at: int) -> bool:
    step = scenario.steps[at]
    if not step.performed or step.action not in _as_list(spec.get("action")):
        return False
    if spec.get("control") and not _names(_as_list(spec["control"]), step.control):
        return False
    if spec.get("value") and not re.search(str(spec["value"]), step.value, re.IGNORECASE):
        return False
    wanted = spec.get("input")
    if wanted == "value":
        return bool(step.value)
    if wanted == "empty":
        return step.value == ""
    if wanted == "no_match":
        return _no_match(scenario, at)
    return wanted is None


def _outcome(scenario: ScenarioSeen, at: int, typed: str, patterns: list[str]) -> StepSeen | None:
    for step in _block(scenario.steps, at):
        if not step.ran:
            continue
        wanted = [p.replace("{typed}", re.escape(typed)) for p in patterns]
        if not wanted or any(re.search(p, step.text, re.IGNORECASE) for p in wanted):
            return step
    return None


def _match_steps(
    scenario: ScenarioSeen, specs: list[Any], after: int, typed: str, patterns: list[str]
) -> StepSeen | None:
    """The outcome assertion once every spec is met in order after ``after`` (any way that works)."""
    if not specs:
        return _outcome(scenario, after, typed, patterns) if after >= 0 else None
    alternatives = [a for a in _as_list(specs[0]) if isinstance(a, dict)]
    for at in range(after + 1, len(scenario.steps)):
        if any(_fits(alt, scenario, at) for alt in alternatives):
            step = scenario.steps[at]
            done = _match_steps(
                scenario, specs[1:], at, step.value if step.action == "type" else typed, patterns
            )
            if done is not None:
                return done
    return None


def exercise(behaviour: dict[str, Any], scenario: ScenarioSeen) -> StepSeen | None:
    """The assertion by which ``scenario`` exercised ``behaviour``, or None when it did not."""
    if scenario.status not in EXECUTED or not _page_matches(str(behaviour["page"]), scenario.page):
        return None
    evidence = behaviour.get("evidence") or {}
    kinds = set(_as_list(evidence.get("affordances")) or [behaviour.get("affordance")])
    if "any" not in kinds and not kinds & scenario.affordances:
        return None
    patterns = [str(p) for p in _as_list(evidence.get("outcome"))]
    specs = _as_list(evidence.get("steps"))
    if specs:
        return _match_steps(scenario, specs, -1, "", patterns)
    for at, step in enumerate(scenario.steps):  # no steps stated: any action, then its assertion
        found = _outcome(scenario, at, "", patterns) if step.performed else None
        if step.action not in ("open", "note") and found is not None:
            return found
    return None


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
    findings: list[dict[str, Any]] = json.loads((out / "findings.json").read_text()).get("findings", [])
    return score(checklist, seen, findings)


def score(checklist: dict[str, Any], seen: list[ScenarioSeen], findings: list[dict[str, Any]]) -> AppScore:
    behaviours = checklist.get("behaviours", [])
    bugs = checklist.get("known_bugs", [])
    result = AppScore(len(behaviours), len(bugs))
    ui = [s for s in seen if s.ui]
    result.ui_total = len(ui)
    result.ui_executed = sum(1 for s in ui if s.status in EXECUTED)
    for s in ui:
        for key in sorted(s.affordances) or ["(none)"]:
            result.ui_kinds[key] = result.ui_kinds.get(key, 0) + 1
    for b in behaviours:
        hits = [(s.id, step) for s in ui if (step := exercise(b, s)) is not None]
        if hits:
            result.exercised[b["id"]] = "; ".join(f"{sid} ({step.text}: {step.state})" for sid, step in hits)
        else:
            result.not_exercised.append(b["id"])
    kinds = {s.id: s.affordances for s in seen}
    matched: set[str] = set()
    for bug in bugs:
        found = [f for f in findings if _bug_match(bug, f, kinds)]
        if found:
            result.bugs_found[bug["id"]] = "; ".join(
                f"{f['id']} {f['category']}: {f['title']}" for f in found
            )
            matched.update(f["id"] for f in found)
        else:
            result.bugs_missed.append(bug["id"])
    for f in findings:
        if f["id"] in matched:
            continue
        keys = ("category", "severity", "method", "path", "title")
        result.other_findings.append({k: str(f.get(k) or "") for k in keys})
        if f.get("category") == "ui_functional":
            result.false_alarms.append(f"{f['id']}: {f.get('title', '')}")
    return result
