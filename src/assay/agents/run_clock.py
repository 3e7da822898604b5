"""The run's charged clock on the event loop: a ticker that measures starvation, and its uses.

``measured()`` is entered once per pipeline run, when the run starts running. It starts a ticker
task that feeds a :class:`StarvationMeter`, makes the run's :class:`ChargedClock`, and wraps the
transport so every answer carries the loop lag measured while it was awaited. Stage tasks call
:func:`use` with that clock; budget checks anywhere below read it with :func:`charged` instead of
``time.monotonic``. A context variable carries it rather than a parameter through every stage,
crawler and family (dozens of signatures): each stage runs in its own task, whose context copy
holds its own run's clock, so fifty concurrent runs in one loop never read each other's.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from dataclasses import dataclass, replace

from assay.domain.charged_clock import ChargedClock, StarvationMeter
from assay.domain.exchanges import RecordedRequest, RecordedResponse
from assay.domain.ports import HttpTransport, Reconnecting

TICK_SECONDS = 0.1  # cheap: one tiny callback per tick per run

_CLOCK: ContextVar[Callable[[], float]] = ContextVar("assay_run_clock", default=time.monotonic)


def charged() -> float:
    """Now on the current run's charged clock (plain monotonic time outside a run)."""
    return _CLOCK.get()()


def use(clock: Callable[[], float]) -> None:
    """Make ``clock`` the current task's: call at the start of a stage task."""
    _CLOCK.set(clock)


async def _tick(meter: StarvationMeter) -> None:
    while True:
        meter.expect(time.monotonic() + TICK_SECONDS)
        await asyncio.sleep(TICK_SECONDS)
        meter.arrived(time.monotonic())


@dataclass(frozen=True)
class Measured:
    """One run's clock, its meter, and its transport that records loop lag per answer."""

    clock: ChargedClock
    meter: StarvationMeter
    transport: HttpTransport


@contextlib.asynccontextmanager
async def measured(transport: HttpTransport) -> AsyncIterator[Measured]:
    meter = StarvationMeter()
    ticker = asyncio.create_task(_tick(meter))
    try:
        clock = ChargedClock(time.monotonic, meter.starved)
        yield Measured(clock, meter, LagRecording(transport, meter))
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker


class LagRecording:
    """A transport whose answers say how much of their elapsed time was assay's loop lag."""

    def __init__(self, inner: HttpTransport, meter: StarvationMeter) -> None:
        self._inner = inner
        self._meter = meter

    async def send(self, request: RecordedRequest, *, timeout: float | None = None) -> RecordedResponse:
        before = self._meter.starved(time.monotonic())
        response = await self._inner.send(request, timeout=timeout)
        lag = self._meter.starved(time.monotonic()) - before
        return replace(response, loop_lag_seconds=round(lag, 4)) if lag > 0 else response

    @property
    def requests_sent(self) -> int:
        return self._inner.requests_sent

    @contextlib.asynccontextmanager
    async def fresh(self) -> AsyncIterator[HttpTransport]:
        """A fresh connection of the inner transport, still recording lag (itself, if it has none)."""
        if not isinstance(self._inner, Reconnecting):
            yield self
            return
        async with self._inner.fresh() as other:
            yield LagRecording(other, self._meter)
