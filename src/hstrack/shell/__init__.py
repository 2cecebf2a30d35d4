"""The shell's fast paths: the prompt segment (``prompt``) and Tab completion
(``completion``, over ``completion_table`` and the shells' ``quoting``), and the snippets
``hstrack init`` and ``hstrack completion`` print (``snippets``).

These run before every prompt and on every Tab press: they read one small file the store
keeps current (``hstrack.store.prompt_cache``, ``hstrack.store.tab_cache``) and load the
store's code only to rebuild a stale one. Nothing here imports the command layer or the
views (tests/test_architecture.py; tests/test_imports.py measures what each path loads).
"""
