"""hstrack's --json against an independent date oracle (``tests/oracle.py``, the standard
library and the README's rules), over random slates seen from random "now"s: near
midnight, on the days clocks change, on leap days and at year ends, from northern,
southern, half-hour and 45-minute zones, with instants in zones of their own.

Each case builds a store of 30 titles, then compares every milestone of every title in
``status --json`` (state, reached, days, window, countdown phrase, order), each title's
phase and next, ``timeline``'s gaps and today marker, ``upcoming``'s list and order for a
span in days and one in hours, and ``check --due-within``.
"""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from . import oracle
from .conftest import Cli

VIEWERS = ("Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Asia/Kathmandu",
           "Pacific/Chatham", "America/Los_Angeles", "America/St_Johns", "Pacific/Kiritimati", "UTC",
           "Australia/Lord_Howe")  # fmt: skip
INSTANT_ZONES = ("America/Los_Angeles", "Pacific/Chatham", "Asia/Kathmandu", "Europe/London", "Asia/Tokyo",
                 "Pacific/Kiritimati", "America/Sao_Paulo", "Australia/Adelaide")  # fmt: skip
OFFSETS = (timedelta(hours=5, minutes=30), timedelta(hours=-7), timedelta(hours=13, minutes=45), timedelta(0))
KINDS = ("announced", "production-start", "production-end", "trailer", "premiere", "release", "teaser")
SEASONS = ("spring", "summer", "autumn", "winter")
# CI runs a bounded number; HSTRACK_ORACLE_CASES=2000 runs a deeper search by hand.
CASES = int(os.environ.get("HSTRACK_ORACLE_CASES", "60"))


def transitions(zone: ZoneInfo, year: int) -> list[date]:
    """The days in ``year`` on which ``zone``'s offset changes (scanning hour by hour)."""
    days = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        moment += timedelta(hours=1)
        now = moment.astimezone(zone).utcoffset()
        if now != offset:
            days.append(moment.astimezone(zone).date())
            offset = now
    return days


def pick_now(rng: random.Random, viewer: ZoneInfo) -> datetime:
    year = rng.choice((2026, 2027, 2028))
    special = [date(year, 12, 31), date(year, 1, 1), date(2028, 2, 29), date(2028, 2, 28), date(2028, 3, 1)]
    special += transitions(viewer, year)
    day = rng.choice(special) if rng.random() < 0.7 else date(year, 1, 1) + timedelta(days=rng.randrange(365))
    clock = rng.choice((time(0, 0), time(0, 0, 1), time(23, 59, 59), time(12, 0), time(1, 30), time(2, 30),
                        time(3, 0), time(23, 30)))  # fmt: skip
    # Wall times a clock change skips are read as the moment they name (fold 0), as
    # HSTRACK_NOW's offset says; the oracle works from that moment.
    return datetime.combine(day, clock, tzinfo=viewer).astimezone(UTC).astimezone(viewer)


