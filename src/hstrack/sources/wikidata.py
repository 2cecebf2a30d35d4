"""Wikidata: entity documents in, milestones out. No sockets here (see ``sources.http``).

The shapes read are the Wikibase JSON data model
(https://www.mediawiki.org/wiki/Wikibase/DataModel/JSON) as the Action API returns it:
``wbsearchentities`` (https://www.wikidata.org/w/api.php?action=help&modules=wbsearchentities)
and ``wbgetentities`` (https://www.wikidata.org/w/api.php?action=help&modules=wbgetentities,
at most 50 ids a call).

What is read, and why (the README's "Keeping dates current" cites the pages):

- **P577 publication date** is the release. Its **P291 place of publication** qualifier
  gives the region: the place item's **P297** ISO 3166-1 alpha-2 code, or for a place that
  is not a country (a city, a festival's town) its **P17** country's code; Q13780930
  "worldwide" and no qualifier mean worldwide. One date per region: within each region's
  statements the preferred rank wins over normal (Help:Ranks; the rank is read per region,
  since editors mark one country's date preferred without meaning the others are wrong),
  deprecated ones are ignored, and of several at the same rank the earliest is the release.
- **P1191 date of first performance** is the premiere (worldwide): the property exists for
  premieres ("represents première"), though editors use it mostly for stage works.
- **P580 start time** is a season's or a series' first airing, the release, when it has no
  unqualified P577 (editors record a season's run as P580/P582 more often than as P577).
- Not read: production start and end (Wikidata has no property editors use for principal
  photography; P2031/P2032 "work period" are for people's careers), P582 end time (a run's
  last episode, not a milestone hstrack tracks) and cancellation (no statement says it
  reliably: P582 says a run ended, not why).

Time values carry a precision (Help:Dates): 9 year, 10 month, 11 day; coarser is ignored
and finer (hours, minutes, seconds) is read as the day. A year-precision value may be
written ``+2026-00-00`` or ``+2026-01-01``: only ``precision`` says what is known, never the
digits. Only Gregorian values are read (every film's are).

Qualifiers of a date, besides its place:

- **P1480 sourcing circumstances** says how sure the source is: circa, probably,
  presumably, possibly, disputed and the like make the date *tentative* (noted with the
  word); "cancelled" on a publication date means it did not happen, and it is left out.
- **P437 distribution format** gives the medium: video on demand, streaming media and
  over-the-top services are ``digital``, television ``tv``, DVD and VHS ``physical``;
  a format hstrack does not know leaves the medium open (any).

Every request carries ``maxlag=5`` (https://www.mediawiki.org/wiki/Manual:Maxlag_parameter);
a lagged server's answer is waited out by ``sources.fetching``. Labels and descriptions are
asked in the user's language, then ``mul`` (the label for all languages, where an item's one
name is kept), then English, and taken in that order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from hstrack.core.dates.grammar import parse_canonical
from hstrack.core.dates.spec import MAX_YEAR, MIN_YEAR, DateError, DateSpec
from hstrack.sources.facts import Candidate, Fact, Fetched, clean_text

if TYPE_CHECKING:
    from hstrack.core.references import Reference

ORIGIN = "wikidata"
BATCH = 50  # wbgetentities takes at most 50 ids a call
GREGORIAN = "http://www.wikidata.org/entity/Q1985727"
WORLDWIDE = "Q13780930"
PRECISION_YEAR, PRECISION_MONTH, PRECISION_DAY = 9, 10, 11
# P31 "instance of" values that say which kind of title an item is.
KINDS = {
    "Q11424": "film", "Q24869": "film", "Q506240": "film", "Q202866": "film", "Q226730": "film",
    "Q93204": "film", "Q24862": "film",  # documentary film, short film
    "Q5398426": "series", "Q1259759": "series", "Q581714": "series",
    "Q63952888": "series", "Q526877": "series",  # anime television series, web series
    "Q3464665": "season", "Q1261214": "special",
}  # fmt: skip
MAXLAG = "5"  # seconds of replication lag beyond which Wikidata asks tools to wait
# P1480 sourcing circumstances that say a date is not certain (Help:Sources; the values the
# community uses for dates): circa, near, approximately, estimate, presumably, possibly,
# probably, hypothetically, allegedly, disputed, according to some sources, expected, speculation.
UNCERTAIN = {
    "Q5727902": "circa", "Q21818619": "near", "Q60070514": "approximately", "Q37113960": "estimate",
    "Q18122778": "presumably", "Q30230067": "possibly", "Q56644435": "probably", "Q18603603": "hypothetically",
    "Q32188232": "allegedly", "Q18912752": "disputed", "Q59783740": "according to some sources",
    "Q50376823": "expected", "Q73290844": "speculation",
}  # fmt: skip
CANCELLED_CIRCUMSTANCE = "Q30108381"  # P1480 "cancelled": the date did not happen
# P437 distribution format -> medium (regions.MEDIA).
FORMATS = {
    "Q723685": "digital", "Q220499": "digital", "Q829548": "digital",  # video on demand, streaming, OTT
    "Q289": "tv",  # television
    "Q5294": "physical", "Q183976": "physical",  # DVD, VHS
}  # fmt: skip
_QID = re.compile(r"Q[1-9][0-9]{0,11}")
_TIME = re.compile(r"([+-])([0-9]{1,16})-([0-9]{2})-([0-9]{2})T")  # ASCII digits: \d takes "２" too
MAX_REVISION = 10**15  # Wikidata's are near 2 * 10**9; a longer number is no revision


class Malformed(ValueError):
    """The answer is not in the documented shape."""


def api(base: str) -> str:
    return f"{base.rstrip('/')}/w/api.php"


def search_url(base: str, name: str, language: str = "en") -> str:
    # 20 hits: only films, series and seasons are kept of them, and a common word finds places first.
    query = {"action": "wbsearchentities", "search": name, "language": language, "uselang": language,
             "type": "item", "limit": "20", "format": "json", "maxlag": MAXLAG}  # fmt: skip
    return f"{api(base)}?{urlencode(query)}"


def entities_url(
    base: str, ids: Iterable[str], props: str = "info|labels|descriptions|claims", languages: Iterable[str] = ("en",)
) -> str:
    batch = sorted(set(ids), key=lambda q: int(q[1:]))
    if not 0 < len(batch) <= BATCH:
        raise ValueError(f"wbgetentities takes 1 to {BATCH} ids, not {len(batch)}")
    query = {"action": "wbgetentities", "ids": "|".join(batch), "props": props, "languages": "|".join(languages),
             "format": "json", "maxlag": MAXLAG}  # fmt: skip
    return f"{api(base)}?{urlencode(query)}"


def claims_url(base: str, qid: str, prop: str) -> str:
    """One property's statements of one item, and nothing else (wbgetclaims)."""
    query = {"action": "wbgetclaims", "entity": qid, "property": prop, "props": "", "format": "json",
             "maxlag": MAXLAG}  # fmt: skip
    return f"{api(base)}?{urlencode(query)}"


