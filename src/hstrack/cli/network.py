"""The commands' one way to the sources: the client (``sources.fetching.Sources`` over the
HTTP client and its cache), a page fetched alone, what an answer left out, and the progress
bar a long wait draws on a terminal. Used by ``sources`` (find, sync), ``editing`` (add
--link) and ``watchlists`` (import --from); it imports the HTTP client only when called.

The bar goes to stderr and only when stderr is a terminal, so stdout stays the command's
data, and a script's stderr (a pipe, a file) gets no carriage returns or escapes.
"""

import sys
from typing import Any

from hstrack.cli.common import done

CONTACT_SAID = "contact-warned"  # beside the HTTP cache: the contact warning was given


def client(offline: bool = False) -> Any:
    """The sources, asked through the HTTP client and its cache; Wikimedia's contact warning
    said once per cache."""
    import os
    from datetime import UTC, datetime

    from hstrack.sources.access import CONTACT_WARNING
    from hstrack.sources.fetching import Sources, user_agent
    from hstrack.sources.http import Cache, Client, cache_folder, limits
    from hstrack.sources.places import CountryCodes

    folder = cache_folder()
    said = folder.parent / CONTACT_SAID

    def warn(line: str) -> None:
        done(line)
        if line != CONTACT_WARNING:
            return  # only the contact warning is said once per cache; what a run left out, every run
        try:
            said.parent.mkdir(parents=True, exist_ok=True)
            said.touch()
        except OSError:
            pass  # said again next time: better than never

    codes = CountryCodes(folder.parent / "country-codes.json", datetime.now(UTC))
    timeout, deadline = limits(os.environ)
    http = Client(Cache(folder), offline, timeout, deadline, user_agent=user_agent(os.environ))
    return Sources(http, codes=codes, warn=warn, contact_said=said.exists())


def fetch_one(reference: Any) -> Any:
    """One reference's answer, or its ``Failed``."""
    return client().fetch([reference])[reference]


def left_out(answers: list[Any]) -> list[str]:
    """What the sources gave that hstrack left out, and why: one line each, once."""
    from hstrack.core.references import SOURCE_NAMES

    return list(dict.fromkeys(f"{SOURCE_NAMES[a.reference.source]} ({a.reference.text}): {note}"
                              for a in answers for note in a.notes))  # fmt: skip


def progress(total: int) -> Any:
    """A progress bar on stderr, when it is a terminal and the wait is worth one."""
    import contextlib

    if total <= 3 or not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress

    return Progress(console=Console(stderr=True), transient=True)
