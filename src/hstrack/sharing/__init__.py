"""Sharing a store between copies: ``merge`` (one definition of merging, for both uses),
``git`` (the merge driver, setup, status and resolving conflicts) and ``imports``
(``hstrack import``, replacing or merging a JSON export). It imports the store and the core.
"""
