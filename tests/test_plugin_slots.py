"""Page slots filled by plugins that are not ours: a moderator's form posted with the page's CSRF
token, fragments in the reader's language, and how fragments meet the anonymous page cache."""

from __future__ import annotations

import re

from sqlalchemy import update

from core.context import Ctx
from core.events.models import Event
from helpers import new_event, sign_up
from testkit import in_transaction, instance, log_lines, moderator, web_log_in
from webhelpers import csrf_token, log_in, second_browser, submit

HOLD_FORM = 'action="/testkit/events/{}/hold"'
TIMED_CALLS = re.compile(r'<p class="testkit-timing">Hook calls timed so far: (\d+)</p>')


def retitle_behind_the_cache(client, title: str) -> None:
    """Change the events without the services, so only a page rendered again shows it."""

    async def write(ctx: Ctx) -> None:
        await ctx.session.execute(update(Event).values(title=title))

    in_transaction(client, write)


def test_a_moderator_holds_an_event_from_its_page_with_the_pages_csrf_token(data_dir):
    with instance(data_dir, "testkit_moderation") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice, title="Choir")
        url = f"/events/{event['uuid']}"
        moderator(client, "mona@example.org", "mona")
        mona = second_browser(client)
        web_log_in(mona, "mona@example.org")
        page = mona.get(url).text
        assert HOLD_FORM.format(event["uuid"]) in page

        refused = mona.post(f"/testkit/events/{event['uuid']}/hold", data={"reason": "spam"})
        assert refused.status_code == 403, "the plugin's route is CSRF-protected like the core's"
        held = submit(mona, url, f"/testkit/events/{event['uuid']}/hold", {"reason": "looks like spam"})
        assert held.status_code == 200 and "looks like spam" in held.text
        assert client.get(url).status_code == 404
        assert log_lines(client) == [("event.hold", f"event {event['uuid']}")]

        log_in(client, "alice@example.org")
        assert HOLD_FORM.format(event["uuid"]) not in client.get(url).text, "members who are not moderators get none"


def test_a_visitors_cached_page_holds_no_members_form(data_dir):
    with instance(data_dir, "testkit_moderation") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice, title="Choir")
        url = f"/events/{event['uuid']}"
        moderator(client, "mona@example.org", "mona")
        mona = second_browser(client)
        web_log_in(mona, "mona@example.org")
        members_page = mona.get(url).text
        assert HOLD_FORM.format(event["uuid"]) in members_page and csrf_token(members_page)

        first = client.get(url).text
        retitle_behind_the_cache(client, "Renamed behind")
        second = client.get(url).text
        assert "Choir" in second, "the visitor's page came from the cache"
        assert "_csrf_token" not in first + second and HOLD_FORM.format(event["uuid"]) not in first + second


def test_a_fragment_not_shared_between_visitors_keeps_its_page_out_of_the_cache(data_dir):
    """testkit_timing shows a count that changes with every read, so it says shared=False."""
    with instance(data_dir, "testkit_timing") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice, title="Choir")
        url = f"/events/{event['uuid']}"
        first = client.get(url).text
        retitle_behind_the_cache(client, "Renamed behind")
        second = client.get(url).text
        assert "Renamed behind" in second, "rendered again, not served from the cache"
        assert int(TIMED_CALLS.search(second)[1]) > int(TIMED_CALLS.search(first)[1])


def test_a_slot_is_rendered_in_the_readers_language_from_the_plugins_catalogue(data_dir):
    with instance(data_dir, "testkit_policy") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        url = f"/events/{new_event(client, alice, title='Choir')['uuid']}"
        assert "Events here start before 22:00." in client.get(url).text
        french = client.get(url, headers={"Accept-Language": "fr"}).text
        assert "<h2>La règle de cette instance</h2>" in french
        assert "Ici, les événements commencent avant 22 h." in french
