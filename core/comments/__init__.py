"""Threaded comments on events."""
