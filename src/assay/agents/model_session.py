"""One run's access to the language model: budgets, redaction, size bounds, and failure as a note.

Every agent asks the model through :class:`ModelSession`, never through the port directly, so
that no call escapes the run's budget, no secret of the run leaves the machine, and a model that
is down, slow or answers nonsense costs a note, never the run: :meth:`ModelSession.ask` answers
None and the caller keeps its rule-based answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assay.domain.json import JsonObject
from assay.domain.language_model import ModelFailure, ModelLimits, ModelUse, Prompt, SentPrompt
from assay.domain.locator_book import LocatorBook, MemoryLocatorBook
from assay.domain.ports import LanguageModel
from assay.domain.redaction import redact_secrets

log = logging.getLogger(__name__)
CUT = "\n[... cut: the prompt's size bound]"


@dataclass
class ModelSession:
    """The model for one run, with its limits and the run's secrets (redacted from every prompt)."""

    model: LanguageModel
    limits: ModelLimits = field(default_factory=ModelLimits)
    secrets: Sequence[str] = ()
    use: ModelUse = field(init=False)

    def __post_init__(self) -> None:
        self.use = ModelUse(self.model.name)

    def with_secrets(self, secrets: Sequence[str]) -> None:
        """Add values to redact (a password typed later, a token minted at login)."""
        self.secrets = tuple({*self.secrets, *secrets})

    async def ask(
        self, purpose: str, prompt: Prompt, valid: Callable[[JsonObject], str] | None = None
    ) -> JsonObject | None:
        """The model's answer to ``prompt``, or None (then a note says why). ``valid`` names what
        is wrong with an answer ("" when nothing): an invalid one counts as no answer."""
        over = self._over_budget()
        if over:
            self._note(purpose, over, record=None)
            return None
        sent = self._bounded(prompt)
        self.use.calls += 1
        try:
            completion = await asyncio.wait_for(self.model.complete(sent), self.limits.timeout_seconds)
        except TimeoutError:
            self._note(purpose, f"no answer within {self.limits.timeout_seconds:g} s", sent)
            return None
        except ModelFailure as exc:
            self._note(purpose, redact_secrets(str(exc), self.secrets)[:300], sent)
            return None
        except Exception as exc:  # an adapter bug must not fail the run either
            log.exception("the language model crashed")
            self._note(purpose, f"the model adapter failed ({type(exc).__name__})", sent)
            return None
        self.use.tokens += completion.tokens
        wrong = valid(completion.data) if valid is not None else ""
        if wrong:
            self._note(purpose, f"its answer was refused: {wrong[:200]}", sent)
            return None
        self.use.sent.append(SentPrompt(purpose, sent.system, sent.user, "answered"))
        return completion.data

    def _over_budget(self) -> str:
        if self.use.calls >= self.limits.max_calls:
            return f"the run's budget of {self.limits.max_calls} model calls is spent"
        if self.use.tokens >= self.limits.max_tokens:
            return f"the run's budget of {self.limits.max_tokens} model tokens is spent"
        return ""

    def _bounded(self, prompt: Prompt) -> Prompt:
        """``prompt`` with the run's secrets masked, its question cut to the size bound."""
        user = redact_secrets(prompt.user, self.secrets)
        limit = self.limits.max_prompt_chars
        if len(user) > limit:
            user = user[: max(0, limit - len(CUT))] + CUT
        tokens_left = max(1, self.limits.max_tokens - self.use.tokens)
        return Prompt(
            redact_secrets(prompt.system, self.secrets),
            user,
            prompt.schema_name,
            prompt.schema,
            min(prompt.max_tokens, tokens_left),
        )

    def _note(self, purpose: str, why: str, record: Prompt | None) -> None:
        note = (
            f"language model ({self.use.name}) not used for {purpose}: {why}; the rule-based answer was kept"
        )
        if record is not None:
            self.use.sent.append(SentPrompt(purpose, record.system, record.user, why))
        if note not in self.use.notes:
            self.use.notes.append(note)
        log.warning("%s", note)


@dataclass(frozen=True)
class AiTier:
    """What the composition root hands the pipeline when a model is configured: the model, the
    per-run limits, and the book that healed locators are written back to (the composition
    root's is kept in a database; this process's memory when none is given)."""

    model: LanguageModel
    limits: ModelLimits = field(default_factory=ModelLimits)
    book: LocatorBook = field(default_factory=MemoryLocatorBook)

    def session(self, secrets: Sequence[str], earlier: ModelUse | None = None) -> ModelSession:
        """A run's own session: its budgets start at zero, or where ``earlier`` left them (a
        redelivered workflow resuming: the calls of its completed stages count and stay on record)."""
        session = ModelSession(self.model, self.limits, tuple(secrets))
        if earlier is not None:
            session.use = earlier
        return session
