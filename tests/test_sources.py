"""The source adapters and sync's rules, as plain function calls on recorded documents
(tests/source_documents.py): no network, no CLI."""

from __future__ import annotations

import contextlib
import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hstrack.core.dates.grammar import parse_canonical
from hstrack.core.errors import UsageError
from hstrack.core.model.document import Document
from hstrack.core.model.milestone import Milestone
from hstrack.core.model.reading import document_from_json
from hstrack.core.model.title import Title
from hstrack.core.references import parse_reference
from hstrack.sources import tmdb as T
from hstrack.sources import wikidata as W
from hstrack.sources.facts import Fact, Fetched, clean_text
from hstrack.sources.sync import choose, reconcile
from hstrack.store.codec import dumps

from . import source_documents as D
from .conftest import examples, validate_store

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BASE = "https://www.wikidata.org"


# ---------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("wikidata:Q42", "wikidata:Q42"),
        ("  Wikidata:q42 ", "wikidata:Q42"),
        ("https://www.wikidata.org/wiki/Q42", "wikidata:Q42"),
        ("tmdb:movie/550", "tmdb:movie/550"),
        ("tmdb:tv/1399", "tmdb:tv/1399"),
        ("tmdb:tv/1399/season/0", "tmdb:tv/1399/season/0"),
        ("https://www.themoviedb.org/movie/550-fight-club", "tmdb:movie/550"),
        ("https://www.themoviedb.org/tv/1399-game-of-thrones/season/2", "tmdb:tv/1399/season/2"),
        # Pasted from a browser's address bar, with what follows the page
        ("https://www.themoviedb.org/movie/550-fight-club?language=en-US", "tmdb:movie/550"),
        ("https://www.wikidata.org/wiki/Q42#P577", "wikidata:Q42"),
        ("https://m.wikidata.org/wiki/Q42?uselang=fr", "wikidata:Q42"),
    ],
)
def test_references_have_one_spelling(typed: str, text: str) -> None:
    assert parse_reference(typed).text == text


@pytest.mark.parametrize(
    "typed", ["Q42", "wikidata:42", "wikidata:Q0", "wikidata:Q042", "tmdb:movie/0", "tmdb:movie/550/season/1",
              "tmdb:person/3", "imdb:nm0000093", "imdb:tt00137523", "tmdb:tv/1/season/-1", "wikidata:Q" + "9" * 13,
              "x" * 500, "",
              "wikidata:Q4\u0662", "tmdb:movie/5\uff15", "tmdb:movie/-5", "tmdb:tv/1/season/01", "wikidata:Q1 Q2"],
)  # fmt: skip
def test_a_bad_reference_is_a_usage_error(typed: str) -> None:
    with pytest.raises(UsageError, match="not a reference"):
        parse_reference(typed)


def test_fetched_text_is_checked_like_typed_text() -> None:
    assert clean_text("Big  Film\n") == "Big Film"
    assert clean_text("Big\x1b[31mFilm") is None
    assert clean_text("evil\u202eelif") is None
    assert clean_text(42) is None
    assert clean_text("x" * 300) == "x" * 199 + "…"


# ---------------------------------------------------------------------------- Wikidata


@pytest.mark.parametrize(
    ("time", "precision", "expected"),
    [
        ("+2026-00-00T00:00:00Z", 9, "2026"),  # a year written -00-00
        ("+2026-01-01T00:00:00Z", 9, "2026"),  # ... or -01-01: precision says which
        ("+2026-10-00T00:00:00Z", 10, "2026-10"),
        ("+2026-10-01T00:00:00Z", 10, "2026-10"),
        ("+2026-10-03T00:00:00Z", 11, "2026-10-03"),
        ("+2026-10-03T20:15:00Z", 13, "2026-10-03"),  # finer than a day: the day
        ("+2026-10-03T20:15:09Z", 14, "2026-10-03"),
        ("+2020-00-00T00:00:00Z", 8, None),  # a decade: coarser than a year, left out
        ("+2000-00-00T00:00:00Z", 7, None),
        ("-0044-03-15T00:00:00Z", 11, None),  # before the common era
        ("+0999-01-01T00:00:00Z", 9, None),  # outside the years hstrack reads
        ("+2026-02-30T00:00:00Z", 11, None),  # no such day
        ("2026-10-03", 11, None),  # not Wikidata's spelling
        ("+2026-00-00T00:00:00Z", 11, None),  # a day said to be known, with no day: left out
        ("+2026-00-00T00:00:00Z", 10, None),  # ... or no month
        ("+2026-10-03T20:15:00Z", 12, "2026-10-03"),
        ("+10000-01-01T00:00:00Z", 9, None),  # beyond the calendar hstrack reads
        ("+\uff12\uff10\uff12\uff16-10-03T00:00:00Z", 11, None),  # fullwidth digits are not Wikidata's
    ],
)
def test_wikidata_time_precision(time: str, precision: int, expected: str | None) -> None:
    spec, why = W.time_value(D.time_snak("P577", time, precision))
    assert (spec.canonical if spec else None) == expected
    assert (why is None) == (expected is not None)


