"""A login performed exactly as a WFC auth file describes it (``assay.domain.login_recipe``).

Pure: the request to send, and the session an answer gives. The Authenticator sends the request
through the run's transport, so the host policy applies to an ``externalEndpointURL`` as to any
other request: a login on another host is refused, and the notes say so.
"""

from __future__ import annotations

import json

from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.json import Json
from assay.domain.login_recipe import LoginRecipe
from assay.spec.placeholders import join_url
from assay.spec.refs import value_at


def recipe_request(recipe: LoginRecipe, base_url: str) -> RecordedRequest:
    """The login request: ``endpoint`` joined to the target's base URL, or the external URL as given."""
    url = recipe.url or join_url(base_url, "", recipe.endpoint or "/")
    headers = dict(recipe.headers)
    if recipe.content_type and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = recipe.content_type
    body: Json = recipe.body
    content_type = recipe.content_type
    if recipe.body is not None and content_type == "application/json":
        # The transport encodes a JSON body itself (a str would become a JSON string): give it the value.
        try:
            body = json.loads(recipe.body)
        except ValueError:
            content_type = None  # not JSON after all: sent exactly as written, under the file's header
    return RecordedRequest(
        method=recipe.method,
        url=url,
        headers=headers,
        body=body,
        has_body=recipe.body is not None,
        content_type=content_type,
    )


def _scalar(value: Json) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return None
    return str(value)  # a numeric token, read as Schemathesis reads one


def extracted_token(recipe: LoginRecipe, response: RecordedResponse) -> str | None:
    """The token where the recipe says it is: a JSON pointer into the body, or a response header."""
    token = recipe.token
    if token is None:
        return None
    if token.extract_from == "header":
        return response.header(token.selector) or None
    pointer = token.selector if token.selector.startswith("/") else f"/{token.selector}"
    return _scalar(value_at(response.json, pointer))
