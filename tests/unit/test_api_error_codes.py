"""Every error code the API can answer is documented in docs/api.md."""

from __future__ import annotations

import re
from pathlib import Path

from assay.api.errors import CODES_BY_STATUS, http_status
from assay.domain.errors import AssayError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _subclasses(cls: type[AssayError]) -> list[type[AssayError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_error_code_is_documented() -> None:
    import assay.api.app  # noqa: F401  (loads every error class the API knows)

    documented = set(re.findall(r"^\| \d{3} \| `([A-Z_]+)`", DOCS.read_text(), re.M))
    # Domain errors answer with their own code unless they are unexpected (500: INTERNAL_ERROR).
    reachable = {c.code for c in _subclasses(AssayError) if http_status(c("x")) != 500}
    reachable |= set(CODES_BY_STATUS.values()) | {"INVALID_URL", "INTERNAL_ERROR"}
    assert reachable - documented == set()
    assert "HTTP_ERROR" not in documented
