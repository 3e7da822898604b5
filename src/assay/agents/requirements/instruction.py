"""An instruction read as a tester would: its clauses, the content words of each, their synonyms.

"Build a task manager where users can create projects, add tasks with a due date and search
them by title" is split into clauses ("…create projects", "add tasks with a due date", "search
them by title"); each keeps its content words, stemmed ("tasks" -> "task"), and drops words of
any requirement that would match every scenario ("app", "user", "build", "page"). Each term
carries the forms that count as it: itself and the words of its synonym groups
(:mod:`assay.agents.requirements.synonyms`). Pure: text in, records out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assay.agents.requirements.synonyms import ACTIONS, GROUPS

Form = tuple[str, ...]  # stemmed words, matched as consecutive words

_FUNCTION_WORDS = """
a an and or the on in of to for with by from into onto at as is are was were be been being do
does did it its this that these those their them they there his her our your you we me my he she
who whom which what when where why how all any each every some more most other such only own
same so than too very just also both either neither not no nor yet if else then up down out over
under again once here etc via per one two way ways thing things something them themselves between
after before across within through during against among
"""
# Words of requirements themselves: they would match every scenario and single out none.
# "create", "add", "list" and "delete" stay: they name what a form or a list is for. "name"
# goes: it qualifies ("search by name") and every accessibility check says "accessible name";
# "item" is whatever a list holds.
_REQUIREMENT_WORDS = """
please focus test tests testing tested check checks checking verify ensure make sure want wants
need needs needed let lets should must can could would will may might shall able allow allows
allowed enable enables support supports supported provide provides have has had get gets got use
uses using used app apps application applications webapp page pages screen screens user users
people person visitor visitors customer customers web site website build builds built
implement implemented feature features functionality function simple basic main whole entire
api apis endpoint endpoints flow flows system platform tool interface frontend backend service
data information content manage manages managing manager management work works working see show
shows display displays view views click new where well while name names item items
"""
STOP_WORDS = frozenset((_FUNCTION_WORDS + _REQUIREMENT_WORDS).split())
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CLAUSE = re.compile(r"[.;,:!?()\[\]\n]+|\b(?:and|or|but|then|plus|also)\b", re.IGNORECASE)
# A clause that sets its subject aside ("the checkout is not built yet", "skip the admin pages"):
# its words are reported, never used to focus.
_NEGATED = re.compile(
    r"\b(?:not|never)\b.*\b(?:yet|built|implemented|ready|available|needed|in scope|tested)\b"
    r"|\b(?:skip|ignore|exclude|excluding|except)\b|out of scope|n't (?:test|check)",
    re.IGNORECASE,
)
_UNDOUBLE = frozenset("bgmnprt")  # tagged -> tag, running -> run; but added -> add, filled -> fill


def words(text: str) -> list[str]:
    """Lower-case words; ``camelCase`` and ``snake_case`` names split into their words."""
    return _WORD.findall(_CAMEL.sub(" ", text).lower())


def stem(word: str) -> str:
    """A light stem: plurals, -ing, -ed, -tion and a final e, so that create, creates, created,
    creating and creation are one word. Words of three letters or fewer are kept whole."""
    w = word
    if len(w) <= 3 or w.isdigit():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) >= 4 and w[-1] == w[-2] and w[-1] in _UNDOUBLE:
                w = w[:-1]
            break
    else:
        if w.endswith("tion") and len(w) >= 7:
            w = w[:-3]
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    return w


def stems(text: str) -> Form:
    return tuple(stem(w) for w in words(text))


@cache
def _groups() -> tuple[frozenset[Form], ...]:
    return tuple(frozenset(stems(member) for member in group.split(",")) for group in GROUPS)


@cache
def _multi_word() -> tuple[Form, ...]:
    """Synonyms of several words, longest first: read as one term ("sign in", not "sign")."""
    found = {form for group in _groups() for form in group if len(form) > 1}
    return tuple(sorted(found, key=lambda f: (-len(f), f)))


@cache
def _action_forms() -> frozenset[Form]:
    heads = {group.split(",")[0].strip(): members for group, members in zip(GROUPS, _groups(), strict=True)}
    return frozenset(f for head, members in heads.items() if head in ACTIONS for f in members)


def forms_of(form: Form) -> frozenset[Form]:
    """The form itself and every word of the synonym groups it belongs to."""
    out = {form}
    for group in _groups():
        if form in group:
            out |= group
    return frozenset(out)


@dataclass(frozen=True)
class Term:
    word: str  # as the reader wrote it: "search", "sign in"
    forms: frozenset[Form]  # what counts as this term in a scenario's text
    action: bool = False  # a thing done ("add", "search"), not a thing ("notes", "cart")


@dataclass(frozen=True)
class Phrase:
    text: str  # the clause as written, trimmed
    terms: tuple[Term, ...]
    negated: bool  # "is not built yet", "skip …": reported, never focused on


def _terms(clause: str) -> tuple[Term, ...]:
    raw = words(clause)
    stemmed = [stem(w) for w in raw]
    out: list[Term] = []
    i = 0
    while i < len(raw):
        multi = next((f for f in _multi_word() if tuple(stemmed[i : i + len(f)]) == f), None)
        if multi is not None:
            out.append(Term(" ".join(raw[i : i + len(multi)]), forms_of(multi), multi in _action_forms()))
            i += len(multi)
            continue
        word = raw[i]
        i += 1
        if word in STOP_WORDS or len(word) < 3 or word.isdigit():
            continue
        form = (stemmed[i - 1],)
        out.append(Term(word, forms_of(form), form in _action_forms()))
    return tuple(out)


@cache
def _joined() -> re.Pattern[str] | None:
    """Synonyms that hold a word clauses are split on ("drag and drop"): kept in one piece."""
    members = {m.strip() for group in GROUPS for m in group.split(",")}
    split = [m for m in members if len(_CLAUSE.split(m)) > 1]
    spaced = [r"\s+".join(map(re.escape, m.split())) for m in sorted(split, key=len, reverse=True)]
    return re.compile(r"\b(?:" + "|".join(spaced) + r")\b", re.IGNORECASE) if spaced else None


def read_instruction(instruction: str | None) -> tuple[Phrase, ...]:
    """The instruction's clauses that hold at least one content word, in order."""
    text = instruction or ""
    joined = _joined()
    if joined is not None:  # "_" is a word character: no clause boundary, still two words
        text = joined.sub(lambda m: "_".join(m.group(0).split()), text)
    phrases: list[Phrase] = []
    for part in _CLAUSE.split(text):
        clause = " ".join(part.replace("_", " ").split())
        terms = _terms(clause)
        if terms:
            phrases.append(Phrase(clause, terms, bool(_NEGATED.search(clause))))
    return tuple(phrases)


def distinct_terms(phrases: tuple[Phrase, ...]) -> tuple[Term, ...]:
    """Each term once, in order; two words of one synonym group ("find", "search") are one term."""
    seen: dict[frozenset[Form], Term] = {}
    for phrase in phrases:
        for term in phrase.terms:
            seen.setdefault(term.forms, term)
    return tuple(seen.values())
