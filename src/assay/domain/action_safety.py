"""Which browser actions assay may take on a target it did not build (pure).

One decision for form probes, button probes, UI scenarios and crawled links. A form is submitted
by default only when it searches (GET), signs in, or creates something new; one that destroys,
resets or ends the session, or that would change an object assay did not create (an edit form:
an object key in its URL, prefilled fields, a hidden id, a PUT/PATCH override, "Save"/"Update"),
only with ``--destructive`` or when the object is in the run's :class:`Ledger`. What cannot be told
apart is not submitted. Nothing that submits to another origin is ever submitted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urljoin, urlsplit

from assay.domain.danger import is_destructive, is_logout, names_halt
from assay.domain.json import JsonObject, as_object
from assay.domain.ledger import Ledger

Kind = Literal[
    "search", "login", "create", "click", "owned", "permitted",  # allowed
    "off_origin", "leave", "dangerous", "edit", "unclear",  # refused
]  # fmt: skip
ALLOWED_KINDS = frozenset({"search", "login", "create", "click", "owned", "permitted"})


def _words(words: Sequence[str]) -> re.Pattern[str]:
    """Whole words (or camelCase parts), any case; CJK words match anywhere (no spaces there)."""
    latin = sorted((w for w in words if not _is_cjk(w)), key=len, reverse=True)
    cjk = [w for w in words if _is_cjk(w)]
    spelled = "|".join(re.escape(w).replace(r"\ ", r"[\s_-]?") for w in latin)
    parts = [rf"(?:(?<![^\W\d_])|(?<=[a-z])(?=[A-Z]))(?i:{spelled})(?:(?![^\W\d_])|(?<=[a-z])(?=[A-Z]))"]
    if cjk:
        parts.append("|".join(re.escape(w) for w in cjk))
    return re.compile("|".join(parts))


def _is_cjk(word: str) -> bool:
    return any("\u3040" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af" for c in word)


# Making something new: a form named like this (or posting to such a path) creates.
CREATE = _words((
    "create", "add", "new", "post", "publish", "submit", "send", "register", "sign up", "signup",
    "join", "comment", "reply", "upload", "ask", "contact", "compose", "book", "subscribe",
    "créer", "creer", "ajouter", "nouveau", "nouvelle", "publier", "envoyer", "inscription",
    "crear", "añadir", "agregar", "nuevo", "nueva", "publicar", "enviar", "registrarse", "criar",
    "adicionar", "novo", "nova", "crea", "aggiungi", "nuovo", "invia", "pubblica", "erstellen",
    "anlegen", "hinzufügen", "neu", "senden", "absenden", "veröffentlichen", "registrieren",
    "aanmaken", "toevoegen", "nieuw", "verzenden", "versturen", "plaatsen", "создать", "добавить",
    "отправить", "опубликовать", "dodaj", "utwórz", "wyślij", "ekle", "oluştur", "gönder",
    "创建", "新建", "添加", "发布", "提交", "作成", "追加", "投稿", "送信", "만들기", "추가", "등록", "작성",
))  # fmt: skip
# Looking things up.
SEARCH = _words((
    "search", "filter", "find", "lookup", "look up", "rechercher", "recherche", "filtrer", "buscar",
    "filtrar", "pesquisar", "cerca", "filtra", "suchen", "suche", "filtern", "zoeken", "поиск",
    "найти", "szukaj", "ara", "搜索", "查找", "検索", "검색",
))  # fmt: skip
# Changing what exists: saving, updating, editing.
UPDATE = _words((
    "save", "update", "edit", "change", "modify", "apply", "rename", "overwrite", "replace",
    "enregistrer", "modifier", "mettre à jour", "sauvegarder", "guardar", "actualizar", "editar",
    "modificar", "salvar", "atualizar", "salva", "aggiorna", "modifica", "speichern",
    "aktualisieren", "bearbeiten", "ändern", "opslaan", "bijwerken", "wijzigen", "сохранить",
    "обновить", "изменить", "zapisz", "zaktualizuj", "kaydet", "güncelle", "保存", "更新", "编辑",
    "修改", "編集", "저장", "수정",
))  # fmt: skip
# A path segment that names one object: a number, a hash, a UUID, a long opaque token.
_KEY = re.compile(r"^(?:\d+|[0-9a-f]{8,}|[0-9a-f-]{32,36}|[A-Za-z0-9_-]*\d[A-Za-z0-9_-]{15,})$", re.I)
_HIDDEN_ID = re.compile(r"^(?:id|pk|uuid|guid|slug|key|oid)$|[_\-.\[](?:id|pk|uuid|slug)\]?$|[a-z]Id$")
_NOT_AN_ID = re.compile(r"csrf|xsrf|token|nonce|session|captcha|next|return|redirect", re.I)
_OVERRIDE_EDIT = frozenset({"PUT", "PATCH"})


@dataclass(frozen=True)
class Control:
    """A button, submit button or link as the decision sees it."""

    text: str = ""  # visible text, value or alt
    attrs: tuple[str, ...] = ()  # name, id, class, aria-label, title, value
    target: str = ""  # absolute href or formaction ("" when it has none)


@dataclass(frozen=True)
class FormFacts:
    """One form as read from the page (see :mod:`assay.pages.form_facts`)."""

    page_url: str
    action: str  # absolute URL the form submits to (the page itself when it names none)
    method: str = "get"
    override: str = ""  # a hidden _method / X-HTTP-Method-Override value, upper case
    attrs: tuple[str, ...] = ()  # the form's id, name, class, aria-label, title
    submit: Control | None = None  # the button a probe or scenario clicks
    hidden: tuple[str, ...] = ()  # names of hidden fields
    prefilled: tuple[str, ...] = ()  # names of visible text fields that already hold a value
    choices: tuple[str, ...] = ()  # the option a probe would pick in each select
    passwords: int = 0


@dataclass(frozen=True)
class ActionPolicy:
    """What this run may do: the target's origin, --destructive, and what it created."""

    origin: str
    destructive: bool = False
    ledger: Ledger = field(default_factory=Ledger, compare=False)

    @classmethod
    def for_url(cls, url: str, destructive: bool = False, ledger: Ledger | None = None) -> ActionPolicy:
        return cls(origin_of(url), destructive, ledger if ledger is not None else Ledger())


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.kind in ALLOWED_KINDS


