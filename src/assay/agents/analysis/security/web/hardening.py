"""web_hardening: the response headers of the crawled pages and the cookies the site sets, signed
in when a login was given (the session cookie is set by the sign-in answer).

Judged by :func:`assay.oracles.security_headers.judge_security_headers` and
:func:`assay.oracles.cookie_flags.judge_cookie_flags`. Nothing here changes state: a page read per
route and, with credentials, one sign-in.
"""

from __future__ import annotations

from assay.agents.analysis.security.attacks.common import finish
from assay.agents.analysis.security.base import FamilyReport, ProbeClient
from assay.agents.analysis.security.web import WebContext
from assay.agents.analysis.security.web.reflection import open_session
from assay.oracles.base import OracleContext
from assay.oracles.cookie_flags import CookieSet, cookies_of, judge_cookie_flags
from assay.oracles.security_headers import judge_security_headers


class HardeningFamily:
    name = "web_hardening"

    async def run(self, ctx: WebContext) -> FamilyReport:
        client = ProbeClient(ctx.security, self.name, budget=30)
        session = await open_session(ctx, client)
        signed_in = {id(e) for e in client.exchanges if "sign in" in e.action}
        for page in ctx.pages:
            if client.exhausted:
                break
            await session.get(page, action="read the page's headers")
        cookies: list[CookieSet] = []
        for exchange in client.exchanges:
            cookies.extend(cookies_of(exchange, at_sign_in=id(exchange) in signed_in))
        context = OracleContext(secrets=tuple(ctx.security.auth.secrets))
        findings = [
            *judge_security_headers(client.exchanges, context),
            *judge_cookie_flags(cookies, context),
        ]
        return finish(client, findings)
