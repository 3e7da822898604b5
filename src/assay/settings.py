"""Settings: the one place environment variables are read (prefix ``ASSAY_``).

:class:`Settings` is the server's (built only in ``assay.bootstrap``), :class:`CliSettings` what
``assay run`` reads (built only by ``assay.cli.main.cli_settings``); both take the IMAP server of
:class:`ImapSettings`. The generated suites read their own environment when they run.

``ENABLE_ANALYSIS_REALTIME_EXECUTION`` keeps the unprefixed name the API spec gives it;
``ASSAY_ENABLE_ANALYSIS_REALTIME_EXECUTION`` works too. List settings take a JSON array or
a comma-separated string (``ASSAY_ALLOWED_TARGETS=127.0.0.1,*.example.test,10.0.0.0/8``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assay.domain.target import MailServer

DEFAULT_DATA_DIR = Path(".assay")


class ImapSettings(BaseSettings):
    """The IMAP server for a mailbox given without one, for the server and the CLI alike."""

    model_config = SettingsConfigDict(env_prefix="ASSAY_", extra="ignore")

    imap_host: str = Field(
        default="",
        description="IMAP server for the mailbox given as gmail_credentials (one-time login codes); "
        "empty: from the address (gmail.com: imap.gmail.com). Contacted only when a mailbox is given.",
    )
    imap_port: int = Field(default=0, description="IMAP port; 0: 993 over SSL, 143 without.")
    imap_ssl: bool = Field(default=True, description="IMAP over SSL (ASSAY_IMAP_SSL=0: plain, for tests).")

    def mail_server(self) -> MailServer:
        return MailServer(self.imap_host, self.imap_port, self.imap_ssl)


class ModelSettings(BaseSettings):
    """The optional language model (the AI tier), for ``assay run`` and ``assay serve`` alike.

    Nothing is configured until ``ASSAY_LLM_MODEL`` is set: then no client is built and no byte
    is sent to any model; every feature keeps its rule-based answer.
    """

    model_config = SettingsConfigDict(env_prefix="ASSAY_", extra="ignore", env_ignore_empty=True)

    llm_provider: Literal["openai", "anthropic"] = Field(
        default="openai",
        description="openai: any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp); anthropic.",
    )
    llm_base_url: str = Field(
        default="",
        description="The model server's URL (Ollama: http://127.0.0.1:11434/v1); empty: the provider's.",
    )
    llm_model: str = Field(default="", description="The model's name; empty: no model, nothing is sent.")
    llm_api_key: str = Field(
        default="", repr=False, description="The provider's key (none for a local server)."
    )
    llm_max_calls: int = Field(default=20, ge=0, description="Model calls one run may make.")
    llm_max_tokens: int = Field(
        default=40_000, ge=0, description="Tokens (prompt + answer) one run may spend."
    )
    llm_timeout: float = Field(
        default=30.0, gt=0, description="Seconds one model call may take, retries included."
    )
    llm_retries: int = Field(
        default=2, ge=0, description="Retries of a call the server failed (429, 5xx, drops)."
    )


class CliSettings(ImapSettings, ModelSettings):
    """What ``assay run`` takes from its environment, so secrets stay out of the shell history.

    No ``.env`` file (the CLI never read one); an empty variable counts as unset.
    """

    model_config = SettingsConfigDict(env_prefix="ASSAY_", extra="ignore", env_ignore_empty=True)

    login: str = Field(
        default="", description="USER:PASSWORD or ROLE=USER:PASSWORD when --login is not given."
    )
    username: str = Field(default="", description="The login's user when neither --login nor ASSAY_LOGIN is.")
    password: str = Field(default="", description="ASSAY_USERNAME's password.")
    mail_login: str = Field(default="", description="EMAIL:APP_PASSWORD when --mail-login is not given.")
    totp_secret: str = Field(default="", description="Base32 TOTP secret when --totp-secret is not given.")
    headers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description='Fixed credential headers when --header is not given: "NAME: VALUE" lines '
        "(one per line) or a JSON array of them.",
    )

    @field_validator("headers", mode="before")
    @classmethod
    def _header_lines(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [line.strip() for line in text.splitlines() if line.strip()]
        return value


class BrowserSettings(BaseSettings):
    """Where the Chromium is, for every browser assay launches (read when one is looked for)."""

    model_config = SettingsConfigDict(env_prefix="ASSAY_", extra="ignore")

    chromium_path: str = Field(default="", description="A Chromium executable; empty: Debian's, or PATH's.")
    playwright_browsers_path: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "ms-playwright",
        validation_alias="PLAYWRIGHT_BROWSERS_PATH",
        description="Where `playwright install chromium` put its browser (Playwright's own variable).",
    )


class DatabaseSettings(BaseSettings):
    """The SQL database: the server's store, and the locator book of ``assay serve``, ``assay
    worker`` and ``assay run`` alike (so a run from the server's directory shares its heals)."""

    model_config = SettingsConfigDict(env_prefix="ASSAY_", extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file in data_dir "
        "(postgresql+psycopg://user@host/db for PostgreSQL).",
    )
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="Where the SQLite file lives.")
    run_migrations: bool = Field(default=True, description="Upgrade the database schema at start.")

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to ``sqlite:///<data_dir>/assay.db``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'assay.db').resolve()}"


class Settings(ImapSettings, ModelSettings, DatabaseSettings):
    """Everything the server can be told; built only in ``assay.bootstrap``."""

    model_config = SettingsConfigDict(env_prefix="ASSAY_", env_file=".env", extra="ignore")

    enable_analysis_realtime_execution: bool = Field(
        default=True,
        validation_alias=AliasChoices(
            "ENABLE_ANALYSIS_REALTIME_EXECUTION", "ASSAY_ENABLE_ANALYSIS_REALTIME_EXECUTION"
        ),
        description="AnalysisAgent executes critical scenarios for scoring (spec §3.1).",
    )
    allowed_targets: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Hosts, wildcards (*.example.com) and CIDRs a workflow may target; empty = any.",
    )
    allow_metadata_targets: bool = Field(
        default=False, description="Allow cloud metadata addresses (169.254.169.254, ...) as targets."
    )
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="When set, every /api/v2 call needs X-API-Key or a Bearer key."
    )
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest request body the API reads (413 above)."
    )
    cancel_grace_seconds: float = Field(
        default=5.0, description="How long a cancelled workflow may take to stop at its next step."
    )
    broker_url: str = Field(
        default="",
        description="Distributed mode: a Redis URL (redis://127.0.0.1:6379/0). `assay serve` then only "
        "enqueues, `assay worker` runs the workflows, and events and cancels travel over this Redis. "
        "Empty: workflows run inside the server.",
    )
    broker_prefix: str = Field(
        default="assay:", description="Prefix of every Redis key distributed mode writes (queue included)."
    )
    broker_visibility_seconds: float = Field(
        default=0.0,
        description="How long a taken workflow stays invisible to other workers before it is "
        "redelivered; 0: twice the longest a workflow may run (domain.queueing).",
    )
    max_concurrent_workflows: int = Field(
        default=0,
        ge=0,
        description="Workflows run at once; the others wait in a FIFO queue, `pending` with their "
        "position. 0: one per two cores (at least one).",
    )
    max_browser_contexts: int = Field(
        default=0,
        ge=0,
        description="Browser contexts open at once over all workflows (they share one Chromium per "
        "target host). 0: enough for every running workflow.",
    )

    @field_validator("allowed_targets", "api_keys", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value
