"""Subscriptions to calendars served by a real HTTP server on loopback: the first fetch imports, a
conditional GET answered 304 changes nothing, a change upstream updates; the periodic task fetches
what is due; private addresses (given or redirected to), unreachable servers, pages that are not
calendars each end in a clear error on the subscription and nothing written."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.context import Ctx
from core.guarded_http import FetchPolicy, GuardedClient
from core.periodic import PeriodicRun
from helpers import field_errors, run_periodic_task, sign_up, wait_for
from ical_import_helpers import calendar, ical_instance, stored_events, vevent
from plugins.ical import claims, subscriptions
from plugins.ical.import_models import CalendarSubscription
from testkit import in_transaction, rows


@dataclass
class Upstream:
    """What the calendar server serves, and the conditional headers it was sent."""

    body: bytes = b""
    etag: str = '"v1"'
    redirect_to: str = ""
    declare_length: bool = True  # False: the body ends when the connection closes (HTTP/1.0)
    conditional: list[str] = field(default_factory=list)
    port: int = 0

    def url(self, path: str = "/club.ics") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    served = Upstream(calendar(vevent("a@up", "Choir"), vevent("b@up", "Chess", days=30)))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            if self.path == "/moved.ics":
                self.send_response(302)
                self.send_header("Location", served.redirect_to)
                self.end_headers()
                return
            if self.path == "/page":
                self._answer(200, b"<!doctype html><title>Log in</title>", "text/html")
                return
            if self.path != "/club.ics":
                self._answer(404, b"not here", "text/plain")
                return
            served.conditional.append(self.headers.get("If-None-Match", ""))
            if self.headers.get("If-None-Match") == served.etag:
                self.send_response(304)
                self.end_headers()
                return
            self._answer(200, served.body, "text/calendar; charset=utf-8")

        def _answer(self, status: int, body: bytes, media_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            if served.declare_length:
                self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", served.etag)
            self.send_header("Last-Modified", "Mon, 07 Dec 2026 10:00:00 GMT")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()
    thread.join()


def after_the_starting_sweep(client) -> None:  # noqa: ANN001
    """Once the starting instance's sweep has ended (it sends every outbox row at once, then runs the
    periodic tasks; the next sweep sends only rows minutes old, the next refresh is minutes away)."""
    wait_for(lambda: any(run.name == subscriptions.REFRESH.name and run.last_finished_at
                         for run in rows(client, PeriodicRun)))


def subscribe(client, headers, url: str, publish: bool = False):  # noqa: ANN001, ANN201
    """Subscribe after the starting sweep, so the only fetches are those a test asks for."""
    after_the_starting_sweep(client)
    return client.post("/api/v1/identities/alice/calendar-subscriptions", json={"url": url, "publish": publish},
                       headers=headers)


def listed(client, headers, subscription_id: int) -> dict:  # noqa: ANN001
    found = client.get("/api/v1/identities/alice/calendar-subscriptions", headers=headers).json()
    return next(sub for sub in found if sub["id"] == subscription_id)


def refresh(client, headers, subscription_id: int) -> dict:  # noqa: ANN001
    """"Fetch now" (queued: 202), then the subscription once the embedded worker has fetched it."""
    r = client.post(f"/api/v1/identities/alice/calendar-subscriptions/{subscription_id}/refresh", headers=headers)
    assert r.status_code == 202 and r.json()["refreshing"], r.text
    return wait_for(lambda: (sub := listed(client, headers, subscription_id))["refreshing"] is False and sub)


def test_a_subscription_imports_then_a_304_changes_nothing_then_a_change_updates(data_dir, upstream) -> None:
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        r = subscribe(client, alice, upstream.url(), publish=True)
        assert r.status_code == 201, r.text
        sub = r.json()
        assert sub["last_status"] == ""
        first = refresh(client, alice, sub["id"])
        assert first["last_status"] == "imported" and first["last_summary"]["created"] == 2, first
        assert [(e.title, e.draft) for e in stored_events(client)] == [("Choir", False), ("Chess", False)]

        second = refresh(client, alice, sub["id"])
        assert second["last_status"] == "not_modified"
        assert upstream.conditional == ["", '"v1"']
        assert [e.sequence for e in stored_events(client)] == [0, 0]

        upstream.body, upstream.etag = calendar(vevent("a@up", "Choir (moved)")), '"v2"'
        third = refresh(client, alice, sub["id"])
        assert third["last_summary"]["updated"] == 1 and third["last_summary"]["cancelled"] == 1, third
        assert [(e.title, e.status) for e in stored_events(client)] == [("Choir (moved)", "confirmed"),
                                                                        ("Chess", "cancelled")]


def test_the_periodic_task_fetches_due_subscriptions(data_dir, upstream) -> None:
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        sub = subscribe(client, alice, upstream.url()).json()
        run_periodic_task(client.app, "ical.import_refresh")
        fetched = wait_for(lambda: (found := listed(client, alice, sub["id"]))["last_status"] == "imported" and found)
        assert fetched["next_fetch_at"] > fetched["last_fetch_at"] and not fetched["refreshing"]
        assert [e.title for e in stored_events(client)] == ["Choir", "Chess"]


def test_errors_of_a_feed_are_kept_with_their_lines(data_dir, upstream) -> None:
    upstream.body = calendar(vevent("a@up"), "BEGIN:VEVENT\nUID:b@up\nSUMMARY:Broken\nDTSTART:2030XX\nEND:VEVENT")
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        sub = refresh(client, alice, subscribe(client, alice, upstream.url()).json()["id"])
        [error] = sub["last_summary"]["errors"]
        assert error["line"] == upstream.body.decode().split("\r\n").index("DTSTART:2030XX") + 1
        assert "DTSTART cannot be read" in error["message"]


def test_a_private_address_is_refused_when_subscribing(client, upstream) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    r = subscribe(client, alice, upstream.url())
    assert r.status_code == 422
    assert field_errors(r)["url"] == ("127.0.0.1 is a private address: only calendars on the public internet "
                                      "can be subscribed to")
    r = subscribe(client, alice, "http://localhost/cal.ics")
    assert r.status_code == 422 and "cannot be fetched" in field_errors(r)["url"]
    r = subscribe(client, alice, "ftp://example.org/cal.ics")
    assert r.status_code == 422 and "https://" in field_errors(r)["url"]
    assert client.get("/api/v1/identities/alice/calendar-subscriptions", headers=alice).json() == []


def test_a_feed_that_redirects_to_a_private_address_is_refused(data_dir, upstream) -> None:
    upstream.redirect_to = "http://10.1.2.3/club.ics"
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        sub_id = subscribe(client, alice, upstream.url("/moved.ics")).json()["id"]

        async def fetch_through_a_loopback_only_client(ctx: Ctx) -> CalendarSubscription:
            token = await claims.claim(ctx, CalendarSubscription, sub_id)
            assert token is not None
            async with GuardedClient(FetchPolicy(allowed_networks=("127.0.0.1/32",))) as only_loopback:
                assert await subscriptions.refresh(ctx, sub_id, token, only_loopback)
            return await ctx.session.get_one(CalendarSubscription, sub_id)

        sub = in_transaction(client, fetch_through_a_loopback_only_client)
        assert sub.last_status == "failed"
        assert sub.last_error == "10.1.2.3 is a private address: only calendars on the public internet can be " \
                                 "subscribed to"
        assert stored_events(client) == []


@pytest.mark.parametrize(("path", "error"), [
    ("/page", "this is not a calendar: it does not start with BEGIN:VCALENDAR"),
    ("/gone.ics", "the calendar server answered 404"),
])
def test_what_is_not_a_calendar_fails_clearly(data_dir, upstream, path: str, error: str) -> None:
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        sub = refresh(client, alice, subscribe(client, alice, upstream.url(path)).json()["id"])
        assert sub["last_status"] == "failed" and sub["last_error"] == error
        assert sub["last_summary"]["errors"][0]["message"] == error
        assert stored_events(client) == []


def test_an_unreachable_server_fails_clearly(data_dir) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        sub = refresh(client, alice, subscribe(client, alice, f"http://127.0.0.1:{port}/cal.ics").json()["id"])
        assert sub["last_status"] == "failed"
        assert sub["last_error"] == str(subscriptions.UNREACHABLE)


def test_only_the_identitys_account_sees_and_changes_its_subscriptions(data_dir, upstream) -> None:
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        mallory = sign_up(client, "mallory@example.org", "mallory")
        sub_id = subscribe(client, alice, upstream.url()).json()["id"]
        base = "/api/v1/identities/alice/calendar-subscriptions"
        assert client.get(base, headers=mallory).status_code == 404
        assert subscribe(client, mallory, upstream.url()).status_code == 404
        assert client.post(f"{base}/{sub_id}/refresh", headers=mallory).status_code == 404
        assert client.delete(f"{base}/{sub_id}", headers=mallory).status_code == 404
        mine = "/api/v1/identities/mallory/calendar-subscriptions"
        assert client.delete(f"{mine}/{sub_id}", headers=mallory).status_code == 404  # not mallory's identity's
        assert subscribe(client, alice, upstream.url()).status_code == 409  # already subscribed
        assert client.delete(f"{base}/{sub_id}", headers=alice).status_code == 204
        assert client.get(base, headers=alice).json() == []


@pytest.mark.parametrize(("declare_length", "error"), [
    (True, "the calendar server's answer was refused: body of "),  # refused on its Content-Length
    (False, "the calendar server's answer was refused: body exceeds 4096 bytes"),  # cut off while it streams
])
def test_a_feed_larger_than_import_max_bytes_is_refused(data_dir, upstream, declare_length: bool,
                                                         error: str) -> None:
    upstream.body = calendar(*(vevent(f"{n}@up", f"Event {n}") for n in range(60)))
    upstream.declare_length = declare_length
    assert len(upstream.body) > 4096
    with ical_instance(data_dir, allow_private_addresses=True, import_max_bytes=4096) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        sub = refresh(client, alice, subscribe(client, alice, upstream.url()).json()["id"])
        assert sub["last_status"] == "failed" and sub["last_error"].startswith(error), sub
        assert stored_events(client) == []
