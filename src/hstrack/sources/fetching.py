"""Asking the sources: references in, ``Fetched`` answers (or one error each) out.

It holds what the adapters must not know: the addresses (``HSTRACK_WIKIDATA_URL``,
``HSTRACK_TMDB_URL``), TMDb's token (``HSTRACK_TMDB_TOKEN``, sent as a Bearer header),
Wikidata's batches of 50 ids, and the second round that turns places into country codes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from hstrack.core.references import SOURCE_NAMES, Reference
from hstrack.sources import tmdb as tmdb_docs
from hstrack.sources import wikidata as wikidata_docs
from hstrack.sources.http import Client, FetchError

if TYPE_CHECKING:
    from hstrack.sources.facts import Candidate, Fetched

WIKIDATA_VARIABLE = "HSTRACK_WIKIDATA_URL"
TMDB_VARIABLE = "HSTRACK_TMDB_URL"
TOKEN_VARIABLE = "HSTRACK_TMDB_TOKEN"
CONTACT_VARIABLE = "HSTRACK_CONTACT"
WIKIDATA_DEFAULT = "https://www.wikidata.org"
TMDB_DEFAULT = "https://api.themoviedb.org/3"


def _base(environ: Mapping[str, str], name: str, default: str) -> str:
    from hstrack.core.errors import UsageError

    value = environ.get(name, "").strip() or default
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value) or len(value) > 300:
        raise UsageError(f"{name}={value[:60]!r} is not an http(s) address")
    return value.rstrip("/")


def user_agent(environ: Mapping[str, str]) -> str:
    """hstrack's User-Agent, with your contact in it when ``HSTRACK_CONTACT`` gives one.
    Wikimedia's policy (https://meta.wikimedia.org/wiki/User-Agent_policy) asks for a way to
    reach whoever runs a tool; hstrack has no home page yet (its URL is a placeholder under
    ``.invalid``, which never resolves), so the person running it can say how to reach them."""
    from hstrack.core.errors import UsageError
    from hstrack.sources.http import USER_AGENT

    contact = environ.get(CONTACT_VARIABLE, "").strip()
    if not contact:
        return USER_AGENT
    if len(contact) > 200 or any(not (32 <= ord(c) < 127) or c in "()\\" for c in contact):
        raise UsageError(f"{CONTACT_VARIABLE}={contact[:60]!r} is not a contact: an e-mail address or a web address "
                         "in plain ASCII, without parentheses, at most 200 characters")  # fmt: skip
    agent, _, library = USER_AGENT.rpartition(") ")
    return f"{agent}; {contact}) {library}"


class Sources:
    def __init__(self, client: Client, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.client = client
        self.wikidata = _base(env, WIKIDATA_VARIABLE, WIKIDATA_DEFAULT)
        self.tmdb = _base(env, TMDB_VARIABLE, TMDB_DEFAULT)
        self.token = env.get(TOKEN_VARIABLE, "").strip() or None

    # ------------------------------------------------------------------ TMDb

    def _tmdb_headers(self) -> dict[str, str]:
        if self.token is None:
            raise FetchError(f"TMDb needs your API read access token in {TOKEN_VARIABLE}")
        if any(ord(c) < 33 or ord(c) > 126 for c in self.token) or len(self.token) > 2000:
            raise FetchError(f"{TOKEN_VARIABLE} is not a token (it holds spaces or other characters)")
        return {"Authorization": f"Bearer {self.token}"}

    def _tmdb_json(self, url: str) -> Any:
        try:
            return self.client.get_json(url, self._tmdb_headers())
        except FetchError as exc:
            if exc.status == 404:
                raise FetchError("no such entry (HTTP 404)", 404) from None
            if exc.status == 401:
                raise FetchError(f"TMDb refused the token in {TOKEN_VARIABLE} (401)", 401) from None
            raise

    # ------------------------------------------------------------------ find

    def find(self, name: str, which: Iterable[str]) -> tuple[list[Candidate], list[str]]:
        """Candidates from each source asked, and one line per source that failed."""
        found: list[Candidate] = []
        failed: list[str] = []
        for source in which:
            try:
                found += self._find_wikidata(name) if source == "wikidata" else self._find_tmdb(name)
            except (FetchError, wikidata_docs.Malformed, tmdb_docs.Malformed) as exc:
                failed.append(f"{SOURCE_NAMES[source]}: {_message(exc)}")
        return found, failed

    def _find_wikidata(self, name: str) -> list[Candidate]:
        hits = wikidata_docs.search_ids(self.client.get_json(wikidata_docs.search_url(self.wikidata, name)))
        if not hits:
            return []
        # Search results carry no year or kind: one batch of the entities themselves does.
        ids = [qid for qid, _, _ in hits][: wikidata_docs.BATCH]
        url = wikidata_docs.entities_url(self.wikidata, ids, props="labels|descriptions|claims")
        entities = wikidata_docs.entities(self.client.get_json(url), ids)
        out = []
        for qid, label, description in hits:
            made = wikidata_docs.candidate(qid, entities.get(qid), label, description)
            if made is not None:
                out.append(made)
        return out

    def _find_tmdb(self, name: str) -> list[Candidate]:
        return tmdb_docs.candidates(self._tmdb_json(tmdb_docs.search_url(self.tmdb, name)))

    # ------------------------------------------------------------------ fetch

    def fetch(
        self, references: Iterable[Reference], progress: Callable[[int], None] | None = None
    ) -> dict[Reference, Fetched | str]:
        """Each reference's answer, or the one line saying why there is none. ``progress``
        is told how many references each step answered."""
        refs = list(dict.fromkeys(references))
        out: dict[Reference, Fetched | str] = {}
        items = [r for r in refs if r.source == "wikidata"]
        if items:
            out.update(self._fetch_wikidata(items, progress))
        for ref in refs:
            if ref.source != "tmdb":
                continue
            try:
                out[ref] = tmdb_docs.facts(ref, self._tmdb_json(tmdb_docs.url(self.tmdb, ref)))
            except (FetchError, tmdb_docs.Malformed) as exc:
                out[ref] = _message(exc)
            if progress:
                progress(1)
        return out

    def _entities(self, ids: Iterable[str], props: str) -> dict[str, dict[str, Any] | None]:
        found: dict[str, dict[str, Any] | None] = {}
        for batch in wikidata_docs.batches(ids):
            doc = self.client.get_json(wikidata_docs.entities_url(self.wikidata, batch, props))
            found.update(wikidata_docs.entities(doc, batch))
        return found

    def _fetch_wikidata(
        self, refs: list[Reference], progress: Callable[[int], None] | None
    ) -> dict[Reference, Fetched | str]:
        out: dict[Reference, Fetched | str] = {}
        entities: dict[str, dict[str, Any] | None] = {}
        for batch in wikidata_docs.batches(r.qid for r in refs):
            try:
                doc = self.client.get_json(wikidata_docs.entities_url(self.wikidata, batch))
                entities.update(wikidata_docs.entities(doc, batch))
            except (FetchError, wikidata_docs.Malformed) as exc:
                for ref in refs:
                    if ref.qid in batch:
                        out[ref] = _message(exc)
            if progress:
                progress(len([r for r in refs if r.qid in batch]))
        for ref in refs:
            if ref not in out and entities.get(ref.qid) is None:
                out[ref] = f"no such entity ({ref.qid} is missing or was deleted)"
        live = {ref: e for ref in refs if ref not in out and (e := entities.get(ref.qid)) is not None}
        try:
            regions = self._regions({p for e in live.values() for p in wikidata_docs.places(e)})
        except (FetchError, wikidata_docs.Malformed) as exc:
            for ref in live:
                out[ref] = f"resolving places: {_message(exc)}"
            return out
        for ref, entity in live.items():
            out[ref] = wikidata_docs.facts(ref, entity, regions, self.wikidata)
        return out

    def _regions(self, place_ids: set[str]) -> dict[str, str | None]:
        """P291 place items -> ISO codes: a country's own P297, else its P17 country's."""
        if not place_ids:
            return {}
        resolved: dict[str, str | None] = {}
        places = self._entities(place_ids, "claims")
        parents: dict[str, list[str]] = {}
        for qid, entity in places.items():
            if entity is None:
                continue
            code = wikidata_docs.country_code(entity)
            if code is not None:
                resolved[qid] = code
            else:
                parents[qid] = wikidata_docs.countries(entity)
        wanted = {c for cs in parents.values() for c in cs}
        if wanted:
            countries = self._entities(wanted, "claims")
            for qid, candidates in parents.items():
                codes = {c for q in candidates if (e := countries.get(q)) is not None
                         and (c := wikidata_docs.country_code(e)) is not None}  # fmt: skip
                if len(codes) == 1:  # a place in two countries names no one region
                    resolved[qid] = codes.pop()
        return resolved


def _message(exc: Exception) -> str:
    return getattr(exc, "message", None) or str(exc)
