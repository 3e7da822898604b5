"""Demo routes with one planted fault per authorization and state family (issue 3).

Notes: any user reads any note by id (BOLA); a PATCH acknowledges a new ``title`` but keeps the
old one (lost update); a DELETE answers 204 and keeps the note (stale resource); the export
answers without checking the token (missing authentication). Members persist an ``is_admin``
the create model does not declare (mass assignment). Tags refuse a duplicate name, but check
before they insert (a race). ``/admin/stats`` is served to every user (BFLA). The rest is healthy.

No ``from __future__ import annotations`` here: FastAPI reads the parameter annotations.
"""

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Depends, HTTPException, Response
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ConfigDict, Field

from assay.demo.models import ErrorResponse, User
from assay.demo.routes import BAD_BODY, NOT_FOUND, UNAUTHORIZED, Responses
from assay.demo.store import DemoStore, now

CurrentUserFn = Callable[..., User]
# The longest a tag create waits between its check and its insert for a concurrent twin. Two
# creates of one name that overlap at all meet in the window, however busy the machine (a fixed
# 50 ms sleep missed them under load); a create alone waits the whole window, once.
RACE_WINDOW_S = 0.25


class NoteIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    body: str | None = Field(default=None, max_length=2000)


class NotePatch(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = Field(default=None, max_length=2000)


class Note(BaseModel):
    id: UUID
    title: str
    body: str | None
    owner_id: UUID
    created_at: datetime


class MemberIn(BaseModel):
    # Extra fields are kept (the planted mass assignment): `is_admin` among them.
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1, max_length=200)


class Member(BaseModel):
    id: UUID
    name: str
    is_admin: bool
    created_at: datetime


class TagIn(BaseModel):
    name: str = Field(min_length=1, max_length=60, description="Unique per user")


class Tag(BaseModel):
    id: UUID
    name: str
    created_at: datetime


class AdminStats(BaseModel):
    users: int
    notes: int


