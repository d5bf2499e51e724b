"""Convene plugins for the tests, written as a third party would write them.

Each module is one plugin, found through the ``convene.plugins`` entry points and
enabled per instance like any other:

* ``policy`` (testkit_policy): an instance's rules for events, with settings, a
  listing filter, a sidebar note, an hourly count and a hook of its own;
* ``more_words`` (testkit_more_words): implements the policy's own hook;
* ``timing`` (testkit_timing): a pluggy wrapper timing every core hook;
* ``dress_code`` (testkit_dress_code): an event field with its own validation and table;
* ``moderation`` (testkit_moderation): moderator powers with an audit log, suspensions,
  and forms in page slots.

They import only ``core`` and use only the hooks of docs/hooks.md.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
# shared by the plugins of this package: their templates under testkit/, one catalogue
TEMPLATES = HERE / "templates"
LOCALE = HERE / "locale"
