"""The oracles of the affordance scenarios, on what a page showed (pure, standard library only).

Each check compares the visible items (``{"title", "text"}`` as ``affordance_script.ITEMS``
reads them) or count texts before and after an action, and returns None when the behaviour
held, else one sentence saying what the user saw instead. assay's executor and the generated
Playwright suite (which gets a verbatim copy of this file) judge with the same code.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

Item = Mapping[str, str]
_WORD = re.compile(r"[^\W\d_]{4,}")
_MONEY = re.compile(r"[$€£¥₹]\s?(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*\.\d+)")
_INTEGER = re.compile(r"-?\d+")
NONSENSE = "zqxjvw"  # no word of any language holds it: a search for it should find nothing
ASCENDING = re.compile(
    r"(?i)low(est)? to high|\ba ?[-–→] ?z\b|\basc|cheap|oldest|smallest|fewest|least"
    r"|\b(name|title|alphabetical)"
)
DESCENDING = re.compile(
    r"(?i)high(est)? to low|\bz ?[-–→] ?a\b|\bdesc|expensive|newest|latest|largest|most|biggest|recent"
)
BY_NUMBER = re.compile(
    r"(?i)price|cost|amount|cheap|expensive|rating|score|stars|votes|size|number|count|quantity"
)
BY_TEXT = re.compile(r"(?i)name|title|alphabetical|\ba ?[-–→] ?z\b|\bz ?[-–→] ?a\b")


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _titles(items: Sequence[Item]) -> list[str]:
    return [_fold(i.get("title", "")) for i in items]


def _has(item: Item, needle: str) -> bool:
    folded = _fold(needle)
    return folded in _fold(item.get("text", "")) or folded in _fold(item.get("title", ""))


# What a list says when it has nothing to show: "No search result", "Nothing found", "0 results".
EMPTY_STATE = re.compile(
    r"(?i)\bno (search )?(results?|matches|items?|entries|records|data|tiddlers)\b|nothing (found|matched)"
    r"|\bnot found\b|^\s*0 (results|items|matches)|\bno \w+ found\b|\bempty\b"
)


def search_term(titles: Sequence[str]) -> str | None:
    """A word of one item's title that few other titles hold: searching it must find that item."""
    terms = search_terms(titles, 1)
    return terms[0] if terms else None


def search_terms(titles: Sequence[str], wanted: int) -> list[str]:
    """Up to ``wanted`` such words, from different titles, rarest first."""
    found: list[str] = []
    counts: Counter[str] = Counter()
    words_of: list[set[str]] = []
    for title in titles:
        words = {w.casefold() for w in _WORD.findall(title)}
        words_of.append(words)
        counts.update(words)
    for words in words_of:
        rare = sorted(
            (w for w in words if counts[w] * 2 < max(2, len(titles))), key=lambda w: (counts[w], -len(w))
        )
        if rare and rare[0] not in found:
            found.append(rare[0])
        if len(found) >= wanted:
            break
    return found


def sort_order(label: str) -> tuple[str, str] | None:
    """(``asc``/``desc``, ``number``/``text``) the option ``label`` promises, None when unsure."""
    if ASCENDING.search(label) and not DESCENDING.search(label.replace("lowest", "")):
        direction = "asc"
    elif DESCENDING.search(label):
        direction = "desc"
    else:
        return None
    if BY_NUMBER.search(label):
        return direction, "number"
    if BY_TEXT.search(label):
        return direction, "text"
    return None


def _number(item: Item) -> float | None:
    text = item.get("text", "")
    money = _MONEY.search(text)
    raw = (money.group(1) or money.group(2)) if money else None
    if raw is None:
        whole = _INTEGER.search(text)
        raw = whole.group(0) if whole else None
    return float(raw.replace(",", "")) if raw else None


def check_items(op: str, arg: str, before: Sequence[Item] | None, after: Sequence[Item]) -> str | None:
    """Does the list ``after`` the action show what ``op`` expects? None when it does."""
    shown = len(after)
    if op == "match":
        strays = [i.get("title", "") for i in after if not _has(i, arg)]
        if not after:
            return f"searching {arg!r} showed no item, though an item holding it was listed"
        if strays:
            return (
                f"searching {arg!r} showed {len(strays)} of {shown} items that do not hold it: {strays[:3]}"
            )
        return None
    if op == "some":
        return None if after else f"searching {arg!r} lists nothing, though the page shows that word"
    if op == "none":
        return None if not after else f"{shown} items are still shown: {_titles(after)[:3]}"
    if op == "contains":
        return (
            None if any(_has(i, arg) for i in after) else f"no item holding {arg!r} is shown ({shown} items)"
        )
    if op == "lacks":
        found = [i.get("title", "") for i in after if _has(i, arg)]
        return None if not found else f"an item holding {arg!r} is shown: {found[:2]}"
    if op == "sorted":
        return _sorted(arg, after)
    if before is None:
        return "nothing was remembered to compare with"
    if op == "same":
        return None if shown == len(before) else f"the list went from {len(before)} to {shown} items"
    if op == "grew":
        return None if shown > len(before) else f"the list still has {shown} items (had {len(before)})"
    if op == "restored":
        same = Counter(_titles(after)) == Counter(_titles(before))
        return None if same else f"the list shows {shown} items, not the {len(before)} it showed first"
    if op == "changed":
        return None if _titles(after) != _titles(before) else "the list shows the same items"
    if op == "subset":
        extra = Counter(_titles(after)) - Counter(_titles(before))
        return None if not extra else f"items that were not listed before appeared: {list(extra)[:3]}"
    if op == "label":
        return _label(arg, before, after)
    return f"unknown check {op}"


