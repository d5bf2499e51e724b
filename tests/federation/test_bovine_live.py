"""bovine-herd (third-party, PyPI) follows a Convene identity and receives its events.

bovine refuses unsigned GETs of its actors, so Convene verifying the Follow's
signature (which needs bovine's actor and key) proves our signed fetch as well.
Runs when ``CONVENE_BOVINE_PEER`` names a virtualenv with ``bovine-herd``,
``bovine-tool`` and ``hypercorn`` installed (scripts/test.sh makes one).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers import future, wait_for
from live_fixtures import live_instance, member
from liveserver import free_port

PEER = Path(os.environ.get("CONVENE_BOVINE_PEER", "/nonexistent"))
PEER_FILES = Path(__file__).resolve().parents[1] / "peers" / "bovine"
pytestmark = pytest.mark.skipif("CONVENE_BOVINE_PEER" not in os.environ, reason="CONVENE_BOVINE_PEER is not set")


@dataclass
class Bovine:
    origin: str
    actor: str
    environment: dict[str, str]

    def control(self, *arguments: str) -> str:
        """Act as the bovine actor through bovine's own client (tests/peers/bovine/control.py)."""
        done = subprocess.run([str(PEER / "bin" / "python"), str(PEER_FILES / "control.py"), *arguments],
                              env=self.environment, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def inbox(self) -> list[dict[str, Any]]:
        return [item for item in json.loads(self.control("inbox")) if isinstance(item, dict)]


def _tool(environment: dict[str, str], cwd: Path, *arguments: str) -> str:
    done = subprocess.run([str(PEER / "bin" / "python"), "-m", *arguments], env=environment, cwd=cwd,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def bovine(tmp_path: Path) -> Iterator[Bovine]:
    """A bovine-herd server on a loopback port with one actor, ``alice``."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "BOVINE_DB_URL": f"sqlite://{tmp_path}/bovine.sqlite3"}
    shutil.copy(PEER_FILES / "app.py", tmp_path)
    command = [str(PEER / "bin" / "python"), "-m", "hypercorn", "--bind", f"127.0.0.1:{port}", "app:app"]
    server = subprocess.Popen(command, cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert server.poll() is None and time.monotonic() < deadline, "bovine did not start"
            time.sleep(0.1)
        registered = _tool(environment, tmp_path, "bovine_tool.register", "alice", "--domain", origin)
        name = registered.split("Bovine name:")[1].strip()
        secret = _tool(environment, tmp_path, "bovine_tool.manage", name, "--new_did_key").split("Your new secret:")[1]
        links = httpx.get(f"{origin}/.well-known/webfinger", params={"resource": f"acct:alice@127.0.0.1:{port}"})
        actor = next(link["href"] for link in links.json()["links"] if link["rel"] == "self")
        yield Bovine(origin, actor, {**environment, "BOVINE_DOMAIN": origin, "BOVINE_ACTOR": actor,
                                     "BOVINE_SECRET": secret.strip()})
    finally:
        server.terminate()
        server.wait(timeout=10)


def of_type(activities: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [a for a in activities if a.get("type") == kind]


def test_bovine_follows_a_convene_identity_and_receives_its_events(bovine: Bovine, data_dir: Path) -> None:
    assert httpx.get(bovine.actor, headers={"Accept": "application/activity+json"}).status_code == 401, \
        "bovine must refuse unsigned fetches for this test to prove our signed ones"
    with live_instance(data_dir) as app:
        url = app.state.settings.public_url
        alice = member(app, "alice@example.org", "alice")
        bovine.control("follow", f"{url}/@alice")
        wait_for(lambda: httpx.get(f"{url}/@alice/followers").json()["totalItems"] == 1, timeout=20)
        wait_for(lambda: of_type(bovine.inbox(), "Accept"), timeout=20)
        event = {"title": "Picnic", "begins_at": future(hour=12), "timezone": "Europe/Paris", "publish": True}
        assert httpx.post(f"{url}/api/v1/events", json=event, headers=alice).status_code == 201
        creates = wait_for(lambda: of_type(bovine.inbox(), "Create"), timeout=20)
    actor, event = creates[0]["actor"], creates[0]["object"]
    assert (actor["id"] if isinstance(actor, dict) else actor) == f"{url}/@alice", "bovine resolves the actor"
    assert event["type"] == "Event" and event["name"] == "Picnic"
