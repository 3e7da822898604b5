"""The generated test for forged tokens (broken_authentication), forged at run time.

The suite signs in as its own user, takes the JWT its ``auth_headers`` carry and forges from it
what the finding showed the server accepts: ``alg: none`` (in the spelling that got through) and
changed claims under the old signature. Nothing forged is written into the file, so the test
stays true whoever runs it and whenever. A token re-signed with a cracked weak key is not
re-created: the key is a secret assay never writes into a file.
"""

from __future__ import annotations

from assay.agents.evolution.api_suite.pysource import py_str
from assay.agents.evolution.api_suite.suite_security_checks import Built, Needs, call, object_request

TOKEN_HELPERS = {
    "forged_headers": '''\
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(part: str) -> dict[str, Any]:
    decoded = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded if isinstance(decoded, dict) else {}


def forged_headers(headers: dict[str, str], forgery: str) -> dict[str, str] | None:
    """``headers`` with their JWT swapped for a forgery a correct server refuses; None: no JWT."""
    for name, value in headers.items():
        scheme, _, rest = value.partition(" ")
        parts = (rest or value).split(".")
        if len(parts) != 3:
            continue
        header, claims = _claims(parts[0]), {**_claims(parts[1]), "assay_tampered": True}
        if forgery.startswith("alg "):
            header, signature = {**header, "alg": forgery[4:]}, ""
        else:  # changed claims under the old signature
            signature = parts[2]
        encoded = [_b64(json.dumps(part).encode()) for part in (header, claims)]
        token = ".".join([*encoded, signature])
        return {**headers, name: f"{scheme} {token}" if rest else token}
    return None''',
}

RECREATABLE = ("alg ", "changed claims, old signature")


def broken_authentication(n: Needs) -> Built | str:
    forgeries = n.finding.evidence.get("forgeries")
    labels = [f for f in forgeries if isinstance(f, str)] if isinstance(forgeries, list) else []
    chosen = [label for label in labels if label.startswith(RECREATABLE)]
    request = object_request(n)
    if isinstance(request, str):
        return request
    if not chosen:
        return "only a token re-signed with the cracked key was accepted, and that key is never written"
    listed = ", ".join(py_str(c) for c in chosen) + ("," if len(chosen) == 1 else "")
    lines = [f"    for forgery in ({listed}):"]
    lines.append("        forged = forged_headers(auth_headers, forgery)")
    lines.append("        if forged is None:")
    lines.append('            pytest.skip("the suite\'s login carries no JWT")')
    lines.append(call(request, n.ctx, "forged", 8))
    lines.append("        refused = response.status_code in (401, 403)")
    lines.append(f'        assert refused, {n.label()} + f"{{forgery}} got {{response.status_code}}"')
    expected = "a token forged from the suite's own (alg none, changed claims) is refused."
    return Built(lines, expected, [request])
