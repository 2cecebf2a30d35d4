"""One notification: what ``notify`` tells (a lead or a change), as ``--exec`` reads it on
stdin (one line of JSON, schema ``NOTIFICATION_SCHEMA``) and a person reads it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hstrack.core.errors import HstrackError

NOTIFICATION_SCHEMA = 1


OPEN = "open"  # the one lead of a window: when it opens


KINDS = ("lead", "change")


class ChannelError(HstrackError):
    """A channel could not deliver a notification: it is not marked sent (exit 1)."""


@dataclass(frozen=True)
class Notification:
    """One thing to tell, as ``--exec`` gets it on stdin and ``--json`` lists it."""

    kind: str  # lead | change
    title_id: str
    title_name: str
    milestone: str  # the key: release, release@GB:theatrical
    date: str | None  # canonical, as the store keeps it; None: removed
    text: str | None  # the date as a person reads it
    tentative: bool
    lead: str | None  # 7d, 1d, 0d, 12h, or "open" (a window); None for a change
    change: str | None  # a change's movement (HistoryRow.movement): set, moved, widened...; None for a lead
    late: bool  # it was due before today (a run was missed)
    due: datetime  # when it was due: the lead's moment, or when the change was recorded
    summary: str  # "release 3 Oct 2026 · in 7 days", "release moved 94 days later (…)"
    origin: str | None  # a change a sync made: wikidata, tmdb
    key: tuple[str, ...] = field(repr=False)  # what the record keeps it under

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": NOTIFICATION_SCHEMA,
            "kind": self.kind,
            "title": {"id": self.title_id, "name": self.title_name},
            "milestone": self.milestone,
            "date": self.date,
            "text": self.text,
            "tentative": self.tentative,
            "lead": self.lead,
            "change": self.change,
            "late": self.late,
            "due": self.due.isoformat(timespec="seconds"),
            "summary": self.summary,
            "origin": self.origin,
        }

    @property
    def line(self) -> str:
        """What a person reads: "heartstopper-film: release 3 Oct 2026 · tomorrow"."""
        return f"{self.title_id}: {self.summary}" + (" (late)" if self.late else "")

    def encoded(self) -> bytes:
        """The notification as one line of JSON (UTF-8, keys sorted), what --exec reads. Text
        that is no UTF-8 at all (a lone surrogate, which the store refuses anyway) is written
        as JSON's \\u escapes instead: still exact, still one line."""
        data = self.to_json()
        try:
            return (json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        except UnicodeEncodeError:
            return (json.dumps(data, sort_keys=True) + "\n").encode("ascii")
