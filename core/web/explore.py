"""The explore filters of the home page, read from its GET form.

The form is a plain GET form, so a filtered list is a link people can share and the
pages keep working without JavaScript. Each filter is checked on its own: a wrong one
is named next to its field and left out, the others still apply. Dates are whole days
in the viewer's timezone (their account's, UTC for visitors): "from the 3rd to the 5th"
includes every event starting on the 5th.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from core.errors import InvalidInput
from core.events.listing import EventFilter
from core.events.models import CATEGORIES
from core.events.validation import check_year, tag_slug
from core.i18n import N_

ATTENDANCE = {"": None, "online": True, "in_person": False}
FILTER_NAMES = ("q", "from", "to", "category", "tag", "attendance")


@dataclass
class ExploreFilters:
    """What the explore form holds: the typed values, the filter they make, and what was wrong."""

    values: dict[str, str]
    timezone: str = "UTC"
    errors: dict[str, str] = field(default_factory=dict)

    def _day(self, name: str) -> date | None:
        value = self.values.get(name, "").strip()
        if not value:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.errors[name] = N_("enter a date as YYYY-MM-DD")
            return None
        try:
            check_year(day.year, name)
        except InvalidInput as exc:
            self.errors.update(exc.errors)
            return None
        return day

    def _start_of(self, day: date | None) -> datetime | None:
        return datetime.combine(day, time(), ZoneInfo(self.timezone)) if day else None

    def event_filter(self) -> EventFilter:
        """The service's filter from the valid values; wrong ones are noted in ``errors``."""
        first, last = self._day("from"), self._day("to")
        if first and last and last < first:
            self.errors["to"] = N_("the end must be on or after the start")
            last = None
        category = self.values.get("category", "")
        if category and category not in CATEGORIES:
            self.errors["category"] = N_("choose a category from the list")
            category = ""
        attendance = self.values.get("attendance", "")
        if attendance not in ATTENDANCE:
            self.errors["attendance"] = N_("choose online or in person")
            attendance = ""
        return EventFilter(
            text=self.values.get("q", "").strip(), tag=tag_slug(self.values.get("tag", "")), category=category,
            starts_after=self._start_of(first), starts_before=self._start_of(last + timedelta(days=1) if last else None),
            online=ATTENDANCE[attendance],
        )

    @property
    def active(self) -> bool:
        return any(self.values.get(name) for name in FILTER_NAMES)

    def page_link(self, path: str = "/") -> str:
        """The list's address with its filters, ending so that ``page=N`` can follow (pager links)."""
        kept = {name: self.values[name] for name in FILTER_NAMES if self.values.get(name)}
        return f"{path}?{urlencode(kept)}&" if kept else f"{path}?"
