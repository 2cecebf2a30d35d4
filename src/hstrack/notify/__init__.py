"""``hstrack notify``: what is due to be told (``planning``), told once (``record``), at the
lead times each title follows (``leads``), as one ``notification`` each, through the
``channels`` (the desktop, a command, apprise). It imports the store and the core.
"""