def _label(label: str, before: Sequence[Item], after: Sequence[Item]) -> str | None:
    """Choosing the option ``label`` shows the items that say ``label``, all of them, and no other."""
    strays = [i.get("title", "") for i in after if not _has(i, label)]
    if strays:
        return f"choosing {label!r} shows {len(strays)} items that are not {label!r}: {strays[:3]}"
    wanted = [i for i in before if _has(i, label)]
    if len(after) < len(wanted):
        return f"choosing {label!r} shows {len(after)} items, but {len(wanted)} listed items are {label!r}"
    return None


def _sorted(spec: str, after: Sequence[Item]) -> str | None:
    direction, key = [*spec.split(":"), "asc", "text"][:2]
    if key == "number":
        values = [_number(i) for i in after]
        keys: list[float | str] = [v for v in values if v is not None]
        if len(keys) != len(after):
            return None  # not every item shows a number: the order cannot be judged
    else:
        keys = [re.sub(r"[\W_]+", " ", t).strip() for t in _titles(after)]
    wanted = sorted(keys, reverse=direction == "desc")
    if keys == wanted:
        return None
    at = next(i for i, (a, b) in enumerate(zip(keys, wanted, strict=True)) if a != b)
    shown = [i.get("title", "") for i in after]
    order = "ascending" if direction == "asc" else "descending"
    return f"the items are not in {order} {key} order: {shown[max(0, at - 1) : at + 2]} (item {at + 1})"


def check_counts(expected: int, before: Mapping[str, str], after: Mapping[str, str]) -> str | None:
    """After one action that should move a count by ``expected`` (0: by one, either way), did some
    count move by exactly that?

    ``before``/``after`` map each count-like text's element to its text ("Cart (2)"). A count that
    moved by another amount in the same direction (two for one click) is a fault; so is none moving.
    """
    moved: list[tuple[str, str, int]] = []
    for key, old in before.items():
        new = after.get(key)
        if new is None or new == old:
            continue
        old_numbers, new_numbers = _INTEGER.findall(old), _INTEGER.findall(new)
        if len(old_numbers) != len(new_numbers):
            continue
        for a, b in zip(old_numbers, new_numbers, strict=True):
            if a != b:
                moved.append((old, new, int(b) - int(a)))
    if not moved:
        return "no count on the page changed"
    if any(delta == expected or (expected == 0 and abs(delta) == 1) for _, _, delta in moved):
        return None  # 0: one either way (ticking an item off moves "3 items left" or "1 done")
    same_way = [(o, n, d) for o, n, d in moved if d * expected > 0]
    if same_way:
        old, new, delta = same_way[0]
        return f"{old!r} became {new!r}: {delta:+d}, not {expected:+d}, for one action"
    old, new, delta = moved[0]
    return f"{old!r} became {new!r}: {delta:+d}, where {expected:+d} was expected"


def same_place(a: str, b: str) -> bool:
    """Two addresses of one view: a router's ``#/`` and a trailing slash make no difference."""

    def plain(url: str) -> str:
        return re.sub(r"#/?$", "", url).rstrip("/")

    return plain(a) == plain(b)


def similar(a: str, b: str) -> float:
    """How alike two views' texts are (their words, numbers aside): 1.0 for the same words.

    A view that shows the time, a counter or a chart's labels differs a little between two
    renderings of the same page; another page shares little more than the navigation.
    """
    words_a, words_b = (set(_WORD.findall(t.casefold())) for t in (a, b))
    if not words_a and not words_b:
        return 1.0
    return len(words_a & words_b) / len(words_a | words_b)


SAME_VIEW = 0.85


def view_problem(spec: str, before: tuple[str, str] | None, now: tuple[str, str]) -> str | None:
    """Is the view what ``spec`` says: at ``url:<path>``, ``changed`` from or ``restored`` to ``before``?"""
    path, text = now
    if spec.startswith("url:"):
        wanted = spec[4:]
        return None if same_place(path, wanted) else f"the page is {path}, not {wanted}"
    if not text.strip():
        return f"the page {path} shows nothing"
    if before is None:
        return "nothing was remembered to compare with"
    if spec == "changed":
        moved = not same_place(path, before[0]) or similar(text, before[1]) < 1.0
        return None if moved else "the view did not change"
    if not same_place(path, before[0]):
        return f"the page is {path}, not {before[0]}"
    if similar(text, before[1]) >= SAME_VIEW:
        return None
    return f"{path} shows another view than before: {_first_difference(before[1], text)}"


def not_found_problem(path: str, text: str, absent: str, missing: str) -> str | None:
    """A page the app renders like ``absent`` (a path that cannot exist) is its not-found view."""
    plain = text.replace(path, "").replace(path.rsplit("/", 1)[-1] or path, "")
    if similar(plain, missing.replace(absent, "").replace(absent.rsplit("/", 1)[-1], "")) >= SAME_VIEW:
        return f"{path} shows the app's not-found view, as {absent} does"
    return None


def _first_difference(old: str, new: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    return repr(new[max(0, at - 30) : at + 50])
