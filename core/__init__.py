"""Convene's minimal core: accounts, identities, events, participation, comments, hooks."""

__version__ = "0.1.0"
