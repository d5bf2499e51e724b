"""The import API: upload a calendar file, and an identity's calendar subscriptions.

Only the account holding the identity sees or changes its imports; another account's
identity is refused exactly as an unknown name is, so nothing tells which account
holds which identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import Meta

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from core.errors import InvalidInput, NotFound
from core.i18n import Message, loaded_message
from core.identities.models import Identity
from core.identities.service import own_identity
from plugins.ical import subscriptions, uploads
from plugins.ical.claims import is_claimed
from plugins.ical.import_models import URL_MAX, CalendarSubscription
from plugins.ical.importing import PLUGIN_NAME, ImportReport
from plugins.ical.parse_errors import CalendarRefused, Problem
from plugins.ical.upload_models import UploadedCalendar

TAGS = ["calendar imports"]
BASE = "/api/v1/identities/{username:str}"


@dataclass
class CalendarUpload:
    """One file part named ``data``: the .ics file."""

    data: UploadFile


class ImportErrorOut(msgspec.Struct):
    line: int | None
    """The line of the calendar the error comes from (1-based), when it is one line's."""
    property: str
    """The property the core refused (e.g. SUMMARY), or ""."""
    message: str


class ImportReportOut(msgspec.Struct):
    created: int
    updated: int
    unchanged: int
    cancelled: int
    """Events cancelled (or, drafts, deleted) because the calendar cancelled or no longer has them."""
    skipped: int
    """VEVENTs not imported on purpose: ended already, cancelled before we had them, or deleted here."""
    cut: bool
    """The calendar had more events than the instance imports at once: the rest was left out."""
    errors: list[ImportErrorOut]


class SubscriptionIn(msgspec.Struct, forbid_unknown_fields=True):
    url: Annotated[str, Meta(min_length=1, max_length=URL_MAX)]
    """An https://, http:// or webcal:// address of an ICS calendar, on the public internet."""
    publish: bool = False
    """Publish the events at once (else they are drafts for the identity to publish)."""


class SubscriptionOut(msgspec.Struct):
    id: int
    url: str
    publish: bool
    created_at: datetime
    last_fetch_at: datetime | None
    next_fetch_at: datetime
    last_status: str
    """"" (not fetched yet), ``imported``, ``not_modified`` (the server answered 304) or ``failed``."""
    last_error: str
    last_summary: dict[str, Any]
    """The last import's counts and ``errors`` (each with its ``line``)."""
    refreshing: bool
    """A fetch is queued or under way (asked for with ``/refresh``, or the periodic one)."""


class UploadOut(msgspec.Struct):
    id: int
    status: str
    """``waiting`` (queued), ``importing``, ``imported`` or ``failed`` (refused as a whole: ``error``)."""
    status_url: str
    """Where this import's status is read (GET): its ``report`` shows once it is imported."""
    size: int
    publish: bool
    created_at: datetime
    finished_at: datetime | None
    error: str
    report: ImportReportOut | None
    """The import's counts and errors with their lines, once it ended."""


def _error_out(stored: dict[str, Any]) -> ImportErrorOut:
    return ImportErrorOut(stored.get("line"), stored.get("property", ""), str(loaded_message(stored["message"])))


def report_out(report: ImportReport) -> ImportReportOut:
    return ImportReportOut(report.created, report.updated, report.unchanged, report.cancelled, report.skipped,
                           report.cut, [_error_out(p.stored()) for p in report.problems])


def subscription_out(subscription: CalendarSubscription) -> SubscriptionOut:
    summary = dict(subscription.last_summary or {})
    summary["errors"] = [msgspec.structs.asdict(_error_out(e)) for e in summary.get("errors", [])]
    return SubscriptionOut(subscription.id, subscription.url, subscription.publish, subscription.created_at,
                           subscription.last_fetch_at, subscription.next_fetch_at, subscription.last_status,
                           subscription.last_error, summary, is_claimed(subscription))


def summary_out(summary: dict[str, Any]) -> ImportReportOut:
    """A report as an upload or a subscription keeps it (JSON), for the API."""
    def count(name: str) -> int:
        return int(summary.get(name, 0))

    return ImportReportOut(count("created"), count("updated"), count("unchanged"), count("cancelled"),
                           count("skipped"), bool(summary.get("cut", False)),
                           [_error_out(e) for e in summary.get("errors", [])])


def upload_out(identity: Identity, upload: UploadedCalendar) -> UploadOut:
    finished = upload.status in ("imported", "failed")
    return UploadOut(upload.id, upload.status, f"/api/v1/identities/{identity.username}/imports/{upload.id}",
                     upload.size, upload.publish, upload.created_at, upload.finished_at, upload.error,
                     summary_out(upload.summary or {}) if finished else None)


async def mine(ctx: Ctx, caller: Caller, username: str) -> Identity:
    """One of the caller's identities; any other name is not found (the same answer for all)."""
    try:
        return await own_identity(ctx, caller.require_account(), username)
    except InvalidInput:
        raise NotFound("no such identity") from None


