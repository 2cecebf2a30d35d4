"""Where dates come from besides a person: Wikidata and TMDb.

``facts`` is what a source says (a ``Fact``, a ``Fetched`` answer, a ``Candidate`` of
``find``); the adapters (``wikidata``, ``tmdb``) turn the APIs' documents into facts and know
nothing of sockets; ``http`` is the one seam to the network and ``fetching`` asks it;
``sync`` reconciles facts with a title. What a link to a source looks like is the core's
(``hstrack.core.references``), since a title carries its links. Only the commands that use
the network import this package.
"""
