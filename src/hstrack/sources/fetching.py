"""Asking the sources: references in, ``Fetched`` answers (or one ``Failed`` each) out.

It holds what the adapters must not know, as the services ask to be used:

- the addresses, the User-Agent with a contact, TMDb's credentials and the language
  (``sources.access``); Wikidata's batches of 50 ids; the places turned into country codes
  one property at a time and kept a year (``sources.places``);
- **Wikimedia's etiquette**: ``maxlag=5`` on every Wikidata request, and a lagged answer
  (HTTP 200 with the error ``maxlag``, https://www.mediawiki.org/wiki/Manual:Maxlag_parameter)
  waited out for its ``Retry-After``, at least 5 s, up to ``MAXLAG_TRIES`` times;
- **a deadline per source for the whole run** (``HSTRACK_SOURCE_DEADLINE``, default
  ``RUN_DEADLINE`` seconds): no request to a source is started after it, each waits at
  most what is left of it, and after a source's first time-out the rest of its
  references are not asked at all (``Failed.skipped``), so a hung server costs one
  time-out a run, not one a title. (The limits of one request are ``sources.http``'s.)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from hstrack.core.references import SOURCE_NAMES, Reference
from hstrack.sources import access
from hstrack.sources import tmdb as tmdb_docs
from hstrack.sources import wikidata as wikidata_docs
from hstrack.sources.access import CONTACT_VARIABLE, KEY_VARIABLE, TOKEN_VARIABLE, reason, user_agent
from hstrack.sources.facts import Candidate
from hstrack.sources.http import Client, FetchError, TimedOut

if TYPE_CHECKING:
    from hstrack.sources.facts import Fetched
    from hstrack.sources.places import CountryCodes

__all__ = ["CONTACT_VARIABLE", "KEY_VARIABLE", "TOKEN_VARIABLE", "Failed", "Sources", "user_agent"]

DEADLINE_VARIABLE = "HSTRACK_SOURCE_DEADLINE"
RUN_DEADLINE = 300.0  # seconds one source may take of a run, all its requests together
MAXLAG_TRIES = 3
MAXLAG_WAIT = 5.0  # at least this long before asking a lagged Wikidata again


class Failed(str):
    """Why a reference has no answer, as a line of text. ``skipped``: it was never asked,
    because its source had already timed out (or used its time) in this run. ``down``: the
    source could not be reached or did not answer (no answer, a time-out, a 5xx or a 429), as
    opposed to answering that the page does not exist or refusing the request."""

    skipped: bool
    down: bool

    def __new__(cls, message: str, skipped: bool = False, down: bool = False) -> Failed:
        made = super().__new__(cls, message)
        made.skipped = skipped
        made.down = down or skipped
        return made

    @classmethod
    def of(cls, exc: Exception, prefix: str = "") -> Failed:
        status = getattr(exc, "status", None)
        down = isinstance(exc, FetchError) and (status is None or status == 429 or status >= 500)
        return cls(prefix + reason(exc), isinstance(exc, Skipped), down)

    @property
    def message(self) -> str:
        return str(self)


class Skipped(FetchError):
    """Not asked: the source is out of this run's time."""


