"""Phases, countdowns, gaps and history summaries, computed from (title, now) alone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from hstrack.core.dates.grammar import parse_date
from hstrack.core.model.document import Document
from hstrack.core.model.milestone import Milestone
from hstrack.core.model.title import Title
from hstrack.core.report.assess import assess
from hstrack.core.report.history import history
from hstrack.core.report.rows import countdown, timeline
from hstrack.core.report.titles import report_title, status_report
from hstrack.core.tracker import add_title, set_milestone, unset_milestone
from hstrack.store.seed import seed_document

LONDON = ZoneInfo("Europe/London")


def at(stamp: str, tz: ZoneInfo = LONDON) -> datetime:
    return datetime.fromisoformat(stamp).replace(tzinfo=tz)


def title(**milestones: str) -> Title:
    t = Title(id="t", name="T", kind="film")
    for kind, when in milestones.items():
        kind = kind.replace("_", "-")
        tentative = when.startswith("~")
        t.milestones[kind] = Milestone(kind, parse_date(when.lstrip("~")), tentative=tentative)
    return t


@pytest.mark.parametrize(
    ("milestones", "now", "phase"),
    [
        ({}, "2026-01-01", "rumoured"),
        ({"announced": "2026-03"}, "2026-01-01", "rumoured"),  # announcement still ahead
        ({"announced": "2026-03"}, "2026-03-15", "rumoured"),  # window still open: not yet known to be reached
        ({"announced": "2026-03"}, "2026-04-01", "announced"),
        ({"announced": "2025-04", "production_start": "2025-06-09"}, "2025-06-08", "announced"),
        ({"announced": "2025-04", "production_start": "2025-06-09"}, "2025-06-09", "in-production"),
        ({"production_start": "2025-06-09", "production_end": "2025-09-01"}, "2025-10-01", "post-production"),
        ({"production_end": "2025-09-01", "release": "2026-10-03"}, "2026-10-03", "released"),
        ({"release": "2026-10-03 08:00 Europe/London"}, "2026-10-03T07:59", "rumoured"),
        ({"release": "2026-10-03 08:00 Europe/London"}, "2026-10-03T08:00", "released"),
        ({"production_start": "~2025-06-01"}, "2026-01-01", "rumoured"),  # tentative never moves the phase
        ({"production_start": "2025-06-01", "cancelled": "2026-01-10"}, "2026-02-01", "cancelled"),
        ({"production_start": "2025-06-01", "cancelled": "TBA"}, "2026-02-01", "cancelled"),
        ({"trailer": "2026-01-01"}, "2026-02-01", "announced"),  # any confirmed milestone reached implies it
    ],
)
def test_phase(milestones: dict[str, str], now: str, phase: str) -> None:
    assert report_title(title(**milestones), at(now)).phase == phase


def test_seeded_film_on_1_june_2026() -> None:
    """The embedded default says what public sources had said by the day it is made: on 1
    June 2026, the release in the second half of 2026; seen in November, that window is open."""
    doc = seed_document(at("2026-06-01T12:00"))
    film = doc.titles["heartstopper-film"]
    assert film.name == "Heartstopper Forever"
    report = report_title(film, at("2026-11-27T12:00"))
    assert report.phase == "post-production"
    assert report.last is not None
    assert (report.last.kind, report.last.date.canonical) == ("production-end", "2025-07-27")
    assert report.next is not None
    assert (report.next.kind, report.next.date.canonical, report.next.state) == ("release", "2026-H2", "open")
    assert report.release_text == "H2 2026 · window open, closes in 4 weeks"
    assert [h.summary for h in history(film, at("2026-11-27T12:00")) if h.change.milestone == "release"] == [
        "release set to TBA",
        "release dated: 2026 (was TBA)",
        "release firmed up from 2026 to H2 2026",
    ]
    assert all(m.source for m in film.milestones.values())  # a source on every fact
    season = doc.titles["heartstopper-s3"]
    assert season.milestones["release"].date.canonical == "2024-10-03"
    assert report_title(season, at("2026-11-27T12:00")).phase == "released"
    # As of June 2025 the store holds only what was public then: no change from its future.
    june = seed_document(at("2025-06-10T12:00"))
    assert june.titles["heartstopper-film"].name == "Heartstopper (film)"
    assert june.titles["heartstopper-film"].milestones["release"].date.is_tba
    assert "production-end" not in june.titles["heartstopper-film"].milestones
    assert report_title(june.titles["heartstopper-film"], at("2025-06-10T12:00")).phase == "in-production"
    # And today's store: released on 17 July 2026, with its sources.
    today = seed_document(at("2026-11-27T12:00")).titles["heartstopper-film"]
    now = report_title(today, at("2026-11-27T12:00"))
    assert (now.phase, now.release_text) == ("released", "17 Jul 2026 · 4 months ago")


@pytest.mark.parametrize(
    ("when", "now", "state", "days"),
    [
        ("2026-10-03", "2026-09-21T23:59", "future", (12, 12)),
        ("2026-10-03", "2026-10-03T00:00", "today", (0, 0)),
        ("2026-10-03", "2026-10-04T00:00", "past", None),
        ("autumn 2026", "2026-06-23T10:00", "future", (70, 160)),
        ("autumn 2026", "2026-10-01T10:00", "open", (0, 60)),
        ("Q3 2026", "2026-10-01T00:00", "due", None),
        # Across the year end and a leap day.
        ("2029-01-02", "2028-12-30T12:00", "future", (3, 3)),
        ("2028-03-01", "2028-02-28T12:00", "future", (2, 2)),
        ("2027-03-01", "2027-02-28T12:00", "future", (1, 1)),
        ("winter 2027", "2027-11-30T12:00", "future", (1, 91)),
        ("2028", "2027-12-31T23:59", "future", (1, 366)),
    ],
)
def test_days_until(when: str, now: str, state: str, days: tuple[int, int] | None) -> None:
    a = assess(Milestone("release", parse_date(when)), at(now))
    assert a.state == state
    assert a.days_until == days


def test_instant_countdown_across_dst_change() -> None:
    """Clocks go back in London on 25 Oct 2026: the night has 25 hours."""
    drop = Milestone("release", parse_date("2026-10-26 00:00 Europe/London"))
    a = assess(drop, at("2026-10-25T00:00"))
    assert a.days_until == (1, 1)
    assert a.seconds_until == 25 * 3600
    spring = Milestone("release", parse_date("2026-03-30 00:00 Europe/London"))
    assert assess(spring, at("2026-03-29T00:00")).seconds_until == 23 * 3600


def test_instant_lands_on_viewers_day() -> None:
    """A 17:00 Los Angeles drop is the next day in Tokyo, the same day in London."""
    drop = Milestone("release", parse_date("2026-10-03 17:00 America/Los_Angeles"))
    assert assess(drop, at("2026-10-01T12:00")).days_until == (3, 3)
    tokyo = ZoneInfo("Asia/Tokyo")
    assert assess(drop, at("2026-10-01T12:00", tokyo)).days_until == (3, 3)
    assert assess(drop, at("2026-10-03T12:00", tokyo)).days_until == (1, 1)


def test_countdown_sentences() -> None:
    t = title(production_start="2025-06-09", release="TBA")
    c = countdown(report_title(t, at("2026-11-27T12:00")), None)
    assert c.target is not None
    assert c.target.kind == "release"
    assert c.sentence == "release TBA · 17 months since production start (9 Jun 2025)"
    t = title(release="2026-10-03 08:00 Europe/London")
    sentences = {
        "2026-09-28T06:30": "release 3 Oct 2026 08:00 Europe/London · in 5 days (121 h 30 min)",
        "2026-10-01T06:30": "release 3 Oct 2026 08:00 Europe/London · in 2 days (49 h 30 min)",
        "2026-09-19T06:30": "release 3 Oct 2026 08:00 Europe/London · in 2 weeks (14 days)",
        "2026-09-20T06:30": "release 3 Oct 2026 08:00 Europe/London · in 13 days (313 h 30 min)",
        "2026-10-02T06:30": "release 3 Oct 2026 08:00 Europe/London · tomorrow, in 25 h 30 min",
        "2026-10-03T06:30": "release 3 Oct 2026 08:00 Europe/London · today, in 1 h 30 min",
        "2026-10-03T07:59": "release 3 Oct 2026 08:00 Europe/London · today, in 1 min",
        # On the day itself, after the hour, it is still "today", and the default countdown says so.
        "2026-10-03T09:30": "release is today (3 Oct 2026 08:00 Europe/London)",
        "2026-10-04T09:30": "nothing ahead: the last milestone, release 3 Oct 2026 08:00 Europe/London, was yesterday",
    }
    for now, sentence in sentences.items():
        assert countdown(report_title(t, at(now)), None).sentence == sentence, now
    t = title(release="autumn 2026")
    c = countdown(report_title(t, at("2026-10-01T12:00")), "release")
    assert c.sentence == "release autumn 2026 · window open until 30 Nov 2026, closes in 8 weeks"
    c = countdown(report_title(t, at("2026-11-30T12:00")), "release")
    assert c.sentence == "release autumn 2026 · window open until 30 Nov 2026, closes today"
    c = countdown(report_title(t, at("2026-06-23T12:00")), "release")
    assert c.sentence == "release autumn 2026 · in 2 to 6 months (70 to 160 days)"
    c = countdown(report_title(title(release="2026-10-03"), at("2026-09-21T12:00")), None)
    assert c.sentence == "release 3 Oct 2026 · in 12 days"
    c = countdown(report_title(title(release="~2026-10-03"), at("2026-09-19T12:00")), None)
    assert c.sentence == "release 3 Oct 2026 (tentative) · in 2 weeks (14 days)"
    assert countdown(report_title(title(release="2026-10-03"), at("2026-10-03T12:00")), None).sentence == (
        "release is today (3 Oct 2026)"
    )
    assert countdown(report_title(title(), at("2026-01-01")), None).sentence == "no milestones yet"


def test_timeline_order_gaps_and_today() -> None:
    t = title(announced="2025-04", production_start="2025-06-09", trailer="TBA", release="Q3 2026")
    line = timeline(report_title(t, at("2025-12-01T12:00")))
    assert [row.item.kind for row in line.rows] == ["announced", "production-start", "release", "trailer"]
    assert line.rows[0].gap_days is None
    assert line.rows[1].gap_days == (40, 69)  # 9 June from the end and the start of April
    assert line.rows[1].gap_text == "+5 to 10 weeks"
    assert line.today_index == 2
    assert line.rows[3].gap_days is None  # TBA: no gap


def test_status_orders_soonest_first() -> None:
    doc = Document()
    for name, when in (("Later", "2027"), ("Sooner", "2026-12-05"), ("Unknown", "TBA")):
        add_title(doc, name)
        set_milestone(doc, name.lower(), "release", when, at("2026-11-27T12:00"))
    add_title(doc, "Old")
    set_milestone(doc, "old", "release", "2020-03-01", at("2026-11-27T12:00"))
    # A window that closed with no day recorded is still awaited, and the oldest thing
    # awaited: it comes first.
    add_title(doc, "Unconfirmed")
    set_milestone(doc, "unconfirmed", "release", "2020", at("2026-11-27T12:00"))
    names = [r.title.name for r in status_report(doc, at("2026-11-27T12:00"))]
    assert names == ["Unconfirmed", "Sooner", "Later", "Unknown", "Old"]


@pytest.mark.parametrize(
    ("old", "new", "summary"),
    [
        (None, "autumn 2026", "release set to autumn 2026"),
        ("TBA", "autumn 2026", "release dated: autumn 2026 (was TBA)"),
        ("autumn 2026", "2026-10-03", "release firmed up from autumn 2026 to 3 Oct 2026"),
        ("2026-10-03", "2027-01-05", "release moved 94 days later (3 Oct 2026 → 5 Jan 2027)"),
        ("2026-10-03", "2026-10-02", "release moved 1 day earlier (3 Oct 2026 → 2 Oct 2026)"),
        ("2026-10", "2026-11", "release moved 30 to 31 days later (October 2026 → November 2026)"),
        ("2026-10-03", "TBA", "release back to TBA (was 3 Oct 2026)"),
        ("2026-10-03", "2026", "release widened from 3 Oct 2026 to 2026"),
        ("2027-10-01", "Q4 2027", "release widened from 1 Oct 2027 to Q4 2027"),
        ("Q4 2027", "2027-H2", "release widened from Q4 2027 to H2 2027"),
        ("Q3 2026", "autumn 2026", "release moved 61 to 62 days later (Q3 2026 → autumn 2026)"),
    ],
)
def test_history_summaries(old: str | None, new: str, summary: str) -> None:
    doc = Document()
    add_title(doc, "T", "t")
    now = at("2026-06-01T12:00")
    if old is not None:
        set_milestone(doc, "t", "release", old, now)
    set_milestone(doc, "t", "release", new, now)
    rows = history(doc.titles["t"], now)
    assert rows[-1].summary == summary


def test_history_of_unset_and_tentative() -> None:
    doc = Document()
    add_title(doc, "T", "t")
    now = at("2026-06-01T12:00")
    set_milestone(doc, "t", "trailer", "2026-07", now, tentative=True)
    assert set_milestone(doc, "t", "trailer", "2026-07", now) is None  # the same date keeps the flag
    set_milestone(doc, "t", "trailer", "2026-07", now, tentative=False)
    unset_milestone(doc, "t", "trailer", now)
    assert [r.summary for r in history(doc.titles["t"], now)] == [
        "trailer set to July 2026 (tentative)",
        "trailer confirmed (July 2026)",
        "trailer removed (was July 2026)",
    ]


def test_tba_milestones_come_by_title_name_whatever_order_the_reports_come_in() -> None:
    from hstrack.core.report.rows import upcoming

    now = at("2026-11-27T12:00:00")
    titles = []
    for ident, name in (("zz", "Zebra"), ("aa", "apple"), ("mm", "Mango")):
        t = title(release="TBA", trailer="TBA", announced="2026-01")
        t.id, t.name = ident, name
        titles.append(t)
    reports = [report_title(t, now) for t in titles]  # not in name order
    _, tba = upcoming(reports, now, at("2027-01-01T00:00:00"))
    assert [(u.report.title.name, u.item.kind) for u in tba] == [
        ("apple", "trailer"), ("apple", "release"), ("Mango", "trailer"), ("Mango", "release"),
        ("Zebra", "trailer"), ("Zebra", "release"),
    ]  # fmt: skip
