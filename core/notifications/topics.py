"""What a person can be notified of, and the choices they have for each.

A topic is a preference: one value per identity (the identity whose events the news
concerns), ``on`` unless they chose otherwise. Core's topics are below; a plugin adds
its own with ``convene_notification_topics`` (a group's discussions, say). Every
channel (mail, push) follows the same preference, so one switch stops a kind of news
everywhere, and the one-click link in a mail turns exactly that topic off.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import N_

ON_OFF: tuple[tuple[str, str], ...] = (("on", N_("On")), ("off", N_("Off")))


@dataclass(frozen=True)
class Topic:
    """``name`` is unique (a plugin prefixes it with its own name); ``choices`` are (value, label)
    pairs, ``off`` among them meaning "never"; labels are marked for translation with ``N_``."""

    name: str
    label: str
    choices: tuple[tuple[str, str], ...] = ON_OFF
    default: str = "on"

    def accepts(self, value: str) -> bool:
        return any(value == choice for choice, _ in self.choices)

    def chosen(self, stored: str | None) -> str:
        """The value in force for a stored choice: the default when there is none, or when it is no
        longer one of the choices (a plugin changed them)."""
        return stored if stored is not None and self.accepts(stored) else self.default


JOIN_REQUESTS = Topic(
    "join_requests", N_("Someone asks to join an event I organise"),
    (("immediate", N_("At once")), ("digest", N_("An hourly digest")), ("off", N_("Off"))), "immediate",
)
PARTICIPANT_LEFT = Topic("participant_left", N_("Someone leaves an event I organise"))
NEW_COMMENTS = Topic("comments", N_("A new comment on an event I organise"))
REPLIES = Topic("replies", N_("A reply to my comment"))
DECISIONS = Topic("participation_decisions", N_("The organiser approves or declines my request to join"))
EVENT_CHANGES = Topic("event_changes", N_("An event I go to changes its time or place, or is cancelled"))
ANNOUNCEMENTS = Topic("announcements", N_("Announcements from the organisers of events I go to"))
REMINDERS = Topic(
    "reminders", N_("A reminder before an event I go to"),
    (("60", N_("One hour before")), ("1440", N_("One day before")), ("10080", N_("One week before")),
     ("off", N_("Off"))), "1440",
)

CORE_TOPICS = (JOIN_REQUESTS, PARTICIPANT_LEFT, NEW_COMMENTS, DECISIONS, EVENT_CHANGES, ANNOUNCEMENTS, REMINDERS,
               REPLIES)
