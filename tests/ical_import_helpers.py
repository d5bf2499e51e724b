"""Calendars as other software writes them, and uploading them, for the import tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from core.app import create_app
from core.events.models import Event
from core.settings import DEFAULT_PLUGINS
from helpers import make_settings, wait_for
from testkit import rows

FIXTURES = Path(__file__).parent / "fixtures" / "ical"


def calendar(*vevents: str, head: str = "") -> bytes:
    """A VCALENDAR around these VEVENT texts (CRLF line ends, as RFC 5545 writes)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Hand written//EN", *head.splitlines(),
             *"\n".join(vevents).splitlines(), "END:VCALENDAR"]
    return ("\r\n".join(line for line in lines if line) + "\r\n").encode()


def vevent(uid: str, summary: str = "Upstream meetup", days: int = 20, **props: str) -> str:
    """A VEVENT ``days`` ahead, 18:00-20:00 Europe/Paris, with more properties (``DESCRIPTION="..."``)."""
    day = (date.today() + timedelta(days=days)).strftime("%Y%m%d")
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{day}T000000Z", f"SUMMARY:{summary}",
             f"DTSTART;TZID=Europe/Paris:{day}T180000", f"DTEND;TZID=Europe/Paris:{day}T200000"]
    lines += [f"{name.replace('_', '-')}:{value}" for name, value in props.items()]
    return "\n".join([*lines, "END:VEVENT"])


def upload(client: TestClient, headers: dict[str, str], username: str, data: bytes,
           publish: bool = False) -> Any:
    """The upload's answer: 202 once queued (its import runs in the background), else the refusal."""
    return client.post(f"/api/v1/identities/{username}/imports", params={"publish": str(publish).lower()},
                       files={"data": ("calendar.ics", data, "text/calendar")}, headers=headers)


def finished(client: TestClient, headers: dict[str, str], status_url: str) -> dict[str, Any]:
    """The import at ``status_url`` once the embedded worker has ended it (imported or failed)."""
    def ended() -> dict[str, Any] | None:
        found = client.get(status_url, headers=headers).json()
        return found if found["status"] in ("imported", "failed") else None

    return wait_for(ended, timeout=60)


def imported(client: TestClient, headers: dict[str, str], username: str, data: bytes,
             publish: bool = False) -> dict[str, Any]:
    """Upload, wait for the background import, and return its report."""
    r = upload(client, headers, username, data, publish)
    assert r.status_code == 202, r.text
    done = finished(client, headers, r.json()["status_url"])
    assert done["status"] == "imported", done
    return done["report"]


def stored_events(client: TestClient) -> list[Event]:
    """Every event of the instance, drafts and cancelled ones included, soonest first."""
    return sorted(rows(client, Event), key=lambda event: (event.begins_at, event.id))


@contextmanager
def ical_instance(data_dir: Path, **ical: Any) -> Iterator[TestClient]:
    """An instance with the default plugins and these ``[plugins.ical]`` settings."""
    settings = make_settings(data_dir, plugins={"enabled": list(DEFAULT_PLUGINS), "ical": ical})
    with TestClient(create_app(settings), base_url="http://testserver.local") as client:
        yield client
