"""Server-rendered SVG charts: the picture, its text alternatives and the data table agree."""

import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader

from caregiver import charts

NS = "{http://www.w3.org/2000/svg}"
TEMPLATES = Path(__file__).resolve().parent.parent / "caregiver" / "templates"
SERIES = [("held", "Held"), ("tested", "Tested"), ("crossed", "Crossed")]
END = date(2025, 11, 26)  # a Wednesday


def _xml(text: str) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 - markup these tests just built, not outside input


def _svg(chart: charts.Chart) -> ET.Element:
    return _xml(str(chart.svg))


def _shapes(root: ET.Element, tag: str, attr: str) -> list[ET.Element]:
    return [el for el in root.iter(f"{NS}{tag}") if attr in el.attrib]


def _check_text_alternatives(chart: charts.Chart, kind: str) -> ET.Element:
    root = _svg(chart)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("class") == f"chart chart-{kind}"
    assert root.get("focusable") == "false"
    assert root.get("viewBox").startswith("0 0 360 ")
    assert "width" not in root.attrib and "height" not in root.attrib
    title, desc = root[0], root[1]
    assert title.tag == f"{NS}title" and title.text == chart.title
    assert desc.tag == f"{NS}desc" and desc.text == chart.summary
    ids = root.get("aria-labelledby").split()
    assert ids == [f"{chart.id}-title", f"{chart.id}-desc"]
    assert [title.get("id"), desc.get("id")] == ids
    assert all("style" not in el.attrib for el in root.iter())
    assert "style=" not in str(chart.svg)
    return root


def _days() -> dict[date, tuple[int, int]]:
    days = {date(2025, 11, 10) + timedelta(days=i): (1, 2) for i in range(7)}
    days |= {date(2025, 11, 17) + timedelta(days=i): (2, 2) for i in range(5)}
    days |= {date(2025, 11, 22): (1, 2), date(2025, 11, 23): (0, 2)}
    days |= {date(2025, 11, 24): (2, 2), date(2025, 11, 25): (3, 2), date(2025, 11, 26): (0, 1)}
    days[date(2025, 11, 27)] = (2, 2)  # after the end: neither drawn nor counted
    return days


def test_heatmap_cells_add_up_to_the_table():
    chart = charts.heatmap("checkins", "Check-ins", _days(), END)
    root = _check_text_alternatives(chart, "heatmap")
    assert chart.summary == (
        "Over the last 12 weeks you did 23 of 33 check-ins that were due (70%). "
        "Your best week was the week of Nov 24 (5 of 5)."
    )
    assert chart.columns == ["Week of", "Done", "Due", "Share"]
    assert len(chart.rows) == 12
    assert chart.rows[0] == ["Sep 8", "0", "0", "–"]
    assert chart.rows[-3:] == [
        ["Nov 10", "7", "14", "50%"],
        ["Nov 17", "11", "14", "79%"],
        ["Nov 24", "5", "5", "100%"],
    ]
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cell in _shapes(root, "rect", "data-day"):
        day = date.fromisoformat(cell.get("data-day"))
        monday = day - timedelta(days=day.weekday())
        sums[f"{monday:%b} {monday.day}"][0] += int(cell.get("data-done"))
        sums[f"{monday:%b} {monday.day}"][1] += int(cell.get("data-planned"))
    assert {week: [str(n) for n in pair] for week, pair in sums.items()} == {
        row[0]: row[1:3] for row in chart.rows
    }


def test_heatmap_draws_nothing_after_the_end_day():
    root = _svg(charts.heatmap("h", "Check-ins", _days(), END))
    drawn = [cell.get("data-day") for cell in _shapes(root, "rect", "data-day")]
    assert len(drawn) == 11 * 7 + 3
    assert max(drawn) == "2025-11-26"
    assert min(drawn) == "2025-09-08"
    assert "2025-11-27" not in drawn


@pytest.mark.parametrize(
    ("done", "planned", "level", "tip"),
    [
        (0, 0, "heat-none", "nothing due"),
        (0, 3, "heat-0", "0 of 3 done"),
        (1, 4, "heat-1", "1 of 4 done"),
        (1, 3, "heat-2", "1 of 3 done"),
        (2, 3, "heat-3", "2 of 3 done"),
        (3, 3, "heat-4", "3 of 3 done"),
        (5, 3, "heat-4", "5 of 3 done"),
        (2, 0, "heat-4", "2 of 0 done"),
    ],
)
def test_heat_levels_and_cell_titles(done, planned, level, tip):
    day = date(2025, 11, 23)
    root = _svg(charts.heatmap("h", "Check-ins", {day: (done, planned)}, day, weeks=1))
    (cell,) = [c for c in _shapes(root, "rect", "data-day") if c.get("data-day") == "2025-11-23"]
    assert cell.get("class").split() == ["heat-cell", level]
    assert (cell.get("data-done"), cell.get("data-planned")) == (str(done), str(planned))
    assert cell.find(f"{NS}title").text == f"Sun, Nov 23: {tip}"


