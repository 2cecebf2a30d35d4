"""The chart and calendar layouts, without a terminal: which glyph lands in which column."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hstrack.core.errors import UsageError
from hstrack.core.model.document import Document
from hstrack.core.report.titles import TitleReport, report_title, status_report
from hstrack.core.tracker import add_title, set_milestone
from hstrack.store.seed import seed_document
from hstrack.views.calendar import Month, month_calendar, parse_month
from hstrack.views.chart import (
    BAND,
    CANCEL,
    DAY,
    DUE_END,
    GLYPH,
    OPEN,
    TBA_END,
    TENTATIVE_DAY,
    TODAY,
    Axis,
    bar,
    make_axis,
    slate_chart,
    title_chart,
    today_line,
)

from .conftest import examples

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=LONDON)
EARLY = datetime(2025, 6, 10, 12, 0, tzinfo=LONDON)  # the seed as of then: in production, release TBA


def titled(*milestones: tuple[str, str], tentative: frozenset[str] = frozenset()) -> TitleReport:
    doc = Document(titles={})
    add_title(doc, "Film", "film", kind="film")
    for kind, when in milestones:
        set_milestone(doc, "film", kind, when, NOW, tentative=kind in tentative)
    return report_title(doc.titles["film"], NOW)


def chars(cells: list[tuple[str, str]]) -> str:
    return "".join(char for char, _ in cells)


def test_axis_maps_days_to_columns_in_order_and_clamps() -> None:
    axis = Axis(date(2026, 1, 1), date(2026, 12, 31), 73)
    cols = [axis.col(date(2026, m, 1)) for m in range(1, 13)]
    assert cols == sorted(cols)
    assert cols[0] == 0
    assert axis.col(date(2026, 12, 31)) == 72
    assert axis.col(date(1999, 1, 1)) == 0
    assert axis.col(date(2030, 1, 1)) == 72


def test_a_window_is_a_band_over_its_whole_span_never_a_point() -> None:
    report = titled(("announced", "2026-01-10"), ("release", "Q3 2026"))
    axis = Axis(date(2026, 1, 1), date(2027, 2, 28), 100)
    cells = bar(report, axis, NOW)
    first, last = axis.col(date(2026, 7, 1)), axis.col(date(2026, 9, 30))
    assert last - first > 10
    assert all(cells[c][0] == BAND for c in range(first, last + 1))
    assert DAY not in chars(cells[first : last + 1])
    # Announced on a day: a marker there, then the announced span up to the window.
    assert cells[axis.col(date(2026, 1, 10))] == (DAY, "marker:past")
    assert set(chars(cells[axis.col(date(2026, 1, 10)) + 1 : first])) == {GLYPH["announced"]}
    # The window closed with no day recorded: not released. The announced span goes on
    # past it to an open end that says the release is due, unconfirmed.
    after = "".join(chars(cells[last + 1 :]))
    assert after.endswith(DUE_END)
    assert GLYPH["released"] not in after
    assert set(after[: -len(DUE_END)]) == {GLYPH["announced"], TODAY}
    assert cells[axis.col(NOW.date())] == (TODAY, "today")


def test_a_window_confirmed_by_a_day_is_released_after_it() -> None:
    doc = Document()
    add_title(doc, "T", "t")
    for when in ("2026-01-10", "2026-08-14", "Q3 2026"):  # a day recorded, then widened to its quarter
        set_milestone(doc, "t", "announced" if when == "2026-01-10" else "release", when, NOW)
    report = report_title(doc.titles["t"], NOW)
    assert report.phase == "released"
    assert report.release is not None
    assert report.release.state == "past"
    axis = Axis(date(2026, 1, 1), date(2027, 2, 28), 100)
    cells = bar(report, axis, NOW)
    last = axis.col(date(2026, 9, 30))
    assert set(chars(cells[last + 1 :])) == {GLYPH["released"], TODAY}


def test_a_tba_release_is_an_open_end() -> None:
    report = titled(("production-start", "2026-03-02"), ("release", "TBA"))
    axis = make_axis([report], NOW, 60)
    text = chars(bar(report, axis, NOW))
    assert text.endswith(TBA_END)
    assert GLYPH["in-production"] in text[axis.col(NOW.date()) + 1 :]
    # The axis keeps room right of today for the open end and some bar.
    assert axis.width - axis.col(NOW.date()) > len(TBA_END)


def test_no_release_tracked_ends_in_an_arrow_and_cancelled_ends_with_a_cross() -> None:
    open_ended = chars(bar(titled(("announced", "2026-03-02")), Axis(date(2026, 1, 1), date(2027, 6, 1), 50), NOW))
    assert open_ended.endswith(GLYPH["announced"] + OPEN)
    axis = Axis(date(2026, 1, 1), date(2027, 6, 1), 50)
    cancelled = bar(titled(("production-start", "2026-02-01"), ("cancelled", "2026-05-01")), axis, NOW)
    at = axis.col(date(2026, 5, 1))
    assert cancelled[at] == (CANCEL, "cancel")
    assert set(chars(cancelled[at + 1 :])) <= {" ", TODAY}


def test_a_title_with_only_tba_shows_only_the_open_end_and_today() -> None:
    report = titled(("release", "TBA"))
    axis = make_axis([report], NOW, 40)
    text = chars(bar(report, axis, NOW))
    assert text.strip(" " + TODAY) == TBA_END.strip()
    assert text[axis.col(NOW.date())] == TODAY


def test_tentative_milestones_draw_rumoured_spans_and_hollow_markers() -> None:
    report = titled(
        ("announced", "2026-02-01"), ("production-start", "2027-03-01"), tentative=frozenset({"production-start"})
    )
    axis = Axis(date(2026, 1, 1), date(2027, 12, 31), 100)
    cells = bar(report, axis, NOW)
    at = axis.col(date(2027, 3, 1))
    assert cells[at] == (TENTATIVE_DAY, "marker:tentative")
    assert GLYPH["tentative"] in chars(cells[at + 1 :])
    assert GLYPH["in-production"] not in chars(cells)


def test_what_lies_ahead_of_today_is_marked_as_ahead() -> None:
    report = titled(("production-start", "2026-03-02"), ("release", "TBA"))
    axis = make_axis([report], NOW, 60)
    cells = bar(report, axis, NOW)
    today = axis.col(NOW.date())
    assert cells[today - 1][1] == "phase:in-production"
    assert cells[today + 1][1] == "ahead:in-production"


@pytest.mark.parametrize("width", [20, 40, 80, 120, 200])
def test_axis_labels_fit_and_start_where_their_month_starts(width: int) -> None:
    axis = make_axis(status_report(seed_document(EARLY), NOW), NOW, width)
    lines = axis.labels()
    assert all(len(line) <= width for line in lines)
    months = lines[-1]
    for col, char in enumerate(months):
        if char != " " and (col == 0 or months[col - 1] == " "):
            word = months[col:].split(" ")[0]
            if not word.isdigit():
                month = next(m for m in range(1, 13) if date(2000, m, 1).strftime("%b") == word)
                days = [d for d in _days(axis) if d.month == month and d.day == 1]
                assert any(axis.col(d) == col for d in days), (word, col)


def _days(axis: Axis) -> list[date]:
    return [date.fromordinal(n) for n in range(axis.start.toordinal(), axis.end.toordinal() + 1)]


def test_long_spans_switch_to_year_labels() -> None:
    report = titled(("announced", "1990-05-01"), ("release", "2030"))
    axis = make_axis([report], NOW, 60)
    (years,) = axis.labels()
    assert all(word.isdigit() for word in years.split())
    assert len(years.split()) >= 3


def test_today_line_points_at_the_today_column() -> None:
    for day in (date(2026, 1, 5), date(2026, 6, 15), date(2026, 12, 28)):
        axis = Axis(date(2026, 1, 1), date(2026, 12, 31), 60)
        now = datetime.combine(day, datetime.min.time(), LONDON)
        line = today_line(axis, now, "x")
        assert line.index("▲") == axis.col(day)
        assert "today" in line
        assert len(line) <= 60


def test_slate_chart_has_one_row_per_title_and_a_legend_of_what_it_uses() -> None:
    reports = status_report(seed_document(EARLY), NOW)
    chart = slate_chart(reports, NOW, 80, "27 Nov 2026")
    assert [row.label for row in chart.rows] == [r.title.name for r in reports]
    assert all(len(row.cells) == 80 - chart.label_width - 1 for row in chart.rows)
    used = {glyph for glyph, _ in chart.legend}
    assert {GLYPH["in-production"], GLYPH["released"], TODAY, BAND, DAY} <= used
    assert GLYPH["post-production"] not in used


def test_title_chart_has_the_phase_bar_then_a_row_per_milestone_with_its_date() -> None:
    report = report_title(seed_document(EARLY).titles["heartstopper-film"], NOW)
    chart = title_chart(report, NOW, 80, "27 Nov 2026")
    assert [row.label for row in chart.rows] == ["phase", "announced", "production start", "release"]
    assert "April 2025" in chars(chart.rows[1].cells)
    assert "9 Jun 2025" in chars(chart.rows[2].cells)
    assert chars(chart.rows[3].cells).endswith(TBA_END)


def _slate(data: st.DataObject) -> list[TitleReport]:
    doc = Document(titles={})
    forms = st.sampled_from(["{y}", "H{h} {y}", "Q{q} {y}", "{s} {y}", "{y}-{m:02d}", "{y}-{m:02d}-{d:02d}", "TBA"])
    for i in range(data.draw(st.integers(1, 4))):
        title = add_title(doc, f"Title {i}", kind="film")
        for kind in data.draw(st.sets(st.sampled_from(["announced", "production-start", "release", "trailer"]))):
            when = data.draw(forms).format(
                y=data.draw(st.integers(1000, 9998)), h=data.draw(st.integers(1, 2)), q=data.draw(st.integers(1, 4)),
                s=data.draw(st.sampled_from(["spring", "summer", "autumn", "winter"])),
                m=data.draw(st.integers(1, 12)), d=data.draw(st.integers(1, 28)),
            )  # fmt: skip
            set_milestone(doc, title.id, kind, when, NOW)
    return status_report(doc, NOW)


@settings(max_examples=examples(150), deadline=None)
@given(data=st.data(), width=st.integers(12, 240))
def test_any_slate_at_any_width_fits_exactly(data: st.DataObject, width: int) -> None:
    reports = _slate(data)
    chart = slate_chart(reports, NOW, width, "27 Nov 2026")
    for row in chart.rows:
        assert len(row.cells) == chart.axis.width == max(width - chart.label_width - 1, 1)
        assert all(len(char) == 1 for char, _ in row.cells)
    assert all(len(line) <= chart.axis.width for line in chart.axis.labels())
    assert len(chart.today) <= chart.axis.width


# ---------------------------------------------------------------------------- calendar


def test_month_grid_starts_on_monday_and_pads_other_months() -> None:
    weeks = Month(2026, 11).weeks()
    assert weeks[0] == [None] * 6 + [date(2026, 11, 1)]
    assert weeks[-1][0] == date(2026, 11, 30)
    assert all(len(week) == 7 for week in weeks)


def test_calendar_puts_days_on_their_day_and_windows_over_their_span() -> None:
    doc = seed_document(EARLY)
    add_title(doc, "Drop", "drop", kind="film")
    # 20:00 in Los Angeles on the 4th is 04:00 on the 5th in London, where the viewer is.
    set_milestone(doc, "drop", "release", "2026-12-04 20:00 America/Los_Angeles", NOW)
    add_title(doc, "Winter", "winter", kind="film")
    set_milestone(doc, "winter", "release", "winter 2026", NOW)
    add_title(doc, "Month", "month", kind="film")
    set_milestone(doc, "month", "release", "2026-12", NOW)
    cal = month_calendar(status_report(doc, NOW), NOW, Month(2026, 12), 2)
    assert [m.iso for m in cal.months] == ["2026-12", "2027-01"]
    # A window of a month or less is on its days; a longer one (winter) only in the list.
    assert [e.report.title.id for e in cal.on(date(2026, 12, 5))] == ["month", "drop"]
    assert [e.report.title.id for e in cal.on(date(2026, 12, 4))] == ["month"]
    assert [e.report.title.id for e in cal.on(date(2027, 1, 31))] == []
    assert [e.report.title.id for e in cal.events] == ["month", "winter", "drop"]  # by start day
    assert cal.today == date(2026, 11, 27)


def test_calendar_leaves_out_what_is_outside_and_tba() -> None:
    cal = month_calendar(status_report(seed_document(EARLY), NOW), NOW, Month(2025, 4), 1)
    assert [(e.item.kind, e.first, e.last) for e in cal.events] == [("announced", date(2025, 4, 1), date(2025, 4, 30))]
    assert not month_calendar(status_report(seed_document(EARLY), NOW), NOW, Month(2026, 11), 1).events


def test_calendar_stops_at_the_last_month_a_date_can_hold() -> None:
    cal = month_calendar([], NOW, Month(9998, 12), 5)
    assert [m.iso for m in cal.months] == ["9998-12", "9999-01", "9999-02"]  # winter 9998 ends in February 9999


@pytest.mark.parametrize(
    ("value", "month", "span"),
    [
        (None, "2026-11", None),
        ("2026-12", "2026-12", None),
        ("December 2026", "2026-12", None),
        # A bare month is the next such month, this one included (now is 27 Nov 2026).
        ("march", "2027-03", None),
        ("Feb", "2027-02", None),
        ("7", "2027-07", None),
        ("nov", "2026-11", None),
        ("11", "2026-11", None),
        ("December", "2026-12", None),
        ("oct", "2027-10", None),
        ("2027-02-14", "2027-02", None),
        ("Q1 2027", "2027-01", 3),
        ("winter 2026", "2026-12", 3),
        ("H2 2027", "2027-07", 6),
        ("2027", "2027-01", 12),
    ],
)
def test_parse_month(value: str | None, month: str, span: int | None) -> None:
    first, count = parse_month(value, NOW.date())
    assert (first.iso, count) == (month, span)


@pytest.mark.parametrize("value", ["TBA", "soon", "13", "2026-13"])
def test_parse_month_refuses_what_is_not_a_month(value: str) -> None:
    with pytest.raises(UsageError, match="give a month"):
        parse_month(value, NOW.date())
