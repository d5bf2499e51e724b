"""What an import tells the importer went wrong, with the line of the calendar it came from.

Two kinds: ``CalendarRefused`` stops a whole calendar before anything is written (too
large, too many events, nested too deep, a line too long, not a calendar at all);
a ``Problem`` is one VEVENT that could not become an event, reported while the rest
of the calendar still imports. Messages are ``core.i18n.Message``s, so pages show
them in the reader's language and JSON keeps them (``stored``) to show later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.i18n import stored_messages


@dataclass(frozen=True)
class Problem:
    """One VEVENT (or one occurrence of it) that was not imported, and why; ``line`` is 1-based."""

    line: int | None
    message: str
    property: str = ""  # the property the core refused (SUMMARY for a title too long), when known

    def stored(self) -> dict[str, Any]:
        return {"line": self.line, "property": self.property, "message": stored_messages([self.message])[0]}

    def text(self) -> str:
        """The English line of a report (the API, the command line)."""
        where = ", ".join(part for part in (f"line {self.line}" if self.line else "", self.property) if part)
        return f"{where}: {self.message}" if where else str(self.message)


class CalendarRefused(Exception):
    """The whole calendar is refused before any of it is imported."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def problem(self) -> Problem:
        return Problem(self.line, self.message)

