"""web_session_secret: session cookies signed with a framework default or a well-known weak key.

The family signs in through the site's form, reads the cookies the session holds, and for each one
written in a framework's signed format (:mod:`.signed_cookies`: Flask, Django signed cookies,
Express cookie-session) recomputes its signature offline with each candidate key. For a key that
matches, it proves the key is the app's: the same session with one harmless key added
(``_assay``), freshly timestamped and signed with it, is sent to a page whose signed-in view an
anonymous visitor does not get, beside the genuine cookie with its signature broken (the app must
refuse that one, or it checks no signature at all). Nothing else changes: the forged session names
the same user.

An express-session ``connect.sid`` (``s:<id>.<signature>``) signs only an id the server keeps: its
key, found, is noted, as nothing can be forged with it. Judged by
:func:`assay.oracles.weak_session_secret.judge_session_secret`.
"""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

from assay.agents.analysis.security.attacks.common import finish
from assay.agents.analysis.security.base import FamilyReport, ProbeClient
from assay.agents.analysis.security.web import WebContext
from assay.agents.analysis.security.web import signed_cookies as codec
from assay.agents.analysis.security.web.accounts import SignedIn, account_names, signed_in, telling_page
from assay.agents.analysis.security.web.points import mark_for
from assay.agents.analysis.security.web.session import WebSession
from assay.oracles.base import OracleContext
from assay.oracles.weak_session_secret import CookieForgery, judge_session_secret

MAX_COOKIES = 3


def express_sid(jar: dict[str, str]) -> str:
    """The name of an express-session cookie in ``jar`` ('' when none)."""
    return next((k for k, v in jar.items() if unquote(v).startswith("s:") and unquote(v).count(".") >= 1), "")


class SessionSecretFamily:
    name = "web_session_secret"

    async def run(self, ctx: WebContext) -> FamilyReport:
        client = ProbeClient(ctx.security, self.name, budget=20)
        who, why = await signed_in(ctx, client)
        if who is None:
            return finish(client, [], [f"{why}: no session cookie to read"])
        jar = dict(who.session.cookies)
        cookies = codec.read_cookies(jar)[:MAX_COOKIES]
        if not cookies:
            sid = express_sid(jar)
            extra = f" ({sid} is an express-session id: it signs an id only)" if sid else ""
            return finish(client, [], [f"no session cookie in a framework's signed format{extra}"])
        cracked: list[tuple[codec.SignedCookie, bytes]] = []
        for cookie in cookies:
            key = await asyncio.to_thread(codec.crack, cookie)  # ~0.3 s of HMACs: off the event loop
            if key is not None:
                cracked.append((cookie, key))
        shown = ", ".join(f"{c.name} ({c.framework})" for c in cookies)
        if not cracked:
            return finish(
                client,
                [],
                [f"signed session cookies {shown}: no key in {len(codec.candidates()):,} candidates"],
            )
        secrets = (
            *ctx.security.auth.secrets,
            who.account.password,
            *jar.values(),
            *(k.decode("latin-1") for _, k in cracked),
        )
        trials = await _forge(ctx, who, cracked)
        notes = [
            f"signed session cookies {shown}: the key of "
            f"{', '.join(c.name for c, _ in cracked)} found offline"
        ]
        if trials is None:
            notes.append("no page tells a signed-in visitor from an anonymous one: the key was not proven")
            trials = []
        context = OracleContext(secrets=tuple(s for s in secrets if s))
        return finish(client, judge_session_secret(trials, account_names(who.account), context), notes)


async def _forge(
    ctx: WebContext, who: SignedIn, cracked: list[tuple[codec.SignedCookie, bytes]]
) -> list[CookieForgery] | None:
    telling = await telling_page(who, ctx)
    if telling is None:
        return None
    base, client = ctx.security.target.base_url, who.session.client
    trials: list[CookieForgery] = []
    for cookie, key in cracked:
        extra = {"_assay": mark_for("session-secret", cookie.name)}
        forged = codec.forged(cookie, key, extra)
        if not forged:
            continue
        sent = await _with_cookies(client, base, {**who.session.cookies, **forged}).get(
            telling.page, action=f"the page with a {cookie.framework} session signed by assay"
        )
        broken = await _with_cookies(client, base, {**who.session.cookies, **codec.tampered(cookie)}).get(
            telling.page, action="the page with the genuine session, its signature broken"
        )
        if sent is not None:
            default = key in codec.DEFAULT_SECRETS
            trials.append(
                CookieForgery(
                    cookie.name, cookie.framework, default, telling.signed_in, telling.anonymous, sent, broken
                )
            )
    return trials


def _with_cookies(client: ProbeClient, base_url: str, cookies: dict[str, str]) -> WebSession:
    session = WebSession(client, base_url)
    session.cookies = dict(cookies)
    return session
