"""broken_object_authorization on reads by natural key: another user's object by title or number.

``GET /notes/{title}``, ``GET /accounts/{account_number}``: the objects already exist, so no
fixture is created. Each of two identities lists its own objects through the sibling listing
(``GET /notes``); a key value the owner's listing shows and the intruder's does not is private
to the owner, and the intruder then reads it by that key. Reads only: safe on objects assay did
not create. The judgment is ``assay.oracles.broken_object_authorization``.
"""

from __future__ import annotations

import re

from assay.agents.analysis.security.authz.common import send_as
from assay.agents.analysis.security.base import ProbeClient, SecurityContext
from assay.agents.analysis.security.identities import Identity
from assay.domain.operations import ApiModel, Operation
from assay.oracles.broken_object_authorization import KeyedReadTrial, listed_keys
from assay.spec import naming
from assay.spec.requests import request_for

# Path parameters that name an object by something other than its id.
NATURAL_KEY = re.compile(r"(title|slug|name|number|num|no|code|ref|reference|handle|account|iban)$", re.I)
MAX_ROUTES = 6


def keyed_reads(api: ApiModel) -> list[tuple[Operation, Operation, str]]:
    """(item read, its listing, the key parameter) for ``GET /things/{title}`` beside ``GET /things``."""
    found: list[tuple[Operation, Operation, str]] = []
    for op in api.operations:
        names, parts = naming.param_names(op.path), naming.segments(op.path)
        if op.method != "GET" or len(names) != 1 or not parts or not naming.is_param(parts[-1]):
            continue
        listing = api.operation(f"GET {naming.parent_path(op.path)}")
        if listing is not None and NATURAL_KEY.search(names[0]) and not names[0].lower().endswith("id"):
            found.append((op, listing, names[0]))
    return found[:MAX_ROUTES]


async def keyed_read_trials(
    client: ProbeClient, ctx: SecurityContext, peers: tuple[Identity, Identity]
) -> list[KeyedReadTrial]:
    trials: list[KeyedReadTrial] = []
    for item, listing, key in keyed_reads(ctx.api):
        for owner, intruder in (peers, peers[::-1]):  # whichever of the two has objects of its own
            trial = await _trial(client, ctx, (item, listing, key), owner, intruder)
            if trial is not None:
                trials.append(trial)
                break
    return trials


async def _trial(
    client: ProbeClient,
    ctx: SecurityContext,
    route: tuple[Operation, Operation, str],
    owner: Identity,
    intruder: Identity,
) -> KeyedReadTrial | None:
    item, listing, key = route
    mine = await send_as(client, ctx, owner, request_for(listing, {}), {}, "list own objects")
    values = listed_keys(mine, key)
    if mine is None or not values:
        return None
    theirs = await send_as(client, ctx, intruder, request_for(listing, {}), {}, "list own objects")
    private = sorted(values - listed_keys(theirs, key))
    if theirs is None or not private:
        return None  # the same objects for both: a shared or public collection
    spec = request_for(item, {key: private[0]})
    read = await send_as(client, ctx, intruder, spec, {}, f"read another user's object by {key}")
    return KeyedReadTrial(key, private[0], mine, theirs, read) if read is not None else None
