"""Small server-rendered SVG charts with text alternatives: a picture, a summary and a data table.

Plain values in, a Chart out: no request, no database. Colours come from CSS classes (the Charts
section of static/css/app.css), so one markup works in light and dark mode and under a
Content-Security-Policy that forbids inline styles.
"""

import itertools
import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from xml.sax.saxutils import escape

from markupsafe import Markup

from caregiver.i18n import date_writer, format_when, gettext, ngettext, pgettext
from caregiver.i18n import lazy_gettext as _l

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 360
NOTHING_YET = _l("Nothing recorded in this period yet.")


@dataclass(frozen=True)
class Chart:
    """One chart: the inline SVG plus the same numbers as a summary and a table."""

    id: str
    title: str
    summary: str
    svg: Markup
    columns: list[str]
    rows: list[list[str]]
    # Nothing recorded yet: pages show what will appear instead of empty axes.
    empty: bool = False


def _value(v: float) -> str:
    """At most one decimal, without a trailing ".0"."""
    text = f"{v:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


# ElementTree's escaping of an attribute: quotes, and white space that a parser would otherwise
# fold into spaces.
ATTRIBUTE_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


@cache
def _attribute_name(keyword: str) -> str:
    return keyword.rstrip("_").replace("_", "-")


def _attribute_value(value: object) -> str:
    if isinstance(value, float):
        return _value(value)
    return str(value) if isinstance(value, int) else escape(str(value), ATTRIBUTE_ENTITIES)


class _Drawing:
    """An SVG written as text, escaped as ElementTree escapes, without a tree built and walked
    again: a chart of ninety days draws hundreds of shapes on every visit."""

    def __init__(self, kind: str, chart_id: str, height: float):
        self.kind, self.chart_id, self.height = kind, chart_id, height
        self.parts: list[str] = []

    def add(self, tag: str, tip: str | None = None, text: str = "", **attrs: object) -> None:
        """One shape; keyword names become attribute names: class_ -> class, data_day ->
        data-day. ``tip`` is its tooltip (a title child), ``text`` its own text."""
        written = "".join(
            f' {_attribute_name(name)}="{_attribute_value(value)}"' for name, value in attrs.items()
        )
        inner = ("" if tip is None else f"<title>{escape(tip)}</title>") + escape(text)
        self.parts.append(f"<{tag}{written}>{inner}</{tag}>" if inner else f"<{tag}{written} />")

    def text(self, x: float, y: float, text: str, anchor: str = "start") -> None:
        self.add("text", x=float(x), y=float(y), class_="chart-text", text_anchor=anchor, text=text)

    def chart(self, title: str, summary: str, columns, rows, empty: bool) -> Chart:
        """The finished chart, named by ``title`` and described by ``summary``."""
        name = _attribute_value(self.chart_id)
        head = (
            f'<svg xmlns="{SVG_NS}" viewBox="0 0 {WIDTH} {_value(self.height)}"'
            f' class="chart chart-{_attribute_value(self.kind)}" role="img"'
            f' aria-labelledby="{name}-title {name}-desc" focusable="false">'
            f'<title id="{name}-title">{escape(title)}</title>'
            f'<desc id="{name}-desc">{escape(summary)}</desc>'
        )
        # Every piece of text went through escape or _attribute_value above.
        svg = Markup("".join([head, *self.parts, "</svg>"]))  # noqa: S704
        return Chart(self.chart_id, title, summary, svg, columns, rows, empty)


def _share(done: int, due: int) -> str:
    # Rounding half up: Python's round() would turn 12.5% into 12%.
    return "–" if due == 0 else f"{int(100 * done / due + 0.5)}%"


def _heat_class(done: int, planned: int) -> str:
    if planned == 0 and done == 0:
        return "heat-none"
    if done == 0:
        return "heat-0"
    if done >= planned:
        return "heat-4"  # extra check-ins beyond the plan still count as "all done"
    return f"heat-{min(3, 1 + 3 * done // planned)}"


