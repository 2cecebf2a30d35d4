"""The store: the one canonical ``store.json`` and its guarantees (``store.Store``).

How it is read and written (``codec``, ``files``), kept (``versions``) and taken back
(``recovery``), locked (``locking``), where its files are (``layout``, ``paths``), the files
derived from it (``derived``: the ``index``, the ``prompt_cache`` and the ``tab_cache``),
doctor's checks (``doctor``), the first store (``seed``) and the settings file
(``config``). It imports only the core. This package's ``__init__`` imports nothing, so the
prompt and Tab paths that read a derived file load only that file's module.
"""
