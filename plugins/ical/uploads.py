"""Uploaded calendar files, imported in the background by an outbox job (``UPLOAD_JOB``).

The request checks what is cheap to check (the size, and the calendar's structure:
``read_calendar`` is one pass over the text, so a file refused as a whole is refused
at once with its line, and nothing is written), stores the file, queues its import
and answers; 5,000 events take more than a minute to import, longer than browsers and
proxies wait. The job claims the upload (claims.py), so two workers given the same
outbox row never import it twice at once, imports it in one transaction and keeps the
report on the upload, its bytes dropped. One identity's uploads share one source
(``UPLOAD_SOURCE``: a new file updates what the last one made), so a new upload waits
until the identity's last one is imported (a Conflict meanwhile); two sent at the
very same moment may both be queued, and then the unique key of what imports made
lets only one of them write, the other being retried by the outbox after it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from core.context import Ctx
from core.db.base import utcnow
from core.errors import Conflict, NotFound
from core.i18n import Message
from core.identities.models import Identity
from core.outbox import enqueue
from core.viewer import Viewer
from plugins.ical import claims
from plugins.ical.config import IcalConfig
from plugins.ical.ics_reading import read_calendar
from plugins.ical.import_models import UPLOAD_SOURCE
from plugins.ical.importing import PLUGIN_NAME, import_calendar
from plugins.ical.parse_errors import CalendarRefused, Problem
from plugins.ical.upload_models import KEPT_UPLOADS, UploadedCalendar

UPLOAD_JOB = "ical.import_upload"
UNDER_WAY = ("waiting", "importing")


async def queue_upload(ctx: Ctx, identity: Identity, data: bytes, publish: bool) -> UploadedCalendar:
    """Store the file and queue its import; ``CalendarRefused`` (nothing written) when the calendar is
    refused as a whole, Conflict while the identity's last upload is not imported yet."""
    config: IcalConfig = ctx.config(PLUGIN_NAME)
    read_calendar(data, config.import_max_bytes, config.import_max_events)
    mine = UploadedCalendar.identity_id == identity.id
    if await ctx.session.scalar(select(UploadedCalendar.id).where(mine, UploadedCalendar.status.in_(UNDER_WAY))):
        raise Conflict(Message("the last file of this identity is still being imported: upload again once "
                               "its report shows"))
    kept = select(UploadedCalendar.id).where(mine).order_by(UploadedCalendar.id.desc()).limit(KEPT_UPLOADS - 1)
    await ctx.session.execute(delete(UploadedCalendar).where(mine, UploadedCalendar.id.not_in(kept))
                              .execution_options(synchronize_session=False))
    upload = UploadedCalendar(identity_id=identity.id, publish=publish, data=data, size=len(data), summary={})
    ctx.session.add(upload)
    await ctx.session.flush()
    await enqueue(ctx.session, UPLOAD_JOB, {"upload": upload.id})
    return upload


async def uploads_of(ctx: Ctx, identity: Identity) -> list[UploadedCalendar]:
    """The identity's uploads kept, the newest first."""
    query = select(UploadedCalendar).where(UploadedCalendar.identity_id == identity.id)
    return list(await ctx.session.scalars(query.order_by(UploadedCalendar.id.desc())))


async def upload_of(ctx: Ctx, identity: Identity, upload_id: str) -> UploadedCalendar:
    """One of the identity's uploads by its id as a path gives it; anything else is not found."""
    if not upload_id.isascii() or not upload_id.isdigit() or len(upload_id) > 18:
        raise NotFound("no such import")
    found = await ctx.session.get(UploadedCalendar, int(upload_id))
    if found is None or found.identity_id != identity.id:
        raise NotFound("no such import")
    return found


async def import_upload(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The outbox job: claim the upload (committed, so its page says "importing"), then import it in a
    transaction that starts by holding the claim again (a write first: see claims.py)."""
    upload_id = payload["upload"]
    token = await claims.claim(ctx, UploadedCalendar, upload_id, UploadedCalendar.status.in_(UNDER_WAY),
                               status="importing")
    await ctx.session.commit()
    if token is None or not await claims.holds(ctx, UploadedCalendar, upload_id, token):
        return  # imported already, removed, or being imported by another worker
    upload = await ctx.session.get_one(UploadedCalendar, upload_id, populate_existing=True)
    identity = await ctx.session.get_one(Identity, upload.identity_id)
    try:
        report = await import_calendar(ctx.as_viewer(Viewer.acting_as(identity)), identity, upload.data or b"",
                                       UPLOAD_SOURCE, upload.publish)
        upload.status, upload.summary = "imported", report.summary()
    except CalendarRefused as exc:  # checked when uploaded; the instance's limits may have changed since
        upload.status, upload.error = "failed", str(exc.message)
        upload.summary = {"errors": [Problem(exc.line, exc.message).stored()]}
    upload.data, upload.finished_at = None, utcnow()
    claims.release(upload)
