"""Which actions are dangerous: the words that name destroying, resetting or leaving (pure).

One vocabulary for every channel: browser buttons, links and forms, and API operations (by
path, operationId, summary and description). Words come in the languages a page may use; when in
doubt a caller does not act. Matching is on word starts, case-insensitive, so "Delete post",
"deleteUser", "/api/reset-db" and "Supprimer" all match, while "undeleted" or "presets" do not.
"""

from __future__ import annotations

import re

# Destroying or overwriting what exists.
_DESTROY = (
    # English
    "delete", "remove", "destroy", "drop", "purge", "wipe", "truncate", "erase", "discard",
    "clear", "flush", "revoke", "deactivate", "ban", "cancel account",
    "close account", "unsubscribe", "empty trash",
    # French, Spanish, Portuguese, Italian, German, Dutch
    "supprimer", "effacer", "vider", "eliminar", "borrar", "excluir", "apagar", "remover",
    "elimina", "cancella", "rimuovi", "löschen", "loeschen", "entfernen", "verwijderen", "wissen",
    # Russian, Polish, Turkish, Chinese, Japanese, Korean
    "удалить", "очистить", "usuń", "usun", "sil", "删除", "刪除", "清空", "移除", "削除", "삭제",
)  # fmt: skip
# Putting the whole application (or a whole table) back to a start state.
_RESET = (
    "reset", "reinit", "re-init", "initialize", "initialise", "init", "seed", "reseed",
    "createdb", "create_db", "create-db", "recreate", "re-create", "rebuild", "restore",
    "dropdb", "drop_db", "drop-db", "resetdb", "factory reset",
    "migrate", "rollback", "populate", "bootstrap db", "setup db", "setupdb", "load fixtures",
    "réinitialiser", "reinitialiser", "restablecer", "reiniciar", "zurücksetzen", "zuruecksetzen",
    "ripristina", "重置", "リセット",
)  # fmt: skip
# Stopping, pausing or restarting the application or its work (an admin page's "Restart",
# pyLoad's GET /api/stop_all_downloads).
_HALT = (
    "shutdown", "shut down", "restart", "reboot", "kill", "halt", "poweroff", "power off", "quit",
    "stop", "pause", "unpause", "suspend",
)  # fmt: skip
# Ending the session assay works in.
_LEAVE = ("logout", "log out", "log-out", "signout", "sign out", "sign-out", "logoff", "log off")


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # A word start: the text start, a non-letter, or a lower→upper camelCase step ("deleteUser",
    # "userDelete"); separators inside phrases may be space, "-", "_" or nothing.
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"[\s_-]?") for w in sorted(words, key=len)[::-1])
    # The word start is case-sensitive (camelCase); the words themselves are not.
    return re.compile(rf"(?:^|(?<=[^A-Za-z])|(?<=[a-z])(?=[A-Z]))(?i:{alternatives})")


DESTROY = _pattern(_DESTROY)
RESET = _pattern(_RESET)
LEAVE = _pattern(_LEAVE)
HALT = _pattern(_HALT)
# "Reset password" asks for a new password (one account), not for the application's start state;
# so does checking the reset PIN, code or OTP that was sent for it ("/auth/reset-pin/verify").
_PASSWORD_RESET = re.compile(
    r"(?:reset|forgot|recover)[\W_]*(?:your[\W_]*|my[\W_]*)?(?:password|pin|code|otp|passcode)"
    r"|(?:password|pin|otp|passcode)[\W_]*(?:reset|recovery)",
    re.I,
)
# A lone English "init"/"seed"/"ban" inside a longer word is not meant; the word must end too.
_WORD_END = re.compile(r"(?=$|[^a-z])", re.IGNORECASE)


# Past tense and agent nouns describe, they do not command: "restored", "destroyed", "initializer".
_INFLECTED = re.compile(r"(?:e?d|e?rs?)(?=$|[^a-z])", re.IGNORECASE)


def _hits(pattern: re.Pattern[str], text: str) -> bool:
    for match in pattern.finditer(text):
        word = match.group(0)
        end = match.end()
        if word.isascii() and word[-1:].isalpha() and _INFLECTED.match(text, end):
            continue
        if not word.isascii() or len(word) > 6 or _WORD_END.match(text, end) or _camel_end(text, end):
            return True
    return False


def _camel_end(text: str, end: int) -> bool:
    return end < len(text) and text[end].isupper() and text[end - 1].islower()


def is_destructive(*texts: str) -> bool:
    """True when any text names deleting, overwriting what exists, or resetting state."""
    return any(_hits(DESTROY, t) or _hits(RESET, t) for t in texts if t)


def names_destruction(*texts: str) -> bool:
    """True when any text names deleting or wiping (the destroy words only, no reset words)."""
    return any(_hits(DESTROY, t) for t in texts if t)


def is_reset(*texts: str) -> bool:
    """True when any text names putting the application back to a start state (reset, seed, init…)."""
    return any(_hits(RESET, _PASSWORD_RESET.sub(" ", t)) for t in texts if t)


# Prose that says an operation wipes the data: "drops and re-creates the database", "deletes all
# records", "truncates every table". Descriptions are long, so only this narrow shape counts there.
_WIPE = re.compile(
    r"\b(?:drop|delete|truncate|wipe|clear|erase|purge|remove|reset|re-?create|re-?initiali[sz]e|empt(?:y|ie))"
    r"(?:s|es)?\b(?:\W+\w+){0,4}?\W+(?:database|db|tables?|schema|all\s+(?:data|records|rows|entries|items|objects))\b",
    re.IGNORECASE,
)


def describes_wipe(text: str) -> bool:
    """True when prose says the whole store (database, tables, all records) is wiped or re-created."""
    return bool(text) and _WIPE.search(text) is not None


def is_logout(*texts: str) -> bool:
    """True when any text names ending the session."""
    return any(_hits(LEAVE, t) for t in texts if t)


def names_halt(*texts: str) -> bool:
    """True when any text names stopping or restarting the application."""
    return any(_hits(HALT, t) for t in texts if t)


def is_dangerous(*texts: str) -> bool:
    """Destructive, resetting or ending the session: a control assay does not trigger by default."""
    return is_destructive(*texts) or is_logout(*texts)
