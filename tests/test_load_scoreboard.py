"""The load scoreboard's verdicts and the tables it prints for the README and the sizing notes,
from trials as wrk reports them (no server: the figures are given)."""

from bench.load import Line, Trial, judge, markdown_table, sizing_table


def line(database, person, page, rps, p95, statements=None, ratio=None):
    trials = [Trial(1000, rps, p95 / 2, p95, p95 * 1.2, 0) for _round in range(3)]
    ratios = [ratio if ratio is not None else rps / 4000] * 3
    return Line(database, person, page, trials, ratios, statements, 100.0)


def scoreboard():
    lines = []
    for database in ("sqlite", "postgresql"):
        lines += [
            line(database, "-", "hello", 4000, 3, ratio=1.0),
            line(database, "-", "hello template", 1600, 7),
            line(database, "visitor", "landing", 1000, 11, 0),
            line(database, "light", "dashboard", 1400, 20, 6),
            line(database, "heavy", "dashboard", 1300, 30, 6),
            line(database, "light", "progress", 400, 40, 7),
            line(database, "heavy", "progress", 200, 90, 8),
        ]
    judge(lines)
    return lines


def test_the_scoreboard_names_each_budget_a_page_misses():
    found = {(item.database, item.person, item.page): item.misses for item in scoreboard()}
    assert found["sqlite", "heavy", "dashboard"] == []
    assert found["sqlite", "light", "dashboard"] == []
    assert found["sqlite", "heavy", "progress"] == [
        "0.05x hello < 0.15x",
        "2.00x slower than light > 1.25",
        "p95 90 ms > 50",
        "SQL 8 vs light 7",
    ]


def test_the_readme_table_marks_judged_pages_met_or_missed():
    table = markdown_table(scoreboard()).splitlines()
    assert table[0].startswith("| database | person | page | req/s |")
    assert table[0].endswith("| RSS MB | budget |")
    assert table[1] == "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
    assert table[2] == "| SQLite |  | hello | 4,000 | 1.00 | 1.5 | 3.0 | 3.6 |  | 100 |  |"
    # The landing page has no budget of its own: signed-in pages do.
    assert table[4].startswith("| SQLite | visitor | landing | 1,000 | 0.25 |")
    assert table[4].endswith("| 0 | 100 |  |")
    dashboard = "| SQLite | heavy | dashboard | 1,300 | 0.33 | 15.0 | 30.0 | 36.0 | 6 | 100 | met |"
    assert dashboard in table
    assert table[-1].startswith("| PostgreSQL | heavy | progress | 200 | 0.05 |")
    assert table[-1].endswith("| 8 | 100 | missed |")


def test_the_sizing_table_shows_the_heavy_person_on_each_database():
    assert sizing_table(scoreboard()).splitlines() == [
        "| page (heavy person) | SQLite req/s | SQLite p95 ms"
        " | PostgreSQL req/s | PostgreSQL p95 ms |",
        "|---|---:|---:|---:|---:|",
        "| hello (bare Flask) | 4,000 | 3 | 4,000 | 3 |",
        "| landing (visitor) | 1,000 | 11 | 1,000 | 11 |",
        "| dashboard | 1,300 | 30 | 1,300 | 30 |",
        "| progress | 200 | 90 | 200 | 90 |",
    ]
