"""Protocols the agents are handed; adapters implement them, tests fake them."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol, runtime_checkable

from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.language_model import Completion, Prompt
from assay.domain.target import MailAccount


class HttpTransport(Protocol):
    """Sends one request to the target, never following redirects.

    Raises TargetUnreachable, TargetTimeout or ConnectionDropped (assay.domain.errors) instead of a
    response, and SafetyError for a request the safety policy forbids.
    """

    async def send(self, request: RecordedRequest, *, timeout: float | None = None) -> RecordedResponse: ...

    @property
    def requests_sent(self) -> int: ...


@runtime_checkable
class Reconnecting(Protocol):
    """A transport that can open a second client with its own safety policy and connection.

    Replays use it so that a finding is reproduced on a connection nothing else has touched (no
    pooled keep-alive socket, no state from the run). A transport without it is reused as is.
    """

    def fresh(self) -> AbstractAsyncContextManager[HttpTransport]: ...


class CancelToken(Protocol):
    """Checked by agents between steps; a cancelled workflow stops at its next step."""

    @property
    def cancelled(self) -> bool: ...


class CodeMailbox(Protocol):
    """The mailbox a login's one-time codes arrive in (IMAP: ``assay.adapters.mail.ImapMailbox``).

    Both calls block (run them in a thread) and raise OSError when the mailbox cannot be reached
    or refuses the login.
    """

    def mark(self, account: MailAccount) -> int:
        """Where the mailbox ends now: mails from this mark on arrived later."""
        ...

    def texts_since(self, account: MailAccount, mark: int) -> list[str]:
        """Subject and text of the mails from ``mark`` on, newest first."""
        ...


class LanguageModel(Protocol):
    """A language model that answers one :class:`Prompt` with one JSON object (the AI tier).

    Raises :class:`~assay.domain.language_model.ModelFailure` when it cannot (down, over time,
    an answer that is not the JSON asked for); callers fall back to their rule-based answer.
    """

    @property
    def name(self) -> str: ...

    async def complete(self, prompt: Prompt) -> Completion: ...