def test_an_absurd_revision_is_left_out_of_the_source_so_the_store_still_reads() -> None:
    """A revision is a number; one of 4,000 digits (JSON allows it) would make a source
    longer than the store accepts, and the store written by the sync could not be read."""
    from hstrack.store.codec import decode_json

    raw = json.dumps(D.entities_answer({D.FILM: D.film_entity(revision=10**4200)})).encode()
    entity = W.entities(decode_json(raw, "the answer"), [D.FILM])[D.FILM]
    assert entity is not None
    fetched = W.facts(parse_reference(f"wikidata:{D.FILM}"), entity, {}, BASE)
    assert {f.source for f in fetched.facts} == {f"{BASE}/wiki/{D.FILM}"}
    doc = new_doc()
    reconcile(doc, "big-film", [fetched], NOW)
    assert dumps(document_from_json(json_of(doc))) == dumps(doc)


def test_wikidata_reads_gregorian_values_only_and_no_unknown_values() -> None:
    assert W.time_value(D.time_snak("P577", "+2026-10-03T00:00:00Z", 11, D.JULIAN))[0] is None
    assert W.time_value({"snaktype": "somevalue", "property": "P577"}) == (None, None)
    assert W.time_value({"snaktype": "novalue", "property": "P577"}) == (None, None)


def film_facts(entity: dict[str, Any] | None = None) -> Fetched:
    regions = {D.UK: "GB", D.US: "US", D.PARIS: "FR"}
    return W.facts(parse_reference(f"wikidata:{D.FILM}"), entity or D.film_entity(), regions, BASE)


def test_wikidata_publication_dates_by_place_and_the_premiere() -> None:
    fetched = film_facts()
    got = {f.key: f.date.canonical for f in fetched.facts}
    assert got == {
        "release": "2027",  # the deprecated 1 Feb 2027 is ignored
        "release@GB": "2027-03-05",
        "release@US": "2027-03-12",
        "release@FR": "2027-04",  # Paris -> its country's code (resolved by fetching)
        "premiere": "2027-02-14",
    }
    assert {f.source for f in fetched.facts} == {f"{BASE}/wiki/{D.FILM}?oldid=500"}
    assert {f.origin for f in fetched.facts} == {"wikidata"}
    assert (fetched.name, fetched.kind) == ("Big Film", "film")


def test_wikidata_preferred_rank_wins_within_a_place() -> None:
    film = D.film_entity()
    film["claims"]["P577"].append(
        D.statement(
            D.time_snak("P577", "+2027-06-01T00:00:00Z", 11), rank="preferred", P291=[D.item_snak("P291", D.UK)]
        )
    )
    got = {f.key: f.date.canonical for f in film_facts(film).facts}
    assert got["release@GB"] == "2027-06-01"  # preferred over the normal 5 Mar
    assert got["release@US"] == "2027-03-12"  # another place's normal date still counts


def test_wikidata_a_place_without_a_code_is_left_out_not_taken_as_worldwide() -> None:
    fetched = W.facts(parse_reference(f"wikidata:{D.FILM}"), D.film_entity(), {D.UK: "GB", D.US: "US"}, BASE)
    assert "release@FR" not in {f.key for f in fetched.facts}
    assert any("no country code" in n for n in fetched.notes)
    assert {f.key: f.date.canonical for f in fetched.facts}["release"] == "2027"


def test_wikidata_a_season_is_released_when_its_run_starts() -> None:
    fetched = W.facts(parse_reference(f"wikidata:{D.SEASON}"), D.season_entity(), {}, BASE)
    assert [(f.key, f.date.canonical) for f in fetched.facts] == [("release", "2026-10-03")]
    assert fetched.kind == "season"


def test_wikidata_item_ids_are_checked_however_they_are_written() -> None:
    """A place's id goes into the next request's URL: one of 4,000 digits (numeric-id, which
    JSON allows) would make the places' batch too long to ask, failing every title in it."""
    snak = D.item_snak("P291", D.UK)
    assert W.item_id(snak) == D.UK
    del snak["datavalue"]["value"]["id"]
    assert W.item_id(snak) == D.UK  # numeric-id alone
    for bad in (10**4000, 10**12, 0, -5, True, "145", 1.5):
        snak["datavalue"]["value"]["numeric-id"] = bad
        assert W.item_id(snak) is None
    snak["datavalue"]["value"]["id"] = "Q" + "1" * 13
    assert W.item_id(snak) is None


