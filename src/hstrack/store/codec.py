"""The store's text: one canonical JSON spelling, and a decoder that refuses what is not a
store with a message that says where.

``dumps`` writes a document in a fixed key order with a two-space indent and a final
newline, byte for byte what ``json.dumps(indent=2, ensure_ascii=False)`` writes, so the
same content is always the same bytes (git diffs stay small, backups compare by digest).
orjson writes and reads it 5 to 30 times as fast; where it would differ (floats and
integers beyond 64 bits, which only unknown fields can hold) the exact path is taken.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hstrack.core.errors import StoreError
from hstrack.core.model.reading import document_from_json
from hstrack.core.model.shape import ShapeError
from hstrack.core.model.unknown import NumberWatch

if TYPE_CHECKING:
    from hstrack.core.model.document import Document
    from hstrack.core.model.title import Title


DOCTOR_HINT = "; run hstrack doctor"


def dumps(doc: Document) -> bytes:
    """Deterministic text: fixed key order, two-space indent, a final newline: exactly
    ``json.dumps(doc.to_json(), indent=2, ensure_ascii=False)`` and a newline.

    orjson writes that text 20 times as fast as json, byte for byte, except for floats and
    integers beyond 64 bits, which only fields hstrack does not know can hold (see
    model.NumberWatch): for those, the exact encoder below.
    """
    if doc.partial:  # read without its history for a view: writing it would lose the history
        raise StoreError("a store read for a view is never written; nothing was changed")
    NumberWatch.seen = False
    data = doc.to_json()
    if not NumberWatch.seen:
        import orjson

        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
        except TypeError:  # an integer orjson cannot write
            pass
    return (indented_json(data) + "\n").encode("utf-8")


def dumps_pieces(doc: Document) -> Iterator[bytes]:
    """``dumps(doc)`` in pieces, a title at a time (an export of a large store is written as
    it is made): joined, the same bytes. The store's own fields are written around an
    empty titles array, whose one line at two spaces' indent is where the titles go."""
    import dataclasses

    if doc.partial:
        raise StoreError("a store read for a view is never written; nothing was changed")
    shell = dumps(dataclasses.replace(doc, titles={}))
    marker = b'\n  "titles": []'
    if not doc.titles or shell.count(marker) != 1:
        yield dumps(doc)
        return
    at = shell.index(marker)
    yield shell[:at] + b'\n  "titles": [\n'
    for i, key in enumerate(sorted(doc.titles)):
        yield (b",\n" if i else b"") + title_text(doc.titles[key])
    yield b"\n  ]" + shell[at + len(marker) :]


