"""web_logout: is a session cookie still accepted after its user logged out?

The family signs in through the site's form (the run's credentials, else an account assay
registered), finds a page whose signed-in view an anonymous visitor does not get, and the logout
control on it (a link or a form whose words, or where it leads, say log out / sign out), logs out
through it, keeps the cookies the browser held before, and asks for the page again twice: with the
cookies the logout left (the browser's view: it must be logged out) and with the old ones.

Logging out ends only assay's own session: it runs last among the web families all the same, since
some apps end every session of the user at logout. Judged by
:func:`assay.oracles.session_management.judge_logout`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from assay.agents.analysis.security.attacks.common import finish
from assay.agents.analysis.security.base import FamilyReport, ProbeClient
from assay.agents.analysis.security.web import WebContext
from assay.agents.analysis.security.web.accounts import account_names, signed_in, telling_page
from assay.agents.analysis.security.web.session import Submitted, WebSession
from assay.domain.danger import is_logout
from assay.oracles.base import OracleContext
from assay.oracles.session_management import LogoutTrial, judge_logout
from assay.pages.html_forms import HtmlForm, parse_forms

_ANCHOR = re.compile(r"""(?is)<a\b([^>]*)>(.*?)</a\s*>""")
_HREF = re.compile(r"""(?i)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_TAG = re.compile(r"(?s)<[^>]+>")


@dataclass(frozen=True)
class LogoutControl:
    label: str  # as a finding names it: "the link Log out"
    href: str = ""  # a link's absolute URL
    form: HtmlForm | None = None


def logout_controls(markup: str, page_url: str) -> list[LogoutControl]:
    """The page's links and forms that end the session, forms first (a POST is the usual way)."""
    found: list[LogoutControl] = []
    for form in parse_forms(markup, page_url):
        if form.passwords == 0 and is_logout(form.submit, *form.attrs, urlsplit(form.action).path):
            found.append(LogoutControl(f"the form {form.submit or urlsplit(form.action).path}", form=form))
    for attrs, inner in _ANCHOR.findall(markup):
        href = _HREF.search(attrs)
        if href is None:
            continue
        url = urljoin(page_url, html.unescape(next(g for g in href.groups() if g is not None)))
        text = " ".join(html.unescape(_TAG.sub(" ", inner)).split())
        if url.startswith(("http://", "https://")) and is_logout(text, urlsplit(url).path):
            found.append(LogoutControl(f"the link {text or urlsplit(url).path}", href=url))
    return found


async def _log_out(session: WebSession, control: LogoutControl) -> Submitted | None:
    if control.form is not None:
        return await session.submit(control.form, control.form.default_values(), action="log out")
    return await session.send("GET", control.href, action="log out")


def _replayer(client: ProbeClient, base_url: str, cookies: dict[str, str]) -> WebSession:
    """A browser holding ``cookies`` (a copy: what it is sent back never changes the original)."""
    replay = WebSession(client, base_url)
    replay.cookies = dict(cookies)
    return replay


class LogoutFamily:
    name = "web_logout"

    async def run(self, ctx: WebContext) -> FamilyReport:
        client = ProbeClient(ctx.security, self.name, budget=24)
        who, why = await signed_in(ctx, client)
        if who is None:
            return finish(client, [], [f"{why}: no session to log out of"])
        telling = await telling_page(who, ctx)
        if telling is None:
            return finish(
                client, [], ["no page shows a signed-in visitor anything an anonymous one does not see"]
            )
        markup = telling.signed_in.response.text if telling.signed_in.response is not None else ""
        controls = logout_controls(markup, telling.signed_in.request.url)
        if not controls and who.session.landed is not None and who.session.landed.response is not None:
            landed = who.session.landed
            controls = logout_controls(landed.response.text if landed.response else "", landed.request.url)
        if not controls:
            return finish(client, [], [f"no logout link or form on {telling.page}"])
        session, control = who.session, controls[0]
        before = dict(session.cookies)
        secrets = (*ctx.security.auth.secrets, who.account.password, *before.values())
        done = await _log_out(session, control)
        after = await session.get(telling.page, action="the page after logging out")
        replay = await _replayer(client, ctx.security.target.base_url, before).get(
            telling.page, action="the page with the session cookie held before the logout"
        )
        notes = [f"logged out through {control.label} on {telling.page}"]
        if done is None or after is None or replay is None:
            return finish(client, [], [*notes, "the logout or the replay could not be sent"])
        trial = LogoutTrial(telling.signed_in, telling.anonymous, done.first, after, replay, control.label)
        context = OracleContext(secrets=tuple(s for s in secrets if s))
        return finish(client, judge_logout([trial], account_names(who.account), context), notes)