class AuthzState:
    """Notes, members and tags of one app, keyed by id, with their owners."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.notes: dict[UUID, Note] = {}
        self.members: dict[UUID, tuple[UUID, Member]] = {}
        self.tags: dict[UUID, tuple[UUID, Tag]] = {}
        self.window = threading.Condition()
        self.in_window: dict[tuple[UUID, str], int] = {}

    def race_window(self, key: tuple[UUID, str]) -> None:
        """Hold the check-then-insert window open until a twin create of ``key`` is in it too."""
        with self.window:
            self.in_window[key] = self.in_window.get(key, 0) + 1
            self.window.notify_all()
            self.window.wait_for(lambda: self.in_window[key] > 1, timeout=RACE_WINDOW_S)

    def leave_window(self, key: tuple[UUID, str]) -> None:
        with self.window:
            self.in_window[key] -= 1
            if not self.in_window[key]:
                del self.in_window[key]

    def own_note(self, me: User, note_id: UUID) -> Note:
        with self.lock:
            note = self.notes.get(note_id)
        if note is None or note.owner_id != me.id:
            raise HTTPException(status_code=404, detail="Note not found")
        return note


def notes_router(state: AuthzState, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/notes", tags=["notes"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.get("/", response_model=list[Note])
    def list_notes(me: Me) -> list[Note]:
        with state.lock:
            return [n for n in state.notes.values() if n.owner_id == me.id]

    @router.post("/", response_model=Note, status_code=201, responses=BAD_BODY)
    def create_note(body: NoteIn, me: Me) -> Note:
        note = Note(id=uuid4(), owner_id=me.id, created_at=now(), **body.model_dump())
        with state.lock:
            state.notes[note.id] = note
        return note

    @router.get("/{note_id}", response_model=Note, responses=NOT_FOUND)
    def get_note(note_id: UUID, me: Me) -> Note:
        with state.lock:
            note = state.notes.get(note_id)  # no owner check: the planted BOLA
        if note is None:
            raise HTTPException(status_code=404, detail="Note not found")
        return note

    @router.patch("/{note_id}", response_model=Note, responses={**NOT_FOUND, **BAD_BODY})
    def update_note(note_id: UUID, body: NotePatch, me: Me) -> Note:
        note = state.own_note(me, note_id)
        changes = body.model_dump(exclude_unset=True)
        if changes.get("title") is None:
            changes.pop("title", None)  # a title cannot be cleared
        with state.lock:  # only the body is stored: the planted lost update of `title`
            state.notes[note_id] = note.model_copy(update={k: v for k, v in changes.items() if k == "body"})
        return note.model_copy(update=changes)

    @router.delete("/{note_id}", status_code=204, response_class=Response, responses=NOT_FOUND)
    def delete_note(note_id: UUID, me: Me) -> None:
        state.own_note(me, note_id)  # acknowledged, never removed: the planted stale resource

    return router


def note_export_router(state: AuthzState) -> APIRouter:
    router = APIRouter(prefix="/api/v1/notes", tags=["notes"], responses=UNAUTHORIZED)
    # Documented as secured, but the token is never checked (the planted missing authentication).
    optional = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)

    @router.get("/{note_id}/export", response_model=Note, responses=NOT_FOUND)
    def export_note(note_id: UUID, token: Annotated[str | None, Depends(optional)]) -> Note:
        with state.lock:
            note = state.notes.get(note_id)
        if note is None:
            raise HTTPException(status_code=404, detail="Note not found")
        return note

    return router


def members_router(state: AuthzState, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/members", tags=["members"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.post("/", response_model=Member, status_code=201, responses=BAD_BODY)
    def create_member(body: MemberIn, me: Me) -> Member:
        extra = body.model_extra or {}
        member = Member(id=uuid4(), name=body.name, is_admin=extra.get("is_admin") is True, created_at=now())
        with state.lock:
            state.members[member.id] = (me.id, member)
        return member

    @router.get("/{member_id}", response_model=Member, responses=NOT_FOUND)
    def get_member(member_id: UUID, me: Me) -> Member:
        with state.lock:
            owner, member = state.members.get(member_id, (None, None))
        if member is None or owner != me.id:
            raise HTTPException(status_code=404, detail="Member not found")
        return member

    return router


def tags_router(state: AuthzState, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/tags", tags=["tags"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]
    taken: Responses = {
        409: {"model": ErrorResponse, "description": "The user already has a tag of that name"}
    }

    @router.post("/", response_model=Tag, status_code=201, responses={**BAD_BODY, **taken})
    def create_tag(body: TagIn, me: Me) -> Tag:
        with state.lock:
            exists = any(o == me.id and t.name == body.name for o, t in state.tags.values())
        if exists:
            raise HTTPException(status_code=409, detail="Tag already exists")
        state.race_window((me.id, body.name))  # check, then insert without the lock: the planted race
        tag = Tag(id=uuid4(), name=body.name, created_at=now())
        with state.lock:
            state.tags[tag.id] = (me.id, tag)
        state.leave_window((me.id, body.name))
        return tag

    @router.get("/{tag_id}", response_model=Tag, responses=NOT_FOUND)
    def get_tag(tag_id: UUID, me: Me) -> Tag:
        with state.lock:
            owner, tag = state.tags.get(tag_id, (None, None))
        if tag is None or owner != me.id:
            raise HTTPException(status_code=404, detail="Tag not found")
        return tag

    return router


def admin_router(store: DemoStore, state: AuthzState, current_user: CurrentUserFn) -> APIRouter:
    router = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=UNAUTHORIZED)
    Me = Annotated[User, Depends(current_user)]

    @router.get("/stats", response_model=AdminStats)
    def admin_stats(me: Me) -> AdminStats:
        # Any logged-in user, not only administrators (the planted BFLA).
        with state.lock:
            return AdminStats(users=store.user_count(), notes=len(state.notes))

    return router


def authz_routers(store: DemoStore, state: AuthzState, current_user: CurrentUserFn) -> list[APIRouter]:
    return [
        notes_router(state, current_user),
        note_export_router(state),
        members_router(state, current_user),
        tags_router(state, current_user),
        admin_router(store, state, current_user),
    ]
