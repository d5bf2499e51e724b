"""What core tells people about taking part, as mails that arrive at a real SMTP server.

Through the email plugin and aiosmtpd on loopback: requests to join (at once or as an
hourly digest), the organiser's answers, departures, cancellations, changes of time or
place told once the edits settle, and reminders. Bob's account is in French. A "no mail"
is proved by the outbox after the job or request that could have written one has run,
never by waiting.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterator
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update

from core.context import Ctx
from core.db.base import utcnow
from core.events.models import Event, Participation
from core.identities.models import Identity
from core.notifications.models import EventChangeNotice
from core.notifications.preferences import read_unsubscribe_token, set_preferences
from core.web.templating import local_moment
from email_fixtures import mailing_instance, notifications
from helpers import future, future_dt, new_event, outbox_rows, run_periodic_task, sign_up, wait_for
from smtp_fixtures import Recorder, parts, smtp_server
from testkit import in_transaction

DATE_FORMAT = "full"
PARIS = ZoneInfo("Europe/Paris")
NEWS_KINDS = ("notification", "notifications", "notify_event_people")


@pytest.fixture
def mail(data_dir) -> Iterator[tuple[TestClient, Recorder]]:  # noqa: ANN001
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        yield client, server


def people(client: TestClient) -> dict[str, dict[str, str]]:
    """Alice organises; Bob reads French; Carol and Dave take part too."""
    found = {name: sign_up(client, f"{name}@example.org", name) for name in ("alice", "bob", "carol", "dave")}
    assert client.patch("/api/v1/account", headers=found["bob"], json={"locale": "fr"}).status_code == 200
    return found


def settled(client: TestClient) -> None:
    """Every notification and fan-out written so far has been handled (sent, or dropped)."""
    wait_for(lambda: all(row.state == "done" for row in outbox_rows(client) if row.kind in NEWS_KINDS))


def news_to(client: TestClient, server: Recorder, email: str) -> list[tuple[str, str]]:
    """The (subject, text) of each mail that arrived for ``email``, but the sign-up confirmation."""
    settled(client)
    return [(mail["Subject"], parts(mail)["text/plain"]) for mail in server.messages
            if mail["To"] == email and not mail["Subject"].startswith("Confirm")]


def kinds_to(client: TestClient, email: str) -> list[str]:
    return [row.payload["kind"] for row in notifications(client) if row.payload["to_email"] == email]


def join(client: TestClient, headers: dict[str, str], uuid: str) -> dict[str, str]:
    r = client.post(f"/api/v1/events/{uuid}/participations", headers=headers, json={"message": "Count me in"})
    assert r.status_code == 201, r.text
    return r.json()


def decide(client: TestClient, organiser: dict[str, str], uuid: str, participation: str, decision: str) -> None:
    r = client.post(f"/api/v1/events/{uuid}/participations/{participation}/{decision}", headers=organiser)
    assert r.status_code == 200, r.text


def choose(client: TestClient, username: str, **values: str) -> None:
    """``username`` sets its notification preferences, as the settings page would."""

    async def work(ctx: Ctx) -> None:
        identity = (await ctx.session.scalars(select(Identity).where(Identity.username == username))).one()
        await set_preferences(ctx, identity, values)

    in_transaction(client, work)


def identity_id(client: TestClient, username: str) -> int:
    async def work(ctx: Ctx) -> int:
        return (await ctx.session.scalars(select(Identity.id).where(Identity.username == username))).one()

    return in_transaction(client, work)


def stop_link_of(client: TestClient, email: str, kind: str) -> tuple[int, str] | None:
    """The identity and topic that the one-click link of the newest ``kind`` mail to ``email`` turns off."""
    rows = [row for row in notifications(client) if row.payload["to_email"] == email and row.payload["kind"] == kind]
    token = rows[-1].payload["unsubscribe_url"].rsplit("/", 1)[1]
    return read_unsubscribe_token(client.app.state.runtime.settings, token)


def test_a_request_reaches_the_organiser_and_the_answers_reach_the_participants(mail):
    client, server = mail
    who = people(client)
    event = new_event(client, who["alice"], join_mode="restricted", title="Book club")
    bobs, carols = join(client, who["bob"], event["uuid"]), join(client, who["carol"], event["uuid"])

    requests = dict(news_to(client, server, "alice@example.org"))
    assert set(requests) == {"bob asks to join “Book club”", "carol asks to join “Book club”"}
    text = requests["bob asks to join “Book club”"]
    assert "bob (@bob) asks to join your event “Book club”" in text and "Count me in" in text
    assert f"http://testserver.local/events/{event['uuid']}#organiser" in text
    assert stop_link_of(client, "alice@example.org", "join_request") == (identity_id(client, "alice"), "join_requests")

    decide(client, who["alice"], event["uuid"], bobs["uuid"], "approve")
    decide(client, who["alice"], event["uuid"], carols["uuid"], "reject")
    [(subject, text)] = news_to(client, server, "bob@example.org")
    assert subject == "Vous participez à «\u00a0Book club\u00a0»", "Bob reads French"
    assert "alice (@alice) a accepté votre participation en tant que bob à «\u00a0Book club\u00a0»" in text
    assert f"http://testserver.local/events/{event['uuid']}" in text
    assert stop_link_of(client, "bob@example.org", "participation_approved") == (
        identity_id(client, "bob"), "participation_decisions")
    [(subject, text)] = news_to(client, server, "carol@example.org")
    assert subject == "Your participation in “Book club” was declined"


def test_the_organiser_hears_who_leaves_unless_they_turned_it_off(mail):
    client, server = mail
    who = people(client)
    event = new_event(client, who["alice"], title="Picnic")
    for name in ("bob", "carol"):
        join(client, who[name], event["uuid"])
    assert client.delete(f"/api/v1/events/{event['uuid']}/participations", headers=who["bob"]).status_code == 204
    [(subject, text)] = news_to(client, server, "alice@example.org")
    assert subject == "bob left “Picnic”" and "bob (@bob) no longer takes part in your event “Picnic”" in text
    assert "carol" not in text

    choose(client, "alice", participant_left="off")
    assert client.delete(f"/api/v1/events/{event['uuid']}/participations", headers=who["carol"]).status_code == 204
    settled(client)
    assert kinds_to(client, "alice@example.org").count("participant_left") == 2, "written, then dropped at delivery"
    assert len(news_to(client, server, "alice@example.org")) == 1, "no second mail"


def test_join_requests_turned_off_write_nothing(mail):
    client, server = mail
    who = people(client)
    choose(client, "alice", join_requests="off")
    event = new_event(client, who["alice"], join_mode="restricted")
    join(client, who["bob"], event["uuid"])
    run_periodic_task(client.app, "core.join_request_digest")
    settled(client)
    assert "join_request" not in kinds_to(client, "alice@example.org")
    assert "join_request_digest" not in kinds_to(client, "alice@example.org")
    assert news_to(client, server, "alice@example.org") == []


def test_an_hourly_digest_lists_the_requests_once(mail):
    client, server = mail
    who = people(client)
    choose(client, "alice", join_requests="digest")
    event = new_event(client, who["alice"], join_mode="restricted", title="Choir")
    join(client, who["bob"], event["uuid"])
    join(client, who["carol"], event["uuid"])
    daves = join(client, who["dave"], event["uuid"])
    decide(client, who["alice"], event["uuid"], daves["uuid"], "approve")  # answered: nothing left to tell
    settled(client)
    assert news_to(client, server, "alice@example.org") == [], "nothing at once"

    run_periodic_task(client.app, "core.join_request_digest")
    [(subject, text)] = news_to(client, server, "alice@example.org")
    assert subject == "Requests to join your events are waiting"
    assert "bob (@bob) · Choir" in text and "carol (@carol) · Choir" in text and "dave" not in text
    assert f"http://testserver.local/events/{event['uuid']}#organiser" in text
    assert stop_link_of(client, "alice@example.org", "join_request_digest") == (
        identity_id(client, "alice"), "join_requests")

    run_periodic_task(client.app, "core.join_request_digest")
    settled(client)
    assert kinds_to(client, "alice@example.org") == ["confirm_email", "join_request_digest"], "the next run has nothing new"


def add_remote_participant(client: TestClient, uuid: str, role: str = "participant") -> None:
    """Someone of another server takes part (their server keeps their address; we have none)."""

    async def work(ctx: Ctx) -> None:
        event = await ctx.session.scalar(select(Event).where(Event.uuid == uuid_module.UUID(uuid)))
        remote = Identity(username="rita", domain="remote.example", display_name="Rita")
        ctx.session.add(Participation(event=event, identity=remote, role=role))

    in_transaction(client, work)


def test_a_cancellation_reaches_those_going_and_waiting_but_not_those_declined(mail):
    client, server = mail
    who = people(client)
    event = new_event(client, who["alice"], join_mode="restricted", title="Hike", timezone="Europe/Paris",
                      begins_at=future(days=40, hour=9))
    bobs = join(client, who["bob"], event["uuid"])
    join(client, who["carol"], event["uuid"])
    daves = join(client, who["dave"], event["uuid"])
    decide(client, who["alice"], event["uuid"], bobs["uuid"], "approve")
    decide(client, who["alice"], event["uuid"], daves["uuid"], "reject")
    add_remote_participant(client, event["uuid"])
    settled(client)
    before = len(server.messages)

    r = client.post(f"/api/v1/events/{event['uuid']}/cancel", headers=who["alice"], json={"message": "Storm ahead."})
    assert r.status_code == 200, r.text
    settled(client)
    arrived = {mail["To"]: mail for mail in server.messages[before:]}
    assert set(arrived) == {"bob@example.org", "carol@example.org"}, "not Dave (declined), Rita (remote) or Alice"
    begins = future_dt(days=40, hour=9).replace(tzinfo=PARIS)
    french = parts(arrived["bob@example.org"])["text/plain"]
    assert arrived["bob@example.org"]["Subject"] == "Annulé\u00a0: «\u00a0Hike\u00a0»"
    assert local_moment(begins, "Europe/Paris", "fr", DATE_FORMAT) in french and "Storm ahead." in french
    english = parts(arrived["carol@example.org"])["text/plain"]
    assert "alice (@alice) cancelled “Hike”" in english and "Storm ahead." in english
    assert local_moment(begins, "Europe/Paris", "en", DATE_FORMAT) in english
    assert f"http://testserver.local/events/{event['uuid']}" in english
    assert stop_link_of(client, "carol@example.org", "event_cancelled") == (identity_id(client, "carol"), "event_changes")


def notices(client: TestClient) -> list[EventChangeNotice]:
    async def work(ctx: Ctx) -> list[EventChangeNotice]:
        return list(await ctx.session.scalars(select(EventChangeNotice)))

    return in_transaction(client, work)


def settle_now(client: TestClient) -> None:
    """The settling delay of every notice has passed; the job runs."""

    async def work(ctx: Ctx) -> None:
        await ctx.session.execute(update(EventChangeNotice).values(due_at=utcnow() - timedelta(seconds=1)))

    in_transaction(client, work)
    run_periodic_task(client.app, "core.event_change_notices")


def edit(client: TestClient, headers: dict[str, str], uuid: str, **fields: object) -> None:
    r = client.patch(f"/api/v1/events/{uuid}", headers=headers, json=fields)
    assert r.status_code == 200, r.text


def test_several_saves_make_one_mail_comparing_the_first_state_with_the_last(mail):
    client, server = mail
    who = people(client)
    event = new_event(client, who["alice"], title="Quiz", timezone="Europe/Paris", begins_at=future(days=20),
                      address={"name": "The Crown", "locality": "Lyon"})
    join(client, who["bob"], event["uuid"])
    join(client, who["carol"], event["uuid"])
    edit(client, who["alice"], event["uuid"], begins_at=future(days=20, hour=19))
    edit(client, who["alice"], event["uuid"], begins_at=future(days=21, hour=20),
         address={"name": "The Anchor", "street": "2 quai Rambaud", "postal_code": "69002", "locality": "Lyon"})
    edit(client, who["alice"], event["uuid"], description="Teams of four.")  # neither time nor place
    [notice] = notices(client)
    assert notice.due_at > utcnow() + timedelta(minutes=9), "the last save moved it on"
    run_periodic_task(client.app, "core.event_change_notices")
    settled(client)
    assert len(notices(client)) == 1 and news_to(client, server, "bob@example.org") == [], "not due yet"

    settle_now(client)
    first, last = future_dt(days=20).replace(tzinfo=PARIS), future_dt(days=21, hour=20).replace(tzinfo=PARIS)
    [(subject, text)] = news_to(client, server, "carol@example.org")
    assert subject == "New time or place for “Quiz”"
    assert (f"Begins: {local_moment(last, 'Europe/Paris', 'en', DATE_FORMAT)} (Europe/Paris) "
            f"(was {local_moment(first, 'Europe/Paris', 'en', DATE_FORMAT)} (Europe/Paris))") in text
    assert "Place: The Anchor, 2 quai Rambaud, 69002 Lyon" in text
    assert f"http://testserver.local/events/{event['uuid']}" in text
    [(subject, text)] = news_to(client, server, "bob@example.org")
    assert subject == "Nouvel horaire ou nouveau lieu pour «\u00a0Quiz\u00a0»"
    assert f"Début\u00a0: {local_moment(last, 'Europe/Paris', 'fr', DATE_FORMAT)}" in text
    assert "Lieu\u00a0: The Anchor, 2 quai Rambaud, 69002 Lyon" in text
    assert news_to(client, server, "alice@example.org") == [], "the organiser knows"
    assert notices(client) == []


def test_saves_that_put_everything_back_send_nothing(mail):
    client, server = mail
    who = people(client)
    event = new_event(client, who["alice"], title="Quiz", begins_at=future(days=20), online_url="https://meet.example/q")
    join(client, who["bob"], event["uuid"])
    edit(client, who["alice"], event["uuid"], begins_at=future(days=22), online_url="https://meet.example/other")
    edit(client, who["alice"], event["uuid"], begins_at=future(days=20), online_url="https://meet.example/q")
    assert len(notices(client)) == 1
    settle_now(client)
    settled(client)
    assert notices(client) == [], "the job took the notice"
    assert outbox_rows(client, "notify_event_people") == [], "and told nobody"
    assert news_to(client, server, "bob@example.org") == []


def test_a_cancelled_or_deleted_event_drops_its_waiting_notice(mail):
    client, _server = mail
    who = people(client)
    event = new_event(client, who["alice"], begins_at=future(days=20))
    deleted = new_event(client, who["alice"], begins_at=future(days=20))
    for uuid in (event["uuid"], deleted["uuid"]):
        join(client, who["bob"], uuid)
        edit(client, who["alice"], uuid, begins_at=future(days=21))
    assert len(notices(client)) == 2
    assert client.post(f"/api/v1/events/{event['uuid']}/cancel", headers=who["alice"], json={}).status_code == 200
    assert client.delete(f"/api/v1/events/{deleted['uuid']}", headers=who["alice"]).status_code == 204
    assert notices(client) == []
    settled(client)
    assert [row.payload["news"]["kind"] for row in outbox_rows(client, "notify_event_people")] == ["event_cancelled"]


def reminders_to(client: TestClient, email: str) -> int:
    return kinds_to(client, email).count("event_reminder")


def test_a_reminder_goes_once_within_the_lead_time_and_again_when_the_time_moves(mail):
    client, server = mail
    who = people(client)
    soon = (utcnow() + timedelta(hours=2)).replace(tzinfo=None, second=0, microsecond=0)
    event = new_event(client, who["alice"], title="Run", timezone="UTC", begins_at=soon.isoformat(),
                      address={"name": "Parc de la Tête d’Or", "locality": "Lyon"},
                      online_url="https://stream.example/run")
    for name in ("bob", "carol", "dave"):
        join(client, who[name], event["uuid"])
    add_remote_participant(client, event["uuid"])
    choose(client, "carol", reminders="60")  # an hour before: not yet
    choose(client, "dave", reminders="off")
    later = new_event(client, who["alice"], title="Later", begins_at=future(days=3))
    join(client, who["bob"], later["uuid"])  # three days ahead: beyond Bob's day

    run_periodic_task(client.app, "core.event_reminders")
    [(subject, text)] = news_to(client, server, "bob@example.org")
    moment = local_moment(soon.replace(tzinfo=UTC), "UTC", "fr", DATE_FORMAT)
    assert subject == f"Rappel\u00a0: «\u00a0Run\u00a0», {moment} (UTC)"
    assert f"«\u00a0Run\u00a0» commence le {moment} (UTC)." in text
    assert "Lieu\u00a0: Parc de la Tête d’Or, Lyon" in text and "En ligne\u00a0: https://stream.example/run" in text
    assert f"http://testserver.local/events/{event['uuid']}" in text
    assert stop_link_of(client, "bob@example.org", "event_reminder") == (identity_id(client, "bob"), "reminders")
    assert (reminders_to(client, "carol@example.org"), reminders_to(client, "dave@example.org")) == (0, 0)
    assert reminders_to(client, "alice@example.org") == 0, "the organiser is not a counted participant"

    run_periodic_task(client.app, "core.event_reminders")
    settled(client)
    assert reminders_to(client, "bob@example.org") == 1, "reminded once"

    edit(client, who["alice"], event["uuid"], begins_at=(soon + timedelta(hours=1)).isoformat())
    run_periodic_task(client.app, "core.event_reminders")
    settled(client)
    assert reminders_to(client, "bob@example.org") == 2, "the new time is reminded again"
    assert len(news_to(client, server, "bob@example.org")) == 2


def test_without_a_mail_channel_nothing_is_written(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    event = new_event(client, alice, join_mode="restricted")
    join(client, bob, event["uuid"])
    assert client.post(f"/api/v1/events/{event['uuid']}/cancel", headers=alice, json={}).status_code == 200
    assert [row.payload["kind"] for row in notifications(client)] == ["confirm_email", "confirm_email"]
    assert outbox_rows(client, "notify_event_people") == []


def held(client: TestClient, uuid: str, is_held: bool) -> None:
    """A moderator takes the event out of sight for review, or releases it (the columns their tools set)."""

    async def work(ctx: Ctx) -> None:
        await ctx.session.execute(update(Event).where(Event.uuid == uuid_module.UUID(uuid))
                                  .values(held_at=utcnow() if is_held else None))

    in_transaction(client, work)


def test_a_held_event_keeps_its_notice_until_it_is_released(mail):
    client, server = mail
    who = people(client)
    event = new_event(client, who["alice"], title="Quiz", begins_at=future(days=20))
    join(client, who["carol"], event["uuid"])
    edit(client, who["alice"], event["uuid"], begins_at=future(days=21))
    held(client, event["uuid"], True)
    settle_now(client)
    settled(client)
    assert len(notices(client)) == 1 and outbox_rows(client, "notify_event_people") == [], "kept, told nobody"
    held(client, event["uuid"], False)
    run_periodic_task(client.app, "core.event_change_notices")
    [(subject, _text)] = news_to(client, server, "carol@example.org")
    assert subject == "New time or place for “Quiz”" and notices(client) == []
