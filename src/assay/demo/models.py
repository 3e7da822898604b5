"""Request and response bodies of the demo target (what its OpenAPI documents)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

Name = Field(min_length=1, max_length=200)
RecordValue = str | int | float | bool | None


class ErrorResponse(BaseModel):
    """The body of every 4xx answer the demo raises itself."""

    detail: str


class Health(BaseModel):
    status: Literal["ok"]


class RegisterRequest(BaseModel):
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(min_length=8, max_length=128)
    full_name: str | None = Field(default=None, max_length=200)


class User(BaseModel):
    id: UUID
    email: str
    full_name: str | None
    created_at: datetime


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"]


class ProjectIn(BaseModel):
    name: str = Name
    description: str | None = Field(default=None, max_length=2000)


class Project(BaseModel):
    id: UUID
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class ProjectList(BaseModel):
    items: list[Project]
    total: int
    limit: int
    offset: int


class DatasetIn(BaseModel):
    name: str = Name
    description: str | None = Field(default=None, max_length=2000)
    records: list[dict[str, RecordValue]] = Field(min_length=1, max_length=1000)


class Dataset(BaseModel):
    id: UUID
    name: str
    description: str | None
    record_count: int
    columns: list[str]
    created_at: datetime


class DatasetList(BaseModel):
    items: list[Dataset]
    total: int
    limit: int
    offset: int


# A placeholder nobody replaced: the preview's real shape is undocumented (the planted
# spec_quality fault). No docstring, or it would become the schema's description.
class TODOSchema(BaseModel):
    model_config = ConfigDict(title="TODOSchema")


class AgentKitConfig(BaseModel):
    # Documented optional; the handler requires it (the planted spec_drift).
    primary_objective: str | None = Field(default=None, max_length=500)
    triggers: list[str] = Field(default_factory=list, max_length=50)
    metrics: list[str] = Field(default_factory=list, max_length=50)
    constraints: list[str] = Field(default_factory=list, max_length=50)


class AgentKitIn(BaseModel):
    name: str = Name
    description: str | None = Field(default=None, max_length=2000)
    config: AgentKitConfig


class AgentKit(BaseModel):
    id: UUID
    name: str
    description: str | None
    config: AgentKitConfig
    created_at: datetime


class AgentKitList(BaseModel):
    items: list[AgentKit]
    total: int
    limit: int
    offset: int


class ChatSessionIn(BaseModel):
    title: str | None = Field(default=None, max_length=200)
    dataset_id: UUID
    agent_kit_id: UUID


class ChatSession(BaseModel):
    id: UUID
    title: str | None
    dataset_id: UUID
    agent_kit_id: UUID
    created_at: datetime


class ChatSessionList(BaseModel):
    items: list[ChatSession]
    total: int
    limit: int
    offset: int


class MessageIn(BaseModel):
    content: str = Field(min_length=1, max_length=4000)


class Message(BaseModel):
    id: UUID
    session_id: UUID
    role: Literal["user", "assistant"]
    content: str
    created_at: datetime


class AnalyticsSummary(BaseModel):
    projects: int
    datasets: int
    agent_kits: int
    chat_sessions: int
    generated_at: datetime


# Documented for GET /api/v1/analytics/public/metrics, which is not implemented.
class PublicMetrics(BaseModel):
    users: int
    chat_sessions: int
