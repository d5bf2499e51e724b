"""One event as an .ics file, for any calendar: ``GET /events/{uuid}/export/ics``.

Whoever may see the event page may download it, and nobody else: a draft, a private
event, one held for a moderator or hidden by a plugin answers the same 404 as an unknown
uuid (core.events.listing.visible_event), and a public or unlisted event deleted here
answers 410 as its page does, so a calendar that asks again learns it is gone.

The file is named after the title: a plain ASCII ``filename`` every browser takes, and
the title itself in ``filename*`` (RFC 6266, UTF-8) for browsers that read it.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from litestar import Response, get
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_410_GONE

from core.auth import Caller
from core.context import Ctx
from core.errors import NotFound
from core.events import listing, service
from core.events.models import Event
from core.web.structured_data import event_page_url
from plugins.ical.vevent import calendar_of, ics_bytes

MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8" to a text/* type
FILENAME_MAX = 60
# what a file name may not hold on common systems, nor a header: separators, quotes, controls
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


@get("/events/{uuid:str}/export/ics", include_in_schema=False, opt=listing.SHOWS_EVENTS)
async def export_event(ctx: Ctx, web: Caller, uuid: str) -> Response[bytes]:
    """The event as a one-event calendar, downloaded (``web`` makes the session's person the viewer)."""
    try:
        event = await listing.visible_event(ctx, uuid)
    except NotFound:
        if await service.was_deleted(ctx, uuid):
            raise HTTPException(status_code=HTTP_410_GONE, detail="this event was deleted") from None
        raise
    calendar = await calendar_of(ctx, [event], name=event.title, url=event_page_url(event, ctx.settings))
    return Response(ics_bytes(calendar), media_type=MEDIA_TYPE,
                    headers={"Content-Disposition": content_disposition(event)})


def content_disposition(event: Event) -> str:
    """``attachment`` with an ASCII file name and the UTF-8 title (RFC 6266 and RFC 8187)."""
    title = " ".join(_UNSAFE.sub(" ", event.title).split())[:FILENAME_MAX] or "event"
    return f"attachment; filename=\"{ascii_slug(event.title)}.ics\"; filename*=UTF-8''{quote(title + '.ics', safe='')}"


def ascii_slug(title: str) -> str:
    """``"Café : répétition"`` becomes ``cafe-repetition``: letters without accents, digits and hyphens."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:FILENAME_MAX].strip("-") or "event"
