"""Benchmarks for Caregiver: timing, budgets and the results table (run with ``python -m bench``).

Machines running this are shared and noisy, so every figure is the median of several timed
repetitions after one untimed warm-up, and the budgets that matter most are ratios between two
measurements taken in the same run (which noise affects about equally).
"""

import base64
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

# A fixed master key for throwaway benchmark data only (32 bytes, URL-safe base64).
BENCH_KEY = base64.urlsafe_b64encode(b"B" * 32).decode()
BENCH_SECRET = "bench-secret-key-not-for-production"  # noqa: S105 - throwaway data
REPEATS = 5
COLUMNS = ("scenario", "database", "n", "median ms", "budget", "ratio / verdict", "notes")


@dataclass
class Row:
    """One line of the results table; ``failed`` marks a budget that was not met."""

    scenario: str
    database: str
    n: int | None = None
    median_ms: float | None = None
    budget: str = "-"
    verdict: str = "info"
    failed: bool = False
    notes: str = ""


def median_ms(action: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median wall time of ``action`` in milliseconds, after one untimed warm-up call."""
    action()  # the first call pays for compiled SQL, loaded templates and warm caches
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def within_time(row: Row, limit_ms: float) -> Row:
    """Judge ``row.median_ms`` against an absolute limit; the ratio shows the headroom."""
    ratio = row.median_ms / limit_ms
    row.budget = f"< {limit_ms:,.0f} ms"
    row.failed = ratio >= 1.0
    row.verdict = f"{ratio:.2f} {'FAIL' if row.failed else 'ok'}"
    return row


def within_ratio(scenario: str, database: str, slow: float, fast: float, limit: float) -> Row:
    """A row comparing two medians from the same run: ``slow / fast`` must stay under ``limit``."""
    ratio = slow / fast
    failed = ratio >= limit
    return Row(
        scenario,
        database,
        budget=f"ratio < {limit:.1f}",
        verdict=f"{ratio:.2f} {'FAIL' if failed else 'ok'}",
        failed=failed,
        notes=f"{slow:.1f} ms / {fast:.1f} ms",
    )


def _cells(row: Row) -> tuple[str, ...]:
    return (
        row.scenario,
        row.database,
        "-" if row.n is None else f"{row.n:,}",
        "-" if row.median_ms is None else f"{row.median_ms:,.1f}",
        row.budget,
        row.verdict,
        row.notes,
    )


def format_columns(header: tuple[str, ...], lines: list[tuple[str, ...]], numeric=()) -> str:
    """Plain-text table with aligned columns (those in ``numeric`` right-aligned)."""
    lines = [header, *lines]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for number, line in enumerate(lines):
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        out.append("  ".join(cells).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def format_table(rows: list[Row]) -> str:
    """The results table: one line a row."""
    return format_columns(COLUMNS, [_cells(row) for row in rows], numeric={2, 3})
