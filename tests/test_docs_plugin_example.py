"""docs/plugins.md works as written: its files, built and installed like any third-party
plugin, run on an instance and do what the page says."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from core import plugins
from core.app import create_app
from core.settings import DEFAULT_PLUGINS
from helpers import future, make_settings, new_event, run_periodic_task, sign_up
from test_web_events import event_form
from webhelpers import log_in, submit

PAGE = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"
FILE_BLOCK = re.compile(r"^```\w+ file=(?P<path>\S+)\n(?P<text>.*?)^```$", re.M | re.S)
CONFIG = {"latest_hour": 22, "banned_words": ["raffle"]}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page's files written to an empty folder and installed with pip, as the page says."""
    folder = tmp_path_factory.mktemp("docs-example")
    for block in FILE_BLOCK.finditer(PAGE.read_text()):
        target = folder / block["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block["text"])
    site = folder / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(folder / "quiet_hours")], check=True, capture_output=True)
    return site


@pytest.fixture
def quiet_instance(installed: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(installed))

    def start(enabled: bool = True) -> TestClient:
        table = {"enabled": [*DEFAULT_PLUGINS, "quiet_hours"], "quiet_hours": CONFIG} if enabled else None
        settings = make_settings(data_dir, **({"plugins": table} if table else {}))
        return TestClient(create_app(settings), base_url="http://testserver.local")

    return start


def test_the_page_has_the_files_of_a_whole_plugin():
    paths = [block["path"] for block in FILE_BLOCK.finditer(PAGE.read_text())]
    assert paths == ["quiet_hours/pyproject.toml", "quiet_hours/quiet_hours/__init__.py",
                     "quiet_hours/quiet_hours/templates/quiet_hours/note.html",
                     "quiet_hours/quiet_hours/locale/fr/LC_MESSAGES/messages.po"]


def test_installed_it_is_found_through_its_entry_point(installed: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(installed))
    assert plugins.available_plugins()["quiet_hours"].version == "1.0.0"


def test_late_events_and_banned_words_are_refused_in_the_readers_language(quiet_instance):
    with quiet_instance() as client:
        alice = sign_up(client, "alice@example.org", "alice")
        late = client.post("/api/v1/events", headers=alice,
                           json={"title": "Night walk", "begins_at": future(hour=23), "timezone": "Europe/Paris"})
        assert late.status_code == 403 and late.json()["detail"] == "events here start before 22:00"
        raffle = client.post("/api/v1/events", headers=alice, json={"title": "Big raffle", "begins_at": future()})
        assert raffle.json()["detail"] == "this instance does not accept the word raffle"

        log_in(client, "alice@example.org")
        submit(client, "/settings", "/settings/preferences", {"locale": "fr", "timezone": "Europe/Paris"})
        refused = submit(client, "/events/new", "/events/new", event_form(title="Promenade", begins_at=future(hour=23)[:16]),
                         files={"banner": ("", b"")})
        assert refused.status_code == 403
        assert "ici, les événements commencent avant 22 h" in refused.text


def test_an_event_with_a_banned_word_from_before_is_hidden_everywhere(quiet_instance):
    with quiet_instance(enabled=False) as before:
        alice = sign_up(before, "alice@example.org", "alice")
        raffle = new_event(before, alice, title="Charity raffle")
        picnic = new_event(before, alice, title="Picnic")
    with quiet_instance() as client:
        listed = [e["title"] for e in client.get("/api/v1/events").json()["items"]]
        assert listed == ["Picnic"]
        assert client.get(f"/events/{raffle['uuid']}").status_code == 404
        assert client.get(f"/events/{picnic['uuid']}").status_code == 200
        assert "Charity raffle" not in client.get("/").text and "Picnic" in client.get("/").text


class Lines(logging.Handler):
    """What the plugin logs (attached to its logger once the instance configured logging)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logged() -> Iterator[Lines]:
    """Attached to the plugin's logger itself: the instance's logging set-up replaces the root's handlers."""
    lines = Lines()
    logging.getLogger("quiet_hours").addHandler(lines)
    yield lines
    logging.getLogger("quiet_hours").removeHandler(lines)


def test_the_sidebar_note_counts_and_timing_run(quiet_instance, logged: Lines):
    with quiet_instance() as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice, title="Picnic")
        assert "Events on this instance start before 22:00." in client.get(f"/events/{event['uuid']}").text
        french = client.get(f"/events/{event['uuid']}", headers={"Accept-Language": "fr"}).text
        assert "Sur cette instance, les événements commencent avant 22 h." in french
        new_event(client, alice, title="Book club")
        assert any(line.startswith("convene_can_save_event took") for line in logged.lines)
        run_periodic_task(client.app, "quiet_hours.count_events")
        assert logged.lines[-1] == "2 published events"
