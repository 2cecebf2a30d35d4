"""Views: everything hstrack shows a person or a program, rendered from the core's reports.

``renderer`` chooses the format once (Rich for a terminal, plain text when piped, JSON for
``--json``); ``terminal``, ``plain``, ``data`` and ``line`` are the renderers, over
``layout`` and ``paragraphs`` (tables and text that fit a width); ``chart``, ``calendar``
and ``pictures`` draw time; ``export`` and ``vtimezone`` write files (CSV, ICS, JSON).
"""
