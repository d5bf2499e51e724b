"""Moderation (reports, moderation queue, actions, logs, content policies). Registers no hooks yet."""
