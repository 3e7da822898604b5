"""A user's instruction ranks the scenarios, API and UI alike, and tags the ones it really names.

Each term of the instruction (:mod:`assay.agents.requirements.instruction`: stemmed, with its
synonyms) is looked for in each scenario's own text: title, feature, tags, UI steps and the labels of
the elements it uses, its affordance (``data["affordance"]``, ``data["label"]``) and, for HTTP
scenarios, its operations' paths and summaries. The page a UI scenario runs on (title, purpose)
counts a quarter: every check of a "Tasks" page is not a check of tasks.

A term is weighted by its rarity (IDF): one named by most scenarios singles none out. A scenario
gets ``@focus`` only on a real match, a term that at most half of the scenarios name or an
affordance of that very kind, and clause by clause: in "add notes" a create is singled out only
if it names notes too (see :func:`_chosen`). Scenarios come focused first, then by score, then
in their own order. Nothing is dropped. The coverage notes say which terms matched how many scenarios and
which clauses of the instruction no scenario covers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from assay.agents.requirements.instruction import (
    Form,
    Phrase,
    Term,
    distinct_terms,
    read_instruction,
    stems,
)
from assay.domain.focus import FOCUS_TAG, instruction_item
from assay.domain.json import as_object, as_str
from assay.domain.observation import Observation
from assay.domain.operations import Operation
from assay.domain.scenarios import CoverageItem, Scenario, is_ui

AROUND_WEIGHT = 0.25  # a match only in the page a scenario runs on
_QUIET_TAGS = frozenset({"ui", "smoke", "focus", "signed-out", "probe", "state_reset", "critical"})
_LABEL_KEYS = ("name", "text", "label")
_ATTRIBUTE_KEYS = ("placeholder", "aria-label", "title", "name", "id")


@dataclass(frozen=True)
class Context:
    """Text a scenario's operation keys stand for: an HTTP operation's own words, and a page's
    title and purpose (``"GET /tasks"`` -> ``"Tasks tasks"``) for the UI scenarios run on it."""

    operations: Mapping[str, str] = field(default_factory=dict)
    pages: Mapping[str, str] = field(default_factory=dict)


def operation_text(op: Operation) -> str:
    return " ".join([op.path, op.operation_id or "", op.summary, *op.tags])


def context_of(observation: Observation, ops: Iterable[Operation] = ()) -> Context:
    api_ops = [*(observation.api.operations if observation.api else ()), *ops]
    return Context(
        operations={op.key: operation_text(op) for op in api_ops},
        pages={f"GET {p.path}": f"{p.title} {p.purpose}" for p in observation.pages},
    )


@dataclass(frozen=True)
class _Doc:
    own: Form
    own_set: frozenset[str]
    around: Form
    affordance: frozenset[str]


def _step_labels(scenario: Scenario) -> list[str]:
    out: list[str] = []
    for step in scenario.ui_steps:
        if step.action == "expect_status":
            continue  # a link followed is the page's menu, not what the scenario exercises
        out.append(step.description)
        out += [as_str(step.fingerprint.get(k)) for k in _LABEL_KEYS]
        attributes = as_object(step.fingerprint.get("attributes"))
        out += [as_str(attributes.get(k)) for k in _ATTRIBUTE_KEYS]
    return out


def _doc(scenario: Scenario, context: Context) -> _Doc:
    ui = is_ui(scenario)
    parts = [scenario.title, scenario.feature, scenario.description]
    parts += [t.lstrip("@") for t in scenario.tags if t.lstrip("@") not in _QUIET_TAGS]
    parts += _step_labels(scenario)  # not the Gherkin steps: "an authenticated user" is in each
    kind = as_str(scenario.data.get("affordance"))
    parts += [kind, as_str(scenario.data.get("label"))]
    around: list[str] = []
    text = " ".join(parts)
    for key in scenario.operations:
        if ui:
            # The page's path is in every check of it ('I open "/login"'): the page, not the check.
            path = key.partition(" ")[2]
            text = re.sub(rf"(?<![\w/]){re.escape(path)}(?![\w/.-])", " ", text) if len(path) > 1 else text
            around += [path, context.pages.get(key, "")]
            around += [u.description for u in scenario.ui_steps if u.action == "expect_status"]
        else:
            text += " " + context.operations.get(key, key)
    own = stems(text)
    return _Doc(own, frozenset(own), stems(" ".join(around)), frozenset(stems(kind)))


def _contains(words: Form, present: frozenset[str], form: Form) -> bool:
    if len(form) == 1:
        return form[0] in present
    if not set(form) <= present:
        return False
    n = len(form)
    return any(words[i : i + n] == form for i in range(len(words) - n + 1))


def _names(words: Form, term: Term, present: frozenset[str] | None = None) -> bool:
    seen = frozenset(words) if present is None else present
    return any(_contains(words, seen, f) for f in term.forms)


@dataclass(frozen=True)
class TermMatch:
    """Which scenarios name one term of the instruction, and how."""

    term: Term
    direct: tuple[str, ...]  # scenario ids whose own text names it
    around: tuple[str, ...]  # only the page they run on names it
    exact: tuple[str, ...]  # an affordance of this very kind
    negated: bool  # only in clauses that set it aside: reported, never focused on
    limit: int  # at most this many direct matches single scenarios out

    @property
    def real(self) -> bool:
        return not self.negated and (0 < len(self.direct) <= self.limit or bool(self.exact))

    @property
    def named(self) -> bool:
        """Some scenario names it (a page's title alone does not exercise it)."""
        return bool(self.direct or self.exact)

    @property
    def candidates(self) -> tuple[str, ...]:
        """The scenarios this term alone may single out."""
        if self.negated:
            return ()
        chosen = self.direct if 0 < len(self.direct) <= self.limit else ()
        return tuple(dict.fromkeys((*chosen, *self.exact)))

    def names(self, scenario_id: str) -> bool:
        return scenario_id in self.direct or scenario_id in self.exact or scenario_id in self.around


@dataclass(frozen=True)
class FocusResult:
    scenarios: tuple[Scenario, ...]
    instruction: str = ""
    phrases: tuple[Phrase, ...] = ()
    matches: tuple[TermMatch, ...] = ()
    by_phrase: tuple[frozenset[str], ...] = ()  # per clause, the ids it tagged @focus

    @property
    def chosen(self) -> frozenset[str]:
        return frozenset().union(*self.by_phrase)

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(m.term.word for m in self.matches)

    @property
    def matched(self) -> int:
        return len(self.chosen)

    def _focused_by(self, match: TermMatch) -> int:
        """Scenarios a clause of this term singled out that name the term themselves."""
        mine = [ids for p, ids in zip(self.phrases, self.by_phrase, strict=True) if match.term in p.terms]
        return len(frozenset().union(*mine) & {*match.direct, *match.exact})

    @property
    def matched_terms(self) -> dict[str, int]:
        """Each term that some scenario names, with how many it focuses (0 when too common)."""
        return {m.term.word: self._focused_by(m) if m.real else 0 for m in self.matches if m.named}

    @property
    def unmatched_terms(self) -> tuple[str, ...]:
        """Terms no scenario names (a page's title alone does not exercise it)."""
        return tuple(m.term.word for m in self.matches if not m.named)

    def uncovered_phrases(self) -> tuple[Phrase, ...]:
        """Clauses that set their subject aside, or that no term singles out while one of their
        words no scenario names ("filter tasks by status": only "task", named everywhere)."""
        by_forms = {m.term.forms: m for m in self.matches}
        out = []
        for phrase, chosen in zip(self.phrases, self.by_phrase, strict=True):
            if phrase.negated or (not chosen and not all(by_forms[t.forms].named for t in phrase.terms)):
                out.append(phrase)
        return tuple(out)

    @property
    def covered(self) -> tuple[CoverageItem, ...]:
        """The matched terms, each with the number of scenarios it focused."""
        total = len(self.scenarios)
        out = []
        for m in self.matches:
            if m.negated or not m.named:
                continue
            focused = self._focused_by(m) if m.real else 0
            if focused:
                reason = f"{focused} scenario(s) focused"
            elif m.real:
                reason = f"named by {len(m.direct)} scenario(s), none singled out: what it is done to is not"
            else:
                reason = f"named by {len(m.direct)} of {total} scenarios: too common to single any out"
            out.append(instruction_item(m.term.word, reason))
        return tuple(out)

    @property
    def notes(self) -> tuple[CoverageItem, ...]:
        """What the ranking left out, and each clause of the instruction no scenario covers."""
        if not self.matches:
            return ()
        return (*self._ranking_note(), *(self._phrase_note(p) for p in self.uncovered_phrases()))

    def _ranking_note(self) -> tuple[CoverageItem, ...]:
        words = ", ".join(m.term.word for m in self.matches if not m.negated)
        rest = len(self.scenarios) - self.matched
        if self.matched:
            said = f"kept but ranked after the {self.matched} matching {words}"
            return (CoverageItem(f"{rest} scenarios outside the focus", said),) if rest else ()
        if any(m.direct or m.around or m.exact for m in self.matches):
            return (CoverageItem(f"focus '{self.instruction}'", f"no scenario singled out ({words})"),)
        return (
            CoverageItem(f"focus '{self.instruction}'", f"no scenario matched ({words}); default order kept"),
        )

    def _phrase_note(self, phrase: Phrase) -> CoverageItem:
        by_forms = {m.term.forms: m for m in self.matches}
        mine = [by_forms[t.forms] for t in phrase.terms]
        missing = [m.term.word for m in mine if not m.named]
        reason = "not covered by any scenario"
        if missing and len(missing) < len(mine):
            reason += f" (none names {', '.join(missing)})"
        if phrase.negated:
            named = len({i for m in mine for i in m.direct})
            said = f"{named} scenario(s) name it, not focused" if named else reason
            reason = f"set aside by the instruction; {said}"
        return instruction_item(phrase.text, reason)

    def restricted(self, keep: Iterable[str]) -> FocusResult:
        """The same ranking over the scenarios kept (a cap on UI scenarios drops some)."""
        kept = frozenset(keep)

        def only(ids: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(i for i in ids if i in kept)

        return replace(
            self,
            scenarios=tuple(s for s in self.scenarios if s.id in kept),
            matches=tuple(
                replace(m, direct=only(m.direct), around=only(m.around), exact=only(m.exact))
                for m in self.matches
            ),
            by_phrase=tuple(ids & kept for ids in self.by_phrase),
        )


def _match(term: Term, ids: Sequence[str], docs: Sequence[_Doc], negated: bool, limit: int) -> TermMatch:
    direct = tuple(i for i, d in zip(ids, docs, strict=True) if _names(d.own, term, d.own_set))
    around = tuple(i for i, d in zip(ids, docs, strict=True) if i not in direct and _names(d.around, term))
    singles = {f[0] for f in term.forms if len(f) == 1}
    exact = tuple(i for i, d in zip(ids, docs, strict=True) if d.affordance & singles)
    return TermMatch(term, direct, around, exact, negated, limit)


def _weight(match: TermMatch, total: int) -> float:
    """IDF: a term most scenarios name weighs nearly nothing."""
    return math.log((total + 1) / (len(match.direct) + 0.5))


def steer(
    scenarios: Sequence[Scenario], instruction: str | None, context: Context | None = None
) -> FocusResult:
    """Scenarios ranked by the instruction, the really matching ones tagged ``@focus``."""
    phrases = read_instruction(instruction)
    terms = distinct_terms(phrases)
    if not terms or not scenarios:
        return FocusResult(
            tuple(scenarios), instruction or "", phrases, (), tuple(frozenset() for _ in phrases)
        )
    docs = [_doc(s, context or Context()) for s in scenarios]
    ids = [s.id or f"#{n}" for n, s in enumerate(scenarios)]
    limit = max(1, len(scenarios) // 2)
    negated = {
        t.forms for t in terms if all(p.negated for p in phrases if t.forms in {x.forms for x in p.terms})
    }
    matches = tuple(_match(t, ids, docs, t.forms in negated, limit) for t in terms)
    score = dict.fromkeys(ids, 0.0)
    for m in matches:
        if m.negated:
            continue
        weight = _weight(m, len(scenarios))
        for i in m.direct:
            score[i] += weight
        for i in m.around:
            score[i] += weight * AROUND_WEIGHT
        for i in m.exact:
            score[i] += weight
    by_phrase = tuple(_chosen(p, matches) for p in phrases)
    focused = frozenset().union(*by_phrase)
    order = sorted(range(len(scenarios)), key=lambda n: (ids[n] not in focused, -score[ids[n]], n))
    ranked = tuple(
        replace(s, tags=(*s.tags, FOCUS_TAG)) if ids[n] in focused else s
        for n, s in ((n, scenarios[n]) for n in order)
    )
    return FocusResult(ranked, instruction or "", phrases, matches, by_phrase)


def _chosen(phrase: Phrase, matches: Sequence[TermMatch]) -> frozenset[str]:
    """The scenarios one clause singles out: those its real terms name; when the clause names a
    thing ("notes" of "add notes"), only those that name it too, and when some name two of its
    terms, only those: "add" alone would pick every create of the app."""
    by_forms = {m.term.forms: m for m in matches}
    mine = list(dict.fromkeys(by_forms[t.forms] for t in phrase.terms))
    real = [m for m in mine if m.real]
    eligible = {i for m in real for i in m.candidates}
    things = [m for m in mine if not m.term.action]
    if phrase.negated or not eligible:
        return frozenset()
    exact = {i for m in real for i in m.exact}
    if things and any(m.named or m.around for m in things):
        eligible = {i for i in eligible if any(m.names(i) for m in things)}
    elif things:
        # The thing it is done to is named nowhere ("change their settings"): only a control of
        # that very kind (a search box, whatever it searches) is singled out; the rest reported.
        eligible &= exact
    if not eligible:
        return frozenset()
    named = {i: sum(1 for m in real if m.names(i)) for i in eligible}
    need = min(2, max(named.values()))
    return frozenset(i for i in eligible if named[i] >= need or i in exact)


def apply_focus(
    scenarios: Sequence[Scenario], ops: Mapping[str, Operation], instruction: str | None
) -> FocusResult:
    """:func:`steer` over HTTP scenarios, their operations' words as context."""
    return steer(scenarios, instruction, Context(operations={k: operation_text(op) for k, op in ops.items()}))
