"""web_password_policy: does the registration form take a one-character password?

Only where the run may create (a test system, and a form :func:`~.points.form_allowed` lets it
submit): a fresh account named by assay is registered with the password ``a`` and recorded in the
ledger, then the sign-in form is tried with it. Judged by
:func:`assay.oracles.weak_password_policy.judge_password_policy`.
"""

from __future__ import annotations

from assay.agents.analysis.security.attacks.common import finish
from assay.agents.analysis.security.base import FamilyReport, ProbeClient
from assay.agents.analysis.security.web import WebContext
from assay.agents.analysis.security.web.accounts import find_forms, new_name, register, sign_in_as
from assay.agents.analysis.security.web.points import form_allowed
from assay.agents.analysis.security.web.session import WebSession
from assay.oracles.base import OracleContext
from assay.oracles.weak_password_policy import WEAK_PASSWORD, WeakRegistration, judge_password_policy

VIA = "password policy check: registration form"  # not reused as the run's account: its password is weak


class PasswordPolicyFamily:
    name = "web_password_policy"

    async def run(self, ctx: WebContext) -> FamilyReport:
        client = ProbeClient(ctx.security, self.name, budget=12)
        session = WebSession(client, ctx.security.target.base_url)
        forms = await find_forms(session, ctx, ("register", "login"))
        found = forms.found.get("register")
        if found is None:
            return finish(client, [], ["no registration form found"])
        if not form_allowed(found.form, ctx):
            return finish(
                client, [], [f"the registration form on {found.page} may not be submitted on this target"]
            )
        sent = await register(session, ctx, found, WEAK_PASSWORD, new_name("assaypw"), VIA)
        if sent is None:
            return finish(client, [], ["the registration form could not be sent"])
        account, done = sent
        login = forms.found.get("login")
        worked = (
            await sign_in_as(WebSession(client, ctx.security.target.base_url), login, account)
            if login
            else None
        )
        trial = WeakRegistration(done.first, done.final, worked, found.page, account.username)
        context = OracleContext(secrets=tuple(ctx.security.auth.secrets))
        notes = [f"registered {account.username} on {found.page} with a one-character password"]
        return finish(client, judge_password_policy([trial], context), notes)