def claims(doc: Any, prop: str) -> list[dict[str, Any]]:
    """wbgetclaims' answer: the property's statements (none: [])."""
    if not isinstance(doc, dict):
        raise Malformed("the answer is not an object")
    _api_error(doc)
    found = doc.get("claims")
    if not isinstance(found, dict):
        raise Malformed("the answer has no claims")
    statements = found.get(prop, [])
    if not isinstance(statements, list):
        raise Malformed(f"its {prop} statements are not a list")
    return [s for s in statements if isinstance(s, dict)]


def lagged(doc: Any) -> float | None:
    """The lag (seconds) a ``maxlag`` refusal reports, or None when the answer is no such refusal."""
    error = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(error, dict) or error.get("code") != "maxlag":
        return None
    lag = error.get("lag")
    return float(lag) if isinstance(lag, int | float) and not isinstance(lag, bool) and 0 <= lag < 10**6 else 5.0


def batches(ids: Iterable[str]) -> list[list[str]]:
    ordered = sorted(set(ids), key=lambda q: int(q[1:]))
    return [ordered[i : i + BATCH] for i in range(0, len(ordered), BATCH)]


def search_ids(doc: Any) -> list[tuple[str, str | None, str | None]]:
    """(id, label, description) of each search result, in the source's order."""
    if not isinstance(doc, dict):
        raise Malformed("the search answer is not an object")
    _api_error(doc)
    results = doc.get("search")
    if not isinstance(results, list):
        raise Malformed("the search answer has no list of results")
    found = []
    for item in results:
        if isinstance(item, dict) and isinstance(item.get("id"), str) and _QID.fullmatch(item["id"]):
            found.append((item["id"], clean_text(item.get("label")), clean_text(item.get("description"), 300)))
    return found


