"""Importing a calendar into one identity's events, through the core's service.

Events are made and changed with ``create_event``/``update_event``/``publish_event``/
``cancel_event``, so every policy, hook and federation applies as for an event typed
in. Each upstream event (or occurrence) is applied in a savepoint: when the core
refuses one (a title too long, a policy), that one is reported with its line and
undone, and the rest goes on. What each import made is remembered per identity and
source (import_models.py), so importing again updates instead of duplicating, and a
future event that left the calendar is cancelled here (a draft, never shown, is
deleted). Nothing is cancelled when the import could not see the whole calendar
(the occurrence cap was reached), nor the events of a VEVENT that could not be read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import msgspec
from sqlalchemy import select

from core.context import Ctx
from core.db.base import utcnow
from core.errors import DomainError, InvalidInput
from core.events import service
from core.events.models import Event
from core.events.validation import EventInput, validation_error_to_field
from core.i18n import N_, Message
from core.identities.models import Identity
from plugins.ical.config import IcalConfig
from plugins.ical.ics_reading import read_calendar
from plugins.ical.import_models import ImportedEvent, import_key
from plugins.ical.parse_errors import Problem
from plugins.ical.recurrences import Occurrence, as_utc, expand, moment
from plugins.ical.upstream import default_zone, event_fields, is_cancelled

PLUGIN_NAME = "ical"
REMOVED_UPSTREAM = N_("This event was removed from the calendar it was imported from.")
CANCELLED_UPSTREAM = N_("This event was cancelled in the calendar it was imported from.")
# the event's field a refusal names, and the property of the VEVENT it was read from
PROPERTY_OF = {"title": "SUMMARY", "description": "DESCRIPTION", "begins_at": "DTSTART", "timezone": "DTSTART",
               "ends_at": "DTEND", "tags": "CATEGORIES", "online_url": "LOCATION", "address": "LOCATION",
               "address.name": "LOCATION", "address.longitude": "GEO", "address.latitude": "GEO"}
LOAD_BATCH = 500  # ids in one IN (...) list: SQLite takes a few thousand parameters at most
Progress = Callable[[int, int], None]
"""``(done, total)``: called after each occurrence (the command line's progress bar)."""


@dataclass
class ImportReport:
    """What an import did: counts, and every VEVENT it could not import, with its line."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    skipped: int = 0  # ended already, cancelled upstream before we ever had it, or deleted here
    cut: bool = False  # more occurrences than import_max_events: the rest was left out
    problems: list[Problem] = field(default_factory=list)

    @property
    def read_anything(self) -> bool:
        return bool(self.created or self.updated or self.unchanged or self.cancelled or self.skipped)

    def summary(self) -> dict[str, Any]:
        """What a subscription keeps of its last import (JSON)."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "cancelled": self.cancelled, "skipped": self.skipped, "cut": self.cut,
                "errors": [p.stored() for p in self.problems]}


def _digest(fields: dict[str, Any]) -> str:
    return hashlib.sha256(msgspec.json.encode(fields)).hexdigest()


def _input(fields: dict[str, Any]) -> EventInput:
    try:
        return msgspec.convert(fields, EventInput)
    except msgspec.ValidationError as exc:
        raise validation_error_to_field(exc) from None


def _problems(occurrence: Occurrence, exc: DomainError) -> list[Problem]:
    """The core's refusal of one occurrence, at the line of the property it names."""
    errors = exc.errors if isinstance(exc, InvalidInput) else {"": exc.message}
    problems = []
    for name, message in errors.items():
        prop = PROPERTY_OF.get(name, "")
        line = occurrence.block.line_of(prop) if prop else occurrence.block.line
        problems.append(Problem(line, message, prop))
    return problems


