"""``hitl serve``: the hitl app in a browser through textual-serve (the ``serve`` extra).

``access`` (tokens, the users file, names, origins: no web framework),
``guard`` (the aiohttp middleware and headers), ``apps`` (a tab's app process),
``server`` (textual-serve's server, guarded), ``command`` (the options).
"""