def refused_calendar(exc: CalendarRefused) -> InvalidInput:
    """A calendar refused as a whole, as the 422 of the field ``data``."""
    return InvalidInput.field("data", Problem(exc.line, exc.message).text())


async def read_upload(ctx: Ctx, upload: UploadFile) -> bytes:
    """The file's bytes, refused past ``import_max_bytes`` without reading further."""
    limit = ctx.config(PLUGIN_NAME).import_max_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput.field("data", Message("the calendar is larger than %(limit)s bytes", limit=limit))
    return data


@post(f"{BASE}/imports", status_code=202, tags=TAGS, guards=[signed_in], responses=refusals(404, 409, 422))
async def import_file(
    ctx: Ctx, api: Caller, username: str,
    data: Annotated[CalendarUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    publish: bool = False,
) -> UploadOut:
    """Queue the import of an .ics file (multipart file part ``data``) as this identity's events: drafts,
    or published with ``?publish=true``. The answer (202) comes at once with the import's ``status_url``;
    the import runs in the background and its report shows there. Importing again updates what the last
    upload made; its events that the file no longer has are cancelled. One broken VEVENT is reported with
    its line, the rest imported; a calendar refused as a whole (too large, too many events, not a
    calendar) is a 422 and writes nothing; 409 while the identity's last upload is not imported yet."""
    identity = await mine(ctx, api, username)
    content = await read_upload(ctx, data.data)
    try:
        upload = await uploads.queue_upload(ctx, identity, content, publish)
    except CalendarRefused as exc:
        raise refused_calendar(exc) from None
    return upload_out(identity, upload)


@get(f"{BASE}/imports", tags=TAGS, guards=[signed_in], responses=refusals(404))
async def list_imports(ctx: Ctx, api: Caller, username: str) -> list[UploadOut]:
    """This identity's latest uploads (the newest first), each with its status and report."""
    identity = await mine(ctx, api, username)
    return [upload_out(identity, upload) for upload in await uploads.uploads_of(ctx, identity)]


@get(f"{BASE}/imports/{{import_id:str}}", tags=TAGS, guards=[signed_in], responses=refusals(404))
async def get_import(ctx: Ctx, api: Caller, username: str, import_id: str) -> UploadOut:
    """One upload's status (``waiting``, ``importing``, ``imported``, ``failed``) and, once ended, its report."""
    identity = await mine(ctx, api, username)
    return upload_out(identity, await uploads.upload_of(ctx, identity, import_id))


@get(f"{BASE}/calendar-subscriptions", tags=TAGS, guards=[signed_in], responses=refusals(404))
async def list_subscriptions(ctx: Ctx, api: Caller, username: str) -> list[SubscriptionOut]:
    """The calendars this identity subscribes to, with the outcome of each one's last fetch."""
    identity = await mine(ctx, api, username)
    return [subscription_out(s) for s in await subscriptions.subscriptions_of(ctx, identity)]


@post(f"{BASE}/calendar-subscriptions", status_code=201, tags=TAGS, guards=[signed_in],
      responses=refusals(404, 409, 422))
async def add_subscription(ctx: Ctx, api: Caller, username: str, data: SubscriptionIn) -> SubscriptionOut:
    """Subscribe to a calendar URL: it is fetched within minutes, then every ``import_refresh_minutes``.
    A private address (or a name leading to one) is refused; 409 when already subscribed or at the limit."""
    identity = await mine(ctx, api, username)
    return subscription_out(await subscriptions.subscribe(ctx, identity, data.url, data.publish))


@post(f"{BASE}/calendar-subscriptions/{{subscription_id:str}}/refresh", status_code=202, tags=TAGS,
      guards=[signed_in], responses=refusals(404, 409))
async def refresh_subscription(ctx: Ctx, api: Caller, username: str, subscription_id: str) -> SubscriptionOut:
    """Queue a fetch and import of the calendar now (202, ``refreshing`` true); its outcome (errors
    included) shows in the subscription once it ends. 409 while a fetch is already queued or under way."""
    identity = await mine(ctx, api, username)
    subscription = await subscriptions.subscription_of(ctx, identity, subscription_id)
    await subscriptions.queue_refresh(ctx, subscription)
    return subscription_out(subscription)


@delete(f"{BASE}/calendar-subscriptions/{{subscription_id:str}}", status_code=HTTP_204_NO_CONTENT, tags=TAGS,
        guards=[signed_in], responses=refusals(404))
async def remove_subscription(ctx: Ctx, api: Caller, username: str, subscription_id: str) -> None:
    """Stop fetching this calendar; the events it made stay."""
    identity = await mine(ctx, api, username)
    await subscriptions.unsubscribe(ctx, await subscriptions.subscription_of(ctx, identity, subscription_id))


def import_api_handlers() -> list[Any]:
    return [import_file, list_imports, get_import, list_subscriptions, add_subscription, refresh_subscription,
            remove_subscription]