def judge_form(form: FormFacts, policy: ActionPolicy) -> Verdict:
    """May assay fill and submit ``form`` (with sample values or a login)?"""
    target = form.submit.target if form.submit and form.submit.target else form.action
    if origin_of(target) != policy.origin:
        return Verdict("off_origin", f"it submits to another origin ({origin_of(target)})")
    texts = _form_texts(form, target)
    if is_logout(*texts):
        return Verdict("leave", "it ends the session")
    objects = (object_path(target), _path(target))  # what it acts on: never the page it sits on
    if is_destructive(*texts, *form.choices) or form.override == "DELETE" or _danger_class(texts):
        return _unless_allowed(policy, objects, "dangerous", "it names deleting or resetting")
    # One password field makes a sign-in form, unless the form holds several values already: a
    # settings page with a password among its prefilled fields edits, it does not sign in.
    if form.passwords == 1 and len(form.prefilled) <= 1:
        return Verdict("login")
    if form.method != "post" and not form.override:
        return Verdict("search")
    if _searches(texts, target) and not form.override:
        return Verdict("search")  # a search sent by POST changes nothing either
    edit = _edit_signal(form, target, texts)
    if edit:
        return _unless_allowed(policy, objects, "edit", f"it would change an existing object ({edit})")
    if _creates(texts):
        return Verdict("create")
    return _unless_allowed(policy, (), "unclear", "what it changes is unclear")


def judge_button(button: Control, page_url: str, policy: ActionPolicy) -> Verdict:
    """May assay click a standalone ``button`` on ``page_url``?"""
    texts = (button.text, *button.attrs)
    if is_logout(*texts):
        return Verdict("leave", "it ends the session")
    if is_destructive(*texts) or _danger_class(texts):
        # What a script behind the button destroys is unknown: the page being assay's is no proof.
        return _unless_allowed(policy, (), "dangerous", "it names deleting or resetting")
    return Verdict("click")