class _Importer:
    def __init__(self, ctx: Ctx, identity: Identity, source: str, publish: bool, zone: str) -> None:
        self.ctx, self.identity, self.source, self.publish, self.zone = ctx, identity, source, publish, zone
        self.report = ImportReport()
        self.seen: set[str] = set()
        self.rows: dict[str, ImportedEvent] = {}
        self.events: dict[int, Event] = {}

    async def load(self) -> None:
        """What earlier imports of this source made, and their events (read once, not per VEVENT)."""
        query = select(ImportedEvent).where(ImportedEvent.identity_id == self.identity.id,
                                            ImportedEvent.source == self.source)
        self.rows = {row.key: row for row in await self.ctx.session.scalars(query)}
        ids = [row.event_id for row in self.rows.values() if row.event_id is not None]
        for start in range(0, len(ids), LOAD_BATCH):
            found = await self.ctx.session.scalars(select(Event).where(Event.id.in_(ids[start:start + LOAD_BATCH])))
            self.events.update((event.id, event) for event in found)

    async def apply(self, occurrence: Occurrence) -> None:
        key = import_key(self.source, occurrence.uid, occurrence.recurrence_id)
        if key in self.seen:
            return
        self.seen.add(key)
        row = self.rows.get(key)
        event = self.events.get(row.event_id) if row is not None and row.event_id is not None else None
        if row is not None and event is None:  # deleted here: not brought back
            self.report.skipped += 1
            return
        try:
            fields = None if is_cancelled(occurrence.component) else event_fields(occurrence.component, self.zone)
            if row is not None and event is not None and fields is not None and row.digest == _digest(fields) \
                    and not event.is_cancelled and not (self.publish and event.draft):
                self.report.unchanged += 1  # the common case of a refresh: nothing to write
                return
            async with self.ctx.session.begin_nested():
                await self._apply(key, occurrence, row, event, fields)
        except DomainError as exc:
            self.report.problems.extend(_problems(occurrence, exc))

    async def _apply(self, key: str, occurrence: Occurrence, row: ImportedEvent | None, event: Event | None,
                     fields: dict[str, Any] | None) -> None:
        if fields is None:  # STATUS:CANCELLED upstream
            if event is None:
                self.report.skipped += 1
            else:
                await self._cancel(event, CANCELLED_UPSTREAM)
            return
        data, digest = _input(fields), _digest(fields)
        begins = as_utc(moment(occurrence.component, "DTSTART"))
        if event is None:
            event = await service.create_event(self.ctx, self.identity, data, publish=self.publish)
            self.ctx.session.add(ImportedEvent(
                identity_id=self.identity.id, key=key, source=self.source, uid=occurrence.uid,
                recurrence_id=occurrence.recurrence_id, event_id=event.id, digest=digest, begins_at=begins))
            self.report.created += 1
            return
        assert row is not None
        if event.is_cancelled:  # cancelled here: an import does not reopen it
            self.report.skipped += 1
            return
        if row.digest != digest:
            await service.update_event(self.ctx, event, data)
            row.digest, row.begins_at, row.updated_at = digest, begins, utcnow()
        if self.publish and event.draft:
            await service.publish_event(self.ctx, event)
        self.report.updated += 1

    async def _cancel(self, event: Event, message: str) -> None:
        if event.draft:
            await service.delete_event(self.ctx, event)
        elif not event.is_cancelled:
            await service.cancel_event(self.ctx, event, message)
        else:
            self.report.skipped += 1
            return
        self.report.cancelled += 1

    async def cancel_removed(self, broken_uids: set[str], until: Any) -> None:
        """Cancel the future events whose VEVENT left the calendar (within the horizon it was read to)."""
        now = utcnow()
        for key, row in self.rows.items():
            if key in self.seen or row.uid in broken_uids or not now < row.begins_at <= until:
                continue
            event = self.events.get(row.event_id) if row.event_id is not None else None
            try:
                async with self.ctx.session.begin_nested():
                    if event is not None:
                        await self._cancel(event, REMOVED_UPSTREAM)
                    await self.ctx.session.delete(row)
            except DomainError as exc:
                self.report.problems.append(Problem(None, exc.message))


async def import_calendar(ctx: Ctx, identity: Identity, data: bytes, source: str, publish: bool,
                          progress: Progress | None = None) -> ImportReport:
    """Import ``data`` (an .ics file's bytes) as ``identity``'s events. A calendar refused as a whole
    raises ``CalendarRefused`` before anything is written."""
    config: IcalConfig = ctx.config(PLUGIN_NAME)
    calendar = read_calendar(data, config.import_max_bytes, config.import_max_events)
    now = utcnow()
    horizon = timedelta(days=config.import_horizon_days)
    expansion = expand(calendar, now, horizon, config.import_max_events)
    importer = _Importer(ctx, identity, source, publish, default_zone(calendar.properties))
    importer.report.problems.extend(expansion.problems)
    importer.report.skipped += expansion.past
    await importer.load()
    total = len(expansion.occurrences)
    for number, occurrence in enumerate(expansion.occurrences, start=1):
        await importer.apply(occurrence)
        if progress is not None:
            progress(number, total)
    if expansion.cut:
        importer.report.cut = True
        importer.report.problems.append(Problem(None, Message(
            "the calendar has more than %(limit)s events from now on: the rest was left out, and nothing "
            "was cancelled", limit=config.import_max_events)))
    else:
        await importer.cancel_removed(expansion.broken_uids, now + horizon)
    return importer.report
