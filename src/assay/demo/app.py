"""The demo target: a small "agent platform" API with a few deliberate faults.

`create_app()` builds a fresh app with its own in-memory state, and its web UI under /ui/. The
faults it plants are listed in `assay.demo.faults.PLANTED_FAULTS` (the web UI's in `UI_FAULTS`);
everything else is meant to be healthy, so a finding outside those lists is a false positive.

No ``from __future__ import annotations`` here: FastAPI reads the parameter annotations.
"""

import re
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer

from assay.demo import routes
from assay.demo.account_routes import account_routers
from assay.demo.attack_routes import attack_routers
from assay.demo.authz_routes import AuthzState, authz_routers
from assay.demo.models import ErrorResponse, Health, RegisterRequest, Token, User
from assay.demo.pages import docs_page, home_page
from assay.demo.spec import LOGIN_REQUEST_BODY, LOGIN_RESPONSES, build_openapi
from assay.demo.store import DemoStore
from assay.demo.webui import add_web_ui
from assay.domain.json import as_object

LOGIN_PATH = "/api/v1/auth/login"
TITLE = "Agent Platform API (assay demo)"
NextFn = Callable[[Request], Awaitable[Response]]


def _route_name(route: APIRoute) -> str:
    return route.name


def _current_user_dependency(store: DemoStore) -> Callable[..., User]:
    scheme = OAuth2PasswordBearer(tokenUrl=LOGIN_PATH)

    def current_user(token: Annotated[str, Depends(scheme)]) -> User:
        user = store.user_for_token(token)
        if user is None:
            raise HTTPException(
                status_code=401,
                detail="Could not validate credentials",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return user

    return current_user


async def _login_form(request: Request) -> tuple[str, str]:
    """The username and password of an OAuth2 password-grant form; 422 like FastAPI when invalid."""
    content_type = request.headers.get("content-type", "")
    raw = (await request.body()).decode("utf-8", "replace")
    form = parse_qs(raw, keep_blank_values=True) if "x-www-form-urlencoded" in content_type else {}
    values = {key: items[0] for key, items in form.items()}
    errors: list[dict[str, object]] = [
        {"type": "missing", "loc": ("body", key), "msg": "Field required", "input": None}
        for key in ("username", "password")
        if key not in values
    ]
    grant_type = values.get("grant_type")
    if grant_type not in (None, "password"):
        errors.append(
            {
                "type": "string_pattern_mismatch",
                "loc": ("body", "grant_type"),
                "msg": "String should match pattern '^password$'",
                "input": grant_type,
            }
        )
    if errors:
        raise RequestValidationError(errors)
    return values["username"], values["password"]


def _auth_router(store: DemoStore, current_user: Callable[..., User]) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    Me = Annotated[User, Depends(current_user)]

    @router.post(
        "/auth/register",
        tags=["auth"],
        response_model=User,
        status_code=201,
        responses={
            **routes.BAD_BODY,
            409: {"model": ErrorResponse, "description": "Email already registered"},
        },
    )
    def register(body: RegisterRequest) -> JSONResponse:
        user = store.register(body.email, body.password, body.full_name)
        if user is None:
            raise HTTPException(status_code=409, detail="Email already registered")
        # The decorator documents 201; this hand-built response says 200 (the planted status_code).
        return JSONResponse(user.model_dump(mode="json"), status_code=200)

    @router.post(
        "/auth/login",
        tags=["auth"],
        response_model=Token,
        openapi_extra={"requestBody": LOGIN_REQUEST_BODY, "responses": LOGIN_RESPONSES},
        responses={
            401: {"model": ErrorResponse, "description": "Wrong username or password"},
            429: {"model": ErrorResponse, "description": "Too many failed attempts"},
        },
    )
    async def login(request: Request) -> Token:
        username, password = await _login_form(request)
        if store.login_blocked(username):
            raise HTTPException(429, "Too many failed login attempts", headers={"Retry-After": "60"})
        token = store.login(username, password)
        if token is None:
            raise HTTPException(401, "Incorrect username or password", headers={"WWW-Authenticate": "Bearer"})
        return Token(access_token=token, token_type="bearer")

    @router.get(
        "/users/me",
        tags=["users"],
        response_model=User,
        responses={401: {"model": ErrorResponse, "description": "Missing or invalid bearer token"}},
    )
    def read_me(me: Me) -> User:
        return me

    @router.get("/health", response_model=Health, tags=["health"])
    def health() -> Health:
        return Health(status="ok")

    return router


def _site_router(app: FastAPI) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/openapi.json")
    def openapi_document() -> JSONResponse:
        return JSONResponse(build_openapi(app))

    @router.get("/docs", response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_page(build_openapi(app)))

    @router.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        return HTMLResponse(home_page(TITLE))

    return router


async def _model_provider_failed(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": "Internal Server Error"}, status_code=500)


def _documented_methods(app: FastAPI, path: str) -> list[str]:
    """The methods the served spec documents for a concrete path."""
    methods: set[str] = set()
    for template, item in as_object(build_openapi(app).get("paths")).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods.update(method.upper() for method in as_object(item))
    return sorted(methods)


def _allow_header_completer(app: FastAPI) -> Callable[[Request, NextFn], Awaitable[Response]]:
    """Starlette's 405 names only the first route matching the path; list every documented method."""

    async def complete_allow_header(request: Request, call_next: NextFn) -> Response:
        response = await call_next(request)
        documented = _documented_methods(app, request.url.path) if response.status_code == 405 else []
        if documented:
            response.headers["Allow"] = ", ".join(documented)
        return response

    return complete_allow_header


def create_app(store: DemoStore | None = None) -> FastAPI:
    """A fresh demo app; `store` defaults to a new empty one."""
    state = store or DemoStore()
    app = FastAPI(
        title=TITLE,
        version="1.0.0",
        description="Projects, datasets, agent kits and chat sessions. Bundled with assay as a demo target.",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        generate_unique_id_function=_route_name,
    )
    current_user = _current_user_dependency(state)
    app.include_router(_auth_router(state, current_user))
    app.include_router(routes.projects_router(state, current_user))
    app.include_router(routes.projects_redirect_router())
    app.include_router(routes.datasets_router(state, current_user))
    app.include_router(routes.agent_kits_router(state, current_user))
    app.include_router(routes.chat_router(state, current_user))
    app.include_router(routes.analytics_router(state, current_user))
    security = AuthzState()  # notes, members, tags: the security families' planted faults
    for router in [*authz_routers(state, security, current_user), *attack_routers(security, current_user)]:
        app.include_router(router)
    for router in account_routers(state, current_user):  # reset, directory, sessions, handles
        app.include_router(router)
    app.include_router(_site_router(app))
    add_web_ui(app)
    app.add_exception_handler(routes.ModelProviderError, _model_provider_failed)
    app.middleware("http")(_allow_header_completer(app))
    app.middleware("http")(_hardening_headers)
    return app


# The demo's faults are the planted ones: its pages carry the defensive headers a real site should.
HARDENING = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "frame-ancestors 'none'",  # anti-framing; scripts unrestricted
}


async def _hardening_headers(request: Request, call_next: NextFn) -> Response:
    response = await call_next(request)
    for name, value in HARDENING.items():
        response.headers.setdefault(name, value)
    return response
