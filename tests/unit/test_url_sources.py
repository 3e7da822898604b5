"""The URL sources read as pure functions: markup, scripts, stylesheets, headers, known files."""

from __future__ import annotations

from assay.agents.observation.web.frontier import Frontier
from assay.domain.action_safety import ActionPolicy
from assay.pages.url_sources import (
    FoundUrl,
    route_shape,
    urls_in_css,
    urls_in_headers,
    urls_in_html,
    urls_in_robots,
    urls_in_sitemap,
    urls_in_text,
)

BASE = "http://app.test/docs/page.html"


def _urls(found: list[FoundUrl]) -> set[str]:
    return {f.url for f in found}


def test_every_url_attribute_is_read_with_the_base_applied() -> None:
    html = """<!DOCTYPE html SYSTEM "/dtd/x.dtd"><html manifest=/m.appcache><head>
      <base href="/root/"><link href="style.css"></head><body background=bg.png>
      <a href="a.html" ping="/ping">x</a><img srcset="/s1.png 1x, /s2.png 2x" longdesc=desc.html>
      <video poster=/poster.jpg></video><blockquote cite=/cite></blockquote>
      <object data=/obj codebase=/cb/></object><svg><image xlink:href="/svg.png"/></svg>
      <form action=/f><button formaction=/fa>go</button></form>
      <iframe srcdoc="<img src=/inner.png>"></iframe>
      <img src="data:image/svg+xml,%3Csvg%3E%3Cimage href='/in-data.png'/%3E%3C/svg%3E">
      <!--[if IE]><link href="/ie.css"><![endif]-->
      <a href="javascript:void(0)">no</a><a href="mailto:x@y">no</a></body></html>"""
    urls = _urls(urls_in_html(html, BASE))
    for path in ("/root/style.css", "/root/a.html", "/ping", "/s1.png", "/s2.png", "/root/desc.html",
                 "/poster.jpg", "/cite", "/obj", "/cb/", "/svg.png", "/f", "/fa", "/inner.png",
                 "/in-data.png", "/ie.css", "/m.appcache", "/root/bg.png", "/dtd/x.dtd"):  # fmt: skip
        assert f"http://app.test{path}" in urls, path
    assert not any(u.startswith(("javascript:", "mailto:")) for u in urls)


def test_sources_are_named() -> None:
    html = "<a href=/a></a><area href=/b><iframe src=/c></iframe><form action=/d></form>"
    html += "<meta http-equiv=refresh content='5; url=/e'>"
    sources = {f.url.rsplit("/", 1)[1]: f.source for f in urls_in_html(html, BASE)}
    assert sources == {"a": "anchor", "b": "area", "c": "frame", "d": "form", "e": "meta-refresh"}


def test_strings_are_speculative_with_their_resolutions() -> None:
    found = urls_in_text("var u = 'api/items.json'; // see ../guide/intro.html", BASE)
    by_url = {f.url: f for f in found}
    item = by_url["http://app.test/docs/api/items.json"]
    assert item.speculative and item.alternatives == ("http://app.test/api/items.json",)
    assert "http://app.test/guide/intro.html" in by_url
    # Regex literals and arithmetic are not paths.
    assert urls_in_text("x = a / b; y = s.replace(/gi,Ye=/g, '')", BASE) == []
    absolute = urls_in_text("// http://app.test/x/y.found", BASE)
    assert [(f.url, f.speculative) for f in absolute] == [("http://app.test/x/y.found", False)]


def test_css_headers_robots_and_sitemaps() -> None:
    css = "@import 'base.css'; .a { background: url(\"/img/a.png\") } .b { background: url(data:x) }"
    assert _urls(urls_in_css(css, "http://app.test/s/site.css")) == {
        "http://app.test/s/base.css", "http://app.test/img/a.png"}  # fmt: skip
    headers = {"location": "/next", "link": "</pre.js>; rel=preload, <https://cdn.test/x>; rel=dns-prefetch",
               "refresh": "3;url=/later", "content-location": "/here"}  # fmt: skip
    assert _urls(urls_in_headers(headers, BASE)) == {
        "http://app.test/next", "http://app.test/pre.js", "https://cdn.test/x",
        "http://app.test/later", "http://app.test/here"}  # fmt: skip
    robots = "User-agent: *\nDisallow: /admin/\nDisallow: /*.php$\nAllow: /\nSitemap: /map.xml\n"
    assert _urls(urls_in_robots(robots, "http://app.test/robots.txt")) == {
        "http://app.test/admin/", "http://app.test/map.xml"}  # fmt: skip
    xml = (
        "<urlset><url><loc> http://app.test/p1 </loc></url><url><loc>http://app.test/p2</loc></url></urlset>"
    )
    assert _urls(urls_in_sitemap(xml, BASE)) == {"http://app.test/p1", "http://app.test/p2"}


def test_route_shapes_ignore_ids_and_query_values() -> None:
    assert route_shape("http://a/items/7?page=2") == route_shape("http://a/items/19?page=3")
    assert route_shape("http://a/u/0f8c2a9e-1d2b-4c3d-9e8f-0a1b2c3d4e5f") == "/u/{uuid}"
    assert route_shape("http://a/?sort=name&order=asc") == route_shape("http://a/?order=desc&sort=date")
    assert route_shape("http://a/?sort=name") != route_shape("http://a/?tab=users")
    assert route_shape("http://a/#/users/4") == route_shape("http://a/#/users/5") != route_shape("http://a/")


def test_the_frontier_records_once_refuses_danger_and_forgets_failed_guesses() -> None:
    frontier = Frontier("http://app.test/", ActionPolicy.for_url("http://app.test/"))
    assert frontier.add(FoundUrl("http://app.test/a", "anchor"), 2, "/") is not None
    assert frontier.add(FoundUrl("http://app.test/a", "script"), 3, "/x") is None
    assert frontier.add(FoundUrl("http://other.test/a", "anchor"), 2, "/") is None
    delete = frontier.add(FoundUrl("http://app.test/items/3/delete", "anchor"), 2, "/")
    assert delete is not None and "deleting" in delete.skipped
    post = frontier.add(FoundUrl("http://app.test/api/save", "network"), 2, "/", "POST")
    assert post is not None and "not sent" in post.skipped
    guess = frontier.add(
        FoundUrl("http://app.test/d/x.js", "script", True, ("http://app.test/x.js",)), 2, "/"
    )
    assert guess is not None and frontier.answered(guess, 404, "text/html")  # try the next resolution
    assert guess.url == "http://app.test/x.js"
    assert not frontier.answered(guess, 404, "text/html")
    assert {d.url for d in frontier.facts()} == {"/a", "/items/3/delete", "/api/save"}
    assert frontier.to_fetch()[0].url == "http://app.test/a"
    frontier.answered(frontier.entries["http://app.test/a"], 200, "text/html; charset=utf-8")
    assert [e.url for e in frontier.pages_at(2)] == ["http://app.test/a"]