def test_wikidata_places_and_country_codes() -> None:
    assert W.places(D.film_entity()) == {D.UK, D.US, D.PARIS}
    codes = {q: W.country_code(e) for q, e in D.places().items()}
    assert codes == {D.UK: "GB", D.US: "US", D.PARIS: None, D.FRANCE: "FR"}
    assert W.countries(D.places()[D.PARIS]) == [D.FRANCE]


def test_wikidata_answers_missing_errors_and_malformed() -> None:
    assert W.entities(D.entities_answer({D.FILM: D.film_entity(), "Q1": None}), [D.FILM, "Q1"])["Q1"] is None
    with pytest.raises(W.Malformed, match="no-such-entity"):
        W.entities(D.WIKIDATA_ERROR, ["Q0"])
    for bad in ([], {"entities": []}, {"entities": {D.FILM: {"claims": []}}}):
        with pytest.raises(W.Malformed):
            W.entities(bad, [D.FILM])


def test_wikidata_batches_hold_at_most_fifty_ids() -> None:
    ids = [f"Q{n}" for n in range(1, 121)]
    assert [len(b) for b in W.batches(ids)] == [50, 50, 20]
    with pytest.raises(ValueError, match="1 to 50"):
        W.entities_url(BASE, ids[:51])


def test_wikidata_search_leaves_hostile_labels_out() -> None:
    hits = W.search_ids(D.search_answer())
    assert hits[0] == (D.FILM, "Big Film", "2027 film")
    assert hits[1][1] is None
    found = W.candidate(D.FILM, D.film_entity(), "Big Film", None)
    assert found is not None
    assert (found.reference, found.year, found.kind) == (f"wikidata:{D.FILM}", 2027, "film")


# ---------------------------------------------------------------------------- TMDb


def movie_facts(doc: Any = None) -> Fetched:
    return T.facts(parse_reference(f"tmdb:movie/{D.MOVIE}"), D.movie() if doc is None else doc)


def test_tmdb_release_dates_by_country_and_type() -> None:
    fetched = movie_facts()
    got = {f.key: (f.date.canonical, f.note) for f in fetched.facts}
    assert got == {
        "release@GB:theatrical": ("2027-03-05", None),  # T00:00:00.000Z is the day, not midnight UTC
        "premiere@GB": ("2027-02-14", "Berlin International Film Festival"),
        "release@US:theatrical": ("2027-03-12", None),
        "release@US:digital": ("2027", None),  # YEAR-01-01: only the year is known; a note with BEL is dropped
        "announced": ("TBA", "TMDb status: Post Production; TMDb gives no day"),
        "production-start": ("TBA", "TMDb status: Post Production; TMDb gives no day"),
        "production-end": ("TBA", "TMDb status: Post Production; TMDb gives no day"),
    }
    assert all(f.happened for f in fetched.facts if f.date.is_tba)  # reached: the status says they happened
    assert any("XX" in n for n in fetched.notes)  # not an ISO 3166-1 code: left out, said
    assert {f.source for f in fetched.facts} == {f"https://www.themoviedb.org/movie/{D.MOVIE}"}


@pytest.mark.parametrize(
    ("status", "kinds"),
    [("Rumored", set()), ("Planned", {"announced"}), ("In Production", {"announced", "production-start"}),
     ("Post Production", {"announced", "production-start", "production-end"}), ("Released", set()),
     ("Canceled", {"cancelled"})],
)  # fmt: skip
def test_tmdb_status_gives_the_facts_it_means_happened_on_no_day(status: str, kinds: set[str]) -> None:
    fetched = movie_facts(D.movie(status=status))
    assert {f.key for f in fetched.facts if "release" not in f.key and "premiere" not in f.key} == kinds
    assert all(f.date.is_tba and f.happened for f in fetched.facts if f.key in kinds)  # never a made-up day


def test_tmdb_series_and_season() -> None:
    show = T.facts(parse_reference(f"tmdb:tv/{D.SERIES}"), D.series())
    assert {f.key: f.date.canonical for f in show.facts} == {"cancelled": "TBA", "release": "2024-04-01",
                                                             "season-premiere": "2026-10-03"}  # fmt: skip
    season = T.facts(parse_reference(f"tmdb:tv/{D.SERIES}/season/2"), D.season())
    assert [(f.key, f.date.canonical) for f in season.facts] == [("release", "2026-10-03")]
    assert T.facts(parse_reference(f"tmdb:tv/{D.SERIES}/season/2"), D.season(None)).facts == []


