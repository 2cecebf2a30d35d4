"""Hostile input, fuzzed: Hypothesis drives the installed ``hstrack`` with generated stores
(valid, damaged, hostile), import files, arguments and environment values, and holds every
run to the README's promises:

- the exit code is 0, 1 or 2, and no traceback is printed;
- no raw control byte reaches stdout or stderr (line ends aside);
- the store is byte-for-byte unchanged when the command failed or only reads.

Each example is one real process (about 0.15 s). CI runs ``HSTRACK_FUZZ_EXAMPLES`` examples
(default 120, about 25 s on 2 cores); set it higher by hand to search longer.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_process import SCRIPT

EXAMPLES = int(os.environ.get("HSTRACK_FUZZ_EXAMPLES", "120"))
RAW = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\r(?!\n)")
READ_ONLY = {
    "status",
    "show",
    "timeline",
    "countdown",
    "history",
    "upcoming",
    "check",
    "calendar",
    "export",
    "where",
    "prompt",
    "proposals",
    "notify",
}  # fmt: skip (notify writes its record beside the store, never the store)

# Text a person (or a hostile file) might put anywhere: controls, bidi, markup, shell and
# prompt syntax, long runs, non-Latin scripts.
NASTY = st.sampled_from([
    "", " ", "x", "release", "relase", "heartstopper-film", "Q3 2026", "2026-10-03", "TBA", "autumn 2027",
    "2026-10-03 08:00 EST", "9998-12-31 23:59 Pacific/Kiritimati", "1000-01-01", "0999", "9999-12-31",
    "\x1b]52;c;ZXZpbA==\x07", "\x1b[2J", "\x9b2J", "\u202egnp.exe", "[link=x]y[/link]", "[/bad]", "$(touch P)",
    "`touch P`", "%F{red}", "!!", "\\u", "a\nb", "a\rb", "a\tb", "\ud800x", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "סדרה 2", "東京",
    "x" * 300, "-", "--", "--help", "nan", "inf", "-1", "1e400", "0", "1" * 5000, "{}", "[]", "null",
])  # fmt: skip
ARG = st.one_of(NASTY, st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40))


def title_json(draw: st.DrawFn, i: int) -> dict[str, object]:
    extra_fields: dict[str, object] = {}
    kinds = ["announced", "production-start", "production-end", "trailer", "premiere", "release", "cancelled"]
    milestones = [
        {"kind": k, "date": draw(st.sampled_from(["TBA", "2026", "2026-H2", "2027-Q1", "winter 2026", "2026-12",
                                                  "2026-11-27", "2026-11-27T20:00:00+00:00[Europe/London]",
                                                  "1000-01-01", "9998-12-31", "2026-12-01T23:30:00-08:00"])),
         "tentative": draw(st.booleans())}
        for k in draw(st.lists(st.sampled_from(kinds), unique=True, max_size=5))
    ]  # fmt: skip
    for _ in range(draw(st.integers(0, 2))):  # releases in places, some of them wrong
        placed: dict[str, object] = {"kind": draw(st.sampled_from(["release", "premiere", "trailer"])), "date": "2027"}
        placed["region"] = draw(st.sampled_from(["GB", "US", "XX", "gb", "", 7, None]))
        placed["medium"] = draw(st.sampled_from(["theatrical", "digital", "cinema", None]))
        milestones.append({k: v for k, v in placed.items() if v is not None})
    # Links to sources, now and then, and rarely a wrong one (which makes the store unreadable).
    links = draw(st.sampled_from([None] * 20 + [["wikidata:Q1"], ["tmdb:movie/2"], ["Wikidata:q1"], ["x"], 5]))
    if links is not None:
        extra_fields["links"] = links
    name = draw(st.sampled_from(["Film", "[b]x[/b]", "$(x) `y` %F !", "Ørsted", "東京 2"]))
    return {**extra_fields, "id": f"t{i}", "name": name,
            "kind": "film", "milestones": milestones}  # fmt: skip


@st.composite
def store_bytes(draw: st.DrawFn) -> bytes:
    doc: dict[str, object] = {"schema": 1, "titles": [title_json(draw, i) for i in range(draw(st.integers(0, 4)))]}
    damage = draw(st.sampled_from(["none", "none", "none", "field", "bytes", "huge-int", "deep", "newer", "surrogate"]))
    if damage == "field" and doc["titles"]:
        title = doc["titles"][0]  # type: ignore[index]
        field = draw(st.sampled_from(["name", "label", "kind", "platform", "notes", "id", "milestones", "history",
                                      "credits"]))  # fmt: skip
        title[field] = draw(st.one_of(NASTY, st.integers(), st.lists(NASTY, max_size=2), st.none()))
    text = json.dumps(doc, indent=2)
    if damage == "bytes":
        cut = draw(st.integers(0, max(len(text) - 1, 0)))
        return text.encode()[:cut] + draw(st.binary(max_size=8))
    if damage == "huge-int":
        return text.replace('"schema": 1', '"schema": ' + "1" * 5000).encode()
    if damage == "deep":
        return ('{"schema": 1, "titles": [], "x": ' + "[" * 5000 + "]" * 5000 + "}").encode()
    if damage == "newer":
        return text.replace('"schema": 1', '"schema": 7').encode()
    if damage == "surrogate":
        return text.replace('"kind": "film"', '"kind": "film", "name": "\\ud800"', 1).encode()
    return text.encode()


@st.composite
def command(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(sorted(READ_ONLY | {"set", "unset", "add", "label", "pin", "unpin", "undo", "doctor",
                                                    "import", "remove", "config", "link", "unlink", "accept",
                                                    "reject", "sync", "remind"})))  # fmt: skip
    ident = draw(st.one_of(st.sampled_from(["t0", "t1", "heartstopper-film"]), ARG))
    extra = draw(st.lists(ARG, max_size=3))
    shapes = {
        "set": [ident, draw(st.one_of(st.sampled_from(["release", "trailer", "cancelled", "release@GB:theatrical",
                                                       "release@XX", "premiere:tv", "release@:"]), ARG)), draw(ARG)],
        "config": draw(st.sampled_from([[], ["region", "GB"], ["region"], ["medium", "x,digital"], ["nope", "1"]])),
        "unset": [ident, draw(ARG)],
        "add": [draw(ARG)],
        "label": [ident, draw(ARG)],
        "pin": [ident],
        "remove": [ident, "--yes"],
        "show": [ident], "timeline": [ident], "history": [ident],
        "countdown": [ident] + ([draw(ARG)] if draw(st.booleans()) else []),
        "check": [ident, draw(st.sampled_from(["--released", "--due-within", "--reached", "--phase", "--has-date",
                                                "--changed-since"])), draw(ARG)],
        "upcoming": ["--within", draw(ARG)] if draw(st.booleans()) else ["--milestone", draw(ARG)],
        "calendar": [draw(ARG)] if draw(st.booleans()) else [],
        "export": ["--format", draw(st.sampled_from(["json", "ics", "csv", "xml"]))],
        "import": ["IMPORT"] + (["--replace", "--yes"] if draw(st.booleans()) else []),
        "doctor": ["--restore"] if draw(st.booleans()) else [],
        # The sources without the network: sync only from its (empty) cache.
        "link": [ident, draw(st.one_of(st.sampled_from(["wikidata:Q1", "tmdb:movie/5", "tmdb:tv/1/season/0",
                                                        "wikidata:Q0"]), ARG))],
        "unlink": [ident] + ([draw(ARG)] if draw(st.booleans()) else []),
        "accept": [ident, draw(ARG)], "reject": [ident, draw(ARG)],
        "sync": ["--offline"] + ([ident] if draw(st.booleans()) else []),
        # Never the desktop here: a command that takes anything (true), or a dry run.
        "notify": draw(st.sampled_from([["--exec", "true"], ["--dry-run"], ["--exec", "true", "--json"],
                                        ["--print", "crontab"], ["--exec", "true", "--at", "2026-12-24"]])),
        "remind": [ident, *draw(st.sampled_from([[], [draw(ARG)], ["--lead", draw(ARG)], ["--off"], ["--default"],
                                                 ["release", "--lead", "1d"], [draw(ARG), "--lead", draw(ARG)]]))],
        "prompt": draw(st.sampled_from([[], ["--at", "2026-12-01"], ["--format", "{label} {nope}"], ["--width", "0"],
                                        ["--bogus"], ["--at", "soon"]])),
    }  # fmt: skip
    argv = [name, *shapes.get(name, []), *(extra if draw(st.integers(0, 4)) == 0 else [])]
    if draw(st.integers(0, 5)) == 0:
        argv = ["--at", draw(ARG), *argv]
    return [str(a) for a in argv]


ENV = st.fixed_dictionaries(
    {},
    optional={
        "HSTRACK_NOW": st.one_of(st.sampled_from(["2026-11-27T12:00:00+00:00", "1000-01-01", "9998-12-31T23:59",
                                                  "0001-01-01", "yesterday", "2026-13-01"]), ARG),
        "HSTRACK_LOCK_TIMEOUT": st.sampled_from(["nan", "inf", "-1", "1e400", "0", "2", "x", ""]),
        "TZ": st.sampled_from(["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu", "EST5EDT",
                               "Nowhere/City", ":/etc/localtime", "XXX-14", ""]),
        "COLUMNS": st.sampled_from(["1", "20", "80", "0", "-5", "abc", "100000"]),
        "HSTRACK_PROMPT_WIDTH": st.sampled_from(["0", "-1", "x", "5", "100000"]),
        "HSTRACK_PROMPT_FORMAT": st.sampled_from(["{label}", "{nope}", "{", "%%", "{text}{text}"]),
        "NO_COLOR": st.sampled_from(["", "1"]),
        "LANG": st.sampled_from(["C", "C.UTF-8", "en_US.ISO-8859-1", "en_GB.UTF-8", "xx_ZZ"]),
        "HSTRACK_REGION": st.one_of(st.sampled_from(["GB", "us", "worldwide", "", "XX"]), ARG),
        "HSTRACK_MEDIUM": st.sampled_from(["digital", "cinema,tv", ",", "nope"]),
    },
)  # fmt: skip


CONFIG = st.one_of(
    st.none(),
    st.sampled_from(
        [
            b'region = "XX"\n',
            b"region = 7\n",
            b"\xff\xfe",
            b"[x",
            b'medium = "tv"\nregion = "gb"\n',
            b"a = 1\n" * 10_000,
        ]
    ),
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(store=store_bytes(), argv=command(), env=ENV, imported=store_bytes(), config=CONFIG)
def test_no_input_breaks_a_promise(workdir: Path, store: bytes, argv: list[str], env: dict[str, str],
                                   imported: bytes, config: bytes | None) -> None:  # fmt: skip
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    for old in home.iterdir():
        if old.is_file():
            old.unlink()
    (home / "store.json").write_bytes(store)
    if config is not None:
        (home / "config.toml").write_bytes(config)
    (workdir / "import.json").write_bytes(imported)
    argv = [str(workdir / "import.json") if a == "IMPORT" else a for a in argv]
    environment = {"PATH": os.environ["PATH"], "HSTRACK_HOME": str(home), "HSTRACK_NOW": "2026-11-27T12:00:00+00:00",
                   "TZ": "Europe/London", "LANG": "C.UTF-8", "HSTRACK_LOCK_TIMEOUT": "2",
                   "XDG_RUNTIME_DIR": str(workdir),  # no session bus: notify never reaches a real desktop
                   # Never the real sources: nothing listens on port 9 of the loopback address.
                   "HSTRACK_WIKIDATA_URL": "http://127.0.0.1:9", "HSTRACK_TMDB_URL": "http://127.0.0.1:9",
                   **env}  # fmt: skip
    # Arguments go as bytes: a lone surrogate becomes bytes that are not UTF-8, as a real
    # command line can hold.
    raw_argv = [a.encode("utf-8", "surrogatepass") for a in [str(SCRIPT), *argv]]
    raw_env = {k.encode(): v.encode("utf-8", "surrogatepass") for k, v in environment.items()}
    result = subprocess.run(raw_argv, env=raw_env, capture_output=True, timeout=60, check=False,
                            cwd=workdir, stdin=subprocess.DEVNULL)  # fmt: skip
    where = (argv, env, store[:200], result.stderr[-600:])
    assert result.returncode in (0, 1, 2), where
    assert b"Traceback" not in result.stderr, where
    assert RAW.search(result.stderr) is None, where
    assert RAW.search(result.stdout) is None, where
    after = (home / "store.json").read_bytes() if (home / "store.json").exists() else None
    reads_only = (
        argv[0] in READ_ONLY or argv[0] == "config" or (argv[0] == "--at" and len(argv) > 2 and argv[2] in READ_ONLY)
    )
    if result.returncode != 0 or reads_only:
        assert after == store, where
