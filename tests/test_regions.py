"""Releases by region and medium: several releases side by side, each slipping on its own;
"the" release for the viewer (their region, else worldwide, else the earliest anywhere);
the setting (HSTRACK_REGION, hstrack config, the locale); filters on feeds; old stores
unchanged. Through the CLI in-process, and the installed command for the prompt."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from hstrack.core.errors import UsageError
from hstrack.core.model.reading import document_from_json
from hstrack.core.model.shape import ShapeError
from hstrack.core.regions import (
    MEDIA,
    TMDB_TYPES,
    check_medium,
    check_region,
    preference,
    region_from_locale,
    split_key,
    where,
)

from .conftest import Cli, by_id
from .test_process import SCRIPT

FILM = "big-film"


@pytest.fixture
def film(cli: Cli) -> Cli:
    """A film opening in UK cinemas, US cinemas a week later, streaming worldwide after."""
    cli("status")
    cli("add", "Big Film", "--kind", "film")
    cli("set", FILM, "release@GB:theatrical", "2027-03-05", "--source", "https://example.org/uk")
    cli("set", FILM, "release", "--region", "us", "--medium", "cinemas", "2027-03-12")
    cli("set", FILM, "release:digital", "Q3 2027", "--tentative")
    cli("set", FILM, "production-start", "2026-01-10")
    return cli


def release_of(data: dict, title: str = FILM) -> dict:
    return next(t for t in data["titles"] if t["id"] == title)


# --- the model: regions, media, keys -----------------------------------------------------------


def test_a_region_is_checked_against_the_standards_list_not_a_pattern() -> None:
    assert check_region("gb") == "GB"
    assert check_region(" us ") == "US"
    assert check_region("UK") == "GB"  # as everyone writes it
    assert check_region("XK") == "XK"  # Kosovo: in the list the iso3166 package keeps
    for wrong in ("XX", "ZZ", "EU", "GBR", "G", "", "1A", "ÄB"):
        with pytest.raises(UsageError, match="not a country code"):
            check_region(wrong)


def test_media_have_names_aliases_and_tmdbs_six_types() -> None:
    assert MEDIA == ("theatrical", "limited", "digital", "physical", "tv")
    for typed, medium in {"cinemas": "theatrical", "Streaming": "digital", "VOD": "digital", "Blu-ray": "physical",
                          "dvd": "physical", "limited theatrical": "limited", "television": "tv"}.items():  # fmt: skip
        assert check_medium(typed) == medium
    with pytest.raises(UsageError, match="did you mean digital"):
        check_medium("digitl")
    assert {kind for kind, _ in TMDB_TYPES.values()} == {"premiere", "release"}
    assert [TMDB_TYPES[n][1] for n in range(2, 7)] == ["limited", "theatrical", "digital", "physical", "tv"]
    assert split_key("release@GB:theatrical") == ("release", "GB", "theatrical")
    assert split_key("release:digital") == ("release", None, "digital")
    assert where("GB", "theatrical") == "UK cinemas"
    assert where(None, "digital") == "worldwide streaming"
    assert where("US", None) == "US"


@pytest.mark.parametrize(
    ("env", "region"),
    [({"LANG": "en_GB.UTF-8"}, "GB"), ({"LANG": "de_DE"}, "DE"), ({"LANG": "pt_BR.utf8@euro"}, "BR"),
     ({"LC_ALL": "fr_CA.UTF-8", "LANG": "en_GB.UTF-8"}, "CA"), ({"LC_MESSAGES": "ja_JP", "LANG": "en_US"}, "JP"),
     ({"LANG": "C.UTF-8"}, None), ({"LANG": "POSIX"}, None), ({"LANG": "de"}, None), ({}, None),
     ({"LANG": "en_XX.UTF-8"}, None), ({"LC_ALL": "C", "LANG": "en_GB.UTF-8"}, None)],
)  # fmt: skip
def test_the_region_comes_from_the_locale_when_nothing_else_says(env: dict[str, str], region: str | None) -> None:
    assert region_from_locale(env) == region
    assert preference(env, {}).region == region


def test_the_environment_wins_over_the_file_which_wins_over_the_locale() -> None:
    env = {"LANG": "en_GB.UTF-8"}
    assert preference(env, {"region": "US"}).region == "US"
    assert preference({**env, "HSTRACK_REGION": "de"}, {"region": "US"}).region == "DE"
    assert preference({**env, "HSTRACK_REGION": "worldwide"}, {"region": "US"}).region is None
    assert preference({**env, "HSTRACK_MEDIUM": "streaming,cinema"}, {}).media == ("digital", "theatrical")
    with pytest.raises(UsageError):
        preference({"HSTRACK_REGION": "Narnia"}, {})


def test_a_store_holding_a_bad_place_is_refused_with_the_record_named() -> None:
    def store(**fields: object) -> dict:
        milestone = {"kind": "release", "date": "2027", **fields}
        return {"schema": 2, "titles": [{"id": "a", "name": "A", "milestones": [milestone]}]}

    for fields, says in (
        ({"region": "XX"}, "milestones[0].region: 'XX' is not an ISO 3166-1"),
        ({"region": "gb"}, "is not an ISO 3166-1"),
        ({"medium": "cinema"}, "milestones[0].medium: 'cinema' is not one of"),
        ({"kind": "trailer", "region": "GB"}, "only premiere and release take a region"),
    ):
        with pytest.raises(ShapeError, match="title 'a'") as caught:
            document_from_json(store(**fields))
        assert says in str(caught.value)
    twice = store(region="GB")
    twice["titles"][0]["milestones"].append({"kind": "release", "region": "GB", "date": "2028"})
    with pytest.raises(ShapeError, match="milestone 'release@GB' appears twice"):
        document_from_json(twice)
    history = store()
    history["titles"][0]["history"] = [
        {"recorded": "2026-01-01T00:00:00+00:00", "milestone": "release@XX", "old": None, "new": {"date": "2027"}}
    ]
    with pytest.raises(ShapeError, match=r"history\[0\]"):
        document_from_json(history)


# --- several releases, each with its own date, source and history -----------------------------


def test_each_release_slips_on_its_own_with_its_own_history(film: Cli) -> None:
    film("set", FILM, "release@GB:theatrical", "2027-04-02")  # the UK date slips four weeks
    film("set", FILM, "release@US:theatrical", "2027-03-19")
    data = film.json("history", FILM)
    by_key: dict[str, list[dict]] = {}
    for row in data["history"]:
        by_key.setdefault(row["milestone"], []).append(row)
    assert {k: len(v) for k, v in by_key.items()} == {
        "release@GB:theatrical": 2, "release@US:theatrical": 2, "release:digital": 1, "production-start": 1,
    }  # fmt: skip
    uk = by_key["release@GB:theatrical"][-1]
    assert (uk["old"]["date"], uk["new"]["date"], uk["shift_days"]) == ("2027-03-05", "2027-04-02",
                                                                      {"earliest": 28, "latest": 28})  # fmt: skip
    assert uk["new"]["key"] == "release@GB:theatrical"
    assert "release (UK cinemas)" in uk["summary"]
    # A new date drops the old source, for that release only.
    shown = {m["key"]: m for m in film.json("show", FILM)["title"]["milestones"]}
    assert shown["release@GB:theatrical"]["source"] is None
    assert shown["release:digital"]["tentative"] is True
    assert [m["key"] for m in shown.values()].count("release") == 0
    # unset takes one of them, by key or by the options.
    film("unset", FILM, "release", "--region", "US", "--medium", "theatrical")
    film("unset", FILM, "release:digital")
    keys = [m["key"] for m in film.json("show", FILM)["title"]["milestones"]]
    assert keys == ["production-start", "release@GB:theatrical"]
    film("undo")
    assert "release:digital" in [m["key"] for m in film.json("show", FILM)["title"]["milestones"]]


def test_a_place_only_goes_on_a_release_or_a_premiere_and_must_be_real(film: Cli) -> None:
    before = film.store.read_bytes()
    for args, says in (
        (("trailer@GB", "2027"), "only premiere and release"),
        (("trailer", "2027", "--region", "GB"), "only premiere and release"),
        (("release@XX", "2027"), "not a country code"),
        (("release:cinemaz", "2027"), "not a medium"),
        (("release@GB", "2027", "--region", "US"), "two regions given"),
        (("relase@GB", "2027"), "did you mean release"),
    ):
        result = film("set", FILM, *args, code=2)
        assert says in result.stderr
        assert result.stdout == ""
    assert film.store.read_bytes() == before
    film("set", FILM, "premiere@US", "2027-02")
    assert json.loads(film.store.read_text())["schema"] == 3


def test_a_place_typed_short_finds_the_one_release_it_can_mean(film: Cli) -> None:
    out = film("countdown", FILM, "release@US").stdout
    assert "release (US cinemas) 12 Mar 2027" in out
    film("countdown", FILM, "release@FR", code=2)


# --- "the" release for you --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "key", "place", "after"),
    [({"HSTRACK_REGION": "GB"}, "release@GB:theatrical", "UK cinemas", "release:digital"),
     ({"HSTRACK_REGION": "US"}, "release@US:theatrical", "US cinemas", "release:digital"),
     ({"HSTRACK_REGION": "DE"}, "release:digital", "worldwide streaming", None),  # no German date: worldwide
     ({}, "release:digital", "worldwide streaming", None),
     ({"HSTRACK_REGION": "US", "HSTRACK_MEDIUM": "digital"}, "release:digital", "worldwide streaming", None),
     ({"HSTRACK_REGION": "GB", "HSTRACK_MEDIUM": "physical,theatrical"}, "release@GB:theatrical", "UK cinemas",
      "release:digital"),
     ({"LANG": "en_US.UTF-8"}, "release@US:theatrical", "US cinemas", "release:digital")],
)  # fmt: skip
def test_the_viewers_release_is_their_regions_else_worldwide_else_the_earliest(
    film: Cli, env: dict[str, str], key: str, place: str, after: str | None
) -> None:
    title = release_of(film.json("status", **env))
    assert (title["release"]["key"], title["release_place"]) == (key, place)
    assert place in film("status", COLUMNS="200", **env).stdout
    # Next is the earliest release that applies to the viewer (theirs, or worldwide): their
    # cinema date, or with a preferred medium the worldwide stream, their own cinema date
    # still counting down first when they have one.
    region = env.get("HSTRACK_REGION") or ("US" if env.get("LANG", "").startswith("en_US") else None)
    first = f"release@{region}:theatrical" if region in ("GB", "US") else key
    assert title["next"]["key"] == first
    named = {"release@GB:theatrical": "UK cinemas", "release@US:theatrical": "US cinemas"}
    assert f"release ({named.get(first, place)})" in film("countdown", FILM, **env).stdout  # countdown is next's
    if after is not None:  # once their own date has passed, the worldwide one is next
        later = release_of(film.json("status", now="2027-04-01T12:00:00+00:00", **env))
        assert later["next"]["key"] == after


def test_with_no_worldwide_release_the_earliest_anywhere_is_the_one(film: Cli) -> None:
    film("unset", FILM, "release:digital")
    title = release_of(film.json("status", HSTRACK_REGION="DE"))
    assert title["release"]["key"] == "release@GB:theatrical"  # 5 March, before the US
    film("set", FILM, "release@FR", "2027-02")  # a window that opens earlier still
    assert release_of(film.json("status", HSTRACK_REGION="DE"))["release"]["key"] == "release@FR"


@pytest.mark.parametrize("region", ["GB", "US"])
def test_of_exactly_two_releases_the_viewers_own_is_chosen_not_the_earlier(film: Cli, region: str) -> None:
    film("unset", FILM, "release:digital")  # two left: UK cinemas on 5 March, US on the 12th
    title = release_of(film.json("status", HSTRACK_REGION=region))
    assert title["release"]["key"] == f"release@{region}:theatrical"
    day = {"GB": "5 Mar 2027", "US": "12 Mar 2027"}[region]
    assert day in film("countdown", FILM, "release", HSTRACK_REGION=region).stdout


def test_the_phase_follows_the_viewers_release(film: Cli) -> None:
    at = "2027-03-08T12:00:00+00:00"  # after the UK opening, before the US one
    assert release_of(film.json("status", now=at, HSTRACK_REGION="GB"))["phase"] == "released"
    assert release_of(film.json("status", now=at, HSTRACK_REGION="US"))["phase"] == "in-production"
    film("check", FILM, "--released", now=at, HSTRACK_REGION="GB")
    film("check", FILM, "--released", now=at, HSTRACK_REGION="US", code=1)
    film("check", FILM, "--reached", "release@GB:theatrical", now=at, HSTRACK_REGION="US")
    film("check", FILM, "--reached", "release", now=at, HSTRACK_REGION="US", code=1)
    # Every release is listed whatever the region; a bare "release" is the viewer's own.
    keys = [m["key"] for m in release_of(film.json("status", now=at, HSTRACK_REGION="US"))["milestones"]]
    assert keys == ["production-start", "release@GB:theatrical", "release@US:theatrical", "release:digital"]


def test_a_title_with_one_worldwide_release_reads_exactly_as_before(seeded: Cli) -> None:
    plain = seeded.json("status")
    for env in ({"HSTRACK_REGION": "GB"}, {"HSTRACK_REGION": "US", "HSTRACK_MEDIUM": "physical"}):
        assert seeded.json("status", **env) == plain
        assert seeded("status", **env).stdout == seeded("status").stdout
    assert all(t["release_place"] is None for t in plain["titles"])
    assert json.loads(seeded.store.read_text())["schema"] == 3


def test_config_saves_the_region_and_says_where_it_came_from(film: Cli) -> None:
    shown = film("config", LANG="en_GB.UTF-8").stdout
    assert "region\tGB\t(from your locale)" in shown
    film("config", "region", "us")
    assert film("config", "region").stdout == "US\n"
    assert release_of(film.json("status", LANG="en_GB.UTF-8"))["release"]["key"] == "release@US:theatrical"
    assert "(from HSTRACK_REGION)" in film("config", HSTRACK_REGION="GB").stdout
    film("config", "medium", "streaming")
    assert release_of(film.json("status"))["release"]["key"] == "release:digital"
    film("config", "medium", "--unset")
    film("config", "region", "--unset")
    assert "worldwide\t(none set" in film("config").stdout
    assert "did you mean region" in film("config", "regoin", "GB", code=2).stderr
    film("config", "region", "Narnia", code=2)
    (film.home / "config.toml").write_text('region = "XX"\n')
    assert "config.toml: region" in film("status", code=1).stderr


# --- feeds: export, upcoming and calendar filtered ---------------------------------------------


def test_ics_and_csv_hold_only_the_releases_asked_for(film: Cli) -> None:
    film("set", FILM, "release@GB:physical", "2027-07-01")
    ics = Calendar.from_ical(film("export", "--format", "ics", "--region", "GB", "--medium", "theatrical",
                                  "--medium", "digital").stdout)  # fmt: skip
    events = by_id({str(e["uid"]): str(e["summary"]) for e in ics.walk("VEVENT")}, film.store)
    mine = {uid for uid in events if uid.startswith(f"{FILM}.")}
    assert mine == {f"{FILM}.release.GB.theatrical@hstrack", f"{FILM}.release.digital@hstrack",
                    f"{FILM}.production-start@hstrack"}  # fmt: skip
    assert events[f"{FILM}.release.GB.theatrical@hstrack"] == "Big Film: release (UK cinemas)"
    everything = Calendar.from_ical(film("export", "--format", "ics").stdout)
    uids = [str(e["uid"]) for e in everything.walk("VEVENT")]
    assert len(uids) == len(set(uids))  # each release its own event
    rows = list(csv.DictReader(io.StringIO(film("export", "--format", "csv", "--region", "US").stdout)))
    mine_rows = [(r["key"], r["region"], r["medium"]) for r in rows if r["title_id"] == FILM]
    assert mine_rows == [("production-start", "", ""), ("release@US:theatrical", "US", "theatrical"),
                         ("release:digital", "", "digital")]  # fmt: skip
    assert "JSON export is the whole store" in film("export", "--region", "GB", code=2).stderr
    film("export", "--format", "csv", "--region", "XX", code=2)


def test_upcoming_and_calendar_filter_by_region_and_medium(film: Cli) -> None:
    data = film.json("upcoming", "--within", "1y", "--region", "US", "--title", FILM)
    assert [u["milestone"]["key"] for u in data["upcoming"]] == ["release@US:theatrical", "release:digital"]
    data = film.json("upcoming", "--within", "1y", "--medium", "theatrical", "--title", FILM)
    assert [u["milestone"]["key"] for u in data["upcoming"]] == ["release@GB:theatrical", "release@US:theatrical"]
    cal = film.json("calendar", "2027-03", "--region", "GB")
    assert [(e["title"]["id"], e["milestone"]["key"]) for e in cal["events"] if e["title"]["id"] == FILM] == [
        (FILM, "release@GB:theatrical")
    ]


# --- the prompt, through the installed command ----------------------------------------------------


def test_the_prompt_shows_the_viewers_release_and_follows_config(film: Cli, tmp_path: Path) -> None:
    env = {"HSTRACK_HOME": str(film.home), "HSTRACK_NOW": "2027-03-01T12:00:00+00:00", "TZ": "Europe/London",
           "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": str(tmp_path / "cfg")}  # fmt: skip

    def run(*args: str, **more: str) -> str:
        done = subprocess.run([str(SCRIPT), *args], env={**env, **more}, capture_output=True, text=True,
                              timeout=60, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("pin", FILM)
    run("config", "region", "GB")
    assert run("prompt") == "Big Film · 4d\n"  # UK cinemas on 5 March
    run("config", "region", "US")
    assert run("prompt") == "Big Film · 11d\n"  # the cache was rebuilt: US cinemas on 12 March
    run("unpin")
    assert run("prompt") == "Big Film · 11d\n"
    run("pin", FILM, "release@GB")  # a placed release pinned by its short key
    assert run("prompt") == "Big Film · 4d\n"
    assert json.loads((film.home / "store.json").read_text())["pin"]["milestone"] == "release@GB:theatrical"
    assert run("countdown", FILM).startswith("Big Film · release (US cinemas)")


def test_an_import_merges_releases_place_by_place(film: Cli, tmp_path: Path) -> None:
    exported = tmp_path / "theirs.json"
    film("export", "-o", str(exported))
    theirs = json.loads(exported.read_text())
    big = next(t for t in theirs["titles"] if t["id"] == FILM)
    # The other side has a French date and a later US slip; ours moves the UK date.
    big["milestones"].append({"kind": "release", "region": "FR", "date": "2027-04-07", "tentative": False,
                              "source": None, "note": None})  # fmt: skip
    us = next(m for m in big["milestones"] if m.get("region") == "US")
    us["date"] = "2027-03-26"
    big["history"] += [
        {"recorded": "2026-11-28T09:00:00+00:00", "milestone": "release@FR", "old": None,
         "new": {"date": "2027-04-07", "tentative": False, "source": None, "note": None}},
        {"recorded": "2026-11-28T09:00:00+00:00", "milestone": "release@US:theatrical",
         "old": {"date": "2027-03-12", "tentative": False, "source": None, "note": None},
         "new": {"date": "2027-03-26", "tentative": False, "source": None, "note": None}},
    ]  # fmt: skip
    exported.write_text(json.dumps(theirs))
    film("set", FILM, "release@GB:theatrical", "2027-03-19", now="2026-11-28T10:00:00+00:00")
    film("import", str(exported), now="2026-11-29T12:00:00+00:00")
    dates = {m["key"]: m["date"] for m in film.json("show", FILM)["title"]["milestones"]}
    assert dates == {"production-start": "2026-01-10", "release@GB:theatrical": "2027-03-19",
                     "release@US:theatrical": "2027-03-26", "release@FR": "2027-04-07",
                     "release:digital": "2027-Q3"}  # fmt: skip


# --- the same, through the installed command -------------------------------------------------------


def test_regions_end_to_end_through_the_installed_command(tmp_path: Path) -> None:
    """Two regions and two media on one film, each slipping on its own; the fallback order,
    the locale, the phase following the region, JSON valid against the schema, ICS and CSV
    filtered: all as a user's shell runs them."""
    from .conftest import validate_output

    home = tmp_path / "home"
    base = {"HSTRACK_HOME": str(home), "HSTRACK_NOW": "2026-11-27T12:00:00+00:00", "TZ": "Europe/London",
            "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": str(tmp_path / "cfg")}  # fmt: skip

    def run(*args: str, code: int = 0, **env: str) -> str:
        done = subprocess.run([str(SCRIPT), *args], env={**base, **env}, capture_output=True, text=True,
                              timeout=60, check=False)  # fmt: skip
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        return done.stdout

    def status(**env: str) -> dict:
        data = json.loads(run("status", "--json", **env))
        validate_output(data, "status")
        return release_of(data)

    plain = run("export")  # the seeded store, before any place
    assert json.loads(plain)["schema"] == 3
    run("add", "Big Film", "--kind", "film")
    run("set", FILM, "release@GB:theatrical", "2027-03-05")
    run("set", FILM, "release", "--region", "US", "--medium", "theatrical", "2027-03-12")
    run("set", FILM, "release:digital", "Q3 2027")
    run("set", FILM, "release@GB:digital", "2027-06")
    run("set", FILM, "release@GB:theatrical", "2027-03-26")  # the UK cinema date slips; nothing else moves
    history = json.loads(run("history", FILM, "--json"))["history"]
    assert [h["milestone"] for h in history].count("release@GB:theatrical") == 2
    assert [h["milestone"] for h in history].count("release@US:theatrical") == 1
    assert status(HSTRACK_REGION="GB")["release"]["key"] == "release@GB:theatrical"  # the region's earliest
    assert status(HSTRACK_REGION="GB", HSTRACK_MEDIUM="digital")["release"]["key"] == "release@GB:digital"
    assert status(HSTRACK_REGION="FR")["release"]["key"] == "release:digital"  # worldwide
    assert status(LANG="en_US.UTF-8")["release"]["key"] == "release@US:theatrical"  # from the locale
    at = {"HSTRACK_NOW": "2027-03-20T12:00:00+00:00"}  # US cinemas open, UK ones not yet
    assert status(HSTRACK_REGION="US", **at)["phase"] == "released"
    assert status(HSTRACK_REGION="GB", **at)["phase"] != "released"
    run("check", FILM, "--released", HSTRACK_REGION="US", **at)
    run("check", FILM, "--released", code=1, HSTRACK_REGION="GB", **at)
    ics = Calendar.from_ical(run("export", "--format", "ics", "--region", "GB", "--medium", "theatrical"))
    uids = {k for k in by_id({str(e["uid"]): e for e in ics.walk("VEVENT")}, home / "store.json") if k.startswith(FILM)}
    assert uids == {f"{FILM}.release.GB.theatrical@hstrack"}
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv", "--medium", "digital"))))
    assert sorted(r["key"] for r in rows if r["title_id"] == FILM) == ["release:digital", "release@GB:digital"]
    # The other titles read exactly as before.
    after = json.loads(run("export"))
    assert after["schema"] == 3
    before = {t["id"]: t for t in json.loads(plain)["titles"]}
    assert all(t == before[t["id"]] for t in after["titles"] if t["id"] != FILM)