def test_tmdb_without_dates_per_country_uses_the_primary_release_date() -> None:
    doc = D.movie(status="Released")
    doc["release_dates"] = {"results": []}
    assert [(f.key, f.date.canonical) for f in movie_facts(doc).facts] == [("release", "2027-02-14")]


@pytest.mark.parametrize(
    "doc",
    [D.TMDB_NOT_FOUND, [], {"id": 1, "title": "Another"}, {**D.movie(), "release_dates": {"results": "x"}},
     {**D.movie(), "release_dates": {"results": [{"iso_3166_1": "GB"}]}}],
)  # fmt: skip
def test_tmdb_malformed_or_refused_answers(doc: Any) -> None:
    with pytest.raises(T.Malformed):
        movie_facts(doc)


def test_tmdb_dates_are_days_or_years() -> None:
    assert T.day("2026-10-03T00:00:00.000Z")[0] == parse_canonical("2026-10-03")
    assert T.day("2026-01-01")[0] == parse_canonical("2026")
    assert T.day("")[0] is None
    assert T.day("2026-13-01")[0] is None
    assert T.day("3 Oct 2026")[0] is None


def test_tmdb_search_lists_movies_and_shows_not_people() -> None:
    found = T.candidates(D.multi_search())
    assert [(c.reference, c.year, c.kind) for c in found] == [
        (f"tmdb:movie/{D.MOVIE}", 2027, "film"),
        (f"tmdb:tv/{D.SERIES}", 2024, "series"),
    ]


# ---------------------------------------------------------------------------- who wins


def new_doc(links: tuple[str, ...] = (f"wikidata:{D.FILM}",)) -> Document:
    doc = Document()
    doc.titles["big-film"] = Title("big-film", "Big Film", "film", links=list(links))
    return doc


def typed(doc: Document, key: str, when: str) -> None:
    from hstrack.core.tracker import set_milestone

    set_milestone(doc, "big-film", key, when, NOW)


def answer(*facts: tuple[str, str, str]) -> Fetched:
    """(key, date, origin) facts as one reference's answer."""
    origin = facts[0][2] if facts else "wikidata"
    ref = parse_reference(f"wikidata:{D.FILM}" if origin == "wikidata" else f"tmdb:movie/{D.MOVIE}")
    return Fetched(ref, "Big Film", "film",
                   [Fact(k, parse_canonical(d), f"{ref.page()}?oldid=1", o) for k, d, o in facts])  # fmt: skip


def test_a_synced_fact_is_set_then_moves_like_any_slip() -> None:
    doc = new_doc()
    out = reconcile(doc, "big-film", [answer(("release", "2027-03-05", "wikidata"))], NOW)
    assert [(o.what, o.summary) for o in out] == [("changed", "release set to 5 Mar 2027")]
    m = doc.titles["big-film"].milestones["release"]
    assert (m.origin, doc.titles["big-film"].history[-1].origin) == ("wikidata", "wikidata")
    assert reconcile(doc, "big-film", [answer(("release", "2027-03-05", "wikidata"))], LATER) == []
    out = reconcile(doc, "big-film", [answer(("release", "2027-04-02", "wikidata"))], LATER)
    assert out[0].summary == "release moved 28 days later (5 Mar 2027 → 2 Apr 2027)"


def test_the_same_date_from_a_newer_revision_writes_nothing() -> None:
    doc = new_doc()
    reconcile(doc, "big-film", [answer(("release", "2027-03-05", "wikidata"))], NOW)
    before = dumps(doc)
    newer = answer(("release", "2027-03-05", "wikidata"))
    newer.facts[0] = Fact("release", parse_canonical("2027-03-05"), "https://www.wikidata.org/wiki/Q9100001?oldid=2",
                          "wikidata")  # fmt: skip
    assert reconcile(doc, "big-film", [newer], LATER) == []
    assert dumps(doc) == before


