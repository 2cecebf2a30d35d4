"""Dates that carry their precision.

A release is rarely known to the day: "2026", "Q3 2026", "autumn 2026" are what studios
announce, and hstrack keeps each such date as a window with its precision, never a fake
1 January. The parts: ``spec`` (``DateSpec``, its canonical spelling and its words),
``patterns`` (the grammar's regular expressions), ``grammar`` (reading typed dates and the
store's own spellings), ``zones`` (time zones and offsets of an instant), ``spans``
(``30d``, ``2w`` for options), ``forms`` (the table of every form, for help and the README)
and ``edtf`` (the EDTF spelling in the JSON contract). Each part is imported by
its own name; this package's ``__init__`` imports nothing.
"""
