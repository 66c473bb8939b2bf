"""Every test runs at an instant the suite chooses, never at whatever the wall clock says.

Each test is pinned with time-machine, which replaces the clock the whole process reads
(``caregiver.clock``, the libraries, every thread, the live server of the browser tests included).
The clock stands still during a test; a test that needs time to pass moves it with
``pinned_clock.shift``. Processes a test starts (the scheduler, ``make run``) start at the test's
instant and run on from there (``pinned_env``), so such a test is marked ``ticking_clock``: its
own clock runs on too, and every process it starts agrees on what time it is.

The instants, all found from the real date the run starts, so that none can slip into the past:
- every test runs at ``now`` (the instant the run started), ``in-1-year`` and ``in-5-years``;
- tests marked ``time_dependent`` also run at each hard instant below;
- tests marked ``one_instant`` run at ``now`` only: what they check holds at any date, and they
  are long enough that running them again one and five years ahead would only cost time.
PostgreSQL runs every test at ``now``; the other instants run on SQLite only: the database
stores the instants the app hands it and never reads a clock of its own, so what a moved clock
can break is the app's own date logic, the same on either database.

``--instants=now`` (or any comma-separated names) runs fewer, for a quick loop; ``--run-start``
replays a run as if it had started at another real instant (ISO 8601 with an offset).
"""

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from caregiver import clock

RUN_START = "CAREGIVER_TEST_RUN_START"  # shared with xdist's workers through the environment
SUBPROCESS_PIN = "CAREGIVER_TEST_PINNED_AT"  # read by pinned_site/sitecustomize.py
PINNED_SITE = Path(__file__).parent / "pinned_site"
EVERY_TEST = ("now", "in-1-year", "in-5-years")  # every test, on SQLite (PostgreSQL: now)
DATABASE_EVERY_INSTANT = "sqlite"

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")  # where the test people live
AUCKLAND = ZoneInfo("Pacific/Auckland")


@dataclass(frozen=True)
class Instant:
    name: str
    at: datetime  # aware, in the zone whose wall clock the instant is about
    why: str


def _days_from(start: date):
    day = start
    while True:
        yield day
        day += timedelta(days=1)


def _next_local(after: datetime, zone: ZoneInfo, wall: time, fits=lambda day: True, fold=0):
    """The first moment after ``after`` when the zone's wall clock reads ``wall`` on a day that
    fits."""
    for day in _days_from(after.astimezone(zone).date()):
        moment = datetime.combine(day, wall, tzinfo=zone).replace(fold=fold)
        if moment > after and fits(day):
            return moment
    raise AssertionError("unreachable")


def clock_change_day(after: datetime, zone: ZoneInfo, forward: bool) -> date:
    """The next day after ``after`` that the zone's clocks spring forward (or fall back)."""
    for day in _days_from(after.astimezone(zone).date() + timedelta(days=1)):
        midnight = datetime.combine(day, time(), tzinfo=zone).utcoffset()
        noon = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
        if (noon > midnight) if forward else (noon < midnight):
            return day
    raise AssertionError("unreachable")


def instants(start: datetime) -> tuple[list[Instant], list[Instant]]:
    """(instants for every test, hard instants for the time-dependent ones) for a run start."""
    spring = clock_change_day(start, NEW_YORK, forward=True)
    fall = clock_change_day(start, NEW_YORK, forward=False)
    every = [
        Instant(EVERY_TEST[0], start, "the instant the run started"),
        Instant(EVERY_TEST[1], start + relativedelta(years=1), "one year ahead"),
        Instant(EVERY_TEST[2], start + relativedelta(years=5), "five years ahead"),
    ]
    hard = [
        Instant("la-2345", _next_local(start, LOS_ANGELES, time(23, 45)),
                "late evening on the west coast: the UTC date is already tomorrow"),
        Instant("ny-spring-0145", datetime.combine(spring, time(1, 45), tzinfo=NEW_YORK),
                "fifteen minutes before New York's clocks spring forward"),
        Instant("ny-spring-0315", datetime.combine(spring, time(3, 15), tzinfo=NEW_YORK),
                "fifteen minutes after the jump: 02:00-03:00 never happened today"),
        Instant("ny-fall-0130", datetime.combine(fall, time(1, 30), tzinfo=NEW_YORK),
                "the first 01:30 of the day New York falls back: the hour comes again"),
        Instant("auckland-sun-2359",
                _next_local(start, AUCKLAND, time(23, 59), lambda day: day.weekday() == 6),
                "the last minute of a week far east of UTC: in the Americas it is still Saturday"),
        Instant("new-years-eve-2359",
                _next_local(start, CHICAGO, time(23, 59), lambda d: (d.month, d.day) == (12, 31)),
                "the last minute of the year on the test people's clock"),
        Instant("feb-29",
                _next_local(start, CHICAGO, time(20), lambda d: (d.month, d.day) == (2, 29)),
                "a leap day's evening, when UTC is already on March 1"),
    ]  # fmt: skip
    return every, hard


