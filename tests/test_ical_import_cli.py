"""``convene import ics FILE --identity NAME [--publish]`` through click's runner, on the test database."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from core.cli import main
from core.settings import DEFAULT_PLUGINS
from helpers import PG_URL, SECRET, sign_up
from ical_import_helpers import calendar, stored_events, vevent


def convene_import(data_dir: Path, file: Path, *options: str) -> Result:
    config = data_dir / "convene.toml"
    database = f"database_url = {json.dumps(PG_URL)}\n" if PG_URL else ""
    config.write_text(f'secret_key = "{SECRET}"\npublic_url = "http://testserver.local"\n'
                      f"data_dir = {json.dumps(str(data_dir))}\n{database}"
                      f"[plugins]\nenabled = {json.dumps(list(DEFAULT_PLUGINS))}\n")
    # the plugins' commands are looked up in the config the environment names
    return CliRunner().invoke(main, ["--config", str(config), "import", "ics", str(file), *options],
                              env={"CONVENE_CONFIG": str(config)})


def test_the_command_imports_drafts_with_a_summary_and_errors_with_their_lines(client, data_dir) -> None:
    sign_up(client, "alice@example.org", "alice")
    file = data_dir / "club.ics"
    data = calendar(vevent("a@up", "Chess"), vevent("b@up", "Go", days=25),
                    "BEGIN:VEVENT\nUID:c@up\nSUMMARY:No start\nEND:VEVENT")
    file.write_bytes(data)
    broken = data.decode().split("\r\n").index("UID:c@up")  # the line of its BEGIN:VEVENT (1-based)
    result = convene_import(data_dir, file, "--identity", "alice")
    assert result.exit_code == 0, result.output
    assert "created 2, updated 0, unchanged 0, cancelled 0, skipped 0, errors 1" in result.output
    assert f"line {broken}: this VEVENT has no DTSTART" in result.output
    assert "Importing events" in result.output  # the progress bar
    assert [(e.title, e.draft) for e in stored_events(client)] == [("Chess", True), ("Go", True)]

    result = convene_import(data_dir, file, "--identity", "alice", "--publish")
    assert result.exit_code == 0, result.output
    assert "created 0, updated 2" in result.output
    assert [e.draft for e in stored_events(client)] == [False, False]


def test_nothing_read_is_a_failure_and_writes_nothing(client, data_dir) -> None:
    sign_up(client, "alice@example.org", "alice")
    file = data_dir / "page.ics"
    file.write_bytes(b"<!doctype html><title>Not found</title>")
    result = convene_import(data_dir, file, "--identity", "alice")
    assert result.exit_code == 1
    assert "line 1: this is not a calendar: it does not start with BEGIN:VCALENDAR" in result.output
    result = convene_import(data_dir, file, "--identity", "nobody")
    assert result.exit_code == 1 and "no local identity named 'nobody'" in result.output
    assert stored_events(client) == []
