"""The clock a run's time budgets are charged on: its own progress, not the time it spent starved.

Fifty workflows in one process on two cores each wait for the CPU far longer than for their
target; a budget read off the wall clock then runs out although the run did a fraction of its
work, and the run silently tests less. So budgets are read off a :class:`ChargedClock`: wall time
since the run *started running* (not since it was queued: the clock is made when the pipeline
starts) minus the time the run's event loop was measurably starved.

Why event-loop lag, not process CPU time: ``time.process_time`` counts every thread of the
process (all the other workflows too) and none of the time a run waits for its target, which is
most of what a budget pays for. A timer that wakes up late, on the other hand, measures exactly
the time this run could not have made progress although it was ready to (the loop was busy with
someone else's callbacks, or the OS gave the process no core). :class:`StarvationMeter` keeps
that lateness; it is fed by a small ticker task (``agents/run_clock.py``).

A run's own CPU-bound callbacks starve its loop too and are discounted as well: with a shared
loop they cannot be told apart from a neighbour's. ``min_rate`` bounds what that can cost: the
charged clock always runs at least that fraction of the wall clock, so a budget of B seconds
ends after at most B / min_rate seconds of wall time however starved the run is.
"""

from __future__ import annotations

from collections.abc import Callable

# A tick a little late is scheduling noise, not starvation.
TICK_TOLERANCE = 0.02
# The charged clock advances at least at a quarter of wall speed (see the module docstring).
MIN_RATE = 0.25


class StarvationMeter:
    """Seconds the event loop was late waking a ticker: time nothing on that loop could progress.

    The ticker says when it expects to wake (:meth:`expect`) and when it did (:meth:`arrived`).
    A tick that is overdue right now already counts (:meth:`starved`), so a budget read at the
    end of a long starved spell, before the late tick has run, is not charged for the spell.
    """

    def __init__(self, tolerance: float = TICK_TOLERANCE) -> None:
        self._tolerance = tolerance
        self._recorded = 0.0
        self._due: float | None = None

    def expect(self, due: float) -> None:
        self._due = due

    def arrived(self, at: float) -> None:
        self._recorded += self._overdue(at)
        self._due = None

    def starved(self, at: float) -> float:
        """Total starvation up to ``at``, the tick overdue now included."""
        return self._recorded + self._overdue(at)

    def _overdue(self, at: float) -> float:
        if self._due is None:
            return 0.0
        return max(0.0, at - self._due - self._tolerance)


class ChargedClock:
    """A monotonic clock, in seconds, that stands still while the run is starved.

    Called like ``time.monotonic``, so every ``deadline = clock() + budget`` and
    ``clock() >= deadline`` reads the same as before and charges only the run's own time.
    """

    def __init__(
        self,
        wall: Callable[[], float],
        starved: Callable[[float], float] = lambda _at: 0.0,
        min_rate: float = MIN_RATE,
    ) -> None:
        self._wall = wall
        self._starved = starved
        self._min_rate = min_rate
        self._start = wall()
        self._starved_at_start = starved(self._start)

    def __call__(self) -> float:
        return self._start + self._charged(self._wall())

    def starved_seconds(self) -> float:
        """Wall time not charged so far."""
        at = self._wall()
        return (at - self._start) - self._charged(at)

    def _charged(self, at: float) -> float:
        elapsed = at - self._start
        lost = self._starved(at) - self._starved_at_start
        # Both terms only grow (lost grows no faster than wall time), so the clock is monotonic.
        return max(elapsed - lost, elapsed * self._min_rate)