def entities(doc: Any, requested: Iterable[str]) -> dict[str, dict[str, Any] | None]:
    """The entity for each requested id (None: Wikidata has none), following redirects."""
    if not isinstance(doc, dict):
        raise Malformed("the answer is not an object")
    _api_error(doc)
    found = doc.get("entities")
    if not isinstance(found, dict):
        raise Malformed("the answer has no entities")
    redirected = {}
    for value in found.values():
        if isinstance(value, dict) and isinstance(value.get("redirects"), dict):
            source = value["redirects"].get("from")
            if isinstance(source, str):
                redirected[source] = value
    out: dict[str, dict[str, Any] | None] = {}
    for qid in requested:
        entity = found.get(qid, redirected.get(qid))
        if entity is None or not isinstance(entity, dict) or "missing" in entity:
            out[qid] = None
            continue
        if not isinstance(entity.get("claims", {}), dict):
            raise Malformed(f"{qid}: its claims are not an object")
        out[qid] = entity
    return out


def _api_error(doc: dict[str, Any]) -> None:
    error = doc.get("error")
    if isinstance(error, dict):
        code = clean_text(error.get("code"), 60) or "error"
        info = clean_text(error.get("info"), 160)
        raise Malformed(f"the API answered {code}" + (f": {info}" if info else ""))


def _term(entity: Mapping[str, Any], field: str, languages: Iterable[str], limit: int) -> str | None:
    """A label or description in the first of ``languages`` that has a usable one."""
    terms = entity.get(field)
    if not isinstance(terms, dict):
        return None
    for code in languages:
        term = terms.get(code)
        if isinstance(term, dict):
            text = clean_text(term.get("value"), limit)
            if text is not None:
                return text
    return None


def label(entity: Mapping[str, Any], languages: Iterable[str] = ("en", "mul")) -> str | None:
    return _term(entity, "labels", languages, 200)


def description(entity: Mapping[str, Any], languages: Iterable[str] = ("en", "mul")) -> str | None:
    return _term(entity, "descriptions", languages, 300)


def revision(entity: Mapping[str, Any]) -> int | None:
    rev = entity.get("lastrevid")
    # Bounded: the revision goes into every synced fact's source, which the store limits.
    return rev if isinstance(rev, int) and not isinstance(rev, bool) and 0 < rev < MAX_REVISION else None


def statements(entity: Mapping[str, Any], prop: str) -> list[dict[str, Any]]:
    """A property's statements that count: deprecated ones never do (Help:Ranks)."""
    claims = entity.get("claims")
    found = claims.get(prop) if isinstance(claims, dict) else None
    if not isinstance(found, list):
        return []
    return [s for s in found if isinstance(s, dict) and s.get("rank") in ("preferred", "normal")]


