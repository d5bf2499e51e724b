"""The event input shared by the JSON API and the HTML forms, and its checks.

Field limits live in the struct (msgspec names the field in its error); rules that
involve several fields (end after start, an online link or an address) live in
``clean_event_input``. A naive date-time is read in the event's own timezone, which
is what a person filling a form means.

Every date-time a person gives (an event's start and end, a listing's filters) has its
year checked here, in ``check_moment`` and ``check_year``: 9999-12-31T23:59 in
Pacific/Pago_Pago is in year 10000 once in UTC, and 0001-01-01T00:00 in Asia/Tokyo
before year 1, which Python's datetime cannot hold (and PostgreSQL, beyond, would
not either). A sane range of years is refused cleanly instead, before any conversion.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

import msgspec
from msgspec import UNSET, Meta, UnsetType

from core.api.rules import rule
from core.errors import InvalidInput, field_of_message
from core.events.models import CATEGORIES, JOIN_MODES, VISIBILITIES, EditableStatus, Event
from core.i18n import Message
from core.sanitize import plain_text, rich_text
from core.web_addresses import BadAddress, web_address

Short = Annotated[str, Meta(max_length=200)]
URL_MAX = 500  # the columns' length
Url = Annotated[str, Meta(max_length=URL_MAX)]
TAG_MAX, TAGS_MAX = 40, 10
TagName = Annotated[str, Meta(min_length=1, max_length=TAG_MAX)]
EXTRA_NAME_MAX, EXTRAS_MAX = 50, 20
DESCRIPTION_MAX = 20_000
# years accepted in any date-time given to the instance; a day either side still converts to UTC safely
FIRST_YEAR, LAST_YEAR = 1900, 2200
TIMEZONE_MAX = 64
TAG_RE = re.compile(r"[^\w-]+", re.UNICODE)


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    """The IANA names this instance knows: what ``check_timezone`` accepts and the OpenAPI document lists."""
    return frozenset(available_timezones())


class AddressInput(msgspec.Struct, forbid_unknown_fields=True):
    name: Short = ""
    street: Short = ""
    postal_code: Annotated[str, Meta(max_length=20)] = ""
    locality: Annotated[str, Meta(max_length=100)] = ""
    region: Annotated[str, Meta(max_length=100)] = ""
    country: Annotated[str, Meta(max_length=100)] = ""
    latitude: Annotated[float, Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Meta(ge=-180, le=180)] | None = None


class EventInput(msgspec.Struct, forbid_unknown_fields=True):
    """Fields of an event; on update, fields left out keep their value."""

    title: Annotated[str, Meta(min_length=1, max_length=200)] | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=DESCRIPTION_MAX)] | UnsetType = UNSET
    begins_at: datetime | UnsetType = UNSET
    ends_at: datetime | None | UnsetType = UNSET
    timezone: Annotated[str, Meta(max_length=TIMEZONE_MAX), rule(enum=sorted(timezone_names()))] | UnsetType = UNSET
    address: AddressInput | None | UnsetType = UNSET
    online_url: Url | UnsetType = UNSET
    category: Annotated[str, rule(enum=list(CATEGORIES))] | UnsetType = UNSET
    status: EditableStatus | UnsetType = UNSET
    visibility: Annotated[str, rule(enum=list(VISIBILITIES))] | UnsetType = UNSET
    join_mode: Annotated[str, rule(enum=list(JOIN_MODES))] | UnsetType = UNSET
    external_participation_url: Url | UnsetType = UNSET
    max_participants: Annotated[int, Meta(ge=1, le=1_000_000)] | None | UnsetType = UNSET
    comments_enabled: bool | UnsetType = UNSET
    # (Litestar's schema leaves out what an item's or a key's own annotation says: rule() writes it)
    tags: Annotated[list[TagName], Meta(max_length=TAGS_MAX),
                    rule(items={"type": "string", "minLength": 1, "maxLength": TAG_MAX})] | UnsetType = UNSET
    # fields plugins add (core.events.extensions), each checked against the type its plugin declares
    extra: Annotated[dict[Annotated[str, Meta(max_length=EXTRA_NAME_MAX)], Any], Meta(max_length=EXTRAS_MAX),
                     rule(max_properties=EXTRAS_MAX, property_names={"maxLength": EXTRA_NAME_MAX})] | UnsetType = UNSET


def check_timezone(name: str, field: str = "timezone") -> str:
    if name not in timezone_names():
        raise InvalidInput.field(field, Message("unknown timezone %(name)s (use an IANA name such as Europe/Paris)",
                                                  name=repr(name[:64])))
    return name


def check_url(url: str, field: str) -> str:
    """The address normalised (``core.web_addresses``), as long as the column takes at most."""
    try:
        return web_address(url, URL_MAX)
    except BadAddress as exc:
        raise InvalidInput.field(field, exc.reason) from None


def check_year(year: int, field: str) -> None:
    """Refuse a year outside ``FIRST_YEAR``..``LAST_YEAR`` (an ``InvalidInput`` naming ``field``)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput.field(field, Message("choose a year between %(first)s and %(last)s",
                                                first=FIRST_YEAR, last=LAST_YEAR))


