"""The charged clock: wall time since the run started, less the starvation its event loop measured."""

from __future__ import annotations

from assay.domain.charged_clock import ChargedClock, StarvationMeter


class Wall:
    """A wall clock the test moves by hand."""

    def __init__(self, at: float = 100.0) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def test_an_unstarved_run_is_charged_wall_time_from_its_start() -> None:
    wall = Wall()
    wall.at = 50.0  # time spent queued before the run started is never seen by its clock
    clock = ChargedClock(wall, StarvationMeter().starved)
    start = clock()
    wall.at += 7.0
    assert clock() - start == 7.0
    assert clock.starved_seconds() == 0.0


def test_a_late_tick_is_not_charged_and_counts_while_still_overdue() -> None:
    wall, meter = Wall(), StarvationMeter(tolerance=0.0)
    clock = ChargedClock(wall, meter.starved, min_rate=0.0)
    start = clock()
    meter.expect(wall.at + 0.1)
    wall.at += 5.1  # the loop was busy elsewhere for 5 s: the tick is overdue, not yet run
    assert round(clock() - start, 6) == 0.1  # already discounted before the late tick runs
    meter.arrived(wall.at)
    assert round(clock() - start, 6) == 0.1  # the same once it ran: no jump either way
    meter.expect(wall.at + 0.1)
    wall.at += 0.1
    meter.arrived(wall.at)
    assert round(clock() - start, 6) == 0.2
    assert round(clock.starved_seconds(), 6) == 5.0


def test_small_lateness_is_noise_and_the_clock_never_stops_entirely() -> None:
    wall, meter = Wall(), StarvationMeter(tolerance=0.02)
    meter.expect(wall.at + 0.1)
    meter.arrived(wall.at + 0.11)
    assert meter.starved(wall.at + 1.0) == 0.0  # 10 ms late: within the tolerance
    clock = ChargedClock(wall, meter.starved, min_rate=0.25)
    start = clock()
    meter.expect(wall.at)
    wall.at += 40.0  # starved the whole time
    assert clock() - start == 10.0  # a quarter of wall time at least: a budget always ends


def test_the_clock_is_monotonic_through_starvation_and_ticks() -> None:
    wall, meter = Wall(), StarvationMeter(tolerance=0.0)
    clock = ChargedClock(wall, meter.starved)
    readings = [clock()]
    for step in (0.1, 3.0, 0.05, 0.2, 1.5, 0.1):
        meter.expect(wall.at + 0.1)
        wall.at += step
        readings.append(clock())
        meter.arrived(wall.at)
        readings.append(clock())
    assert readings == sorted(readings)
