"""How hstrack presents itself to the sources, and reads what they say when they refuse:
their addresses, the User-Agent with your contact, TMDb's credentials (a v4 read access
token or a v3 API key), the language asked for, and the reason an error's body gives.

Nothing here opens a socket (``sources.http`` does); it is what ``sources.fetching`` needs
from the environment, read once per run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from hstrack.core.errors import UsageError

WIKIDATA_VARIABLE = "HSTRACK_WIKIDATA_URL"
TMDB_VARIABLE = "HSTRACK_TMDB_URL"
TOKEN_VARIABLE = "HSTRACK_TMDB_TOKEN"
KEY_VARIABLE = "HSTRACK_TMDB_KEY"
CONTACT_VARIABLE = "HSTRACK_CONTACT"
WIKIDATA_DEFAULT = "https://www.wikidata.org"
TMDB_DEFAULT = "https://api.themoviedb.org/3"


def base(environ: Mapping[str, str], name: str, default: str) -> str:
    value = environ.get(name, "").strip() or default
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value) or len(value) > 300:
        raise UsageError(f"{name}={value[:60]!r} is not an http(s) address")
    return value.rstrip("/")


def contact(environ: Mapping[str, str]) -> str | None:
    """``HSTRACK_CONTACT``, checked so it can go in a header: None when unset."""
    value = environ.get(CONTACT_VARIABLE, "").strip()
    if not value:
        return None
    if len(value) > 200 or any(not (32 <= ord(c) < 127) or c in "()\\" for c in value):
        raise UsageError(f"{CONTACT_VARIABLE}={value[:60]!r} is not a contact: an e-mail address or a web address "
                         "in plain ASCII, without parentheses, at most 200 characters")  # fmt: skip
    return value


def user_agent(environ: Mapping[str, str]) -> str:
    """hstrack's User-Agent, with your contact in it when ``HSTRACK_CONTACT`` gives one.
    Wikimedia's policy (https://meta.wikimedia.org/wiki/User-Agent_policy) asks for a way to
    reach whoever runs a tool; hstrack has no home page yet (its URL is a placeholder under
    ``.invalid``, which never resolves), so the person running it says how to reach them."""
    from hstrack.sources.http import USER_AGENT

    reach = contact(environ)
    if reach is None:
        return USER_AGENT
    agent, _, library = USER_AGENT.rpartition(") ")
    return f"{agent}; {reach}) {library}"


CONTACT_WARNING = (
    f"{CONTACT_VARIABLE} is not set: Wikimedia asks every tool for a way to reach whoever runs it "
    f"(https://meta.wikimedia.org/wiki/User-Agent_policy); set {CONTACT_VARIABLE} to your e-mail or web address "
    "(said once)"
)


# ---------------------------------------------------------------------------- language

_LOCALE = re.compile(r"([a-z]{2,3})(?:_([A-Za-z]{2}))?")


@dataclass(frozen=True)
class Language:
    """The language the sources are asked in: Wikidata's code (``de``) and TMDb's
    ``language`` (``de-DE``), from the locale as setlocale reads it; English without one."""

    wikidata: str
    tmdb: str

    @property
    def labels(self) -> list[str]:
        """The label languages asked of Wikidata, in the order a label is taken: yours,
        then ``mul`` (Wikidata's label for all languages, where an item's one name is
        kept since 2024), then English."""
        return list(dict.fromkeys([self.wikidata, "mul", "en"]))


def language(environ: Mapping[str, str]) -> Language:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if not value:
            continue
        m = _LOCALE.fullmatch(value.split(".", 1)[0].split("@", 1)[0])
        if m is None:  # C, POSIX, or something else: no language of its own
            break
        code, territory = m[1], (m[2] or "").upper()
        return Language(code, f"{code}-{territory}" if territory else code)
    return Language("en", "en-US")


# ---------------------------------------------------------------------------- TMDb's credentials


@dataclass(frozen=True)
class Credential:
    """A way into TMDb's API: the v4 read access token (a Bearer header) or the v3 API key
    (an ``api_key`` parameter, which TMDb takes only in the URL: the URL with it is never a
    cache key, a file name or a message)."""

    variable: str  # where it came from
    value: str

    @property
    def named(self) -> str:
        what = "API read access token" if self.variable == TOKEN_VARIABLE else "API key"
        return f"the {what} in {self.variable}"

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.value}"} if self.variable == TOKEN_VARIABLE else {}

    def url(self, url: str) -> str:
        if self.variable == TOKEN_VARIABLE:
            return url
        parts = urlsplit(url)
        query = [*parse_qsl(parts.query, keep_blank_values=True), ("api_key", self.value)]
        return urlunsplit(parts._replace(query=urlencode(query)))


def credentials(environ: Mapping[str, str]) -> tuple[list[Credential], str | None]:
    """TMDb's credentials in the order they are tried (the token, then the key), and why
    one set is unusable (None: fine). Neither set is no error here: asking TMDb is."""
    found, problem = [], None
    for variable in (TOKEN_VARIABLE, KEY_VARIABLE):
        value = environ.get(variable, "").strip()
        if not value:
            continue
        if len(value) > 2000 or any(ord(c) < 33 or ord(c) > 126 for c in value):
            problem = f"{variable} is not a TMDb credential (it holds spaces or other characters)"
            continue
        found.append(Credential(variable, value))
    return found, problem


# ---------------------------------------------------------------------------- why a request failed

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]{0,2000}>", re.S | re.I)


def body_reason(body: bytes) -> str | None:
    """The reason an error's body gives, as one clean line: TMDb's ``status_message``,
    MediaWiki's ``error.info``, or the text of a page (Wikimedia's refusal of a request
    without a proper User-Agent is a short text or HTML page saying so)."""
    from hstrack.sources.facts import clean_text

    text = body[: 64 * 1024].decode("utf-8", "replace").strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            error = doc.get("error")
            said = doc.get("status_message") or (error.get("info") if isinstance(error, dict) else None)
            return clean_text(said, 200) if isinstance(said, str) else None
    if "<" in text:
        title = re.search(r"<title[^>]{0,200}>(.{0,300}?)</title>", text, re.S | re.I)
        text = _TAG.sub(" ", text)
        if title and title.group(1).strip() and title.group(1).strip() not in text[:400]:
            text = f"{title.group(1)}: {text}"
    return clean_text(" ".join(text.split()), 200)


def reason(exc: Exception) -> str:
    """A failed request in one line: what went wrong, and what the server said about it."""
    message = getattr(exc, "message", None) or str(exc)
    said = body_reason(getattr(exc, "body", b"") or b"")
    return f"{message}: {said}" if said and said not in message else message