def _run_start() -> datetime:
    return datetime.fromisoformat(os.environ[RUN_START])


def pytest_addoption(parser):
    group = parser.getgroup("pinned clock")
    group.addoption(
        "--instants",
        default="all",
        help="comma-separated instant names to run at (default: all of them)",
    )
    group.addoption(
        "--run-start",
        default=None,
        help="replay a run as if it started at this ISO 8601 instant (with an offset)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "time_dependent: depends on the date or the hour; also runs at each hard instant",
    )
    config.addinivalue_line(
        "markers",
        "ticking_clock: starts processes of the app; the pinned clock runs on, as theirs do",
    )
    config.addinivalue_line(
        "markers",
        "one_instant: holds at any date and is slow; runs at the first instant only",
    )
    # The controller picks the start once; xdist's workers inherit it through the environment.
    if config.getoption("--run-start"):
        os.environ[RUN_START] = datetime.fromisoformat(config.getoption("--run-start")).isoformat()
    real_start = datetime.now(UTC).replace(microsecond=0)  # noqa: TID251 - before any pin
    os.environ.setdefault(RUN_START, real_start.isoformat())


def pytest_report_header(config):
    every, hard = instants(_run_start())
    lines = [f"pinned clock: the run starts at {_run_start().isoformat()}"]
    lines += [f"  {i.name}: {i.at.isoformat()} ({i.why})" for i in every + hard]
    return lines


def _chosen(config, found: list[Instant]) -> list[Instant]:
    wanted = config.getoption("--instants")
    if wanted == "all":
        return found
    names = set(wanted.split(","))
    return [instant for instant in found if instant.name in names]


def pytest_generate_tests(metafunc):
    if "pinned_clock" not in metafunc.fixturenames:
        return
    every, hard = instants(_run_start())
    # A test's own one_instant mark wins over its module's time_dependent one.
    if metafunc.definition.get_closest_marker("one_instant"):
        every = every[:1]
    elif metafunc.definition.get_closest_marker("time_dependent"):
        every = every + hard
    chosen = _chosen(metafunc.config, every)
    metafunc.parametrize(
        "pinned_clock", chosen, ids=[i.name for i in chosen], indirect=True, scope="function"
    )


def pytest_collection_modifyitems(config, items):
    # The database_url fixture is parametrized by engine; every instant but the run's own keeps
    # to SQLite.
    kept, dropped = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        params = params.params if params else {}
        instant = params.get("pinned_clock")
        engine = params.get("database_url", DATABASE_EVERY_INSTANT)
        moved = instant is not None and instant.name != EVERY_TEST[0]
        if moved and engine != DATABASE_EVERY_INSTANT:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


class PinnedClock:
    """The instant a test runs at; ``shift`` moves it on (or back) for the whole process."""

    def __init__(self, instant: Instant, traveller):
        self.instant = instant
        self._traveller = traveller

    @property
    def name(self) -> str:
        return self.instant.name

    def now(self) -> datetime:
        return clock.now()

    def shift(self, delta: timedelta) -> None:
        self._traveller.shift(delta)

    def move_to(self, instant: datetime) -> None:
        """Stand the clock at another instant (aware); the process's local zone is kept."""
        self._traveller.move_to(instant.astimezone(self.instant.at.tzinfo))


@pytest.fixture(autouse=True)
def pinned_clock(request):
    """Pin the clock at the test's instant (see the module's docstring)."""
    instant = request.param
    ticking = request.node.get_closest_marker("ticking_clock") is not None
    with time_machine.travel(instant.at, tick=ticking) as traveller:
        yield PinnedClock(instant, traveller)


def pinned_env() -> dict[str, str]:
    """Environment for a process a test starts: it starts at the test's instant and ticks on."""
    path = os.pathsep.join(p for p in (str(PINNED_SITE), os.environ.get("PYTHONPATH")) if p)
    return {
        "PYTHONPATH": path,
        SUBPROCESS_PIN: clock.now().isoformat(),
    }