def heatmap(
    chart_id: str,
    title: str,
    days: dict[date, tuple[int, int]],
    end: date,
    weeks: int = 12,
    summary: str | None = None,
) -> Chart:
    """Calendar heatmap of check-ins done against due, one Monday-to-Sunday column per week."""
    day_name, cell_day = date_writer("short_month_day"), date_writer("short_day_comma")
    nothing_due = gettext("nothing due")
    weeks = max(1, weeks)
    first = end - timedelta(days=end.weekday() + 7 * (weeks - 1))
    left, top, pitch = 26, 20, min(28.0, (WIDTH - 30) / weeks)
    drawing = _Drawing("heatmap", chart_id, top + 7 * pitch + 2)
    for row in (0, 2, 4):  # Monday, Wednesday, Friday
        label = format_when(first + timedelta(days=row), "weekday_letter")
        drawing.text(left - 6, top + row * pitch + pitch / 2 + 3, label, "end")
    months: list[tuple[int, str]] = []
    rows: list[list[str]] = []
    best: tuple[float, int, int, str] | None = None
    for col in range(weeks):
        monday = first + timedelta(weeks=col)
        week_done = week_due = 0
        for row in range(7):
            d = monday + timedelta(days=row)
            if d > end:
                break
            if d.day == 1:
                months.append((col, format_when(d, "short_month")))
            done, planned = days.get(d, (0, 0))
            week_done, week_due = week_done + done, week_due + planned
            if done == planned == 0:
                tip = nothing_due
            else:
                tip = gettext("%(done)s of %(planned)s done", done=done, planned=planned)
            drawing.add(
                "rect",
                f"{cell_day(d)}: {tip}",
                x=left + col * pitch,
                y=top + row * pitch,
                width=pitch - 3,
                height=pitch - 3,
                rx=3,
                class_=f"heat-cell {_heat_class(done, planned)}",
                data_day=d.isoformat(),
                data_done=done,
                data_planned=planned,
            )
        rows.append([day_name(monday), str(week_done), str(week_due), _share(week_done, week_due)])
        if week_due and week_done and (best is None or week_done / week_due >= best[0]):
            best = (week_done / week_due, week_done, week_due, day_name(monday))
    # Name the first month too unless a month label follows so closely that the two would touch.
    if not months or months[0][0] >= 2:
        months.insert(0, (0, format_when(first, "short_month")))
    for col, label in months:
        drawing.text(left + col * pitch, top - 6, label)

    done_all = sum(int(r[1]) for r in rows)
    due_all = sum(int(r[2]) for r in rows)
    span = ngettext("the last week", "the last %(num)d weeks", weeks)
    if summary is None:
        if done_all == due_all == 0:
            summary = gettext("No check-ins in %(span)s yet.", span=span)
        elif due_all == 0:
            summary = gettext(
                "Over %(span)s you did %(done)s check-ins; none were due.", span=span, done=done_all
            )
        else:
            summary = gettext(
                "Over %(span)s you did %(done)s of %(due)s check-ins that were due (%(share)s).",
                span=span,
                done=done_all,
                due=due_all,
                share=_share(done_all, due_all),
            )
            if best and sum(1 for r in rows if r[2] != "0") > 1:
                summary += " " + gettext(
                    "Your best week was the week of %(week)s (%(done)s of %(due)s).",
                    week=best[3],
                    done=best[1],
                    due=best[2],
                )
    done = pgettext("chart column", "Done")  # check-ins done, not the button
    columns = [gettext("Week of"), done, gettext("Due"), gettext("Share")]
    return drawing.chart(title, summary, columns, rows, done_all == 0)


def _int_scale(peak: int) -> tuple[int, int]:
    """A 1-2-5 step giving at most four whole-number intervals, and the top of the axis."""
    steps = (m * 10**e for e in itertools.count() for m in (1, 2, 5))
    step = next(s for s in steps if math.ceil(peak / s) <= 4)
    return step, max(step, step * math.ceil(peak / step))