def test_a_bare_release_is_the_viewers_even_when_every_release_has_a_place(cli: Cli) -> None:
    cli("status")
    cli("add", "Only Here", "--kind", "film")
    cli("set", "only-here", "release@GB:theatrical", "2027-03-05")
    cli("check", "only-here", "--has-date", "release")
    assert "release (UK cinemas) 5 Mar 2027" in cli("countdown", "only-here", "release").stdout


def test_check_names_a_release_by_its_region_alone_or_its_medium_alone(film: Cli) -> None:
    film("check", FILM, "--has-date", "release@US")  # only "@": release@US:theatrical, to the day
    film("check", FILM, "--has-date", "release@GB")
    result = film("check", FILM, "--has-date", "release:digital", code=1)  # only ":": Q3 2027
    assert "known only to the quarter" in result.stdout


def test_a_stored_key_must_be_written_the_one_way_hstrack_writes_it() -> None:
    """Keys in history entries and proposals: a capital or a space in the kind, an empty
    region or medium, or an entry that is not a record at all are refused by name; bare and
    placed keys read."""
    new = {"date": "2027", "tentative": False, "source": None, "note": None}

    def store(history: list[object], proposals: list[object] | None = None) -> dict[str, object]:
        title: dict[str, object] = {"id": "f", "name": "F", "milestones": [], "history": history}
        if proposals is not None:
            title["proposals"] = proposals
        return {"schema": 2, "titles": [title]}

    def entry(key: str) -> dict[str, object]:
        return {"recorded": "2026-01-01T00:00:00+00:00", "milestone": key, "old": None, "new": new}

    for key in ("Release@GB", " release@GB", "release@GB:", "release@:digital"):
        with pytest.raises(ShapeError, match=r"history\[0\]\.milestone: .* is not a milestone"):
            document_from_json(store([entry(key)]))
    for key in ("trailer:digital", "trailer@GB", "wrap@GB:tv"):  # only a release or premiere has a place
        with pytest.raises(
            ShapeError, match=r"only premiere and release take a region or medium, not 'trailer'|'wrap'"
        ):
            document_from_json(store([entry(key)]))
    with pytest.raises(ShapeError, match=r"history\[0\]: expected dict"):
        document_from_json(store(["release"]))
    for key in ("release", "release@GB:theatrical", "release:digital", "premiere@US"):
        assert document_from_json(store([entry(key)])).titles["f"].history[0].milestone == key
        proposal = {"recorded": "2026-01-01T00:00:00+00:00", "milestone": key, "origin": "tmdb", "new": new}
        read = document_from_json(store([], [proposal])).titles["f"].proposals[0]
        assert (read.milestone, read.new.origin) == (key, "tmdb")  # the value is the source's
    for recorded in ("2026-01-01T00:00:00", "soon", "2026-01-01"):  # a time with its offset, only
        proposal = {"recorded": recorded, "milestone": "release", "origin": "tmdb", "new": new}
        with pytest.raises(ShapeError, match=r"proposals\[0\]\.recorded"):
            document_from_json(store([], [proposal]))