@pytest.mark.parametrize(
    ("mine", "theirs", "what", "result"),
    [
        ("2027", "2027-03-05", "changed", "2027-03-05"),  # inside the typed window: firmed up
        ("TBA", "2027-03-05", "changed", "2027-03-05"),  # any date firms up a TBA
        ("2027-03-05", "2027", None, "2027-03-05"),  # says less, and agrees: the typed date stands
        ("2027-03-05", "TBA", None, "2027-03-05"),
        ("2027-03-05", "2027-03-05", None, "2027-03-05"),
        ("2027-03-05", "2027-04-02", "proposed", "2027-03-05"),  # contradicts: held, not applied
        ("winter 2026", "2027", "proposed", "winter 2026"),  # overlaps only in part: contradicts
    ],
)
def test_a_typed_fact_is_firmed_up_or_proposed_against_never_overwritten(
    mine: str, theirs: str, what: str | None, result: str
) -> None:
    doc = new_doc()
    typed(doc, "release", mine)
    out = reconcile(doc, "big-film", [answer(("release", theirs, "wikidata"))], LATER)
    assert [o.what for o in out] == ([what] if what else [])
    assert doc.titles["big-film"].milestones["release"].date.canonical == result
    if what == "changed":
        assert "firmed up" in out[0].summary or "dated" in out[0].summary
        assert doc.titles["big-film"].milestones["release"].origin == "wikidata"
    if what == "proposed":
        assert doc.titles["big-film"].milestones["release"].origin is None
        assert [p.new.date.canonical for p in doc.titles["big-film"].proposals] == [theirs]


def test_a_rejected_value_is_not_proposed_again_and_a_new_one_is() -> None:
    from hstrack.core.proposals import accept, reject

    doc = new_doc()
    typed(doc, "release", "2027-03-05")
    reconcile(doc, "big-film", [answer(("release", "2027-04-02", "wikidata"))], NOW)
    reject(doc, "big-film", "release", NOW)
    assert doc.titles["big-film"].proposals == []
    assert reconcile(doc, "big-film", [answer(("release", "2027-04-02", "wikidata"))], LATER) == []
    out = reconcile(doc, "big-film", [answer(("release", "2027-05-07", "wikidata"))], LATER)
    assert [o.what for o in out] == ["proposed"]
    # The same proposal again is not a new one.
    assert reconcile(doc, "big-film", [answer(("release", "2027-05-07", "wikidata"))], LATER) == []
    change = accept(doc, "big-film", "release", LATER)
    assert change.new is not None
    assert (change.new.date.canonical, change.new.origin, change.origin) == ("2027-05-07", "wikidata", None)
    assert doc.titles["big-film"].proposals == []


def test_a_proposal_is_withdrawn_when_the_source_comes_to_agree() -> None:
    doc = new_doc()
    typed(doc, "release", "2027-03-05")
    reconcile(doc, "big-film", [answer(("release", "2027-04-02", "wikidata"))], NOW)
    out = reconcile(doc, "big-film", [answer(("release", "2027-03-05", "wikidata"))], LATER)
    assert [o.what for o in out] == ["withdrawn"]
    assert doc.titles["big-film"].proposals == []


def test_a_milestone_a_person_removed_is_proposed_not_put_back() -> None:
    from hstrack.core.tracker import unset_milestone

    doc = new_doc()
    reconcile(doc, "big-film", [answer(("premiere", "2027-02-14", "wikidata"))], NOW)
    unset_milestone(doc, "big-film", "premiere", NOW)
    out = reconcile(doc, "big-film", [answer(("premiere", "2027-02-14", "wikidata"))], LATER)
    assert [o.what for o in out] == ["proposed"]
    assert "premiere" not in doc.titles["big-film"].milestones


def test_two_sources_disagreeing_are_reported_not_averaged() -> None:
    wd = answer(("release", "2027", "wikidata"), ("premiere", "2027-02-10", "wikidata"),
                ("release@GB", "2027-03-19", "wikidata"), ("release@US", "2027-03-12", "wikidata"))  # fmt: skip
    tm = answer(("premiere", "2027-02-14", "tmdb"), ("release@GB:theatrical", "2027-03-05", "tmdb"),
                ("release@US:theatrical", "2027-03-12", "tmdb"))  # fmt: skip
    facts, said = choose("big-film", [wd, tm])
    chosen = {f.key: (f.date.canonical, f.origin) for f in facts}
    assert chosen == {
        "premiere": ("2027-02-14", "tmdb"),  # conflicting: TMDb's, for a premiere
        "release": ("2027", "wikidata"),  # the first release anywhere, and it agrees with TMDb's
        "release@GB:theatrical": ("2027-03-05", "tmdb"),
        "release@US:theatrical": ("2027-03-12", "tmdb"),  # Wikidata's US date agrees: TMDb names it exactly
    }
    assert sorted((o.key, o.what) for o in said) == [("premiere", "disagreement"), ("release@GB", "disagreement")]
    assert all("TMDb says" in o.summary and "Wikidata says" in o.summary for o in said)


def test_a_narrower_date_from_the_other_source_is_the_same_fact_better_known() -> None:
    facts, said = choose(
        "big-film", [answer(("premiere", "2027-02", "tmdb")), answer(("premiere", "2027-02-14", "wikidata"))]
    )
    assert [(f.date.canonical, f.origin) for f in facts] == [("2027-02-14", "wikidata")]
    assert said == []


