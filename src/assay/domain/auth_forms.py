"""Telling a sign-in form from a registration or a password-reset form (pure).

Real pages put several of them side by side ("Log in" next to "Create an account", a "Forgot
your password?" box below): typing the user's password into the registration form creates an
account instead of signing in, and the crawl then goes on signed out. Each form is scored on
what it asks for and what it says: the password fields and their ``autocomplete`` hints
(``current-password`` signs in, ``new-password`` registers or resets), a confirmation field, name
fields and a terms box (registering), a lone e-mail field (a reset), the button's text and the
heading over the form. The highest score wins; a form that scores nothing is "other".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

FormPurpose = Literal["login", "register", "reset", "other"]

LOGIN_WORDS = re.compile(
    r"\b(?:log ?in|sign ?in|login|signin|log on|logon|anmelden|einloggen|connexion|se connecter|"
    r"iniciar sesi[oó]n|entrar|accedi|inloggen|войти|zaloguj)\b|登录|ログイン|로그인",
    re.IGNORECASE,
)
REGISTER_WORDS = re.compile(
    r"\b(?:sign ?up|signup|register|registration|create (?:an |your |new )?account|new account|"
    r"join|get started|enrol+|registrieren|konto erstellen|s'inscrire|inscription|cr[ée]er un compte|"
    r"registrarse|crear cuenta|crie sua conta|registrati|registreren|зарегистрироваться|"
    r"zarejestruj)\b|注册|登録|회원가입",
    re.IGNORECASE,
)
RESET_WORDS = re.compile(
    r"\b(?:reset|forgot(?:ten)?|recover|lost (?:your )?password|send (?:me )?(?:a |the )?(?:reset|link)|"
    r"passwort vergessen|zurücksetzen|mot de passe oublié|réinitialiser|olvid|restablecer|"
    r"recuperar|password dimenticata|wachtwoord vergeten|сбросить|восстановить)\b|重置|忘记",
    re.IGNORECASE,
)
# Fields only a registration asks for: who the person is, a second copy, agreeing to terms.
_PROFILE = re.compile(
    r"first.?name|last.?name|full.?name|given.?name|family.?name|surname|\bname\b|confirm|repeat|"
    r"again|retype|password2|password_confirmation|verify|birth|phone|terms|agree|tos\b|privacy",
    re.IGNORECASE,
)
_REMEMBER = re.compile(r"remember|stay signed|keep me", re.IGNORECASE)


@dataclass(frozen=True)
class AuthFormFacts:
    """What one form asks for and says, as read from the page (see :mod:`assay.pages.auth_forms`)."""

    passwords: int = 0  # visible password fields
    current: int = 0  # ... whose autocomplete says current-password
    fresh: int = 0  # ... whose autocomplete says new-password
    emails: int = 0  # visible e-mail fields (by type, name or autocomplete)
    texts: int = 0  # other visible text fields
    fields: tuple[str, ...] = ()  # each visible field's label, name, id, placeholder, autocomplete
    checks: tuple[str, ...] = ()  # each visible checkbox's label and name
    button: str = ""  # the submit button's text
    heading: str = ""  # the heading (or legend) the form sits under
    attrs: str = ""  # the form's id, class, name, aria-label and the path it submits to


def _said(pattern: re.Pattern[str], facts: AuthFormFacts) -> int:
    """3 when the button says it, 2 when the heading does, 1 for the form's own names."""
    if pattern.search(facts.button):
        return 3
    if pattern.search(facts.heading):
        return 2
    names = re.sub(r"(?<=[a-z])(?=[A-Z])|[_\-/.]", " ", facts.attrs)  # loginForm, sign_up, /auth/login
    return 1 if pattern.search(names) else 0


def scores(facts: AuthFormFacts) -> dict[FormPurpose, int]:
    """How strongly ``facts`` reads as each purpose."""
    profile = sum(1 for f in (*facts.fields, *facts.checks) if _PROFILE.search(f))
    login = register = reset = 0
    if facts.passwords == 1:
        login += 3
    if facts.passwords >= 2:
        register += 4  # a password and its confirmation (or old, new, confirm: a change form)
    login += 3 * min(facts.current, 1) - 2 * min(facts.fresh, 1)
    register += 2 * min(facts.fresh, 1) + min(profile, 3)
    if any(_REMEMBER.search(c) for c in facts.checks):
        login += 1
    login += 2 * _said(LOGIN_WORDS, facts)
    register += 2 * _said(REGISTER_WORDS, facts)
    reset_said = _said(RESET_WORDS, facts)
    if facts.passwords == 0:
        # A lone e-mail or user field: the first step of a reset (or of a two-step sign-in).
        if reset_said:
            reset = 2 * reset_said + (1 if facts.emails + facts.texts == 1 else 0)
        login = 0  # without a password field there is nothing to sign in with here
        register = register if register >= 4 else 0
    elif reset_said >= 2 and facts.fresh and not facts.current:
        reset = 2 * reset_said + 2  # "choose a new password" after a reset link
    if facts.current and facts.fresh:  # "current, new, confirm": changing a password
        login = register = 0
    return {"login": max(login, 0), "register": max(register, 0), "reset": reset}


def names_registration(facts: AuthFormFacts) -> bool:
    """A registration by its shape that also says so (its button, heading or names)."""
    return form_purpose(facts) == "register" and _said(REGISTER_WORDS, facts) > 0


def form_purpose(facts: AuthFormFacts) -> FormPurpose:
    """What ``facts`` is for: the purpose with the highest score ("other" when none scores).
    A tie between signing in and registering goes to registering, where typing a known password
    would do harm; one between resetting and anything goes to resetting."""
    ranked = scores(facts)
    best = max(ranked.values())
    if best <= 0:
        return "other"
    return next(p for p in _TIE_ORDER if ranked[p] == best)


_TIE_ORDER: tuple[FormPurpose, ...] = ("reset", "register", "login")
