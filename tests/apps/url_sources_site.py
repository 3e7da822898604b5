"""A site that names a URL in every way a crawler must read, each reaching one ``/found/<source>``
resource, plus traps: a write only a click attempts (it must never arrive), a link that says
"delete", and a catch-all folder that answers anything with the same page (a guess there must
not count as found). The app counts what it served, by method and path."""

from __future__ import annotations

from collections import Counter

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

# source -> the page that names /found/<source> (each page is linked from the home page).
PAGES: dict[str, str] = {
    "anchor": "<a href='/found/anchor'>a link</a>",
    "area": "<map name=m><area shape=rect coords=0,0,9,9 href='/found/area'></map><img usemap=#m alt=m>",
    "iframe": "<iframe src='/found/iframe'></iframe>",
    "form-get": "<form action='/found/form-get'><input name=q><button>Go</button></form>",
    "form-post": "<form method=post action='/found/form-post'><input name=q><button>Send</button></form>",
    "meta-refresh": "<meta http-equiv=refresh content='999; url=/found/meta-refresh'><p>wait</p>",
    "srcset": "<img alt=x srcset='/found/srcset 1x, /found/srcset-2x 2x'>",
    "inline-script": "<script>var next = '/found/inline-script.json';</script><p>script</p>",
    "external-script": "<script src='/static/app.js'></script><p>external</p>",
    "css": "<link rel=stylesheet href='/static/site.css'><p>styled</p>",
    "comment": "<!-- old menu: <a href='/found/comment'>x</a> --><p>commented</p>",
    "fetch": "<script>fetch('/found/fetch' + '?via=js');</script><p>fetching</p>",
    "click-listener": (
        "<div id=go>Open the report</div>"
        "<script>document.getElementById('go').addEventListener('click', () => {"
        " location.href = ['/found', 'click-listener'].join('/'); });</script>"
    ),
    "window-open": (
        "<button id=w>Pop</button><script>document.getElementById('w').onclick = () =>"
        " window.open(['/found', 'window-open'].join('/'));</script>"
    ),
    "push-state": (
        "<button id=p>Next tab</button><script>document.getElementById('p').addEventListener('click',"
        " () => history.pushState({}, '', ['/found', 'push-state'].join('/')));</script>"
    ),
    "hash-route": "<a href='#/found/hash-route'>tab</a>",
    "click-write": (
        "<button id=s>Save draft</button><script>document.getElementById('s').addEventListener('click',"
        " () => fetch(['/found', 'click-write'].join('/'), {method: 'PUT', body: 'x'}));</script>"
    ),
    "danger-link": "<a href='/items/7/delete'>Delete item</a>",
    "rpc-script": "<script>const run = () => fetch('/api/run_job', {method: 'POST'});</script><p>rpc</p>",
    "spa-guess": "<script src='/app/bundle.js'></script><p>spa</p>",
}
HEADER_SOURCES = ("link-header", "location-header", "refresh-header")
# What scripts name is fetched only when it is a file.
FILES = {"inline-script": "/found/inline-script.json", "external-script": "/found/external-script.json"}
# Pages whose URL must not be fetched (or is no path): seen, recorded, never sent.
TRAPS = frozenset({"danger-link", "spa-guess", "click-write", "hash-route", "rpc-script", "form-post"})
KNOWN_FILES = ("robots", "sitemap")
# Every URL the crawl must find (all but the traps).
EXPECTED = tuple(
    sorted(
        {FILES.get(s, f"/found/{s}") for s in PAGES if s not in TRAPS}
        | {"/found/srcset-2x", *(f"/found/{s}" for s in (*HEADER_SOURCES, *KNOWN_FILES))}
    )
)


def url_sources_site() -> tuple[Starlette, Counter[str]]:
    served: Counter[str] = Counter()

    def page(body: str) -> HTMLResponse:
        return HTMLResponse(f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>")

    async def count(request: Request) -> None:
        served[f"{request.method} {request.url.path}"] += 1

    async def home(request: Request) -> Response:
        await count(request)
        links = [*PAGES, *HEADER_SOURCES]
        return page("<ul>" + "".join(f"<li><a href='/case/{s}'>{s}</a></li>" for s in links) + "</ul>")

    async def case(request: Request) -> Response:
        await count(request)
        source = request.path_params["source"]
        if source == "link-header":
            return HTMLResponse("<p>see header</p>", headers={"Link": "</found/link-header>; rel=preload"})
        if source == "location-header":
            return RedirectResponse("/found/location-header", status_code=302)
        if source == "refresh-header":
            return HTMLResponse("<p>soon</p>", headers={"Refresh": "999; url=/found/refresh-header"})
        return page(PAGES[source]) if source in PAGES else PlainTextResponse("no", 404)

    async def found(request: Request) -> Response:
        await count(request)
        return page(f"<p>found {request.path_params['source']}</p>")

    async def static(request: Request) -> Response:
        await count(request)
        name = request.path_params["name"]
        if name == "app.js":
            return Response("const api = '/found/external-script.json';", media_type="application/javascript")
        if name == "site.css":
            return Response("body { background: url(/found/css); }", media_type="text/css")
        return PlainTextResponse("no", 404)

    async def spa(request: Request) -> Response:
        await count(request)
        if request.url.path == "/app/bundle.js":  # names routes that exist only in the client
            return Response("const routes = ['/app/settings/panel.html', './profile/edit.html'];",
                            media_type="application/javascript")  # fmt: skip
        return page("<div id=root>app</div>")  # the catch-all: the same page for any path

    async def robots(request: Request) -> Response:
        await count(request)
        return PlainTextResponse("User-agent: *\nDisallow: /found/robots\nSitemap: /sitemap.xml\n")

    async def sitemap(request: Request) -> Response:
        await count(request)
        base = str(request.base_url).rstrip("/")
        xml = f"<?xml version='1.0'?><urlset><url><loc>{base}/found/sitemap</loc></url></urlset>"
        return Response(xml, media_type="application/xml")

    async def anything(request: Request) -> Response:
        await count(request)
        return PlainTextResponse("not here", 404)

    methods = ["GET", "POST", "PUT", "DELETE", "HEAD"]
    app = Starlette(
        routes=[
            Route("/", home),
            Route("/case/{source}", case),
            Route("/found/{source}", found, methods=methods),
            Route("/static/{name}", static),
            Route("/app/{rest:path}", spa),
            Route("/robots.txt", robots),
            Route("/sitemap.xml", sitemap),
            Route("/{rest:path}", anything, methods=methods),
        ]
    )
    return app, served
