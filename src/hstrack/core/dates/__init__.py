"""Dates that carry their precision: the concept's public face.

A release is rarely known to the day: "2026", "Q3 2026", "autumn 2026" are what studios
announce, and hstrack keeps each such date as a window with its precision, never a fake
1 January. The parts: ``spec`` (``DateSpec``, its canonical spelling and its words),
``patterns`` (the grammar's regular expressions), ``grammar`` (reading typed dates and the
store's own spellings), ``zones`` (time zones and offsets of an instant), ``spans``
(``30d``, ``2w`` for options), ``forms`` (the table of every form, for help and the README)
and ``edtf`` (the EDTF spelling in the JSON contract). The modules import each other by
their own names, never through this one.
"""

from hstrack.core.dates.grammar import parse_canonical, parse_date, parse_typed
from hstrack.core.dates.spans import SPAN_UNITS, read_span, span_end, span_start
from hstrack.core.dates.spec import (
    CENTURY_PIVOT,
    MAX_YEAR,
    MIN_YEAR,
    MONTH_ABBR,
    MONTH_NAMES,
    MONTHS,
    PART_START,
    SEASON_ALIASES,
    SEASON_START,
    WEEKDAYS,
    DateError,
    DateSpec,
    Precision,
    format_day,
    window,
)

__all__ = [
    "CENTURY_PIVOT", "MAX_YEAR", "MIN_YEAR", "MONTHS", "MONTH_ABBR", "MONTH_NAMES", "PART_START", "SEASON_ALIASES",
    "SEASON_START", "SPAN_UNITS", "WEEKDAYS", "DateError", "DateSpec", "Precision", "format_day", "parse_canonical",
    "parse_date", "parse_typed", "read_span", "span_end", "span_start", "window",
]  # fmt: skip