def title_text(title: Title) -> bytes:
    """A title's bytes as ``dumps`` writes them inside a store (from its ``    {`` to its
    ``    }``): the same encoders, its lines indented as the titles array indents them
    (JSON text never holds a raw newline inside a string, so every newline is a line's)."""
    NumberWatch.seen = False
    data = title.to_json()
    if not NumberWatch.seen:
        import orjson

        try:
            return b"    " + orjson.dumps(data, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
        except TypeError:  # an integer orjson cannot write
            pass
    return ("    " + indented_json(data, "    ")).encode("utf-8")


def indented_json(value: object, indent: str = "") -> str:
    """Exactly ``json.dumps(value, indent=2, ensure_ascii=False)``, 1.6 times as fast.

    With ``indent`` set, json falls back to its pure-Python encoder; this walks the same
    plain types directly and leaves every string to json's C string encoder. A property
    test holds it to byte-for-byte equality with json.dumps.
    """
    from json.encoder import encode_basestring

    out: list[str] = []
    add = out.append

    def walk(obj: object, indent: str) -> None:
        if isinstance(obj, str):
            add(encode_basestring(obj))
        elif isinstance(obj, dict):
            if not obj:
                add("{}")
                return
            inner = indent + "  "
            sep = "{\n" + inner
            for key, item in obj.items():
                add(sep)
                add(encode_basestring(key))
                add(": ")
                walk(item, inner)
                sep = ",\n" + inner
            add("\n" + indent + "}")
        elif isinstance(obj, list):
            if not obj:
                add("[]")
                return
            inner = indent + "  "
            sep = "[\n" + inner
            for item in obj:
                add(sep)
                if len(obj) > 64:
                    add(indented_json(item, inner))  # one joined string per title: bounded memory
                else:
                    walk(item, inner)
                sep = ",\n" + inner
            add("\n" + indent + "]")
        elif obj is None:
            add("null")
        elif isinstance(obj, bool):
            add("true" if obj else "false")
        elif isinstance(obj, int):
            add(int.__repr__(obj))
        else:
            add(json.dumps(obj, ensure_ascii=False))  # floats (and anything else) as json says

    walk(value, indent)
    return "".join(out)


_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def decode_json(raw: bytes, where: object, hint: str = "", what: str = "an hstrack store") -> Any:
    """JSON from bytes, or a ``ValueError`` whose message names ``where`` and the fault: not
    UTF-8, not JSON, nested too deeply, or a number too long to read (Python refuses
    integers of more than 4,300 digits, which would otherwise end in a traceback).
    ``what`` is what the bytes should have been ("an hstrack store", "an answer")."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where} is not UTF-8 text (bad byte at offset {exc.start}){hint}") from None
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
        if _MAYBE_SURROGATE.search(text):
            # JSON can spell a lone surrogate ("\\ud800"), which is no character at all:
            # printing or writing it would end in a traceback.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        return data
    except UnicodeEncodeError:
        raise ValueError(f"{where} holds a lone surrogate (a \\ud800 escape that is no character){hint}") from None
    except json.JSONDecodeError as exc:
        place = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise ValueError(f"{where} is not valid JSON ({place}){hint}") from None
    except RecursionError:
        raise ValueError(f"{where} is nested too deeply to be {what}{hint}") from None
    except ValueError as exc:
        usable = "a usable hstrack store" if what == "an hstrack store" else f"usable as {what}"
        if isinstance(exc, _NotANumber):
            reason = "it holds a number JSON does not allow (NaN, Infinity or one too large to write back as written)"
        elif "digits" in str(exc):  # "Exceeds the limit (4300 digits) for integer string conversion"
            reason = "a number in it is too long to read"
        else:
            reason = "it cannot be read as JSON"
        raise ValueError(f"{where} is not {usable}: {reason}{hint}") from None


class _NotANumber(ValueError):
    pass


def _no_constant(name: str) -> float:
    raise _NotANumber(name)  # NaN, Infinity: Python reads them, JSON has no such numbers


def _finite(text: str) -> float:
    import math

    value = float(text)
    if not math.isfinite(value):  # 1e999 would be written back as "Infinity"
        raise _NotANumber(text)
    return value


def parse_bytes(raw: bytes, where: Path, hint: str = DOCTOR_HINT) -> Document:
    """A document from a store's bytes, or a StoreError naming the file and the fault."""
    return parse_with_data(raw, where, hint)[0]


def parse_with_data(raw: bytes, where: Path, hint: str) -> tuple[Document, Any]:
    """``parse_bytes``, and the parsed JSON when it came through orjson (else None): the
    index checks the store's layout against it."""
    if not raw:
        raise StoreError(f"{where} is empty{hint}")
    if not raw.strip(b"\x00"):
        raise StoreError(f"{where} holds only NUL bytes (a write that never reached the disk){hint}")
    if not raw.strip(b" \t\r\n"):
        raise StoreError(f"{where} holds only white space{hint}")
    from hstrack.core.collector import paused

    with paused():  # 10,000 titles are 300,000 objects without a cycle among them
        return _parse_checked(raw, where, hint)


def _parse_checked(raw: bytes, where: Path, hint: str) -> tuple[Document, Any]:
    fast = _parse_fast(raw)
    if fast is not None:
        return fast
    try:
        data = decode_json(raw, where, hint)
    except ValueError as exc:
        raise StoreError(str(exc)) from None
    try:
        return document_from_json(data), None
    except ShapeError as exc:
        raise StoreError(f"{where} is not a usable hstrack store: {exc}{hint}") from None


def _parse_fast(raw: bytes) -> tuple[Document, Any] | None:
    """The document through orjson (5 times as fast as json on a large store), or None
    when the exact path must decide: bytes orjson refuses (the exact path then names the
    fault as it always has), a shape the model refuses (likewise), or a float or a huge
    integer in a field hstrack does not know (orjson would read it differently)."""
    import orjson

    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    NumberWatch.seen = False
    try:
        doc = document_from_json(data)
    except (ShapeError, RecursionError):
        return None
    return None if NumberWatch.seen else (doc, data)


def declared_schema(raw: bytes | None) -> int | None:
    """The schema number a store's bytes say they are, even when they do not parse as a
    store this version understands; None when there is no such number."""
    if not raw:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    schema = data.get("schema") if isinstance(data, dict) else None
    return schema if isinstance(schema, int) and not isinstance(schema, bool) else None