def best(group: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Preferred statements if there are any, else the normal ones."""
    preferred = [s for s in group if s.get("rank") == "preferred"]
    return preferred or group


def _value(snak: Any) -> Any:
    if not isinstance(snak, dict) or snak.get("snaktype") != "value":
        return None  # "somevalue" (unknown) and "novalue" say no date
    datavalue = snak.get("datavalue")
    return datavalue.get("value") if isinstance(datavalue, dict) else None


def item_id(snak: Any) -> str | None:
    value = _value(snak)
    if isinstance(value, dict):
        qid = value.get("id")
        if isinstance(qid, str) and _QID.fullmatch(qid):
            return qid
        number = value.get("numeric-id")
        if isinstance(number, int) and not isinstance(number, bool) and 0 < number < 10**12:  # as _QID
            return f"Q{number}"
    return None


def time_value(snak: Any) -> tuple[DateSpec | None, str | None]:
    """A time snak as a date as precise as Wikidata knows it, or (None, why it was left out)."""
    value = _value(snak)
    if not isinstance(value, dict):
        return None, None
    text, precision = value.get("time"), value.get("precision")
    if not isinstance(text, str) or not isinstance(precision, int) or isinstance(precision, bool):
        return None, "a time value without its time or precision"
    if value.get("calendarmodel", GREGORIAN) != GREGORIAN:
        return None, f"a date in another calendar ({text[:24]})"
    if precision < PRECISION_YEAR:
        return None, f"a date known only to the decade or coarser ({text[:24]})"
    m = _TIME.match(text)
    if m is None or m[1] != "+":
        return None, f"a time hstrack cannot read ({text[:24]})"
    year, month, day = int(m[2]), int(m[3]), int(m[4])
    if not MIN_YEAR <= year <= MAX_YEAR:  # before any date is made of it, at every precision
        return None, f"a date out of range or impossible ({text[:24]})"
    try:
        # Through the date parser, as typed dates go: precision says what is known, and
        # the digits beyond it (-00-00, -01-01) are never read.
        if precision == PRECISION_YEAR:
            return parse_canonical(f"{year:04d}"), None
        if precision == PRECISION_MONTH:
            return parse_canonical(f"{year:04d}-{month:02d}"), None
        return parse_canonical(date(year, month, day).isoformat()), None
    except (DateError, ValueError, OverflowError):
        return None, f"a date out of range or impossible ({text[:24]})"


def _qualifier_items(statement: Mapping[str, Any], prop: str) -> list[str | None]:
    qualifiers = statement.get("qualifiers")
    snaks = qualifiers.get(prop) if isinstance(qualifiers, dict) else None
    if not isinstance(snaks, list) or not snaks:
        return []
    return [item_id(s) for s in snaks]


def places(entity: Mapping[str, Any]) -> set[str]:
    """The place items to be resolved to codes: the P291 places a title's release dates
    name, and its P495 countries of origin."""
    found: set[str] = set()
    for statement in statements(entity, "P577"):
        found.update(q for q in _qualifier_items(statement, "P291") if q is not None and q != WORLDWIDE)
    found.update(origin_items(entity))
    return found


def origin_items(entity: Mapping[str, Any]) -> list[str]:
    """The P495 "country of origin" items (the best-ranked ones)."""
    return [q for s in best(statements(entity, "P495")) if (q := item_id(s.get("mainsnak"))) is not None]


def circumstances(statement: Mapping[str, Any]) -> tuple[bool, str | None]:
    """(left out, the word that makes it tentative) from a date's P1480 qualifiers."""
    found = _qualifier_items(statement, "P1480")
    if CANCELLED_CIRCUMSTANCE in found:
        return True, None
    words = [UNCERTAIN.get(q or "", f"sourcing circumstances {q or 'unknown'}") for q in found]
    return False, (", ".join(dict.fromkeys(words)) if words else None)


def media(statement: Mapping[str, Any]) -> tuple[list[str | None], list[str]]:
    """The media a date's P437 qualifiers give (``[None]``: any), and the formats not known."""
    found = _qualifier_items(statement, "P437")
    known = sorted({FORMATS[q] for q in found if q in FORMATS})
    unknown = [q or "unknown" for q in found if q not in FORMATS]
    return (list(known) if known else [None]), unknown


def country_code(entity: Mapping[str, Any]) -> str | None:
    """The ISO 3166-1 alpha-2 code a country item states (P297), checked against the list."""
    from hstrack.core.regions import is_region

    for statement in best(statements(entity, "P297")):
        value = _value(statement.get("mainsnak"))
        if isinstance(value, str) and is_region(value.strip().upper()):
            return value.strip().upper()
    return None


def countries(entity: Mapping[str, Any]) -> list[str]:
    """The P17 country items of a place that is not itself a country."""
    return [q for s in best(statements(entity, "P17")) if (q := item_id(s.get("mainsnak"))) is not None]


def kind(entity: Mapping[str, Any]) -> str | None:
    for statement in statements(entity, "P31"):
        found = KINDS.get(item_id(statement.get("mainsnak")) or "")
        if found:
            return found
    return None


def year(entity: Mapping[str, Any]) -> int | None:
    years = []
    for prop in ("P577", "P580", "P1191"):
        for statement in best(statements(entity, prop)):
            spec, _ = time_value(statement.get("mainsnak"))
            if spec is not None and spec.earliest is not None:
                years.append(spec.earliest.year)
    return min(years, default=None)


def candidate(qid: str, entity: Mapping[str, Any] | None, found_label: str | None,
              found_description: str | None, languages: Iterable[str] = ("en", "mul")) -> Candidate | None:  # fmt: skip
    """A search hit as ``find`` offers it: only a film, a series, a season or a special
    (``instance of`` one of KINDS); a place, a person, a game or an asteroid of the same
    name is not something hstrack tracks."""
    found_kind = kind(entity) if entity else None
    if found_kind is None:
        return None
    name = label(entity, languages) if entity else None
    name = name or found_label
    if name is None:
        return None
    return Candidate(f"wikidata:{qid}", name, year(entity) if entity else None, found_kind,
                     (description(entity, languages) if entity else None) or found_description, ORIGIN)  # fmt: skip


def facts(reference: Reference, entity: Mapping[str, Any], regions: Mapping[str, str | None], base: str,
          languages: Iterable[str] = ("en", "mul")) -> Fetched:  # fmt: skip
    """What an entity says of a title's milestones. ``regions`` maps place items to ISO
    codes; a place missing from it could not be resolved, and its date is left out with a
    note rather than taken for the worldwide one."""
    rev = revision(entity)
    page = reference.page(base)
    source = f"{page}?oldid={rev}" if rev else page
    out = Fetched(reference, label(entity, languages), kind(entity))
    origins = {regions[q] for q in origin_items(entity) if regions.get(q)}
    out.country = origins.pop() if len(origins) == 1 else None
    # (the key, as the key says: region and medium) -> [(statement, date, tentative word)]
    by_key: dict[tuple[str | None, str | None], list[tuple[dict[str, Any], DateSpec, str | None]]] = {}

    def add(region: str | None, statement: dict[str, Any], spec: DateSpec, why: str | None) -> None:
        formats, unknown = media(statement)
        for q in unknown:
            out.notes.append(f"P437: a distribution format hstrack does not know ({q}): any medium")
        for medium in formats:
            by_key.setdefault((region, medium), []).append((statement, spec, why))

    for statement in statements(entity, "P577"):
        spec, why = time_value(statement.get("mainsnak"))
        if spec is None:
            if why:
                out.notes.append(f"P577: left out {why}")
            continue
        cancelled, doubt = circumstances(statement)
        if cancelled:
            out.notes.append(f"P577: left out {spec.text}, marked cancelled (P1480)")
            continue
        named = _qualifier_items(statement, "P291")
        if not named:
            add(None, statement, spec, doubt)
        for place in named:
            if place == WORLDWIDE:
                add(None, statement, spec, doubt)
            elif place is not None and place in regions and regions[place] is not None:
                add(regions[place], statement, spec, doubt)
            else:
                out.notes.append(f"P577: left out a date whose place ({place or 'unknown'}) has no country code")
    if not any(region is None for region, _ in by_key) and out.kind in ("season", "series"):
        for statement in statements(entity, "P580"):
            spec, why = time_value(statement.get("mainsnak"))
            if spec is not None:
                by_key.setdefault((None, None), []).append((statement, spec, circumstances(statement)[1]))
            elif why:
                out.notes.append(f"P580: left out {why}")
    from hstrack.core.regions import make_key

    for (region, medium), group in sorted(by_key.items(), key=lambda item: (item[0][0] or "", item[0][1] or "")):
        ranked = best([s for s, _, _ in group])
        # Of the best-ranked, a sure date before a doubtful one, then the earliest.
        spec, doubt = min(((spec, doubt) for s, spec, doubt in group if any(s is r for r in ranked)),
                          key=lambda pair: (pair[1] is not None, *_order(pair[0])))  # fmt: skip
        note = f"Wikidata: {doubt}" if doubt else None
        out.facts.append(Fact(make_key("release", region, medium), spec, source, ORIGIN, note=note,
                              tentative=doubt is not None))  # fmt: skip
    premieres = []
    for statement in best(statements(entity, "P1191")):
        spec, why = time_value(statement.get("mainsnak"))
        if spec is not None:
            cancelled, doubt = circumstances(statement)
            if not cancelled:
                premieres.append((spec, doubt))
        elif why:
            out.notes.append(f"P1191: left out {why}")
    if premieres:
        spec, doubt = min(premieres, key=lambda pair: (pair[1] is not None, *_order(pair[0])))
        out.facts.append(Fact("premiere", spec, source, ORIGIN, note=f"Wikidata: {doubt}" if doubt else None,
                              tentative=doubt is not None))  # fmt: skip
    return out


def _order(spec: DateSpec) -> tuple[date, date]:
    assert spec.earliest is not None
    assert spec.latest is not None
    return spec.earliest, spec.latest
