"""Every URL a document names, by where it names it: the crawl's URL sources as pure functions.

A browser only requests what it renders; a security crawler wants every URL the application
exposes, so each kind of document is read for all of them:

- HTML (:func:`urls_in_html`): every attribute that holds a URL (``href``, ``src``, ``action``,
  ``formaction``, ``srcset``, ``poster``, ``ping``, ``longdesc``, ``codebase``, ``xlink:href``…),
  with ``<base href>`` applied; ``srcdoc`` and comments (conditional comments hold markup) read as
  HTML again; meta refresh; and, as *speculative* candidates, URL-looking strings in other
  attributes, in text, in inline scripts and in the doctype;
- scripts and plain text (:func:`urls_in_text`), stylesheets (:func:`urls_in_css`), response
  headers (:func:`urls_in_headers`: ``Link``, ``Location``, ``Content-Location``, ``Refresh``),
  ``robots.txt`` (:func:`urls_in_robots`) and sitemaps (:func:`urls_in_sitemap`).

A speculative candidate is a string that may be a path: it is resolved against the document, its
base and the site root, and the crawl keeps only the resolutions that exist (a GET that does not
answer 404). Nothing here decides whether a URL may be fetched: that is
:func:`assay.domain.action_safety.judge_link`'s job.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

MAX_NESTING = 3  # srcdoc inside a comment inside srcdoc…: deep enough for real pages

# Attribute -> source for attributes whose whole value is one URL.
_URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "data", "codebase", "cite", "longdesc", "lowsrc",
    "dynsrc", "background", "poster", "ping", "profile", "manifest", "icon", "implementation",
    "xlink:href", "archive", "itemtype", "ng-href", "ng-src", "routerlink", "to",
})  # fmt: skip
_TAG_SOURCE = {"a": "anchor", "area": "area", "frame": "frame", "iframe": "frame", "form": "form"}
_FORM_ATTRIBUTES = frozenset({"action", "formaction"})
# Values that are never a URL however they look.
_NOT_URL = re.compile(r"^(?:#|javascript:|mailto:|tel:|data:|about:|blob:|\{\{|\$\{)", re.I)

# URL-looking strings: absolute, protocol-relative, root-, dot- or dot-dot-relative, or a
# relative path with a slash and a file extension ("img/logo.png", "test/x.found").
_ABSOLUTE = re.compile(r"https?://[^\s\"'`<>()\\{}|^]+", re.I)
# Path characters only (no "," "=" "(" ";"): in a script, "/gi,x=/" is a regex literal, not a path.
_PATHISH = re.compile(
    r"(?<![\w<:/.\\=-])(?:\.{1,2}/|/)(?=[\w.~-]*[A-Za-z])(?=[\w~%+@./-]{3})[\w~%+@.\-]+(?:/[\w~%+@.\-]*)*(?:\?[\w~%&=+.\-]*)?"
    r"(?=$|[\s\"'`<>)\]}]|[.,;:!?](?:\s|$))"
)
_QUOTED = re.compile(r"[\"'`]([^\"'`\s<>\\{}|^]{2,300})[\"'`]")
_RELATIVE_WITH_EXTENSION = re.compile(r"^[\w.~-]+(?:/[\w.~%-]+)+\.[a-z0-9]{1,6}(?:\?\S*)?$", re.I)
_CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)[\"']?\s*\)|@import\s+[\"']([^\"']+)[\"']", re.I)
_REFRESH = re.compile(r"^\s*\d*\s*[;,]?\s*url\s*=\s*[\"']?([^\"']+)", re.I)
_LINK_HEADER = re.compile(r"<([^>]+)>")
_LOC = re.compile(r"<(?:\w+:)?loc>\s*([^<\s]+)\s*</(?:\w+:)?loc>", re.I)


@dataclass(frozen=True)
class FoundUrl:
    """A URL a document names: absolute, without fragment but for hash routes (``#/x``, ``#!x``)."""

    url: str
    source: str  # see assay.domain.pages.URL_SOURCES
    speculative: bool = False  # a string that may be a path: kept only if it exists
    alternatives: tuple[str, ...] = ()  # other resolutions of the same string, tried in turn
    method: str = "GET"  # POST for the action of a form that posts


def urls_in_html(html: str, url: str, nesting: int = 0) -> list[FoundUrl]:
    """Every URL ``html`` (served at ``url``) names; see the module docstring."""
    reader = _Reader(url, nesting)
    try:
        reader.feed(html)
        reader.close()
    except Exception:  # html.parser is lenient; a pathological page keeps what was read
        pass
    return _unique(reader.found)


def urls_in_text(text: str, url: str, source: str = "script", base: str = "") -> list[FoundUrl]:
    """URLs in a script or plain text: absolute ones for sure, paths as speculative candidates.
    ``base`` is a document's ``<base href>`` when it has one."""
    found = [FoundUrl(_clean(m.group(0)), source) for m in _ABSOLUTE.finditer(text)]
    strings = [m.group(1) for m in _QUOTED.finditer(text)]
    for string in strings:
        if _ABSOLUTE.fullmatch(string) or string.startswith("//"):
            continue
        if _RELATIVE_WITH_EXTENSION.match(string) or string.startswith(("/", "./", "../")):
            found.extend(_speculative(string, url, base, source))
    for match in _PATHISH.finditer(_without_absolute(text)):
        found.extend(_speculative(match.group(0), url, base, source))
    return _unique([f for f in found if f.url])


def urls_in_css(css: str, url: str) -> list[FoundUrl]:
    """``url(...)`` and ``@import`` targets, resolved against the stylesheet's own URL."""
    found = []
    for match in _CSS_URL.finditer(css):
        value = (match.group(1) or match.group(2) or "").strip()
        if value and not _NOT_URL.match(value):
            found.append(FoundUrl(_resolve(value, url), "css"))
    return _unique(found)


def urls_in_headers(headers: dict[str, str], url: str) -> list[FoundUrl]:
    """URLs in ``Link``, ``Location``, ``Content-Location`` and ``Refresh`` (names lower-case)."""
    found = []
    for name in ("location", "content-location"):
        if headers.get(name):
            found.append(FoundUrl(_resolve(headers[name].strip(), url), "header"))
    for target in _LINK_HEADER.findall(headers.get("link", "")):
        found.append(FoundUrl(_resolve(target.strip(), url), "header"))
    refresh = _REFRESH.match(headers.get("refresh", ""))
    if refresh:
        found.append(FoundUrl(_resolve(refresh.group(1).strip(), url), "header"))
    return _unique(found)


def urls_in_robots(text: str, url: str) -> list[FoundUrl]:
    """``Allow``/``Disallow`` paths (up to their first wildcard) and ``Sitemap`` URLs."""
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        value = value.split("#")[0].strip()
        if key.strip().lower() in {"allow", "disallow", "sitemap"} and value:
            value = re.split(r"[*$]", value)[0]
            if value and value != "/":
                found.append(FoundUrl(_resolve(value, url), "robots"))
    return _unique(found)


def urls_in_sitemap(xml: str, url: str) -> list[FoundUrl]:
    """Every ``<loc>`` of a sitemap or sitemap index."""
    return _unique([FoundUrl(_resolve(loc, url), "sitemap") for loc in _LOC.findall(xml)])


def route_shape(url: str) -> str:
    """The route a URL is an instance of: ids, numbers and tokens in the path become
    placeholders, and only the query's parameter names count (``/items/7?page=2`` and
    ``/items/9?page=3`` are one route, and so are ``?sort=name`` and ``?sort=date``)."""
    parts = urlsplit(url)
    segments = [_segment_shape(s) for s in parts.path.split("/")]
    shape = "/".join(segments) or "/"
    if parts.query:  # the parameters' names, not their values: ?sort=name and ?sort=date are one route
        shape += "?" + "&".join(sorted({p.partition("=")[0] for p in parts.query.split("&") if p}))
    fragment = urldefrag(url).fragment
    if fragment.startswith(("/", "!")):  # a hash route is a route
        shape += "#" + "/".join(_segment_shape(s) for s in fragment.split("/"))
    return shape


def _segment_shape(segment: str) -> str:
    if re.fullmatch(r"\d+", segment):
        return "{n}"
    if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", segment, re.I):
        return "{uuid}"
    if re.fullmatch(r"[0-9a-f]{12,}", segment, re.I) or (
        len(segment) >= 20 and re.search(r"\d", segment) and re.fullmatch(r"[\w-]+", segment)
    ):
        return "{id}"
    return segment


class _Reader(HTMLParser):
    def __init__(self, url: str, nesting: int) -> None:
        super().__init__(convert_charrefs=True)
        self.url, self.base, self.nesting = url, url, nesting
        self.found: list[FoundUrl] = []
        self.in_script = False
        self.in_style = False
        self.form_method = ""  # the method of the form being read, for its actions

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "base" and values.get("href"):
            self.base = urljoin(self.url, values["href"])
            self.found.append(FoundUrl(self.base, "attribute"))
            return
        self.in_script, self.in_style = tag == "script", tag == "style"
        if tag == "form":
            self.form_method = values.get("method", "get").strip().upper() or "GET"
        for name, value in values.items():
            self._attribute(tag, name, value.strip(), values)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form_method = ""
        if tag in {"script", "style"}:
            self.in_script = self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.found.extend(urls_in_css(data, self.base))
        self.found.extend(self._strings(data, "script" if self.in_script else "text"))

    def handle_comment(self, data: str) -> None:
        # Conditional comments (<!--[if IE]> <link href=…> <![endif]-->) hold markup.
        if self.nesting < MAX_NESTING:
            self.found.extend(urls_in_html(data, self.base, self.nesting + 1))
        self.found.extend(self._strings(data, "text"))

    def handle_decl(self, decl: str) -> None:  # <!DOCTYPE html SYSTEM "/x.dtd">
        self.found.extend(self._strings(decl, "text"))

    def _attribute(self, tag: str, name: str, value: str, values: dict[str, str]) -> None:
        if not value:
            return
        if name == "srcdoc":
            if self.nesting < MAX_NESTING:
                self.found.extend(urls_in_html(value, self.base, self.nesting + 1))
            return
        if name in {"srcset", "imagesrcset"}:
            for candidate in value.split(","):
                if candidate.strip():
                    self._add(candidate.strip().split()[0], "attribute")
            return
        if tag == "meta" and name == "content" and values.get("http-equiv", "").lower() == "refresh":
            refresh = _REFRESH.match(value)
            if refresh:
                self._add(refresh.group(1).strip(), "meta-refresh")
            return
        if name == "archive":  # a space- or comma-separated list of URLs
            for item in re.split(r"[\s,]+", value):
                self._add(item, "attribute")
            return
        if name in _URL_ATTRIBUTES and not (name == "data" and tag != "object"):
            source = "form" if name in _FORM_ATTRIBUTES else _TAG_SOURCE.get(tag, "attribute")
            method = values.get("formmethod", self.form_method).upper() if source == "form" else "GET"
            self._add(value, source, method or "GET")
            return
        if name.startswith("on"):  # an event handler is a script
            self.found.extend(self._strings(value, "script"))
        elif "<" in value and self.nesting < MAX_NESTING:  # markup in an attribute
            self.found.extend(urls_in_html(value, self.base, self.nesting + 1))
        else:
            self.found.extend(self._strings(value, "attribute"))

    def _add(self, value: str, source: str, method: str = "GET") -> None:
        if value.lower().startswith("data:") and self.nesting < MAX_NESTING:
            # An inline SVG or HTML document (<img src="data:image/svg+xml,<svg>…<image href=…>">).
            self.found.extend(urls_in_html(_data_payload(value), self.base, self.nesting + 1))
            return
        if _NOT_URL.match(value) and not value.startswith(("#/", "#!")):
            return
        if "{{" in value:  # a template expression: its quoted strings are the candidates
            self.found.extend(self._strings(value, source))
            return
        self.found.append(FoundUrl(_resolve(value, self.base), source, method=method))

    def _strings(self, text: str, source: str) -> list[FoundUrl]:
        return urls_in_text(text, self.url, source, self.base if self.base != self.url else "")


def _speculative(string: str, url: str, base: str, source: str) -> list[FoundUrl]:
    """A path-like string and the places it may be relative to: the document (or its base), the
    site root and, under an explicit ``<base href>`` without a trailing slash, the base's path
    joined as text (``<base href="/docs">`` and "/intro.pdf" may mean /docs/intro.pdf)."""
    string = _clean(string)
    if not string or len(string) < 2 or _NOT_URL.match(string):
        return []
    stripped = re.sub(r"^(?:\.{1,2}/)+", "", string).lstrip("/")
    candidates = [_resolve(string, base or url), _resolve("/" + stripped, url)]
    base_path = urlsplit(base).path if base else ""
    if base_path and not base_path.endswith("/") and string.startswith("/"):
        candidates.append(_resolve(base_path + string, base))
    ordered = list(dict.fromkeys(c for c in candidates if c))
    if not ordered:
        return []
    return [FoundUrl(ordered[0], source, True, tuple(ordered[1:]))]


def _resolve(value: str, base: str) -> str:
    try:
        resolved = urljoin(base, value.strip())
    except ValueError:
        return ""
    target, fragment = urldefrag(resolved)
    if fragment.startswith(("/", "!")):  # a hash route (#/users, #!/users) names a route
        return resolved
    return target if urlsplit(target).scheme in {"http", "https"} else ""


def _data_payload(value: str) -> str:
    """The text of a ``data:`` URL whose type is markup; '' for anything else."""
    head, _, payload = value.partition(",")
    if not re.search(r"svg|html|xml", head, re.I):
        return ""
    if head.lower().endswith(";base64"):
        try:
            return base64.b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8", "replace")
        except ValueError:
            return ""
    return unquote(payload)


def _clean(value: str) -> str:
    return value.rstrip(".,;:)]}'\"")


def _without_absolute(text: str) -> str:
    return _ABSOLUTE.sub(" ", text)


def _unique(found: list[FoundUrl]) -> list[FoundUrl]:
    """First occurrence of each URL; a sure finding replaces a speculative one."""
    out: dict[str, FoundUrl] = {}
    for item in found:
        if not item.url:
            continue
        kept = out.get(item.url)
        if kept is None or (kept.speculative and not item.speculative):
            out[item.url] = item
    return list(out.values())