def pick_spec(rng: random.Random, now: datetime) -> oracle.Spec:
    today = now.date()
    roll = rng.random()
    if roll < 0.08:
        return oracle.Spec("tba")
    near = today + timedelta(days=rng.choice((-2, -1, 0, 0, 1, 2, rng.randint(-400, 400), rng.randint(-60, 60))))
    year = near.year
    if roll < 0.3:
        return oracle.Spec("day", day=near)
    if roll < 0.5:
        moment = now + timedelta(minutes=rng.randint(-50 * 60, 50 * 60)) if rng.random() < 0.7 else datetime.combine(
            near, time(rng.randrange(24), rng.choice((0, 15, 30, 45))), tzinfo=UTC)  # fmt: skip
        if rng.random() < 0.75:
            zone = rng.choice(INSTANT_ZONES)
            wall = moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None, second=0, microsecond=0)
            return oracle.Spec("instant", wall=wall, zone=zone)
        offset = rng.choice(OFFSETS)
        wall = moment.astimezone(timezone(offset)).replace(tzinfo=None, second=0, microsecond=0)
        return oracle.Spec("instant", wall=wall, offset=offset)
    precision = rng.choice(("year", "half", "quarter", "season", "month", "month", "range"))
    if precision == "range":
        kind = rng.choice(("part", "months", "days"))
        if kind == "part":
            return oracle.Spec("range", year=year, season=rng.choice(("early", "mid", "late")))
        if kind == "months":  # two to six whole months, perhaps across a new year
            first = date(year, near.month, 1)
            end_month = near.month + rng.randint(1, 5)
            end_year, end_month = year + (end_month - 1) // 12, (end_month - 1) % 12 + 1
            return oracle.Spec("range", day=first, end=oracle._last(end_year, end_month))
        return oracle.Spec("range", day=near, end=near + timedelta(days=rng.randint(1, 9)))
    if precision == "year":
        return oracle.Spec("year", year=year)
    if precision == "half":
        return oracle.Spec("half", year=year, part=1 if near.month <= 6 else 2)
    if precision == "quarter":
        return oracle.Spec("quarter", year=year, part=(near.month - 1) // 3 + 1)
    if precision == "season":
        season = rng.choice(SEASONS)
        return oracle.Spec("season", year=year - (1 if season == "winter" and near.month <= 2 else 0), season=season)
    return oracle.Spec("month", year=year, part=near.month)


Slate = dict[str, dict[str, tuple[oracle.Spec, bool]]]
TITLE_KINDS = ("film", "series", "season", "special")


def title_kind(title_id: str) -> str:
    """Each title's kind, fixed by its id (a series' or season's premiere is its release)."""
    return TITLE_KINDS[int(title_id[1:]) % len(TITLE_KINDS)]


def build(rng: random.Random, now: datetime) -> Slate:
    slate: Slate = {}
    for i in range(30):
        milestones: dict[str, tuple[oracle.Spec, bool]] = {}
        for kind in rng.sample(KINDS, rng.randint(0, 4)):
            milestones[kind] = (pick_spec(rng, now), rng.random() < 0.15)
        if rng.random() < 0.2:
            milestones["cancelled"] = (pick_spec(rng, now), rng.random() < 0.2)
        slate[f"t{i:02d}"] = milestones
    return slate


def write_store(path: Path, slate: Slate) -> None:
    titles = []
    for title_id, milestones in sorted(slate.items()):
        titles.append({
            "id": title_id, "name": f"Title {title_id}", "kind": title_kind(title_id),
            "milestones": [{"kind": k, "date": s.canonical(), "tentative": t} for k, (s, t) in milestones.items()],
        })  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schema": 1, "titles": titles}))


def span_end(now: datetime, within: str) -> datetime:
    """README: minutes and hours are elapsed time; days are calendar days (the same wall time)."""
    digits = "".join(ch for ch in within if ch.isdigit())
    n, unit = int(digits), within[len(digits) :]
    if unit in ("h", "min"):
        elapsed = timedelta(hours=n) if unit == "h" else timedelta(minutes=n)
        return (now.astimezone(UTC) + elapsed).astimezone(now.tzinfo)
    days = n * 7 if unit == "w" else n
    return datetime.combine(now.date() + timedelta(days=days), now.time(), tzinfo=now.tzinfo)


def starts_by(e: oracle.Expected, spec: oracle.Spec, end: datetime) -> bool:
    if spec.precision == "instant":
        return spec.moment.astimezone(UTC) <= end.astimezone(UTC)
    assert e.window is not None
    return e.window[0] <= end.date()


def expected_upcoming(slate: Slate, now: datetime, end: datetime) -> list[tuple[str, str]]:
    rows = []
    today = now.date()
    for title_id, milestones in slate.items():
        expected = oracle.expect_title(milestones, now, title_kind(title_id))
        for e in expected.milestones:
            spec = milestones[e.kind][0]
            if e.kind == "cancelled" or e.state in ("tba", "cancelled"):
                continue
            listed = e.state in ("open", "today") or (
                e.state == "past" and spec.exact and e.window == (today, today)
            ) or (e.state == "future" and starts_by(e, spec, end))  # fmt: skip
            if listed:
                rows.append((oracle.order_key(e), f"title {title_id}", title_id, e.kind))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [(r[2], r[3]) for r in rows]


def expected_due(slate: Slate, title_id: str, now: datetime, end: datetime) -> bool:
    milestones = slate[title_id]
    expected = oracle.expect_title(milestones, now, title_kind(title_id))
    if expected.phase == "cancelled" or expected.next is None:
        return False
    e = next(x for x in expected.milestones if x.kind == expected.next)
    if e.state == "tba":
        return False
    if e.reached or e.state == "due" or (milestones[e.kind][0].exact and e.window == (now.date(), now.date())):
        return True  # due already (unconfirmed), or today, before or after its hour
    return starts_by(e, milestones[e.kind][0], end)


def compare_milestone(got: dict[str, Any], e: oracle.Expected, where: str) -> None:
    actual = {k: got[k] for k in ("kind", "state", "reached", "days_until", "days_since", "earliest", "latest",
                                  "countdown")}  # fmt: skip
    wanted = {"kind": e.kind, "state": e.state, "reached": e.reached, "days_until": e.days_until,
              "days_since": e.days_since, "earliest": e.earliest, "latest": e.latest,
              "countdown": e.countdown}  # fmt: skip
    assert actual == wanted, where


@pytest.mark.parametrize("case", range(CASES))
def test_json_agrees_with_the_oracle(cli: Cli, case: int) -> None:
    rng = random.Random(case)
    viewer_name = VIEWERS[case % len(VIEWERS)]
    viewer = ZoneInfo(viewer_name)
    now = pick_now(rng, viewer)
    slate = build(rng, now)
    write_store(cli.store, slate)
    env = {"TZ": viewer_name}
    stamp = now.isoformat()
    where = f"case {case}: viewer {viewer_name}, now {stamp}"

    def data(*args: str) -> Any:  # the status document is checked against the schema; the rest only read
        return json.loads(cli(*args, "--json", now=stamp, **env).stdout)

    status = cli.json("status", now=stamp, **env)
    by_id = {t["id"]: t for t in status["titles"]}
    for title_id, milestones in slate.items():
        expected = oracle.expect_title(milestones, now, title_kind(title_id))
        got = by_id[title_id]
        at = f"{where}, {title_id} {json.dumps({k: s.canonical() for k, (s, _) in milestones.items()})}"
        assert got["phase"] == expected.phase, at
        assert (got["release"] or {}).get("kind") == expected.release, at
        assert (got["next"] or {}).get("kind") == expected.next, at
        assert (got["last"] or {}).get("kind") == expected.last, at
        assert [m["kind"] for m in got["milestones"]] == [e.kind for e in expected.milestones], at
        for m, e in zip(got["milestones"], expected.milestones, strict=True):
            compare_milestone(m, e, f"{at}: {e.kind}")

    for title_id in rng.sample(sorted(slate), 3):
        expected = oracle.expect_title(slate[title_id], now, title_kind(title_id))
        line = data("timeline", title_id)
        assert [m["gap_days"] for m in line["milestones"]] == oracle.gaps(expected.milestones), (where, title_id)
        plain = [oracle.assess(e.kind, slate[title_id][e.kind][0], now, not slate[title_id][e.kind][1]).state
                 for e in expected.milestones]  # fmt: skip
        today_index = next((i for i, s in enumerate(plain) if s in ("future", "tba")), len(plain))
        assert line["today_index"] == today_index, (where, title_id)

    for within in ("30d", "25h", "2w", "90min"):
        end = span_end(now, within)
        listed = data("upcoming", "--within", within)
        got_rows = [(u["title"]["id"], u["milestone"]["kind"]) for u in listed["upcoming"]]
        assert got_rows == expected_upcoming(slate, now, end), (where, within)
        for title_id in rng.sample(sorted(slate), 4):
            holds = expected_due(slate, title_id, now, end)
            result = cli("check", title_id, "--due-within", within, "--quiet", now=stamp, code=None, **env)
            assert result.exit_code == (0 if holds else 1), (where, within, title_id, result.stderr)


def test_the_oracle_can_fail() -> None:
    """A positive control: the oracle disagrees with a wrong answer (a window read as its
    first day, the trap hstrack exists to avoid)."""
    now = datetime(2026, 11, 27, 12, tzinfo=ZoneInfo("Europe/London"))
    right = oracle.assess("release", oracle.Spec("quarter", year=2027, part=1), now)
    assert right.days_until == {"min": 35, "max": 124}
    assert right.countdown == "in 1 to 5 months"
    wrong = oracle.assess("release", oracle.Spec("day", day=date(2027, 1, 1)), now)
    assert wrong.days_until != right.days_until
