"""The event form, both ways: its fields read into the services' ``EventInput``, and an
event written back into fields to edit.

Every field is checked on its own first, so one submission names all the fields
that are wrong (msgspec alone stops at the first); the services then check the rules
that involve several fields. ``datetime-local`` fields have no timezone: they are read
in the timezone chosen in the same form, as the person filling it means them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from core.errors import InvalidInput
from core.events.models import Event
from core.events.validation import EventInput, validation_error_to_field
from core.web.forms import checked, text

TEXT_FIELDS = ("title", "description", "timezone", "online_url", "category", "status", "visibility", "join_mode",
               "external_participation_url")
ADDRESS_TEXT = ("name", "street", "postal_code", "locality", "region", "country")
ADDRESS_NUMBERS = ("latitude", "longitude")
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"
EXTRA_PREFIX = "extra."  # the fields plugins add (core.events.extensions), named extra.<name> in the form


def _moment(data: dict[str, Any], name: str, errors: dict[str, str]) -> datetime | None:
    value = text(data, name).strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        errors[name] = "enter a date and a time"
        return None


def _raw(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The form as the plain values EventInput is converted from (numbers still as text)."""
    raw: dict[str, Any] = {name: text(data, name) for name in TEXT_FIELDS if name in data}
    if not raw.get("title", "").strip():
        errors["title"] = "this field is required"
    address: dict[str, Any] = {key: text(data, f"address.{key}") for key in ADDRESS_TEXT}
    address |= {key: text(data, f"address.{key}") for key in ADDRESS_NUMBERS if text(data, f"address.{key}").strip()}
    raw["address"] = address
    raw["begins_at"] = _moment(data, "begins_at", errors)
    if raw["begins_at"] is None:
        errors.setdefault("begins_at", "this field is required")
    raw["ends_at"] = _moment(data, "ends_at", errors)
    raw["max_participants"] = text(data, "max_participants").strip() or None
    raw["comments_enabled"] = checked(data, "comments_enabled")
    raw["tags"] = [tag.strip() for tag in text(data, "tags").split(",") if tag.strip()]
    # an emptied field clears the plugin's value
    extra = {name.removeprefix(EXTRA_PREFIX): text(data, name) or None for name in data if name.startswith(EXTRA_PREFIX)}
    if extra:
        raw["extra"] = extra
    return raw


def _field_errors(raw: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, value in raw.items():
        try:
            msgspec.convert({name: value}, EventInput, strict=False)
        except msgspec.ValidationError as exc:
            errors.update(validation_error_to_field(exc).errors)
    return errors


def event_input(data: dict[str, Any]) -> EventInput:
    """Read the submitted form; raises InvalidInput naming every field that is wrong on its own."""
    errors: dict[str, str] = {}
    raw = _raw(data, errors)
    errors = _field_errors({k: v for k, v in raw.items() if k not in errors}) | errors
    if errors:
        raise InvalidInput(errors)
    return msgspec.convert(raw, EventInput, strict=False)


def _local_input(value: datetime | None, zone: str) -> str:
    return value.astimezone(ZoneInfo(zone)).strftime(LOCAL_INPUT_FORMAT) if value else ""


def new_event_values(identity: str, timezone: str) -> dict[str, str]:
    """A blank event form: as the current identity, in the person's timezone."""
    return {"identity": identity, "timezone": timezone, "category": "MEETING", "status": "confirmed",
            "visibility": "public", "join_mode": "free", "comments_enabled": "on"}


def event_values(event: Event, extra: dict[str, Any]) -> dict[str, str]:
    """An event written into the form's fields, times in its own timezone, with its plugins' ``extra`` values."""
    values = {name: getattr(event, name) for name in TEXT_FIELDS}
    values |= {f"address.{key}": getattr(event, f"address_{key}") for key in ADDRESS_TEXT}
    values |= {f"address.{key}": "" if getattr(event, key) is None else str(getattr(event, key))
               for key in ADDRESS_NUMBERS}
    values["begins_at"] = _local_input(event.begins_at, event.timezone)
    values["ends_at"] = _local_input(event.ends_at, event.timezone)
    values["max_participants"] = "" if event.max_participants is None else str(event.max_participants)
    values["tags"] = ", ".join(tag.title for tag in event.tags)
    if event.comments_enabled:
        values["comments_enabled"] = "on"
    values |= {f"{EXTRA_PREFIX}{name}": "" if value is None else str(value) for name, value in extra.items()}
    return values
