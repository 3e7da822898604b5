"""open_redirect: GET query parameters named like a redirect target (``next``, ``return_to``,
``redirect_uri``...) are given URLs on a canary host, written the ways weak same-site checks let
through (``//host``, ``https:///host``, ``/\\host``, ``https:host``).

The transport never follows redirects, so the canary host (``.invalid``: it resolves nowhere) is
never contacted; the answer's ``Location`` is the evidence. A request that left the site is sent
once more, so the finding is reproduced. An operation whose own documentation says it redirects
to the given URL (httpbin's ``/redirect-to``) does so by contract: it is noted, not probed.

The judgment is :func:`assay.oracles.open_redirect.judge_open_redirect`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    Slot,
    is_free_string,
    oracle_context,
    slots,
    with_value,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange
from assay.domain.operations import Operation
from assay.oracles.open_redirect import RedirectTrial, judge_open_redirect, leaves_site

CANARY = "assay-redirect.invalid"
# Off-site URLs as a weak check sees them: absolute, protocol-relative, an empty authority
# (CVE-2023-39968), a backslash browsers read as a slash, and a scheme without slashes.
PAYLOADS = (
    f"https://{CANARY}/",
    f"//{CANARY}/",
    f"https:///{CANARY}/",
    f"/\\{CANARY}/",
    f"https:{CANARY}/",
)
# Names that say "where to go next" (strong), then names that often do (weak): strong ones first.
STRONG = frozenset(
    {
        "next",
        "nexturl",
        "redirect",
        "redirecturi",
        "redirecturl",
        "redirectto",
        "redir",
        "return",
        "returnto",
        "returnurl",
        "continue",
        "dest",
        "destination",
        "goto",
        "successurl",
        "callbackurl",
    }
)
WEAK = frozenset({"url", "target", "r", "u", "to", "forward"})
MAX_SLOTS = 4
# Sends one payload (the value, the action's label); None when the budget or safety stopped it.
Sender = Callable[[str, str], Awaitable[Exchange | None]]
DOCUMENTED = re.compile(
    r"(?i)\bredirects?\s+(?:the\s+client\s+|you\s+)?to\s+(?:the\s+|a\s+|an\s+)?"
    r"(?:given|specified|provided|supplied|requested|arbitrary|any)\b"
)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def names_redirect(name: str) -> bool:
    """A parameter named like where to go next (``next``, ``return_to``, ``url``...)."""
    return _norm(name) in STRONG | WEAK


def strongly_names_redirect(name: str) -> bool:
    """A name that says "where to go next" outright (``next``, ``redirect_uri``), not ``url``."""
    return _norm(name) in STRONG


def redirect_slots(op: Operation) -> list[Slot]:
    """The query parameters of a GET that name where to go, strong names first."""
    if op.method != "GET":
        return []
    found = [s for s in slots(op) if s.location == "query" and is_free_string(s.schema)]
    found = [s for s in found if names_redirect(s.name)]
    return sorted(found, key=lambda s: not strongly_names_redirect(s.name))


def documented_redirector(op: Operation) -> bool:
    """The operation says it redirects to the URL it is given: that is its contract, no fault."""
    return bool(DOCUMENTED.search(f"{op.summary} {op.description}"))


class OpenRedirectFamily(AttackFamily):
    name = "open_redirect"
    budget_cap = 20

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        trials: list[RedirectTrial] = []
        notes: list[str] = []
        chosen: list[tuple[Operation, Slot]] = []
        for op in ctx.api.operations:
            found = redirect_slots(op)
            if found and documented_redirector(op):
                notes.append(f"{op.key} is documented to redirect to the URL it is given: not probed")
            elif found and prober.allowed(op):
                chosen += [(op, s) for s in found]
        for op, slot in sorted(chosen, key=lambda c: not strongly_names_redirect(c[1].name))[:MAX_SLOTS]:
            if not await _probe(prober, op, slot, trials):
                break
        findings = judge_open_redirect(trials, oracle_context(ctx))
        return Outcome(
            findings, [*notes, f"{len(trials)} redirect payload(s) sent to {len(chosen)} parameter(s)"]
        )


async def _probe(prober: Prober, op: Operation, slot: Slot, trials: list[RedirectTrial]) -> bool:
    """Send the payloads to one parameter of ``op``; False when the budget ran out."""
    spec = await prober.baseline_spec(op)

    async def send(payload: str, action: str) -> Exchange | None:
        return await prober.send(with_value(spec, slot, payload), action)

    return await send_payloads(send, slot.label, trials)


async def send_payloads(send: Sender, slot: str, trials: list[RedirectTrial]) -> bool:
    """Send the payloads to one parameter until one leaves the site, then that one once more (the
    finding is reproduced); False when the budget ran out. ``slot`` is ``"query next"``."""
    for payload in PAYLOADS:
        for attempt in ("", " (again)"):
            exchange = await send(payload, f"off-site {slot}{attempt}")
            if exchange is None:
                return False
            trial = RedirectTrial(exchange, slot, payload, CANARY)
            trials.append(trial)
            if not leaves_site(trial):
                break
        else:
            return True  # left the site twice: this parameter is proven, the next one may be
    return True
