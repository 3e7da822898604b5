"""The demo's two HTML pages: a home page and an offline /docs page that points at the spec.

FastAPI's own /docs loads Swagger UI from a CDN; the demo must work offline, so its docs
page is plain HTML that lists the operations and links the OpenAPI document.
"""

from __future__ import annotations

import html
import json

from assay.domain.json import JsonObject, as_object, as_str

SPEC_URL = "/openapi.json"
_METHODS = ("get", "put", "post", "delete", "patch")


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="alternate" type="application/vnd.oai.openapi+json" href="{SPEC_URL}">\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def home_page(title: str) -> str:
    body = (
        f"<main>\n<h1>{html.escape(title)}</h1>\n"
        "<p>A small agent platform: projects, datasets, agent kits and chat sessions.</p>\n"
        '<ul>\n<li><a href="/docs">API documentation</a></li>\n'
        f'<li><a href="{SPEC_URL}">OpenAPI document</a></li>\n'
        '<li><a href="/api/v1/health">Health</a></li>\n'
        '<li><a href="/ui/">Web shop (the web UI)</a></li>\n</ul>\n</main>'
    )
    return _page(title, body)


def docs_page(document: JsonObject) -> str:
    info = as_object(document.get("info"))
    title = as_str(info.get("title"), "API")
    rows: list[str] = []
    for path, item in sorted(as_object(document.get("paths")).items()):
        for method, operation in as_object(item).items():
            if method in _METHODS:
                summary = as_str(as_object(operation).get("summary"))
                rows.append(
                    f"<tr><td>{method.upper()}</td><td><code>{html.escape(path)}</code></td>"
                    f"<td>{html.escape(summary)}</td></tr>"
                )
    config = json.dumps({"url": SPEC_URL, "dom_id": "#operations"})
    body = (
        f"<main>\n<h1>{html.escape(title)} — documentation</h1>\n"
        f'<p>The OpenAPI document: <a href="{SPEC_URL}">{SPEC_URL}</a></p>\n'
        f'<script type="application/json" id="swagger-config">{config}</script>\n'
        '<table id="operations">\n<caption>Operations</caption>\n'
        '<thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Summary</th></tr>'
        "</thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
        '<p><a href="/">Home</a></p>\n</main>'
    )
    return _page(f"{title} - docs", body)
