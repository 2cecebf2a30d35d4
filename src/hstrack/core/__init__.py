"""The core: what a release tracker knows and works out, with no files, network or terminal.

Dates that carry their precision (``dates``), the model of titles, milestones and their
history (``model``), its vocabulary (``kinds``) and regions (``regions``), links to sources
(``references``), what every view shows (``report``), scripted checks (``checks``), filters
(``filters``), the changes a person makes (``tracker``) and a source proposes
(``proposals``), the change feed (``feed``), and the small things all of them use (``clock``,
``errors``, ``text``, ``values``, ``suggest``, ``collector``). It imports nothing of hstrack
outside this package, and nothing here imports Typer or Rich.
"""
