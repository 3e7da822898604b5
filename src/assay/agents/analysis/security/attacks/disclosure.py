"""information_disclosure: version banners, stack traces in error bodies, reachable debug paths.

The family requests the root, provokes errors with malformed JSON, and asks for a random path
and the debug paths the API does not list; :mod:`assay.oracles.information_disclosure` judges
all of its traffic (banners, traces) and the debug paths against the random one.
"""

from __future__ import annotations

from assay.agents.analysis.security.attacks.common import (
    AttackFamily,
    Outcome,
    Prober,
    base_spec,
    json_like_body,
    oracle_context,
    site_url,
)
from assay.agents.analysis.security.base import SecurityContext
from assay.domain.exchanges import Exchange, RecordedRequest
from assay.domain.operations import ApiModel
from assay.oracles.information_disclosure import (
    DEBUG_PATHS,
    DebugPath,
    judge_debug_paths,
    judge_disclosure,
)
from assay.spec.placeholders import join_url, new_unique

MALFORMED_JSON = '{"assay": '
ERROR_PROBES = 5


def listed_paths(api: ApiModel) -> set[str]:
    return {join_url("", api.base_path, op.path) for op in api.operations} | {
        op.path for op in api.operations
    }


class InformationDisclosureFamily(AttackFamily):
    name = "information_disclosure"
    budget_cap = 30

    async def attack(self, ctx: SecurityContext, prober: Prober) -> Outcome:
        await self._get(prober, "/", "root")
        await self._provoke_errors(prober)
        not_found = await self._get(prober, f"/assay-{new_unique()}", "random nonexistent path")
        listed = listed_paths(ctx.api)
        probes: list[tuple[DebugPath, Exchange]] = []
        for item in DEBUG_PATHS:
            if item.path not in listed:
                exchange = await self._get(prober, item.path, f"debug path {item.path}")
                if exchange is not None:
                    probes.append((item, exchange))
        context = oracle_context(ctx)
        findings = judge_disclosure(prober.client.exchanges, context)
        return Outcome(findings + judge_debug_paths(probes, not_found, context))

    async def _get(self, prober: Prober, path: str, action: str) -> Exchange | None:
        # Without credentials: what anyone on the network can reach.
        request = RecordedRequest("GET", site_url(prober.ctx, path))
        return await prober.send_raw(request, None, None, action)

    async def _provoke_errors(self, prober: Prober) -> None:
        """Malformed JSON to a few operations with a body: a debug-mode server shows its trace."""
        ops = [op for op in prober.ctx.api.operations if op.request_body and json_like_body(op)]
        for op in [op for op in ops if prober.allowed(op)][:ERROR_PROBES]:
            request = prober.render(base_spec(op))
            headers = {**request.headers, "Content-Type": "application/json"}
            broken = RecordedRequest(op.method, request.url, headers, MALFORMED_JSON, True, "text/plain")
            await prober.send_raw(broken, op.key, op.path, "malformed JSON body")