def test_heatmap_labels_days_and_months():
    root = _svg(charts.heatmap("h", "Check-ins", {}, END))
    labels = [t.text for t in root.iter(f"{NS}text")]
    assert labels == ["M", "W", "F", "Sep", "Oct", "Nov"]


def test_empty_heatmap_is_still_a_chart():
    chart = charts.heatmap("h", "Check-ins", {}, END, weeks=4)
    root = _check_text_alternatives(chart, "heatmap")
    assert chart.summary == "No check-ins in the last 4 weeks yet."
    assert chart.rows == [[d, "0", "0", "–"] for d in ("Nov 3", "Nov 10", "Nov 17", "Nov 24")]
    assert {c.get("class") for c in _shapes(root, "rect", "data-day")} == {"heat-cell heat-none"}


def _weeks() -> list[tuple[date, dict[str, int]]]:
    return [
        (date(2025, 11, 3), {"held": 3, "tested": 1, "crossed": 0}),
        (date(2025, 11, 10), {"held": 0, "tested": 0, "crossed": 0}),
        (date(2025, 11, 17), {"held": 2, "crossed": 1}),
    ]


def test_bar_segments_match_the_table():
    chart = charts.stacked_bars("bounds", "Boundaries", _weeks(), SERIES)
    root = _check_text_alternatives(chart, "bars")
    assert chart.summary == "Totals over 3 weeks: held 5, tested 1, crossed 1."
    assert chart.columns == ["Week of", "Held", "Tested", "Crossed", "Total"]
    assert chart.rows == [
        ["Nov 3", "3", "1", "0", "4"],
        ["Nov 10", "0", "0", "0", "0"],
        ["Nov 17", "2", "0", "1", "3"],
    ]
    segments = _shapes(root, "rect", "data-series")
    assert len(segments) == 4  # zero values draw nothing
    by_week = {row[0]: row for row in chart.rows}
    for seg in segments:
        week = date.fromisoformat(seg.get("data-week"))
        row = by_week[f"{week:%b} {week.day}"]
        column = chart.columns.index(dict(SERIES)[seg.get("data-series")])
        assert seg.get("data-value") == row[column]
        assert seg.get("class") == f"series-{seg.get('data-series')}"
    held, tested = segments[0], segments[1]
    assert held.find(f"{NS}title").text == "Week of Nov 3: held 3"
    assert tested.find(f"{NS}title").text == "Week of Nov 3: tested 1"
    # Held sits at the bottom of the stack, tested right on top of it, three times shorter.
    assert float(tested.get("y")) + float(tested.get("height")) == pytest.approx(
        float(held.get("y"))
    )
    assert float(held.get("height")) == pytest.approx(3 * float(tested.get("height")))


def test_bars_have_a_legend_gridlines_and_thinned_week_labels():
    weeks = [(date(2025, 9, 1) + timedelta(weeks=i), {"held": i}) for i in range(12)]
    root = _svg(charts.stacked_bars("b", "Boundaries", weeks, SERIES))
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert texts[:3] == ["Held", "Tested", "Crossed"]
    swatches = [r.get("class") for r in root.iter(f"{NS}rect") if "chart-swatch" in r.get("class")]
    assert swatches == [f"chart-swatch series-{key}" for key, _ in SERIES]
    assert texts[3:7] == ["0", "5", "10", "15"]
    assert len(list(root.iter(f"{NS}line"))) == 4
    week_labels = [t.text for t in root.iter(f"{NS}text") if t.get("text-anchor") == "middle"]
    assert week_labels == ["Sep 8", "Sep 22", "Oct 6", "Oct 20", "Nov 3", "Nov 17"]


def test_empty_bars_are_still_a_chart():
    chart = charts.stacked_bars("b", "Boundaries", [], SERIES)
    root = _check_text_alternatives(chart, "bars")
    assert chart.summary == "Nothing recorded in this period yet."
    assert chart.rows == []
    assert _shapes(root, "rect", "data-series") == []


def _mood() -> list[tuple[date, float | None]]:
    values = [2, 2.5, None, 3, 4, None, None, 4.5]
    return [(date(2025, 11, 1) + timedelta(days=i), v) for i, v in enumerate(values)]


def test_a_line_of_daily_averages_counts_the_entries_behind_them():
    days = [(date(2025, 11, 1), 2.0), (date(2025, 11, 2), 4.0)]
    weights = {date(2025, 11, 1): 1, date(2025, 11, 2): 3}
    chart = charts.line("mood", "Mood", days, 1, 5, "Average mood", weights=weights)
    assert chart.summary.startswith("Across 4 entries the average was 3.5 on a scale")
    single = charts.line("mood", "Mood", days[:1], 1, 5, "Average mood", weights={days[0][0]: 1})
    assert single.summary.startswith("Across 1 entry the average was 2 on a scale")


