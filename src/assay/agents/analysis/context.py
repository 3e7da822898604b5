"""What one analysis run's phases share, so each helper takes one value instead of ten.

``AnalysisRun`` is given before execution starts; ``Evidence`` is what the API, UI and security
phases gathered, handed on to judging, the reset phase and the final result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.agents.analysis.execution.auth import Authenticator
from assay.agents.analysis.execution.report import ExecutionReport
from assay.agents.analysis.progress import AnalysisProgress
from assay.agents.analysis.security.base import FamilyReport
from assay.agents.analysis.ui.run import UiOutcome
from assay.agents.model_session import ModelSession
from assay.domain.analysis import AnalysisResult
from assay.domain.locator_book import LocatorBook
from assay.domain.observation import Observation
from assay.domain.ports import CancelToken, HttpTransport
from assay.domain.scenarios import RequirementsResult
from assay.domain.target import Target
from assay.pages.browser import BrowserPort


@dataclass(frozen=True)
class AnalysisRun:
    """The run's inputs and channels; ``crashes`` collects one line per part that crashed."""

    observation: Observation
    requirements: RequirementsResult
    planned: AnalysisResult
    target: Target
    transport: HttpTransport
    progress: AnalysisProgress
    cancel: CancelToken | None = None
    browser: BrowserPort | None = None
    model: ModelSession | None = None  # the language model's tier 3 (None: not configured)
    book: LocatorBook | None = None  # healed locators written back for tier 1
    crashes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Evidence:
    """What execution gathered: the login, the API report, the families' and the UI's outcomes."""

    auth: Authenticator | None
    report: ExecutionReport
    families: list[FamilyReport]
    ui: UiOutcome
    secrets: tuple[str, ...]  # passwords and tokens used: to redact from every output


def run_secrets(target: Target, auth: Authenticator | None) -> tuple[str, ...]:
    """The secrets to redact: the login's, the given credentials', and the run's own password."""
    # The run's password for the accounts it registers is a secret like any given one.
    own = (*(s for c in target.credentials for s in c.secrets), target.ledger.password)
    return (*auth.secrets, *own) if auth else own
