"""Source of the generated suite's ``conftest.py``: client, authentication and resource fixtures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assay.agents.evolution.api_suite.pysource import (
    assert_explained,
    comment,
    docstring,
    import_block,
    py_literal,
    py_str,
    signature,
)
from assay.agents.evolution.api_suite.suite_auth import auth_section, identities_section
from assay.agents.evolution.api_suite.suite_requests import (
    SuiteContext,
    render_call,
    rendered_path,
    uses_auth_headers,
)
from assay.domain.json import JsonObject
from assay.domain.operations import ApiModel
from assay.domain.scenarios import RequestSpec, ResourceRecipe

HEADER = '''\
"""Fixtures for the API tests assay generated{title}.

Everything comes from the environment; nothing secret is written in this suite:
    BASE_URL          the API under test, e.g. {hint} (required)
    ASSAY_NEW_PASSWORD  the password of accounts the tests register (optional: random otherwise)
{auth_doc}"""

from __future__ import annotations

{imports}

API_PREFIX = {prefix}  # where the API's paths live under BASE_URL
TIMEOUT = 30.0


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "scenario(id): the assay scenario a test implements")
    config.addinivalue_line("markers", "finding(id): the assay finding a test fails on until fixed")
    config.addinivalue_line("markers", "smoke: the quick checks to run first")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that resets the application's state wipes data nobody asked to lose: opt in.
    if os.environ.get("ASSAY_ALLOW_RESET") == "1":
        return
    skip = pytest.mark.skip(reason="resets the application's state: set ASSAY_ALLOW_RESET=1")
    for item in items:
        if item.get_closest_marker("state_reset") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("BASE_URL", "").strip()
    if not url:
        pytest.exit(
            "set BASE_URL to the API under test, e.g. {hint}",
            returncode=4,
        )
    return url.rstrip("/") + API_PREFIX


@pytest.fixture(scope="session")
def client(base_url: str) -> Iterator[httpx.Client]:
    """The HTTP client of every test: redirects are checked, never followed.

    Cookies are never kept, so each request carries exactly the credentials its test gives it.
    """
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    with httpx.Client(
        base_url=base_url, follow_redirects=False, timeout=TIMEOUT, cookies=no_cookies
    ) as http:
        yield http


@pytest.fixture
def unique() -> str:
    """A fresh token for names and e-mails, so runs never collide with existing data."""
    return unique_token()
'''


IDENTITIES_DOC = """\
The security tests act as other identities too (skipped when one cannot be had):
    ASSAY_USERNAME_2 / ASSAY_PASSWORD_2          a second user (else one is registered, if possible)
    ASSAY_ADMIN_USERNAME / ASSAY_ADMIN_PASSWORD  an administrator
