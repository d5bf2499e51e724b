"""Identities: the public profiles an account acts through (several per account)."""
