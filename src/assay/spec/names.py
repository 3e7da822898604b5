"""Name matching for resources: ``agent_kit_id`` ~ ``/agent-kits`` ~ ``agentKitId`` ~ ``AgentKit``."""

from __future__ import annotations

import re

# Plurals no ending rule gets right (and Latin/Greek ones): plural -> singular.
_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman", "feet": "foot",
              "teeth": "tooth", "geese": "goose", "mice": "mouse", "indices": "index", "vertices": "vertex",
              "matrices": "matrix", "appendices": "appendix", "criteria": "criterion", "quizzes": "quiz",
              "crises": "crisis", "diagnoses": "diagnosis", "oases": "oasis", "synopses": "synopsis",
              "alumni": "alumnus", "cacti": "cactus", "fungi": "fungus", "radii": "radius",
              "stimuli": "stimulus", "curricula": "curriculum", "bacteria": "bacterium",
              "knives": "knife", "lives": "life", "wives": "wife", "wolves": "wolf", "halves": "half",
              "shelves": "shelf", "thieves": "thief", "loaves": "loaf", "calves": "calf",
              "heroes": "hero", "potatoes": "potato", "tomatoes": "tomato", "echoes": "echo",
              "vetoes": "veto", "torpedoes": "torpedo", "volcanoes": "volcano"}  # fmt: skip
# Singular (or uncountable) words that end in "s": kept as they are, and "<word>es" is their plural.
_SINGULAR_S = frozenset({"news", "series", "species", "alias", "canvas", "atlas", "gas", "bias", "iris",
                         "tennis", "chassis", "trellis", "metropolis", "pelvis", "mantis", "debris", "chaos",
                         "kudos", "cosmos", "ethos", "pathos", "ios", "macos", "lens", "settings", "sms",
                         "gps", "dns", "aws", "analytics", "logistics", "physics", "economics",
                         "mathematics", "politics", "ethics", "thanks", "means", "headquarters", "premises",
                         "pancreas", "saas", "paas", "iaas", "faas", "yes", "this"})  # fmt: skip
# "-us" words whose plural is "-uses" (not "house" -> "houses", "cause" -> "causes").
_US_WORDS = frozenset({"status", "bus", "bonus", "campus", "virus", "census", "focus", "chorus", "circus",
                       "genius", "nexus", "prospectus", "apparatus", "consensus", "syllabus", "surplus",
                       "plus", "minus", "lotus", "octopus", "radius", "cactus", "walrus", "abacus",
                       "terminus", "sinus", "omnibus", "minibus", "corpus", "thesaurus"})  # fmt: skip
# Plurals of words that end in "u" (an "-us" word is otherwise singular: status, bus, campus).
_U_PLURALS = frozenset({"menus", "gurus", "emus", "tofus", "haikus", "sudokus", "tutus", "skus", "cpus",
                        "gpus", "ecus"})  # fmt: skip
# "-ies" and "-ches" plurals of words that end in "ie" / "che" (not "y" / "ch").
_IE_CHE_PLURALS = frozenset({"movies", "cookies", "zombies", "selfies", "hoodies", "calories", "rookies",
                             "brownies", "goodies", "freebies", "genies", "caches", "niches", "headaches",
                             "moustaches", "avalanches", "cliches", "quiches", "psyches"})  # fmt: skip
_ES_STEMS = _SINGULAR_S | _US_WORDS  # "<stem>es" -> stem
_LAST_WORD = re.compile(r"([A-Z]?[a-z0-9]+|[A-Z0-9]+)$")
# Suffixes API frameworks glue to schema names (DatasetOut, DatasetResponse, DatasetInDB ...).
_SCHEMA_SUFFIXES = ("response", "out", "read", "public", "schema", "model", "detail", "details", "dto",
                    "in_db", "indb", "with_id", "full", "item", "result", "output")  # fmt: skip
# Version segments: v2, V1.2, v2beta1, v1alpha, and dates (2023-01-01, 2023-01): where an API
# lives, never what it is about (``/users/v2/{username}`` is about users).
_VERSION = re.compile(r"^(v\d+(\.\d+)*([a-z]+\d*)?|\d{4}-\d{2}(-\d{2})?)$", re.IGNORECASE)
# Fields that name one object as well as an id does (the path says ``/users/{username}``).
NATURAL_KEYS = ("username", "user_name", "login", "handle", "slug", "name", "title", "email",
                "ref", "reference", "code", "key", "number", "account_number", "sku")  # fmt: skip
# Path segments that are never resources themselves.
_NOT_RESOURCES = frozenset({"api", "rest", "public", "internal", "admin", "me"})