"""


def api_prefix(api: ApiModel | None) -> str:
    """``base_path`` unless the operation paths already carry it."""
    if api is None or not api.base_path.strip("/"):
        return ""
    prefix = "/" + api.base_path.strip("/")
    if api.operations and all(op.path.startswith(prefix + "/") for op in api.operations):
        return ""
    return prefix


def render_conftest(
    recipes: Sequence[ResourceRecipe],
    ctx: SuiteContext,
    base_url_hint: str,
    title: str,
    *,
    identities: bool = False,
) -> str:
    """The whole ``conftest.py``; ``identities`` adds the second user and the admin fixtures."""
    auth_doc, auth_code = auth_section(ctx.api)
    others = identities_section(ctx.api) if identities else ""
    if others:
        auth_doc += IDENTITIES_DOC
    header = HEADER.format(
        title=f" for {comment(title)}" if title else "",
        hint=re.sub(r"[^A-Za-z0-9:/._\-\[\]]", "", base_url_hint) or "http://127.0.0.1:8000",
        auth_doc=auth_doc,
        prefix=py_str(api_prefix(ctx.api)),
        imports="{imports}",
    )
    parts = [header, auth_code, *([others] if others else [])]
    parts += [render_recipe_fixture(recipe, ctx) for recipe in ordered_recipes(recipes)]
    text = "\n\n\n".join(part.rstrip("\n") for part in parts) + "\n"
    return text.replace("{imports}", import_block(text), 1)


def ordered_recipes(recipes: Sequence[ResourceRecipe]) -> list[ResourceRecipe]:
    """Recipes in the order given (pytest resolves ``requires`` through fixture arguments)."""
    return list(recipes)


def _id_variable(recipe: ResourceRecipe) -> str:
    for name, dotted in recipe.action.save.items():
        if dotted == recipe.id_field:
            return name
    return recipe.id_field if not recipe.action.save else next(iter(recipe.action.save))


def saved_fields(recipe: ResourceRecipe) -> JsonObject:
    fields: JsonObject = dict(recipe.action.save) or {recipe.id_field: recipe.id_field}
    return fields


def delete_request(recipe: ResourceRecipe, api: ApiModel | None) -> RequestSpec | None:
    """The DELETE of the created resource (``DELETE /items/{item_id}``), when the API has one."""
    if api is None:
        return None
    create = recipe.action.request
    base = create.path.rstrip("/")
    pattern = re.compile(re.escape(base) + r"/\{([^}/]+)\}/?")
    for op in api.operations:
        match = pattern.fullmatch(op.path)
        if op.method == "DELETE" and match:
            params = {**create.path_params, match.group(1): f"${{{recipe.name}.{_id_variable(recipe)}}}"}
            return RequestSpec(
                operation=op.key, method="DELETE", path=op.path, path_params=params, auth=create.auth
            )
    return None


def _fixture_params(recipe: ResourceRecipe, ctx: SuiteContext, delete: RequestSpec | None) -> list[str]:
    params = ["client: httpx.Client"]
    if uses_auth_headers(recipe.action.request, ctx) or (delete and uses_auth_headers(delete, ctx)):
        params.append("auth_headers: dict[str, str]")
    params.append("unique: str")
    params += [f"{ctx.fixture_names[name]}: dict[str, Any]" for name in _requires(recipe, ctx)]
    return params


def _requires(recipe: ResourceRecipe, ctx: SuiteContext) -> list[str]:
    return [name for name in recipe.requires if name in ctx.fixture_names and name != recipe.name]


def render_recipe_fixture(recipe: ResourceRecipe, ctx: SuiteContext) -> str:
    """A fixture that creates the resource through the API and yields its saved values."""
    request = replace(recipe.action.request, path_variant="as_is")
    delete = delete_request(recipe, ctx.api)
    name = ctx.fixture_names[recipe.name]
    what = f"{request.method.upper()} {rendered_path(request)}"
    article = "An" if recipe.name[:1].lower() in "aeiou" else "A"
    doc = [
        f"{article} {recipe.name} created through {what}; yields its values (``${{{recipe.name}.<name>}}``)."
    ]
    if delete is not None:
        doc.append(f"It is deleted through DELETE {delete.path} after the test.")
    lines = [
        "@pytest.fixture",
        signature(name, _fixture_params(recipe, ctx, delete), "Iterator[dict[str, Any]]"),
        docstring(doc),
        '    variables: dict[str, Any] = {"unique": unique}',
    ]
    lines += [
        f"    variables.update(namespaced({py_str(r)}, {ctx.fixture_names[r]}))"
        for r in _requires(recipe, ctx)
    ]
    lines.append(render_call(request, ctx))
    message = py_str(f"could not create the {recipe.name} this test needs: ")
    lines.append(assert_explained("response.is_success", message))
    lines.append(f"    saved = save(response, {py_literal(saved_fields(recipe), 4, prefix=25)})")
    lines.append("    yield saved")
    if delete is not None:
        lines.append(f"    variables.update(namespaced({py_str(recipe.name)}, saved))")
        lines.append("    with contextlib.suppress(httpx.HTTPError):")
        lines.append(render_call(delete, ctx, indent=8, target=""))
    return "\n".join(lines) + "\n"