def check_moment(value: datetime, zone: str, field: str) -> datetime:
    """UTC for storage or comparison; a naive value is a wall-clock time in ``zone``.

    The year is checked before converting, so the conversion cannot overflow.
    """
    check_year(value.year, field)
    local = value.replace(tzinfo=ZoneInfo(zone)) if value.tzinfo is None else value
    return local.astimezone(UTC)


def tag_slug(name: str) -> str:
    return TAG_RE.sub("-", plain_text(name).lower()).strip("-")[:40]


def clean_event_input(data: EventInput, event: Event | None) -> dict[str, Any]:
    """Validated column values to set (only the fields given, plus derived ones).

    ``event`` is None on creation, when title and start are required.
    """
    given = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not UNSET}
    if event is None:
        for required in ("title", "begins_at"):
            if required not in given:
                raise InvalidInput.field(required, "this field is required")
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    zone = given.get("timezone", event.timezone if event else "UTC")
    try:
        values["timezone"] = check_timezone(zone)
    except InvalidInput as exc:
        errors.update(exc.errors)
        zone = "UTC"
    if "title" in given:
        values["title"] = plain_text(given["title"])
        if not values["title"]:
            errors["title"] = "this field is required"
    if "description" in given:
        values["description"] = rich_text(given["description"])
    for key in ("begins_at", "ends_at"):
        if given.get(key) is not None:
            try:
                values[key] = check_moment(given[key], zone, key)
            except InvalidInput as exc:
                errors.update(exc.errors)
        elif key in given:
            values[key] = None
    begins = values.get("begins_at", event.begins_at if event else None)
    ends = values.get("ends_at", event.ends_at if event else None)
    if begins and ends and ends <= begins:
        errors["ends_at"] = "the end must be after the start"
    if "address" in given:
        address = given["address"] or AddressInput()
        for key in ("name", "street", "postal_code", "locality", "region", "country"):
            values[f"address_{key}"] = plain_text(getattr(address, key))
        values["latitude"], values["longitude"] = address.latitude, address.longitude
        if (address.latitude is None) != (address.longitude is None):
            errors["address.longitude"] = "give both latitude and longitude, or neither"
    for key in ("online_url", "external_participation_url"):
        if key in given:
            try:
                values[key] = check_url(given[key], key)
            except InvalidInput as exc:
                errors.update(exc.errors)
    choices = {"category": CATEGORIES, "visibility": VISIBILITIES, "join_mode": JOIN_MODES}
    for key, allowed in choices.items():
        if key in given:
            if given[key] not in allowed:
                errors[key] = f"must be one of: {', '.join(allowed)}"
            values[key] = given[key]
    for key in ("status", "max_participants", "comments_enabled"):
        if key in given:
            values[key] = given[key]
    join_mode = values.get("join_mode", event.join_mode if event else "free")
    external = values.get("external_participation_url", event.external_participation_url if event else "")
    if join_mode == "external" and not external:
        errors.setdefault("external_participation_url", "required when people join on another site")
    if "tags" in given:
        slugs = []
        for name in given["tags"]:
            slug = tag_slug(name)
            if slug and slug not in slugs:
                slugs.append(slug)
        values["tags"] = slugs
    if errors:
        raise InvalidInput(errors)
    return values


def validation_error_to_field(exc: msgspec.ValidationError) -> InvalidInput:
    """Turn msgspec's ``... - at `$.field` `` message into a field error."""
    return InvalidInput.field(*field_of_message(str(exc)))