def test_typed_facts_carry_no_origin_field_in_the_store(film: Cli) -> None:
    """A fact a person typed is written as before sources existed: no "origin" at all."""
    data = json.loads(film.store.read_text())
    entries = [e for t in data["titles"] for e in t["history"]]
    milestones = [m for t in data["titles"] for m in t["milestones"]]
    assert entries
    assert all("origin" not in e for e in entries)
    assert all("origin" not in m for m in milestones)


def test_every_store_is_written_as_schema_3_and_places_still_read() -> None:
    """Every store is written as 3 (every title has a uid); one of schema 1, or 2 with a
    release in a place (even one typed into the file without a history entry, or only in a
    history entry), reads as it did; origins round-trip."""
    new = {"date": "2027", "tentative": False, "source": None, "note": None}
    entry = {"recorded": "2026-01-01T00:00:00+00:00", "milestone": "release", "old": None, "new": new}
    plain = {"schema": 1, "titles": [{"id": "f", "name": "F", "milestones": [{"kind": "release", **new}],
                                      "history": [entry]}]}  # fmt: skip
    assert document_from_json(plain).to_json()["schema"] == 3
    placed = {"schema": 2, "titles": [{"id": "f", "name": "F", "history": [],
                                       "milestones": [{"kind": "release", "region": "GB", **new}]}]}  # fmt: skip
    assert document_from_json(placed).titles["f"].milestones["release@GB"].region == "GB"
    gone = {**entry, "milestone": "release@GB", "old": {**new, "region": "GB"}, "new": None}
    removed = {"schema": 2, "titles": [{"id": "f", "name": "F", "history": [gone]}]}  # no place left but in history
    assert document_from_json(removed).titles["f"].history[0].milestone == "release@GB"
    for pin in ("release", "release@GB:theatrical"):
        pinned = {**plain, "pin": {"title": "f", "milestone": pin}}
        assert document_from_json(pinned).to_json()["pin"] == {"title": "f", "milestone": pin}
    synced = {**entry, "origin": "tmdb"}
    again = document_from_json({"schema": 1, "titles": [{"id": "f", "name": "F", "history": [synced]}]}).to_json()
    assert again["titles"][0]["history"][0]["origin"] == "tmdb"


def test_a_current_store_with_a_fault_says_the_fault_not_newer_hstrack() -> None:
    bad = {"schema": 2, "titles": [{"id": "f", "name": "F", "milestones": [{"kind": "release", "date": "soon"}]}]}
    with pytest.raises(ShapeError) as caught:
        document_from_json(bad)
    assert "newer hstrack" not in str(caught.value)
    assert "soon" in str(caught.value)
    with pytest.raises(ShapeError, match="newer hstrack"):
        document_from_json({**bad, "schema": 4})


def test_releases_placed_by_region_alone_are_the_viewers_by_region(cli: Cli) -> None:
    cli("add", "Film", "--id", "film")
    cli("set", "film", "release@GB", "2027-03-05")
    cli("set", "film", "release@US", "2027-03-12")
    for region, key in (("US", "release@US"), ("GB", "release@GB")):
        assert release_of(cli.json("status", HSTRACK_REGION=region), "film")["release"]["key"] == key