def judge_link(href: str, text: str, policy: ActionPolicy) -> Verdict:
    """May the crawl follow (GET) ``href``? Never to another origin, never one that destroys or
    ends the session: the crawl only observes, even with --destructive."""
    if origin_of(href) != policy.origin:
        return Verdict("off_origin", "it leads to another origin")
    if is_logout(text, _path(href)):
        return Verdict("leave", "it ends the session")
    if is_destructive(text, _path(href)):
        return Verdict("dangerous", "it names deleting or resetting")
    if names_halt(text, _path(href)):
        return Verdict("dangerous", "it names stopping or restarting the application")
    return Verdict("click")


def _unless_allowed(policy: ActionPolicy, objects: Sequence[str], kind: Kind, reason: str) -> Verdict:
    if any(o and policy.ledger.owns(o) for o in objects):
        return Verdict("owned", f"{reason}, but assay created it in this run")
    if policy.destructive:
        return Verdict("permitted", f"{reason} (--destructive)")
    return Verdict(kind, reason)


def _form_texts(form: FormFacts, target: str) -> tuple[str, ...]:
    submit = form.submit or Control()
    return (submit.text, *submit.attrs, *form.attrs, _path(target), form.override)


def _danger_class(texts: Sequence[str]) -> bool:
    # Bootstrap and most design systems mark destroying buttons "btn-danger" / "is-danger".
    return any(re.search(r"(?:^|[\s_-])danger(?:$|[\s_-])", t) for t in texts if t)


def _edit_signal(form: FormFacts, target: str, texts: Sequence[str]) -> str:
    """Why ``form`` looks like it changes an existing object, or ""."""
    if form.override in _OVERRIDE_EDIT:
        return f"method {form.override}"
    if form.prefilled:
        return f"prefilled {', '.join(form.prefilled[:3])}"
    for url in (target, form.page_url):
        key = _object_key(_path(url))
        if key and (url == target or _path(url) == _path(target) or _ends_with_update(url)):
            return f"{_path(url)} names object {key!r}"
    if _ends_with_update(target):
        return f"{_path(target)} updates"
    hidden = [h for h in form.hidden if _HIDDEN_ID.search(h) and not _NOT_AN_ID.search(h)]
    if hidden and not _creates(texts):
        return f"hidden {hidden[0]}"
    if UPDATE.search(" ".join(texts)) and not _creates(texts):
        return f"{(form.submit.text if form.submit else '') or 'it'} saves"
    return ""


def _searches(texts: Sequence[str], target: str) -> bool:
    joined = " ".join(texts)
    return bool(SEARCH.search(joined)) and not UPDATE.search(joined) and not _object_key(_path(target))


def _creates(texts: Sequence[str]) -> bool:
    return any(CREATE.search(t) for t in texts if t)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("?", 1)[0].split("/") if s]


def _object_key(path: str) -> str:
    """The segment naming one object, when the path acts on that object itself: the last segment
    is a key (/posts/3), or a key or slug comes right before an update verb (/post/my-slug/edit)."""
    parts = _segments(path)
    if parts and _KEY.match(parts[-1]):
        return parts[-1]
    if len(parts) >= 2 and UPDATE.fullmatch(parts[-1]) and not CREATE.fullmatch(parts[-2]):
        return parts[-2]
    return ""


def _ends_with_update(url: str) -> bool:
    parts = _segments(_path(url))
    return bool(parts) and UPDATE.fullmatch(parts[-1]) is not None


def object_path(url: str) -> str:
    """The path up to the object's key (/posts/3 for /posts/3/edit), or "": what the ledger keeps."""
    parts = _segments(_path(url))
    for i in range(len(parts) - 1, -1, -1):
        if _KEY.match(parts[i]) or (i + 1 < len(parts) and UPDATE.fullmatch(parts[i + 1])):
            return "/" + "/".join(parts[: i + 1])
    return ""


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def resolve(base: str, href: str) -> str:
    return urljoin(base, href) if href else base


def form_allowed(form: JsonObject) -> bool:
    """Whether a judged form may be submitted (a form never judged may not)."""
    return as_object(form.get("verdict")).get("allowed") is True
