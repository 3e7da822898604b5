"""What a server answers for a path that cannot exist, and whether another answer is that same one.

A single-page app answers every path with its index page, and a soft 404 says "not found" with
a 200, often repeating the path asked for: probing common paths on such a target "finds" every
one of them. An answer like the one to a path that cannot exist is the fallback, not an
endpoint. Pure: :mod:`assay.spec.probe` sends the requests, this judges the answers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin

ABSENT_MARK = "assay-absent-"
# Within this share of the baseline's length, an HTML page with the same title is the same page
# (a nonce, a CSRF token or a timestamp differs from one answer to the next, the page does not).
HTML_LENGTH_SHARE = 0.03
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
NOTE_START = "probed paths answered like a path that cannot exist"
# The wording of a "not found" page, whatever serves or renders it.
NOT_FOUND_WORDS = re.compile(
    r"not\s+found|\b404\b|does\s*n[o']t\s+exist|no\s+such|cannot\s+be\s+found|could\s*n[o']t\s+(be\s+)?found",
    re.I,
)


@dataclass(frozen=True)
class Baseline:
    """The answer to one path that cannot exist, normalised to compare others with it."""

    path: str
    status: int
    content_type: str
    raw: str  # the body's digest, only its digits and spacing normalised
    digest: str  # the same without the requested path
    title: str
    length: int
    location: str = ""


def absent_urls(base_url: str) -> list[str]:
    """Two URLs nothing can serve: one at the host's root, one under the base path's ``api/``.

    Named from the base URL, so a run asks the same paths again (runs stay comparable) and no
    two targets share them.
    """
    base = base_url if base_url.endswith("/") else base_url + "/"
    name = ABSENT_MARK + hashlib.sha1(base.encode()).hexdigest()[:10]
    urls = [urljoin(base, f"/{name}/"), urljoin(base, f"api/{name}")]
    return list(dict.fromkeys(urls))


def normalised(body: str, path: str = "") -> str:
    """``body`` without the requested path (a soft 404 repeats it), digits or runs of whitespace."""
    decoded = unquote(path)
    names = {path, path.rstrip("/"), decoded, decoded.rstrip("/")}
    names |= {p.rstrip("/").rsplit("/", 1)[-1] for p in tuple(names)}
    for name in sorted((n for n in names if n and n != "/"), key=len, reverse=True):
        body = body.replace(name, "")
    # Digits: a request id or a timestamp in an error page changes with every answer.
    return _SPACE.sub(" ", _DIGITS.sub("0", body)).strip()


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _title(body: str) -> str:
    found = _TITLE.search(body)
    return _SPACE.sub(" ", found.group(1)).strip() if found else ""


def _is_html(content_type: str) -> bool:
    return "html" in content_type.lower()


def _bare(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def baseline(path: str, status: int, content_type: str, body: str, location: str = "") -> Baseline:
    text = normalised(body, path)
    return Baseline(
        path=path,
        status=status,
        content_type=_bare(content_type),
        raw=_digest(normalised(body)),
        digest=_digest(text),
        title=_title(text),
        length=len(text),
        location=normalised(location, path),
    )


def matches(base: Baseline, status: int, content_type: str, body: str, path: str, location: str = "") -> bool:
    """Is this answer to ``path`` the one a path that cannot exist gets?

    The same status (and redirect target) and the same body once the path is taken out, or, for
    HTML, the same page: the same title and nearly the same length.
    """
    if status != base.status or _bare(content_type) != base.content_type:
        return False
    if normalised(location, path) != base.location:
        return False
    # Unstripped first: an index page answered for anything is the very same body, and taking a
    # short segment ("api") out of it would change it where the word happens to occur.
    if _digest(normalised(body)) == base.raw:
        return True
    text = normalised(body, path)
    if _digest(text) == base.digest:
        return True
    if not (_is_html(content_type) and base.title):
        return False
    near = abs(len(text) - base.length) <= HTML_LENGTH_SHARE * max(base.length, 1)
    return _title(text) == base.title and near


def matches_any(
    baselines: list[Baseline], status: int, content_type: str, body: str, path: str, location: str = ""
) -> Baseline | None:
    """The first baseline this answer matches, or None."""
    return next((b for b in baselines if matches(b, status, content_type, body, path, location)), None)


def note(paths: list[str]) -> str:
    """The coverage note for probed paths dropped as the fallback (read back by :func:`noted`)."""
    shown = ", ".join(paths[:6]) + (", …" if len(paths) > 6 else "")
    return f"{len(paths)} {NOTE_START} (a single-page app's fallback or a soft 404): not endpoints ({shown})"


def noted(notes: tuple[str, ...] | list[str]) -> str | None:
    """The fallback note among an observation's notes, if probing dropped any path."""
    return next((n for n in notes if NOTE_START in n), None)