def is_version(segment: str) -> bool:
    """``v2``, ``v1.2``, ``v2beta1``, ``2023-01-01``: a version segment of a path."""
    return bool(_VERSION.match(segment))


def without_versions(parts: list[str]) -> list[str]:
    """Path segments with the version segments left out."""
    return [p for p in parts if not is_version(p)]


def is_natural_key(name: str) -> bool:
    """``username``, ``title``, ``accountNumber``, ``order_ref``: a field that names one object."""
    joined = "_".join(words(name))
    return any(joined == k or joined.endswith("_" + k) for k in NATURAL_KEYS)


def same_field(a: str, b: str) -> bool:
    """``account_number`` ~ ``accountNumber`` ~ ``account-number``."""
    return words(a) == words(b)


def words(name: str) -> list[str]:
    """Lower-case words of a snake/kebab/camel/Pascal/dotted name."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def singular(name: str) -> str:
    """``name`` with its last word in the singular: ``agent-kits`` -> ``agent-kit``,
    ``statuses`` -> ``status``, ``news`` -> ``news``; separators and the words before are kept."""
    found = _LAST_WORD.search(name)
    if found is None:
        return name
    last = found.group(1)
    one = _singular_word(last.lower())
    if last.isupper() and len(last) > 1:
        one = one.upper()
    elif last[0].isupper():
        one = one.capitalize()
    return name[: found.start()] + one


def _is_singular(word: str) -> bool:
    """True for a lower-case word that ends in "s" and is already singular (or uncountable)."""
    if word in _SINGULAR_S or word.endswith(("ss", "sis", "xis", "itis")):
        return word != "taxis"
    return word.endswith("us") and word not in _U_PLURALS


def _singular_word(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 2 or not word.endswith("s") or _is_singular(word):  # ws, js, os: abbreviations
        return word
    if word in _IE_CHE_PLURALS:
        return word[:-1]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("yses", "theses")):  # analyses, hypotheses
        return word[:-2] + "is"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")) or word[:-2] in _ES_STEMS:
        return word[:-2]  # addresses, boxes, matches, wishes, buzzes; statuses, buses, aliases
    return word[:-1]


def resource_key(name: str) -> str:
    """The canonical resource name: words joined by ``_``, last word singular (``agent_kit``)."""
    parts = words(name)
    if not parts:
        return ""
    parts[-1] = singular(parts[-1])
    return "_".join(parts)


def id_field_resource(field: str) -> str | None:
    """``dataset`` for ``dataset_id``/``datasetId``/``dataset-uuid``; None when not an id field."""
    parts = words(field)
    if len(parts) < 2 or parts[-1] not in {"id", "uuid", "pk"}:
        return None
    return resource_key("_".join(parts[:-1]))


def id_list_resource(field: str) -> str | None:
    """``dataset`` for ``dataset_ids``/``datasetIds``; None otherwise."""
    parts = words(field)
    if len(parts) < 2 or parts[-1] not in {"ids", "uuids"}:
        return None
    return resource_key("_".join(parts[:-1]))


def schema_resource(schema_name: str) -> str:
    """``dataset`` for ``Dataset``, ``DatasetOut``, ``DatasetResponse``, ``dataset_read``."""
    parts = words(schema_name)
    joined = "_".join(parts)
    for suffix in _SCHEMA_SUFFIXES:
        if joined.endswith("_" + suffix):
            joined = joined[: -len(suffix) - 1]
            break
    return resource_key(joined)


def static_segments(path: str) -> list[str]:
    """Path segments that name things: no ``{params}``, no ``api``/``v1`` prefixes."""
    out: list[str] = []
    for segment in path.strip("/").split("/"):
        if not segment or "{" in segment or is_version(segment):
            continue
        if segment.lower() in _NOT_RESOURCES:
            continue
        out.append(segment)
    return out


def collection_keys(path: str) -> tuple[str, ...]:
    """Resource names a collection path answers to: last segment, and prefixed by its parent.

    ``/api/v1/chat/sessions/`` -> ("session", "chat_session").
    """
    segments = without_versions(path.rstrip("/").split("/"))
    if not segments or "{" in segments[-1]:
        return ()
    statics = static_segments(path)
    if not statics or statics[-1] != segments[-1]:
        return ()
    last = resource_key(statics[-1])
    keys = [last]
    if len(statics) >= 2:
        keys.append(f"{resource_key(statics[-2]).rsplit('_', 1)[-1]}_{last}")
        keys.append(f"{'_'.join(words(statics[-2]))}_{last}")
    return tuple(dict.fromkeys(k for k in keys if k))
