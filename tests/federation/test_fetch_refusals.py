"""What a person or a server learns when a fetch we make for them fails: only that the address
cannot be fetched. Which names resolve, to which addresses, and which of those answer would map
the instance's own network; that detail goes to the operator's log instead."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from core.app import create_app
from helpers import field_errors, make_settings, sign_up
from peer_fixtures import PUBLIC_URL, RemoteActor, signed_post
from webhelpers import field_error, log_in, submit

CANNOT_FETCH = "this address cannot be fetched"
FRENCH = "impossible d’obtenir cette adresse"


class Recorded(logging.Handler):
    """The guarded client's log lines (Litestar replaces the root's handlers, so caplog may miss them)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def operator_log() -> Iterator[Recorded]:
    logger = logging.getLogger("core.guarded_http")
    handler = Recorded()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def deployed(data_dir) -> Iterator[TestClient]:  # noqa: ANN001
    """An instance as deployed: federation may not reach private, loopback or link-local addresses."""
    with TestClient(create_app(make_settings(data_dir)), base_url=PUBLIC_URL) as client:
        yield client


@pytest.mark.parametrize(("query", "detail"), [
    ("http://localhost:9/users/admin", "localhost leads to non-public address 127.0.0.1"),
    ("@admin@localhost", "localhost leads to non-public address 127.0.0.1"),
    ("https://nothing.invalid/users/admin", "cannot resolve nothing.invalid"),
])
def test_a_search_says_only_that_the_address_cannot_be_fetched(
    deployed: TestClient, operator_log: Recorded, query: str, detail: str
) -> None:
    sign_up(deployed, "alice@example.org", "alice")
    log_in(deployed, "alice@example.org")
    english = deployed.get("/search", params={"q": query})
    assert english.status_code == 422 and field_error(english.text, "search", "q") == CANNOT_FETCH
    submit(deployed, "/settings", "/settings/preferences", {"locale": "fr", "timezone": "Europe/Paris"})
    french = deployed.get("/search", params={"q": query})
    assert french.status_code == 422 and field_error(french.text, "search", "q") == FRENCH
    for page in (english.text, french.text):
        assert "127.0.0.1" not in page and "resolve" not in page and "non-public" not in page
    assert any(detail in line for line in operator_log.lines), operator_log.lines


def test_the_follow_api_says_only_that_the_address_cannot_be_fetched(
    deployed: TestClient, operator_log: Recorded
) -> None:
    alice = sign_up(deployed, "alice@example.org", "alice")
    r = deployed.post("/api/v1/identities/alice/follow", json={"target": "http://localhost:9/users/admin"},
                      headers=alice)
    assert r.status_code == 422 and field_errors(r) == {"target": CANNOT_FETCH}
    assert any("localhost leads to non-public address 127.0.0.1" in line for line in operator_log.lines)


def test_a_signed_post_whose_key_we_may_not_fetch_learns_nothing_of_our_network(
    deployed: TestClient, mallory: RemoteActor, operator_log: Recorded
) -> None:
    """mallory's keyId is on loopback, where this instance does not fetch."""
    body, headers = signed_post(mallory, "/inbox", mallory.follow(f"{PUBLIC_URL}/@alice"))
    r = deployed.post("/inbox", content=body, headers=headers)
    assert r.status_code == 401 and r.json() == {"error": f"cannot get key {mallory.key_id}: {CANNOT_FETCH}"}
    assert any("leads to non-public address 127.0.0.1" in line for line in operator_log.lines)