def test_line_points_match_the_table_and_gaps_break_the_path():
    ticks = {1: "Very low", 3: "Okay", 5: "Very good"}
    chart = charts.line("mood", "Mood", _mood()[::-1], 1, 5, "Average mood", ticks)
    root = _check_text_alternatives(chart, "line")
    assert chart.summary == (
        "Across 5 entries the average was 3.2 on a scale from 1 to 5. "
        "The later half is higher than the earlier half."
    )
    assert chart.columns == ["Day", "Average mood"]
    assert chart.rows == [
        ["Nov 1", "2"],
        ["Nov 2", "2.5"],
        ["Nov 4", "3"],
        ["Nov 5", "4"],
        ["Nov 8", "4.5"],
    ]
    circles = _shapes(root, "circle", "data-value")
    by_day = {row[0]: row[1] for row in chart.rows}
    assert len(circles) == len(chart.rows)
    for circle in circles:
        day = date.fromisoformat(circle.get("data-day"))
        assert circle.get("data-value") == by_day[f"{day:%b} {day.day}"]
    assert circles[1].find(f"{NS}title").text == "Nov 2: Average mood 2.5"
    # Higher values are drawn higher up.
    assert float(circles[-1].get("cy")) < float(circles[0].get("cy"))
    (path,) = root.iter(f"{NS}path")
    d = path.get("d")
    assert d.count("M") == 3 and d.count("L") == 2
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert texts == ["Very low", "Okay", "Very good", "Nov 1", "Nov 4", "Nov 8"]


@pytest.mark.parametrize(
    ("values", "trend"),
    [
        ([5, 5, 4, 4], "lower than"),
        ([3, 4, 4, 3], "about the same as"),
    ],
)
def test_line_summary_says_which_way_it_went(values, trend):
    points = [(date(2025, 11, 1) + timedelta(days=i), v) for i, v in enumerate(values)]
    chart = charts.line("l", "Wellbeing", points, 1, 10, "Wellbeing")
    assert chart.summary.endswith(f" The later half is {trend} the earlier half.")
    root = _svg(chart)
    assert [t.text for t in root.iter(f"{NS}text")][:3] == ["1", "5.5", "10"]


@pytest.mark.parametrize("points", [[], [(date(2025, 11, 1), None), (date(2025, 11, 2), None)]])
def test_empty_line_is_still_a_chart(points):
    chart = charts.line("l", "Mood", points, 1, 5, "Average mood")
    root = _check_text_alternatives(chart, "line")
    assert chart.summary == "Nothing recorded in this period yet."
    assert chart.rows == []
    assert list(root.iter(f"{NS}path")) == [] and list(root.iter(f"{NS}circle")) == []


def test_summary_can_be_given():
    chart = charts.line("l", "Mood", _mood(), 1, 5, "Mood", summary="Mostly better.")
    assert chart.summary == "Mostly better."
    assert _svg(chart)[1].text == "Mostly better."


@pytest.mark.parametrize(
    "make",
    [
        lambda t: charts.heatmap("x", t, _days(), END),
        lambda t: charts.stacked_bars("x", t, _weeks(), [("held", t)]),
        lambda t: charts.line("x", t, _mood(), 1, 5, t, {3: t}),
    ],
)
def test_text_is_escaped(make):
    nasty = '<b>&"</b>'
    chart = make(nasty)
    assert "<b>" not in str(chart.svg)
    assert "&lt;b&gt;&amp;" in str(chart.svg)
    root = _svg(chart)
    assert root[0].text == nasty
    assert list(root.iter("b")) == list(root.iter(f"{NS}b")) == []


def test_macro_renders_the_caption_and_the_table():
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"]
    )
    env.install_null_translations(newstyle=True)  # the words as written: English
    page = env.from_string('{% from "_partials/charts.html" import chart %}{{ chart(c) }}')
    chart = charts.stacked_bars("bounds", "Boundaries <held>", _weeks(), SERIES)
    figure = _xml(page.render(c=chart))
    assert figure.tag == "figure" and figure.get("aria-labelledby") == "bounds-caption"
    assert figure.find(f"{NS}svg").get("aria-labelledby") == "bounds-title bounds-desc"
    caption = figure.find("figcaption")
    assert caption.get("id") == "bounds-caption"
    assert caption.find("strong").text == "Boundaries <held>"
    assert chart.summary in "".join(caption.itertext())
    table = figure.find("details/div/table")
    assert table.find("caption").get("class") == "visually-hidden"
    assert [th.text for th in table.iterfind("thead/tr/th")] == chart.columns
    assert {th.get("scope") for th in table.iterfind("thead/tr/th")} == {"col"}
    body = table.findall("tbody/tr")
    assert [[cell.text for cell in tr] for tr in body] == chart.rows
    assert [tr[0].tag for tr in body] == ["th"] * 3 and body[0][0].get("scope") == "row"
    assert figure.find("details/summary").text == "Show the numbers"