def test_a_pending_proposal_goes_when_the_source_returns_to_a_value_you_rejected() -> None:
    from hstrack.core.proposals import reject

    doc = new_doc()
    typed(doc, "release", "2027-03-05")
    reconcile(doc, "big-film", [answer(("release", "2027-04-02", "wikidata"))], NOW)
    reject(doc, "big-film", "release", NOW)
    reconcile(doc, "big-film", [answer(("release", "2027-05-07", "wikidata"))], NOW)
    assert [p.new.date.canonical for p in doc.titles["big-film"].proposals] == ["2027-05-07"]
    # Back to the value you rejected: not proposed, and 7 May, which it no longer says, goes.
    out = reconcile(doc, "big-film", [answer(("release", "2027-04-02", "wikidata"))], LATER)
    assert doc.titles["big-film"].proposals == []
    assert [(o.what, o.summary) for o in out] == [
        ("withdrawn", "release: the proposal of 7 May 2027 from Wikidata is withdrawn: Wikidata no longer says it")
    ]


def test_a_pending_proposal_goes_when_the_source_stops_giving_the_date() -> None:
    doc = new_doc()
    typed(doc, "premiere", "2027-02-01")
    reconcile(doc, "big-film", [answer(("premiere", "2027-02-14", "wikidata"), ("release", "2027", "wikidata"))], NOW)
    assert [p.milestone for p in doc.titles["big-film"].proposals] == ["premiere"]
    out = reconcile(doc, "big-film", [answer(("release", "2027", "wikidata"))], LATER)
    assert doc.titles["big-film"].proposals == []
    assert [o.what for o in out] == ["withdrawn"]
    assert doc.titles["big-film"].milestones["premiere"].date.canonical == "2027-02-01"  # yours, untouched
    # Another source's answer does not withdraw Wikidata's proposal.
    reconcile(doc, "big-film", [answer(("premiere", "2027-02-14", "wikidata"))], LATER)
    doc.titles["big-film"].links.append(f"tmdb:movie/{D.MOVIE}")
    reconcile(doc, "big-film", [answer(("premiere", "2027-02-14", "wikidata")), answer(("release", "2027", "tmdb"))],
              LATER)  # fmt: skip
    assert [(p.milestone, p.origin) for p in doc.titles["big-film"].proposals] == [("premiere", "wikidata")]


def test_linking_another_page_of_a_source_drops_the_old_pages_proposals() -> None:
    from hstrack.sources.sync import link_title

    doc = new_doc(links=(f"wikidata:{D.FILM}", f"tmdb:movie/{D.MOVIE}"))
    typed(doc, "release", "2027-03-05")
    reconcile(doc, "big-film", [answer(("release", "2027-04-02", "wikidata"))], NOW)
    reconcile(doc, "big-film", [answer(("release", "2027-04-09", "tmdb"))], NOW)
    assert len(doc.titles["big-film"].proposals) == 2
    link_title(doc, "big-film", "wikidata:Q42")  # the old page was the wrong film
    assert [p.origin for p in doc.titles["big-film"].proposals] == ["tmdb"]
    link_title(doc, "big-film", f"tmdb:movie/{D.MOVIE}")  # the same page again: nothing goes
    assert [p.origin for p in doc.titles["big-film"].proposals] == ["tmdb"]


def test_a_coarser_date_from_the_other_source_does_not_undo_a_narrower_synced_one() -> None:
    doc = new_doc(links=(f"wikidata:{D.FILM}", f"tmdb:movie/{D.MOVIE}"))
    both = [answer(("release", "2027", "wikidata")), answer(("release", "2027-02-14", "tmdb"))]
    reconcile(doc, "big-film", both, NOW)
    assert doc.titles["big-film"].milestones["release"].date.canonical == "2027-02-14"  # the narrower
    # TMDb stops giving it (it now dates the release per country); Wikidata still says 2027,
    # which holds 14 Feb: the same fact, less well known. Nothing changes.
    assert reconcile(doc, "big-film", [both[0]], LATER) == []
    assert doc.titles["big-film"].milestones["release"].origin == "tmdb"
    # A date from Wikidata that contradicts it moves it, like any slip.
    out = reconcile(doc, "big-film", [answer(("release", "2027-03", "wikidata"))], LATER)
    assert [o.what for o in out] == ["changed"]
    assert doc.titles["big-film"].milestones["release"].date.canonical == "2027-03"