class Budget:
    """One source's share of a run: a deadline for all its requests, and why it stopped."""

    def __init__(self, name: str, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.name, self.seconds, self.clock = name, seconds, clock
        self.ends = clock() + seconds
        self.stopped: str | None = None

    def left(self) -> float:
        if self.stopped is None and self.clock() >= self.ends:
            self.stopped = f"{self.name} took this run's {self.seconds:g} s"
        if self.stopped is not None:
            raise Skipped(f"not asked: {self.stopped}")
        return self.ends - self.clock()


def run_deadline(environ: Mapping[str, str]) -> float:
    from hstrack.core.errors import UsageError

    raw = environ.get(DEADLINE_VARIABLE, "").strip()
    if not raw:
        return RUN_DEADLINE
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 1 <= seconds <= 86400:
        raise UsageError(f"{DEADLINE_VARIABLE}={raw[:20]!r} is not a number of seconds from 1 to 86400")
    return seconds


class Sources:
    def __init__(
        self,
        client: Client,
        environ: Mapping[str, str] | None = None,
        codes: CountryCodes | None = None,
        warn: Callable[[str], None] | None = None,
        contact_said: bool = False,
    ) -> None:
        env = os.environ if environ is None else environ
        self.client = client
        self.wikidata = access.base(env, access.WIKIDATA_VARIABLE, access.WIKIDATA_DEFAULT)
        self.tmdb = access.base(env, access.TMDB_VARIABLE, access.TMDB_DEFAULT)
        self.credentials, self.credential_problem = access.credentials(env)
        self.token = self.credentials[0].value if self.credentials else None  # whether TMDb can be asked
        self.language = access.language(env)
        self.codes = codes
        self.warn = warn  # a line for the user: Wikimedia's contact warning (unless said), a page left out
        self.contact_said = contact_said
        self.contact = access.contact(env)
        seconds = run_deadline(env)
        self.budgets = {s: Budget(SOURCE_NAMES[s], seconds) for s in SOURCE_NAMES}
        self.refused: list[str] = []  # TMDb credentials refused in this run, with why
        self._timeout, self._deadline = client.timeout, client.deadline

    # ------------------------------------------------------------------ the run's deadlines

    def _ask(self, source: str, call: Callable[[], Any]) -> Any:
        budget = self.budgets[source]
        left = max(round(budget.left(), 1), 0.1)  # said in messages: "no answer within 1.9 s"
        self.client.timeout = min(self._timeout, left)
        self.client.deadline = min(self._deadline, left)
        try:
            return call()
        except TimedOut as exc:
            budget.stopped = f"{budget.name} did not answer in time ({exc.message})"
            raise

    # ------------------------------------------------------------------ TMDb

    def _tmdb_json(self, url: str) -> Any:
        if not self.credentials:
            raise FetchError(self.credential_problem or f"TMDb needs your API read access token in {TOKEN_VARIABLE} "
                             f"(or a v3 API key in {KEY_VARIABLE})")  # fmt: skip
        refused = []
        for credential in self.credentials:
            if any(r.startswith(credential.named) for r in self.refused):
                refused.append(next(r for r in self.refused if r.startswith(credential.named)))
                continue

            def ask(c: access.Credential = credential) -> Any:
                return self.client.get_json(c.url(url), c.headers(), url)

            try:
                return self._ask("tmdb", ask)
            except Skipped:
                raise
            except FetchError as exc:
                if exc.status == 404:
                    raise FetchError("no such entry (HTTP 404)", 404) from None
                if exc.status != 401:
                    raise FetchError(reason(exc), exc.status) from None
                said = access.body_reason(exc.body)
                why = f"{credential.named} (401" + (f": {said})" if said else ")")
                self.refused.append(why)
                refused.append(why)
        raise FetchError("TMDb refused " + " and ".join(refused), 401)

    # ------------------------------------------------------------------ Wikidata

    def _wikidata_json(self, url: str) -> Any:
        """A Wikidata answer, a lagged server waited out (see the module's docstring)."""
        from hstrack.sources.http import retry_after
        from hstrack.store.codec import decode_json

        self._say_contact()
        for attempt in range(MAXLAG_TRIES):
            response = self._ask("wikidata", lambda: self.client.get(url))
            try:
                doc = decode_json(response.body, "the answer", what="an answer of this source")
            except ValueError as exc:
                raise FetchError(str(exc)) from None
            lag = wikidata_docs.lagged(doc)
            if lag is None:
                return doc
            if response.from_cache:
                raise FetchError("the cached answer is Wikidata's refusal for lag (maxlag); sync once online")
            wait = max(retry_after(response.headers.get("retry-after"), self.client.clock()) or 0.0, MAXLAG_WAIT)
            if attempt + 1 < MAXLAG_TRIES and wait < self.budgets["wikidata"].left():
                self.client.sleep(wait)
                continue
            raise FetchError(f"Wikidata's servers are lagged ({lag:g} s behind, maxlag 5); asked "
                             f"{attempt + 1} times, try again later")  # fmt: skip
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _say_contact(self) -> None:
        """Once, ever, per cache: Wikimedia asks tools for a way to reach whoever runs them."""
        if self.contact is None and self.warn is not None and not self.contact_said:
            self.contact_said = True
            self.warn(access.CONTACT_WARNING)

    # ------------------------------------------------------------------ find

    def find(self, name: str, which: Iterable[str]) -> tuple[list[Candidate], list[str]]:
        """Candidates from each source asked, and one line per source that failed."""
        found: list[Candidate] = []
        failed: list[str] = []
        for source in which:
            try:
                found += self._find_wikidata(name) if source == "wikidata" else self._find_tmdb(name)
            except (FetchError, wikidata_docs.Malformed, tmdb_docs.Malformed) as exc:
                failed.append(f"{SOURCE_NAMES[source]}: {reason(exc)}")
        return found, failed

    def _find_wikidata(self, name: str) -> list[Candidate]:
        url = wikidata_docs.search_url(self.wikidata, name, self.language.wikidata)
        hits = wikidata_docs.search_ids(self._wikidata_json(url))
        if not hits:
            return []
        # Search results carry no year or kind: one batch of the entities themselves does.
        ids = [qid for qid, _, _ in hits][: wikidata_docs.BATCH]
        languages = self.language.labels
        url = wikidata_docs.entities_url(self.wikidata, ids, "labels|descriptions|claims", languages)
        entities = wikidata_docs.entities(self._wikidata_json(url), ids)
        out = []
        for qid, label, description in hits:
            made = wikidata_docs.candidate(qid, entities.get(qid), label, description, languages)
            if made is not None:
                out.append(made)
        return out

    def _find_tmdb(self, name: str) -> list[Candidate]:
        return tmdb_docs.candidates(self._tmdb_json(tmdb_docs.search_url(self.tmdb, name, self.language.tmdb)))

    # ------------------------------------------------------------------ watchlists (sources.lookup)

    def by_imdb(self, imdb: str) -> list[Candidate]:
        """The pages an IMDb id names: TMDb's ``/find`` when it can be asked, else the
        Wikidata items with that P345 (kind and year unknown). Raises ``FetchError`` (no
        answer) or ``lookup.Malformed`` (an answer hstrack cannot use)."""
        from hstrack.sources import lookup

        if self.credentials:
            return lookup.tmdb_found(self._tmdb_json(lookup.tmdb_find_url(self.tmdb, imdb, self.language.tmdb)))
        refs = lookup.wikidata_found(self._wikidata_json(lookup.wikidata_imdb_url(self.wikidata, imdb)))
        return [Candidate(r, imdb, None, None, None, "wikidata") for r in refs]

    def search(self, name: str) -> list[Candidate]:
        """``find``'s candidates from one source: TMDb when it can be asked (its search has
        years and kinds for every hit), else Wikidata. Raises ``FetchError`` or
        ``lookup.Malformed``."""
        from hstrack.sources import lookup

        try:
            return self._find_tmdb(name) if self.credentials else self._find_wikidata(name)
        except (tmdb_docs.Malformed, wikidata_docs.Malformed) as exc:
            raise lookup.Malformed(str(exc)) from None

    # ------------------------------------------------------------------ fetch

    def fetch(
        self, references: Iterable[Reference], progress: Callable[[int], None] | None = None
    ) -> dict[Reference, Fetched | Failed]:
        """Each reference's answer, or why there is none (in the order given: the stalest
        first, so a run cut short by a source's deadline leaves the freshest waiting)."""
        refs = list(dict.fromkeys(references))
        out: dict[Reference, Fetched | Failed] = {}
        items = [r for r in refs if r.source == "wikidata"]
        if items:
            out.update(self._fetch_wikidata(items, progress))
        for ref in refs:
            if ref.source != "tmdb":
                continue
            try:
                doc = self._tmdb_json(tmdb_docs.url(self.tmdb, ref, self.language.tmdb))
                out[ref] = tmdb_docs.facts(ref, doc, self._companion(ref, doc))
            except (FetchError, tmdb_docs.Malformed) as exc:
                out[ref] = Failed.of(exc)
            if progress:
                progress(1)
        if self.codes is not None:
            self.codes.save()
        return out

    def _companion(self, ref: Reference, doc: Any) -> Any:
        """The other document a TMDb series or season needs for its episodes
        (``episodes.companion``); None when there is none or it could not be fetched (the
        title's own facts still count)."""
        from hstrack.sources import episodes

        other = episodes.companion(ref, doc)
        if other is None:
            return None
        try:
            return self._tmdb_json(tmdb_docs.url(self.tmdb, other, self.language.tmdb))
        except FetchError as exc:
            if self.warn:
                said = "its series" if other.kind == "tv" else f"season {other.season}"
                self.warn(f"{ref.text}: {said} left out ({reason(exc)})")
            return None

    def _fetch_wikidata(
        self, refs: list[Reference], progress: Callable[[int], None] | None
    ) -> dict[Reference, Fetched | Failed]:
        out: dict[Reference, Fetched | Failed] = {}
        entities: dict[str, dict[str, Any] | None] = {}
        languages = self.language.labels
        for batch in wikidata_docs.batches(r.qid for r in refs):
            try:
                url = wikidata_docs.entities_url(self.wikidata, batch, languages=languages)
                entities.update(wikidata_docs.entities(self._wikidata_json(url), batch))
            except (FetchError, wikidata_docs.Malformed) as exc:
                for ref in refs:
                    if ref.qid in batch:
                        out[ref] = Failed.of(exc)
            if progress:
                progress(len([r for r in refs if r.qid in batch]))
        for ref in refs:
            if ref not in out and entities.get(ref.qid) is None:
                out[ref] = Failed(f"no such entity ({ref.qid} is missing or was deleted)")
        live = {ref: e for ref in refs if ref not in out and (e := entities.get(ref.qid)) is not None}
        try:
            regions = self._regions({p for e in live.values() for p in wikidata_docs.places(e)})
        except (FetchError, wikidata_docs.Malformed) as exc:
            for ref in live:
                out[ref] = Failed.of(exc, "resolving places: ")
            return out
        for ref, entity in live.items():
            out[ref] = wikidata_docs.facts(ref, entity, regions, self.wikidata, languages)
        return out

    def _regions(self, place_ids: set[str]) -> dict[str, str | None]:
        """Place items -> ISO codes (``sources.places``): one property of one item a request,
        and each code kept a year."""
        if not place_ids:
            return {}
        from datetime import UTC, datetime

        from hstrack.sources.places import CountryCodes, resolve

        if self.codes is None:
            self.codes = CountryCodes(None, datetime.now(UTC))

        def claims(qid: str, prop: str) -> list[dict[str, Any]]:
            return wikidata_docs.claims(self._wikidata_json(wikidata_docs.claims_url(self.wikidata, qid, prop)), prop)

        return dict(resolve(place_ids, self.codes, claims))