def stacked_bars(
    chart_id: str,
    title: str,
    weeks: list[tuple[date, dict[str, int]]],
    series: list[tuple[str, str]],
    summary: str | None = None,
) -> Chart:
    """Weekly stacked bars, one coloured segment per series, with a legend and gridlines."""
    day_name = date_writer("short_month_day")
    left, right, height = 30, 8, 240
    # The legend wraps onto more lines when the labels are long; the plot starts below it.
    legend, x, y = [], left, 6
    for key, label in series:
        width = 17 + 7 * len(label) + 14
        if x > left and x + width > WIDTH - right:
            x, y = left, y + 18
        legend.append((x, y, key, label))
        x += width
    top, bottom = y + 30, height - 26
    plot_w, plot_h = WIDTH - left - right, bottom - top
    drawing = _Drawing("bars", chart_id, height)
    for x, y, key, label in legend:
        drawing.add(
            "rect", x=x, y=y, width=12, height=12, rx=2, class_=f"chart-swatch series-{key}"
        )
        drawing.text(x + 17, y + 10.5, label)

    totals = [sum(counts.get(key, 0) for key, _ in series) for _, counts in weeks]
    step, axis_top = _int_scale(max(totals, default=0))
    for v in range(0, axis_top + 1, step):
        gy = bottom - v / axis_top * plot_h
        drawing.add("line", x1=left, x2=WIDTH - right, y1=gy, y2=gy, class_="chart-grid")
        drawing.text(left - 6, gy + 4, str(v), "end")

    slot = plot_w / max(1, len(weeks))
    bar_w = min(28.0, slot * 0.7)
    # A label like "Nov 16" needs about 46 units; count back from the newest week so it is named.
    every = math.ceil(len(weeks) / (plot_w // 46)) or 1
    rows: list[list[str]] = []
    for i, (monday, counts) in enumerate(weeks):
        cx, y = left + slot * (i + 0.5), float(bottom)
        for key, label in series:
            value = counts.get(key, 0)
            if value:
                h = value / axis_top * plot_h
                y -= h
                drawing.add(
                    "rect",
                    gettext(
                        "Week of %(week)s: %(series)s %(value)s",
                        week=day_name(monday),
                        series=label.lower(),
                        value=value,
                    ),
                    x=cx - bar_w / 2,
                    y=y,
                    width=bar_w,
                    height=h,
                    class_=f"series-{key}",
                    data_week=monday.isoformat(),
                    data_series=key,
                    data_value=value,
                )
        if (len(weeks) - 1 - i) % every == 0:
            drawing.text(cx, height - 8, day_name(monday), "middle")
        rows.append([day_name(monday), *(str(counts.get(k, 0)) for k, _ in series), str(totals[i])])

    if summary is None:
        if sum(totals) == 0:
            summary = str(NOTHING_YET)
        else:
            parts = ", ".join(
                f"{label.lower()} {sum(c.get(key, 0) for _, c in weeks)}" for key, label in series
            )
            n = len(weeks)
            summary = ngettext(
                "Totals over %(num)d week: %(parts)s.",
                "Totals over %(num)d weeks: %(parts)s.",
                n,
                parts=parts,
            )
    columns = [gettext("Week of"), *(label for _, label in series), gettext("Total")]
    return drawing.chart(title, summary, columns, rows, sum(totals) == 0)


def line(
    chart_id: str,
    title: str,
    points: list[tuple[date, float | None]],
    y_min: float,
    y_max: float,
    value_label: str,
    y_ticks: dict[float, str] | None = None,
    summary: str | None = None,
    x_label: str | None = None,
    weights: dict[date, int] | None = None,
) -> Chart:
    """Values over time as a line that breaks where a value is missing, one dot per value.

    ``weights``: how many entries each day's value averages (one each when not given), so the
    summary counts entries, not days.
    """
    day_name = date_writer("short_month_day")
    points = sorted(points, key=lambda p: p[0])
    if y_ticks is None:
        y_ticks = {v: _value(v) for v in (y_min, (y_min + y_max) / 2, y_max)}
    height = 200
    left = min(96, max(28, 10 + 7 * max(len(t) for t in y_ticks.values())))
    right, top, bottom = 12, 12, height - 28
    # The dots stay clear of the tick labels and the right edge.
    plot_w, plot_h, pad = WIDTH - left - right - 16, bottom - top, 8
    y_range = (y_max - y_min) or 1
    span = (points[-1][0] - points[0][0]).days if points else 0

    def x_at(d: date) -> float:
        return left + pad + ((d - points[0][0]).days / span * plot_w if span else plot_w / 2)

    def y_at(v: float) -> float:
        # Out-of-range values sit on the edge; their real number is in the tooltip and table.
        return bottom - (min(max(v, y_min), y_max) - y_min) / y_range * plot_h

    drawing = _Drawing("line", chart_id, height)
    for v, label in sorted(y_ticks.items()):
        drawing.add("line", x1=left, x2=WIDTH - right, y1=y_at(v), y2=y_at(v), class_="chart-grid")
        drawing.text(left - 6, y_at(v) + 4, label, "end")

    segments: list[list[tuple[float, float]]] = [[]]
    for d, v in points:
        if v is None:
            segments.append([])
        else:
            segments[-1].append((x_at(d), y_at(v)))
    path = " ".join(
        "M" + " L".join(f"{_value(x)} {_value(y)}" for x, y in seg) for seg in segments if seg
    )
    if path:
        drawing.add("path", d=path, class_="chart-line-path")

    valued = [(d, v) for d, v in points if v is not None]
    for d, v in valued:
        drawing.add(
            "circle",
            f"{day_name(d)}: {value_label} {_value(v)}",
            cx=x_at(d),
            cy=y_at(v),
            r=4,
            class_="chart-point",
            data_day=d.isoformat(),
            data_value=_value(v),
        )
    if points:
        first, last = points[0][0], points[-1][0]
        labels = [(first, "start"), (last, "end")] if span else [(first, "middle")]
        if span >= 2:
            labels.insert(1, (first + timedelta(days=span // 2), "middle"))
        for d, anchor in labels:
            drawing.text(x_at(d), height - 8, day_name(d), anchor)

    if summary is None:
        if not valued:
            summary = str(NOTHING_YET)
        else:
            values = [v for _, v in valued]
            n = len(values)
            counts = [(weights or {}).get(d, 1) for d, _ in valued]
            entries = sum(counts)
            average = sum(v * c for v, c in zip(values, counts, strict=True)) / entries
            summary = ngettext(
                "Across %(num)d entry the average was %(average)s on a scale from %(low)s to "
                "%(high)s.",
                "Across %(num)d entries the average was %(average)s on a scale from %(low)s to "
                "%(high)s.",
                entries,
                average=_value(average),
                low=_value(y_min),
                high=_value(y_max),
            )
            if n >= 2:
                half = n // 2
                change = sum(values[n - half :]) / half - sum(values[:half]) / half
                # A twentieth of the scale is too small a change to call a trend.
                if abs(change) < y_range / 20:
                    trend = gettext("The later half is about the same as the earlier half.")
                elif change > 0:
                    trend = gettext("The later half is higher than the earlier half.")
                else:
                    trend = gettext("The later half is lower than the earlier half.")
                summary += " " + trend
    rows = [[day_name(d), _value(v)] for d, v in valued]
    columns = [x_label or gettext("Day"), value_label]
    return drawing.chart(title, summary, columns, rows, not valued)