def test_a_coarser_date_from_the_source_that_set_it_is_taken() -> None:
    """The page that said 5 Mar now says only 2027 (TMDb's YEAR-01-01): it knows less, and
    the fact follows its source, recorded."""
    doc = new_doc()
    reconcile(doc, "big-film", [answer(("release", "2027-03-05", "wikidata"))], NOW)
    out = reconcile(doc, "big-film", [answer(("release", "2027", "wikidata"))], LATER)
    assert [(o.what, o.summary) for o in out] == [("changed", "release widened from 5 Mar 2027 to 2027")]


def test_a_title_unlinked_while_its_sources_answered_is_not_changed() -> None:
    doc = new_doc(links=())
    assert reconcile(doc, "big-film", [answer(("release", "2027-03-05", "wikidata"))], NOW) == []
    assert reconcile(doc, "gone", [answer(("release", "2027-03-05", "wikidata"))], NOW) == []


# ---------------------------------------------------------------------------- the store


def test_synced_facts_links_and_proposals_round_trip_and_match_the_schema() -> None:
    import json

    from hstrack.core.proposals import reject

    doc = new_doc(links=(f"wikidata:{D.FILM}", f"tmdb:movie/{D.MOVIE}"))
    reconcile(doc, "big-film", [answer(("release", "2027-03-05", "wikidata"))], NOW)
    typed(doc, "premiere", "2027-02-01")
    reconcile(doc, "big-film", [answer(("premiere", "2027-02-14", "wikidata"))], NOW)
    typed(doc, "trailer", "2026-12-01")
    # A source's answer is all it says: the premiere it proposed is still in it.
    reconcile(doc, "big-film", [answer(("premiere", "2027-02-14", "wikidata"), ("trailer", "2027-01-05", "wikidata"))],
              NOW)  # fmt: skip
    reject(doc, "big-film", "trailer", NOW)
    raw = dumps(doc)
    data = json.loads(raw)
    validate_store(data)
    title = data["titles"][0]
    assert title["links"] == [f"wikidata:{D.FILM}", f"tmdb:movie/{D.MOVIE}"]
    assert title["milestones"][-1]["origin"] == "wikidata"
    assert title["proposals"][0]["milestone"] == "premiere"
    assert title["rejected"][0]["milestone"] == "trailer"
    assert dumps(document_from_json(data)) == raw


def test_a_title_without_links_is_written_exactly_as_before() -> None:
    doc = new_doc(links=())
    typed(doc, "release", "2027-03-05")
    assert set(json_of(doc)["titles"][0]) == {"id", "uid", "name", "label", "kind", "platform", "synopsis", "notes",
                                             "credits", "milestones", "history"}  # fmt: skip
    assert "origin" not in json_of(doc)["titles"][0]["milestones"][0]


def json_of(doc: Document) -> Any:
    import json

    return json.loads(dumps(doc))


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("links",), ["wikidata:42"], "not a reference"),
        (("links",), ["Wikidata:Q42"], "not written as hstrack writes it"),
        (("links",), ["wikidata:Q42", "wikidata:Q42"], "appears twice"),
        (("milestones", 0, "origin"), "imdb", "not one of wikidata, tmdb"),
        (("history", 0, "origin"), "x", "not one of wikidata, tmdb"),
        (("proposals",), [{"recorded": "2026-11-27T12:00:00+00:00", "milestone": "release", "new": {"date": "2027"}}],
         "needs the source"),
        (("proposals",), [{"recorded": "2026-11-27T12:00:00+00:00", "milestone": "release", "origin": "tmdb",
                           "new": {"date": "Octember"}}], "not a date"),
    ],
)  # fmt: skip
def test_a_store_with_a_bad_new_field_is_refused_with_the_record_named(path: tuple[Any, ...], value: Any,
                                                                        message: str) -> None:  # fmt: skip
    from hstrack.core.model.shape import ShapeError

    doc = new_doc(links=())
    typed(doc, "release", "2027-03-05")
    data = copy.deepcopy(json_of(doc))
    target = data["titles"][0]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(ShapeError, match=message):
        document_from_json(data)


def test_a_set_with_a_new_date_makes_a_synced_fact_a_typed_one() -> None:
    doc = new_doc()
    reconcile(doc, "big-film", [answer(("release", "2027-03-05", "wikidata"))], NOW)
    typed(doc, "release", "2027-04-02")
    m: Milestone = doc.titles["big-film"].milestones["release"]
    assert (m.origin, m.source) == (None, None)
    out = reconcile(doc, "big-film", [answer(("release", "2027-03-05", "wikidata"))], LATER)
    assert [o.what for o in out] == ["proposed"]  # now the person's fact: never overwritten


