"""Accounts: the private side of a person (email, password, role); never shown publicly."""
