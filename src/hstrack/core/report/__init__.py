"""What every view shows, computed once from (document, now).

The terminal view, the JSON view, the prompt cache, the calendar and the exports all
render these objects, so a countdown, a phase or an order is worked out in one place. The
parts: ``assess`` (one milestone at a moment), ``titles`` (a title's phase, last and next,
the slate's order), ``rows`` (timeline, countdown, upcoming) and ``history`` (the recorded
changes as people read them). Each part is imported by its own name; this package's
``__init__`` imports nothing, so a command loads only the parts it uses.
"""