def test_an_import_joins_links_rejections_and_proposals() -> None:
    from hstrack.core.proposals import reject
    from hstrack.sharing.merge.documents import merge_documents

    ours = new_doc(links=(f"wikidata:{D.FILM}",))
    typed(ours, "release", "2027-03-05")
    theirs = copy.deepcopy(ours)
    theirs.titles["big-film"].links = [f"wikidata:{D.FILM}", f"tmdb:movie/{D.MOVIE}"]
    reconcile(theirs, "big-film", [answer(("release", "2027-04-02", "wikidata"))], NOW)
    typed(theirs, "trailer", "2026-12-01")
    both = answer(("release", "2027-04-02", "wikidata"), ("trailer", "2027-01-05", "wikidata"))
    reconcile(theirs, "big-film", [both], NOW)
    reject(theirs, "big-film", "trailer", NOW)
    theirs.titles["big-film"].links[0] = "wikidata:Q1"  # another page of a source ours links: ours stays
    merge_documents(ours, theirs, LATER)
    title = ours.titles["big-film"]
    assert title.links == [f"wikidata:{D.FILM}", f"tmdb:movie/{D.MOVIE}"]
    assert [p.milestone for p in title.proposals] == ["release"]
    assert [r.milestone for r in title.rejected] == ["trailer"]


# ---------------------------------------------------------------------------- any answer at all

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2**40) | st.sampled_from(["", "x", "GB", "Q1", "+2026-10-03T00:00:00Z",
                                                                         "2026-01-01", "preferred", "value", "\x1b"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "claims", "P577", "P291", "P31", "mainsnak", "qualifiers", "rank", "snaktype",
                         "datavalue", "value", "time", "precision", "labels", "en", "results", "release_dates",
                         "iso_3166_1", "type", "release_date", "status", "entities", "missing", "redirects", "from",
                         "media_type", "title", "name", "search", "error", "air_date", "first_air_date"]),
        inner, max_size=5),
    max_leaves=25,
)  # fmt: skip


def _mutated(doc: Any, path: list[Any], value: Any) -> Any:
    doc = copy.deepcopy(doc)
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


@settings(max_examples=examples(150), deadline=None)
@given(junk=JSON, where=st.integers(0, 5))
def test_any_answer_is_read_or_refused_never_a_crash(junk: Any, where: int) -> None:
    """A source's answer is untrusted: whatever its shape, an adapter gives facts or says it
    is malformed (which sync reports as one line), never another exception."""
    ref_movie, ref_item = parse_reference(f"tmdb:movie/{D.MOVIE}"), parse_reference(f"wikidata:{D.FILM}")
    movies = [junk, _mutated(D.movie(), ["release_dates"], junk), _mutated(D.movie(), ["release_dates", "results", 0],
              junk), _mutated(D.movie(), ["release_dates", "results", 1, "release_dates", 0], junk),
              _mutated(D.movie(), ["status"], junk), _mutated(D.movie(), ["release_date"], junk)]  # fmt: skip
    with contextlib.suppress(T.Malformed):
        T.facts(ref_movie, movies[where])
    with contextlib.suppress(T.Malformed):
        T.candidates(junk if where % 2 else {"results": [junk]})
    film = D.film_entity()
    entities = [junk, _mutated(film, ["claims"], junk), _mutated(film, ["claims", "P577"], junk),
                _mutated(film, ["claims", "P577", 0, "mainsnak"], junk),
                _mutated(film, ["claims", "P577", 0, "qualifiers"], junk),
                _mutated(film, ["labels"], junk)]  # fmt: skip
    try:
        found = W.entities({"entities": {D.FILM: entities[where]}} if where % 2 else entities[where], [D.FILM])
    except W.Malformed:
        return
    entity = found.get(D.FILM)
    if entity is not None:
        W.places(entity)
        W.facts(ref_item, entity, {D.UK: "GB"}, BASE)
        W.candidate(D.FILM, entity, None, None)
    with contextlib.suppress(W.Malformed):
        W.search_ids(junk)


@pytest.mark.parametrize("precision", [9, 10, 11, 12, 14])
@pytest.mark.parametrize(
    "year", [999, 9999, 2**31 - 1, 2**31, 2**40, 10**16 - 1, 0], ids=lambda y: f"year-{y}"
)  # fmt: skip
def test_a_wikidata_year_outside_hstracks_range_is_left_out_at_every_precision(year: int, precision: int) -> None:
    """Issue 26: never an OverflowError (date() takes years up to 9999, C ints up to 2**31-1)."""
    value = {"time": f"+{year}-06-15T00:00:00Z", "precision": precision, "calendarmodel": W.GREGORIAN}
    spec, why = W.time_value({"snaktype": "value", "datavalue": {"value": value}})
    assert spec is None
    assert why is not None
    assert "out of range" in why or "cannot read" in why
