"""Country codes for the places Wikidata names, asked for as little as possible and kept a
long time.

A release's P291 "place of publication" is an item (the United Kingdom, Paris, a festival's
town); hstrack wants its ISO 3166-1 code. A country item's whole document is large (some
600 KB for the United States), so only its P297 is asked for (``wbgetclaims``,
https://www.wikidata.org/w/api.php?action=help&modules=wbgetclaims), and for a place that
is not a country, its P17 "country" and then that country's P297. Country codes do not
change from one sync to the next, so what was learnt is kept in ``country-codes.json``
beside the HTTP cache for ``KEEP_DAYS``: a sync asks again only for places it has not seen
this year. The file is untrusted like every answer: each code is checked against ISO
3166-1 and each id against the item-id form, and a file that does not read is ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

KEEP_DAYS = 365
MAX_FILE = 1024 * 1024
_QID = re.compile(r"Q[1-9][0-9]{0,11}")


class CountryCodes:
    """Place item -> ISO code (None: the place has no single country), kept on disk."""

    def __init__(self, path: Path | None, now: datetime) -> None:
        self.path, self.now = path, now
        self.known: dict[str, tuple[str | None, str]] = {}  # qid -> (code, when learnt)
        self.changed = False
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        from hstrack.core.regions import is_region

        try:
            if not path.is_file() or path.stat().st_size > MAX_FILE:
                return
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict):
            return
        oldest = self.now - timedelta(days=KEEP_DAYS)
        for qid, entry in data.items():
            if not (isinstance(qid, str) and _QID.fullmatch(qid) and isinstance(entry, dict)):
                continue
            code, learnt = entry.get("code"), entry.get("learnt")
            if code is not None and not (isinstance(code, str) and is_region(code)):
                continue
            try:
                when = datetime.fromisoformat(learnt) if isinstance(learnt, str) else None
            except ValueError:
                when = None
            if when is None or when.tzinfo is None or when < oldest:
                continue  # a year old, or unreadable: asked again
            self.known[qid] = (code, learnt)  # type: ignore[assignment]

    def get(self, qid: str) -> tuple[bool, str | None]:
        """(known, code)."""
        hit = self.known.get(qid)
        return (False, None) if hit is None else (True, hit[0])

    def put(self, qid: str, code: str | None) -> None:
        self.known[qid] = (code, self.now.isoformat(timespec="seconds"))
        self.changed = True

    def save(self) -> None:
        """Write what was learnt (atomically); a cache that cannot be written is no failure."""
        if self.path is None or not self.changed:
            return
        from hstrack.store.files import write_atomic

        data = {q: {"code": c, "learnt": w} for q, (c, w) in sorted(self.known.items())}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(json.dumps(data, indent=1).encode("utf-8"), self.path, mode=0o600)
        except Exception:  # a cache, like the HTTP cache: never a reason to fail
            return


def resolve(
    place_ids: Iterable[str], codes: CountryCodes, claims: Callable[[str, str], list[dict[str, Any]]]
) -> dict[str, str]:
    """P291 place items -> ISO codes: a country's own P297, else its P17 country's. A place
    with no single code (none, or in two countries) is missing from the answer, so its date
    is left out, never taken for the worldwide one. ``claims(qid, prop)`` asks Wikidata for
    one property's statements of one item."""
    from hstrack.sources import wikidata as wd

    out: dict[str, str] = {}
    for qid in sorted(set(place_ids), key=lambda q: int(q[1:])):
        known, code = codes.get(qid)
        if known:
            if code is not None:
                out[qid] = code
            continue
        code = wd.country_code({"claims": {"P297": claims(qid, "P297")}})
        if code is None:
            found = set()
            for country in wd.countries({"claims": {"P17": claims(qid, "P17")}}):
                seen, country_code = codes.get(country)
                if not seen:
                    country_code = wd.country_code({"claims": {"P297": claims(country, "P297")}})
                    codes.put(country, country_code)
                if country_code is not None:
                    found.add(country_code)
            code = found.pop() if len(found) == 1 else None
        codes.put(qid, code)
        if code is not None:
            out[qid] = code
    return out
