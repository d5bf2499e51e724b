"""Imports run in the background: an upload answers 202 and the embedded worker imports it (its status
then shows the report, with errors at their lines); "Fetch now" is queued; one import of a calendar at a
time (a claim, a 409 for a second "Fetch now", the periodic task skipping a claimed subscription, and
concurrent claimants of which exactly one wins); and no transaction waits on the calendar's server (a
write committed elsewhere during the fetch does not stop the import on SQLite)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update

from core.context import Ctx
from core.db.engine import make_engine, make_sessionmaker
from core.identities.models import Identity
from core.periodic import PeriodicRun
from helpers import outbox_rows, run_periodic_task, sign_up, wait_for
from ical_import_helpers import calendar, finished, ical_instance, stored_events, upload, vevent
from plugins.ical import claims, uploads
from plugins.ical.import_models import CalendarSubscription
from plugins.ical.subscriptions import REFRESH_JOB
from plugins.ical.upload_models import UploadedCalendar
from test_ical_subscriptions import after_the_starting_sweep, listed, subscribe
from testkit import in_transaction, rows
from webhelpers import member, submit


@dataclass
class GatedCalendar:
    """A calendar server that answers only once ``gate`` is set, after running ``during_fetch``."""

    body: bytes
    gate: threading.Event = field(default_factory=threading.Event)
    asked: threading.Event = field(default_factory=threading.Event)
    during_fetch: Callable[[], None] | None = None
    port: int = 0

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/club.ics"


@pytest.fixture
def gated() -> Iterator[GatedCalendar]:
    served = GatedCalendar(calendar(vevent("a@up", "Choir"), vevent("b@up", "Chess", days=30)))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            served.asked.set()
            assert served.gate.wait(60), "the test never let the calendar server answer"
            if served.during_fetch is not None:
                served.during_fetch()
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(served.body)))
            self.end_headers()
            self.wfile.write(served.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    served.gate.set()
    server.shutdown()
    server.server_close()
    thread.join()


def test_an_upload_answers_202_and_its_status_shows_the_report_once_imported(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    data = calendar(vevent("a@up", "Choir"), "BEGIN:VEVENT\nUID:b@up\nSUMMARY:No start\nEND:VEVENT")
    r = upload(client, alice, "alice", data, publish=True)
    assert r.status_code == 202, r.text
    queued = r.json()
    assert queued["status"] in ("waiting", "importing", "imported") and queued["size"] == len(data)
    assert queued["status_url"] == f"/api/v1/identities/alice/imports/{queued['id']}"
    done = finished(client, alice, queued["status_url"])
    assert done["status"] == "imported" and done["report"]["created"] == 1, done
    [error] = done["report"]["errors"]
    assert error["line"] == data.decode().split("\r\n").index("UID:b@up") and "no DTSTART" in error["message"]
    assert [(e.title, e.draft) for e in stored_events(client)] == [("Choir", False)]
    [kept] = rows(client, UploadedCalendar)
    assert kept.data is None and kept.importing_since is None  # the bytes are dropped, the claim released
    assert [u["id"] for u in client.get("/api/v1/identities/alice/imports", headers=alice).json()] == [queued["id"]]


def test_a_second_upload_waits_for_the_first_and_nobody_else_reads_an_import(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    mallory = sign_up(client, "mallory@example.org", "mallory")

    after_the_starting_sweep(client)

    async def queue(ctx: Ctx) -> int:
        """An upload queued as the request queues it, committed without telling a worker: it stays waiting."""
        identity = await ctx.session.scalar(select(Identity).where(Identity.username == "alice"))
        assert identity is not None
        return (await uploads.queue_upload(ctx, identity, calendar(vevent("a@up")), False)).id

    first = in_transaction(client, queue)
    r = upload(client, alice, "alice", calendar(vevent("b@up")))
    assert r.status_code == 409 and "still being imported" in r.text, r.text
    status = f"/api/v1/identities/alice/imports/{first}"
    assert client.get(status, headers=alice).json()["status"] == "waiting"
    assert client.get(status, headers=mallory).status_code == 404
    assert client.get(f"/api/v1/identities/mallory/imports/{first}", headers=mallory).status_code == 404
    assert client.get("/api/v1/identities/alice/imports/x1", headers=alice).status_code == 404


def test_fetch_now_is_queued_and_a_second_one_or_the_periodic_task_waits_for_it(data_dir, gated) -> None:
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        sub = subscribe(client, alice, gated.url(), publish=True).json()
        base = f"/api/v1/identities/alice/calendar-subscriptions/{sub['id']}/refresh"
        r = client.post(base, headers=alice)
        assert r.status_code == 202 and r.json()["refreshing"], r.text
        assert gated.asked.wait(30), "the queued fetch never reached the calendar server"
        again = client.post(base, headers=alice)
        assert again.status_code == 409 and "being fetched already" in again.text, again.text
        run_periodic_task(client.app, "ical.import_refresh")  # due (never fetched), but claimed: skipped
        assert len(outbox_rows(client, REFRESH_JOB)) == 1
        gated.gate.set()
        done = wait_for(lambda: (found := listed(client, alice, sub["id"]))["refreshing"] is False and found)
        assert done["last_status"] == "imported" and done["last_summary"]["created"] == 2, done
        assert [e.title for e in stored_events(client)] == ["Choir", "Chess"]
        assert client.post(base, headers=alice).status_code == 202  # released: a new fetch may be asked for


def test_fetch_now_on_the_page_says_when_one_is_under_way(data_dir, gated) -> None:
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        member(client, "alice@example.org", "alice")
        after_the_starting_sweep(client)
        page = "/settings/imports/alice"
        r = submit(client, page, f"{page}/subscriptions", {"url": gated.url()})
        assert r.status_code == 200 and gated.url() in r.text
        [sub] = rows(client, CalendarSubscription)
        action = f"{page}/subscriptions/{sub.id}/refresh"
        assert "A fetch is under way" in submit(client, page, action).text
        assert gated.asked.wait(30)
        r = submit(client, page, action)
        assert r.status_code == 409 and "this calendar is being fetched already" in r.text
        gated.gate.set()
        wait_for(lambda: "Last fetched" in client.get(page).text and "A fetch is under way" not in client.get(page).text)
        assert "Created: 2" in client.get(page).text


def test_of_concurrent_claimants_exactly_one_wins(data_dir, gated) -> None:
    """Twelve claims of one subscription at the same moment, each on its own connection (PostgreSQL in
    the PostgreSQL run): one conditional UPDATE each, and exactly one token."""
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        sub_id = subscribe(client, alice, gated.url()).json()["id"]
        settings, runtime = client.app.state.settings, client.app.state.runtime

        async def race() -> list[str | None]:
            engine = make_engine(settings)
            sessions = make_sessionmaker(engine)
            start = asyncio.Event()

            async def one() -> str | None:
                async with sessions() as session:
                    await start.wait()
                    token = await claims.claim(Ctx(session, runtime), CalendarSubscription, sub_id)
                    await session.commit()
                    return token

            try:
                racing = [asyncio.create_task(one()) for _ in range(12)]
                await asyncio.sleep(0)
                start.set()
                return await asyncio.gather(*racing)
            finally:
                await engine.dispose()

        tokens = asyncio.run(race())
        winners = [token for token in tokens if token is not None]
        assert len(winners) == 1, tokens
        [stored] = rows(client, CalendarSubscription)
        assert stored.claim_token == winners[0] and claims.is_claimed(stored)


def test_a_write_committed_elsewhere_during_the_fetch_does_not_stop_the_import(data_dir, gated) -> None:
    """The calendar server's handler commits a write through another connection before it answers. On
    SQLite a transaction left open across the fetch fails this: holding the write lock, the other write
    waits for it while it waits for the answer (checked: a claim written before the fetch and not
    committed makes this test fail); holding a read snapshot, its first write after the other commit
    fails at once ("database is locked"). The fetch holds no transaction."""
    with ical_instance(data_dir, allow_private_addresses=True) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        sub = subscribe(client, alice, gated.url()).json()
        tasks = client.app.state.tasks
        written = threading.Event()

        async def write_elsewhere() -> None:
            async with tasks.sessionmaker() as session:
                await session.execute(update(PeriodicRun).where(PeriodicRun.name == "ical.import_refresh")
                                      .values(last_error="written during the fetch"))
                await session.commit()
            written.set()

        gated.during_fetch = lambda: tasks.run_coroutine(write_elsewhere(), timeout=30)
        gated.gate.set()
        r = client.post(f"/api/v1/identities/alice/calendar-subscriptions/{sub['id']}/refresh", headers=alice)
        assert r.status_code == 202, r.text
        done = wait_for(lambda: (found := listed(client, alice, sub["id"]))["refreshing"] is False and found)
        assert written.is_set()
        assert done["last_status"] == "imported" and done["last_summary"]["created"] == 2, done
        assert [row.state for row in outbox_rows(client, REFRESH_JOB)] == ["done"]
        assert [e.title for e in stored_events(client)] == ["Choir", "Chess"]
