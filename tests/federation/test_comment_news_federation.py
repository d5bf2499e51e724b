"""A reply that comes through federation (a Mastodon answer to our event) is news for the organiser
like a local comment: it goes through the same comments service, and the mail names its remote author."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from core.app import create_app
from email_fixtures import email_plugins
from helpers import loopback_plugins, make_settings, new_event, sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor
from smtp_fixtures import Recorder, parts, smtp_server
from test_comments_federation import note, processed
from test_remote_events import activity


@pytest.fixture
def mailing(data_dir: Any) -> Iterator[tuple[TestClient, Recorder]]:
    with smtp_server() as (controller, server):
        settings = make_settings(data_dir, plugins=loopback_plugins(email_plugins(controller.port)))
        with TestClient(create_app(settings), base_url=PUBLIC_URL) as client:
            yield client, server


def test_a_remote_reply_to_our_event_mails_its_organiser(mailing: tuple[TestClient, Recorder],
                                                       mallory: RemoteActor) -> None:
    client, server = mailing
    event = new_event(client, sign_up(client, "alice@example.org", "alice"), title="Book club")
    create = activity(mallory, "Create", note(mallory, 1, event["url"], "<p>Count me <b>in</b>!</p>"))
    assert processed(client, mallory, create).startswith("stored comment")
    [mail] = wait_for(lambda: [m for m in server.messages if m["Subject"] == "New comment on Book club"])
    assert mail["To"] == "alice@example.org"
    text = parts(mail)["text/plain"]
    assert f"Mallory (@mallory@{mallory.host}) commented on your event Book club:" in text
    assert "Count me in!" in text
