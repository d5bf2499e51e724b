"""'Add to calendar' on the event page and in its API answer (``convene_event_links``): the .ics
file, and links that open Google Calendar, Outlook.com and Office 365 with the event filled in.

Those three have no published API for this, only the "compose" page addresses their own
buttons use (documented by the community: github.com/InteractionDesignFoundation/
add-event-to-calendar-docs, services/google.md and services/outlook-web.md). Times go in
UTC (``...Z``), so no service has to guess the zone; every value is percent-encoded
(``%20`` for a space, which both read, where ``+`` is read as a plus by some); the
description is cut short, as a URL has a length limit and the event page is one click
away (its address ends the text). Nothing is sent anywhere until the reader follows one.
A cancelled event offers only the file, which tells a calendar holding it that it is off.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from core.context import Ctx
from core.events.models import Event
from core.i18n import N_
from core.web.slots import Link
from core.web.structured_data import event_page_url
from plugins.ical.plaintext import description_text
from plugins.ical.vevent import location_text

GROUP = N_("Add to calendar")
DESCRIPTION_MAX = 300  # characters of the description a compose link carries
# the services' public "compose" pages
GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_COM = "https://outlook.live.com/calendar/deeplink/compose"
OFFICE_365 = "https://outlook.office.com/calendar/deeplink/compose"
EXTERNAL = "nofollow noopener noreferrer"


def calendar_links(ctx: Ctx, event: Event) -> list[Link]:
    file = Link(N_("Calendar file (.ics)"), ctx.settings.url(f"/events/{event.uuid}/export/ics"),
                rel="alternate", media_type="text/calendar", group=GROUP)
    if event.status == "cancelled":
        return [file]
    return [file, *compose_links(ctx, event)]


def compose_links(ctx: Ctx, event: Event) -> list[Link]:
    """Google Calendar's, Outlook.com's and Office 365's pages for a new event, filled in with this one."""
    page = event_page_url(event, ctx.settings)
    begins, ends = event.begins_at, event.ends_at or event.begins_at
    details = f"{short_description(event)}\n\n{page}".strip()
    where = location_text(event) or event.online_url
    google = {"action": "TEMPLATE", "text": event.title, "dates": f"{_compact(begins)}/{_compact(ends)}",
              "details": details, "location": where}
    outlook = {"path": "/calendar/action/compose", "rru": "addevent", "subject": event.title,
               "startdt": _iso(begins), "enddt": _iso(ends), "body": details, "location": where}
    return [
        Link(N_("Google Calendar"), _url(GOOGLE, google), rel=EXTERNAL, group=GROUP),
        Link(N_("Outlook.com"), _url(OUTLOOK_COM, outlook), rel=EXTERNAL, group=GROUP),
        Link(N_("Office 365"), _url(OFFICE_365, outlook), rel=EXTERNAL, group=GROUP),
    ]


def short_description(event: Event) -> str:
    """The description as plain text, cut at a word before ``DESCRIPTION_MAX`` characters."""
    text = description_text(event.description)
    if len(text) <= DESCRIPTION_MAX:
        return text
    return text[:DESCRIPTION_MAX].rsplit(maxsplit=1)[0].rstrip(",.;:") + "…"


def _url(base: str, values: dict[str, str]) -> str:
    return f"{base}?{urlencode({k: v for k, v in values.items() if v}, quote_via=quote, safe='')}"


def _compact(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
