"""The dashboard's start form: what was typed, checked and turned into the service's StartRequest.

Credentials travel in this one POST only: they go into the StartRequest (whose secrets the
service redacts from every output) and are never echoed back, not even when the form is shown
again with an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assay.domain.errors import MissingInput, UsageError
from assay.domain.target import DEEP_CRAWL, Credentials, MailAccount, website_login
from assay.domain.workflow import WorkflowKind
from assay.services.workflows import StartRequest

# Each kind the API starts from this form, and what it says to a user choosing it.
KINDS: dict[WorkflowKind, str] = {
    "generate-tests": "Full pipeline: observation → requirements → analysis → evolution",
    "observation": "Observation only: find the spec, crawl the pages",
    "requirements": "Requirements: scenarios from an earlier observation",
    "analysis": "Analysis: risk, priorities and execution from earlier requirements",
    "evolution": "Evolution: the test suite from an earlier analysis",
}
FROM_URL: frozenset[str] = frozenset({"generate-tests", "observation"})
# The API's triggers that take a login (GenerateTests, Observation, Evolution requests).
TAKES_LOGIN: frozenset[str] = frozenset({"generate-tests", "observation", "evolution"})
API_DEEP = 3  # the form offers the API's depths 1-3; 3 is a "deep crawl", as over the API


@dataclass(frozen=True)
class StartForm:
    kind: str = "generate-tests"
    url: str = ""
    instruction: str = ""
    depth: int = 1
    source_workflow_id: str = ""
    username: str = field(default="", repr=False)
    password: str = field(default="", repr=False)
    totp_secret: str = field(default="", repr=False)
    mail_address: str = field(default="", repr=False)
    mail_password: str = field(default="", repr=False)

    def echo(self) -> dict[str, str]:
        """What the form shows again after an error: everything but the credentials."""
        return {
            "kind": self.kind,
            "url": self.url,
            "user_instruction": self.instruction,
            "depth": str(self.depth),
            "source_workflow_id": self.source_workflow_id,
        }

    @property
    def has_login(self) -> bool:
        return bool(self.username or self.password or self.totp_secret)

    @property
    def has_mail(self) -> bool:
        return bool(self.mail_address or self.mail_password)


def start_request(form: StartForm) -> StartRequest:
    """The service's request for ``form``; UsageError (shown above the form) when it does not fit."""
    if form.kind not in KINDS:
        raise UsageError(f"Unknown workflow kind {form.kind!r}; choose one of {', '.join(KINDS)}.")
    kind: WorkflowKind = form.kind  # narrowed by the check against KINDS just above
    if form.depth not in range(1, API_DEEP + 1):
        raise UsageError("Depth is 1 (this page), 2 (the pages it links) or 3 (deep crawl).")
    if (form.has_login or form.has_mail) and kind not in TAKES_LOGIN:
        raise UsageError(f"A {kind} workflow takes no login; leave the credentials empty.")
    if kind in FROM_URL:
        if not form.url.strip():
            raise MissingInput("Give the target URL: the address of the site or API to test.")
        return StartRequest(
            kind=kind,
            url=form.url.strip(),
            instruction=form.instruction.strip() or None,
            depth=DEEP_CRAWL if form.depth >= API_DEEP else form.depth,
            credentials=credentials(form),
            extra_secrets=(form.mail_password,) if form.mail_password else (),
        )
    if not form.source_workflow_id.strip():
        raise MissingInput(f"A {kind} workflow continues an earlier one: choose the workflow to chain from.")
    return StartRequest(
        kind=kind,
        instruction=form.instruction.strip() or None,
        credentials=credentials(form),
        source_workflow_id=form.source_workflow_id.strip(),
    )


def credentials(form: StartForm) -> tuple[Credentials, ...]:
    """The login typed into the form, with its TOTP secret and mailbox; () when none was."""
    if form.has_mail and not form.has_login:
        raise UsageError("A mailbox for one-time codes goes with a login: give the user name and password.")
    if not form.has_login:
        return ()
    if not (form.username and form.password):
        raise MissingInput("A login needs both a user name (or e-mail) and a password.")
    mail = None
    if form.has_mail:
        if not (form.mail_address and form.mail_password):
            raise MissingInput("A mailbox needs both its address and its (app) password.")
        mail = MailAccount(form.mail_address, form.mail_password)
    return website_login(form.username, form.password, form.totp_secret, mail)
