"""web_user_enumeration: do the site's sign-in, password reset and registration forms tell an
existing account from an unknown one by what they show?

The known account is the run's (its credentials) or one assay registered; the unknown one is a
fresh name nobody has. Each form is read fresh for every attempt (its tokens are bound to the
visit) and sent from a browser of its own:

- sign-in: the unknown name and the known one, each with a wrong password, interleaved, twice;
- password reset: an unknown address and the known account's (only when it has one: the
  credentials' user name when it is an address, or the address assay registered with);
- registration, only when neither of those told, and only where the run may create: the known
  name with a fresh address. Saying the name is taken is common and low (OWASP).

What a person reads is compared (:mod:`assay.oracles.web_views`), not timings: the API family
measures those. Judged by :func:`assay.oracles.user_enumeration.judge_form_messages`.
"""

from __future__ import annotations

from collections.abc import Callable

from assay.agents.analysis.security.attacks.common import finish, refusal
from assay.agents.analysis.security.base import FamilyReport, ProbeClient
from assay.agents.analysis.security.web import WebContext
from assay.agents.analysis.security.web.accounts import (
    EMAIL_DOMAIN,
    Account,
    FoundForm,
    find_forms,
    form_kind,
    ledger_account,
    new_name,
    register,
    registration_values,
)
from assay.agents.analysis.security.web.points import form_allowed
from assay.agents.analysis.security.web.session import Submitted, WebSession, login_values
from assay.domain.exchanges import Exchange
from assay.domain.findings import Finding
from assay.domain.target import Credentials
from assay.oracles.base import OracleContext
from assay.oracles.user_enumeration import FormPurpose, judge_form_messages
from assay.pages.html_forms import HtmlForm

WRONG_PASSWORD = "assay-not-the-password-1"
Values = Callable[[HtmlForm], list[tuple[str, str]]]
ROUNDS = 2


def _reset_values(form: HtmlForm, address: str) -> list[tuple[str, str]]:
    texts = [f for f in form.text_fields() if f.kind == "text"]
    field = next((f for f in texts if "mail" in f.name.lower() or f.input_type == "email"), None)
    field = field or (texts[0] if texts else None)
    return [(k, address if field is not None and k == field.name else v) for k, v in form.default_values()]


class _Attempts:
    def __init__(self, ctx: WebContext, client: ProbeClient) -> None:
        self.ctx = ctx
        self.client = client

    async def send(
        self, found: FoundForm, kind: FormPurpose, values_for: Values, label: str
    ) -> Submitted | None:
        """The form read fresh in a new browser, then sent with ``values_for(form)``."""
        session = WebSession(self.client, self.ctx.security.target.base_url)
        _, forms = await session.forms_on(found.page)
        form = next((f for f in forms if form_kind(f) == kind), None)
        if form is None:
            return None
        return await session.submit(form, values_for(form), action=label)

    async def pairs(
        self, found: FoundForm, kind: FormPurpose, unknown: Values, known: Values
    ) -> tuple[list[Exchange], list[Exchange], Exchange | None]:
        seen_unknown: list[Exchange] = []
        seen_known: list[Exchange] = []
        first: Exchange | None = None
        for _ in range(ROUNDS):
            a = await self.send(found, kind, unknown, f"{kind} form: an unknown account")
            b = await self.send(found, kind, known, f"{kind} form: the known account")
            if a is None or b is None:
                break
            seen_unknown.append(a.final)
            seen_known.append(b.final)
            first = first or b.first
        return seen_unknown, seen_known, first


class WebEnumerationFamily:
    name = "web_user_enumeration"

    async def run(self, ctx: WebContext) -> FamilyReport:
        reason = refusal(ctx.security)
        if reason:
            return FamilyReport(self.name, notes=[reason])
        client = ProbeClient(ctx.security, self.name, budget=30)
        session = WebSession(client, ctx.security.target.base_url)
        forms = await find_forms(session, ctx, ("login", "reset", "register"))
        account, notes = await _known_account(ctx, session, forms.found.get("register"))
        if account is None:
            return finish(client, [], [*notes, "no known account to compare an unknown one with"])
        names = (account.username, account.email, *ctx.security.target.ledger.keys("account"))
        unknown_name = new_name("assaynobody")
        attempts = _Attempts(ctx, client)
        context = OracleContext(secrets=tuple(s for s in (*ctx.security.auth.secrets, account.password) if s))
        findings: list[Finding] = []
        login = forms.found.get("login")
        if login is not None:

            def as_unknown(form: HtmlForm) -> list[tuple[str, str]]:
                return login_values(form, Credentials(unknown_name, WRONG_PASSWORD))

            def as_known(form: HtmlForm) -> list[tuple[str, str]]:
                return login_values(form, Credentials(account.login_for(form).username, WRONG_PASSWORD))

            a, b, sent = await attempts.pairs(login, "login", as_unknown, as_known)
            findings += judge_form_messages("login", a, b, (*names, unknown_name), context, sent)
        reset = forms.found.get("reset")
        address = account.email or (account.username if "@" in account.username else "")
        if reset is not None and address:
            nobody = f"{unknown_name}@{EMAIL_DOMAIN}"
            a, b, sent = await attempts.pairs(
                reset, "reset", lambda f: _reset_values(f, nobody), lambda f: _reset_values(f, address)
            )
            findings += judge_form_messages("reset", a, b, (*names, nobody, unknown_name), context, sent)
        elif reset is not None:
            notes.append("the known account has no e-mail address: the reset form was not compared")
        registration = forms.found.get("register")
        if not findings and registration is not None and form_allowed(registration.form, ctx):
            findings += await _registration(ctx, attempts, registration, account, names, context)
        notes.append(
            "compared: "
            + (
                ", ".join(k for k in ("login", "reset", "register") if k in forms.found)
                or "no account form found"
            )
        )
        return finish(client, findings, notes)


async def _known_account(
    ctx: WebContext, session: WebSession, registration: FoundForm | None
) -> tuple[Account | None, list[str]]:
    creds = ctx.credentials
    if creds is not None and creds.username:
        mail = creds.username if "@" in creds.username else ""
        return Account(creds.username, creds.password, mail), []
    found = ledger_account(ctx)
    if found is not None or registration is None:
        return found, []
    made = await register(session, ctx, registration, ctx.security.target.ledger.password)
    if made is None:
        return None, ["no credentials, and the registration form may not be submitted on this target"]
    return made[0], [f"registered an account through {registration.page} to compare with"]


async def _registration(
    ctx: WebContext,
    attempts: _Attempts,
    found: FoundForm,
    account: Account,
    names: tuple[str, ...],
    context: OracleContext,
) -> list[Finding]:
    """The known name registered again, with a fresh address; a duplicate the app made is recorded."""
    fresh = f"{new_name()}@{EMAIL_DOMAIN}"
    password = ctx.security.target.ledger.password
    done = await attempts.send(
        found,
        "register",
        lambda f: registration_values(f, account.username, fresh, password),
        "register the known name",
    )
    if done is None:
        return []
    findings = judge_form_messages("register", [], [done.final], (*names, fresh), context, done.first)
    if not findings:  # not refused as taken: the app may have made a second account of that name
        ctx.security.target.ledger.record(
            "account", f"{account.username} (again, {fresh})", f"enumeration check on {found.page}"
        )
    return findings
