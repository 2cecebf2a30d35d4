"""Titles, milestones and their history, and how they are read from and written to JSON.

The store is a person's data and may be kept in git, so the document is written in a
fixed key order with stable sorting, and any field or record this version does not know
is carried through untouched (``extra``) rather than dropped.

One concept, a module per part: ``validation`` (the rules typed input obeys), ``leads``
(notify's lead times), ``unknown`` (fields carried through), ``milestone``, ``history``
(changes, edits, proposals), ``title``, ``document`` and ``reading`` (JSON in, checked).
Each part is imported by its own name (``hstrack.core.model.title``); this package's
``__init__`` imports nothing, so a command loads only the parts it uses.
"""
