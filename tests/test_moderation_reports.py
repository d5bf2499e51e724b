"""Reporting an event, a comment or a profile (``POST /api/v1/reports``): what may be reported and by whom,
the rule picked, the limits, anonymous reports paid with a proof of work, and remote addresses through the
plugin's ``moderation_resolve_target`` hook."""

from __future__ import annotations

import hashlib
import html
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from core.app import create_app
from core.context import Ctx
from core.identities.models import Identity
from core.plugins import hookimpl
from core.settings import DEFAULT_PLUGINS
from helpers import field_errors, make_settings, new_event, sign_up
from plugins.moderation.models import InstanceRule, Report
from plugins.moderation.proof_of_work import leading_zero_bits
from testkit import in_transaction, instance, rows
from webhelpers import csrf_token, field_error, log_in, second_browser, submit

ALICE, BOB = "alice@example.org", "bob@example.org"
BITS = 8


@contextmanager
def moderated(data_dir: Path, **config: Any) -> Iterator[TestClient]:
    """An instance with the default plugins, moderation configured by ``config``."""
    plugins = {"enabled": list(DEFAULT_PLUGINS), "moderation": config}
    with TestClient(create_app(make_settings(data_dir, plugins=plugins)), base_url="http://testserver.local") as c:
        yield c


def add_rule(client: TestClient, text: str, hint: str = "", position: int = 0) -> int:
    async def add(ctx: Ctx) -> int:
        rule = InstanceRule(text=text, hint=hint, position=position)
        ctx.session.add(rule)
        await ctx.session.flush()
        return rule.id

    return in_transaction(client, add)


def solve(challenge: str, bits: int) -> str:
    for nonce in itertools.count():
        if leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) >= bits:
            return str(nonce)
    raise AssertionError("unreachable")


def report(client: TestClient, headers: dict[str, str] | None, **body: Any):  # noqa: ANN201
    return client.post("/api/v1/reports", headers=headers or {}, json={"rule": "spam", **body})


@pytest.fixture
def people(data_dir):
    with moderated(data_dir, reports_per_account_per_hour=3) as client:
        alice, bob = sign_up(client, ALICE, "alice"), sign_up(client, BOB, "bob")
        yield client, alice, bob


def test_a_member_reports_an_event_for_a_rule_and_the_queue_keeps_a_snapshot(people):
    client, alice, bob = people
    event = new_event(client, alice, title="Pyramid scheme night", description="<p>Get rich</p>")
    rule = add_rule(client, "No scams", "Money schemes, fake sales")
    r = report(client, bob, target=f"http://testserver.local/events/{event['uuid']}", rule=str(rule),
               comment="  This is a scam.  ")
    assert r.status_code == 201, r.text
    assert r.json() == {"id": r.json()["id"]}, "the answer says nothing but the report's id"
    [filed] = rows(client, Report)
    assert (filed.category, filed.rule_id, filed.rule_text, filed.comment) == ("rule", rule, "No scams", "This is a scam.")
    assert filed.target_kind == "event" and filed.snapshot["title"] == "Pyramid scheme night"
    assert filed.snapshot["author"] == "alice" and filed.reported_domain == "" and filed.status == "open"


def test_comments_and_profiles_by_each_of_their_addresses(people):
    client, alice, bob = people
    event = new_event(client, alice)
    r = client.post(f"/api/v1/events/{event['uuid']}/comments", headers=alice, json={"text": "Buy my pills"})
    comment = r.json()["uuid"]
    for target in (f"/comments/{comment}", f"/events/{event['uuid']}#c-{comment}"):
        assert report(client, bob, target=target).status_code == 201
    assert report(client, bob, target="/@alice", rule="other").status_code == 201
    filed = rows(client, Report)
    assert [f.target_kind for f in filed] == ["comment", "comment", "identity"]
    assert filed[0].snapshot["text"] == "Buy my pills" and filed[2].snapshot["author"] == "alice"


def test_what_the_reporter_cannot_see_is_as_unknown_as_a_wrong_address(people):
    client, alice, bob = people
    draft = new_event(client, alice, publish=False)
    private = new_event(client, alice, visibility="private")
    unknown = "00000000-0000-4000-8000-000000000000"
    for target in (f"/events/{draft['uuid']}", f"/events/{private['uuid']}", f"/events/{unknown}",
                   f"/comments/{unknown}", "/@nobody"):
        r = report(client, bob, target=target)
        assert r.status_code == 404, (target, r.text)
    assert report(client, alice, target=f"/events/{draft['uuid']}").status_code == 201, "the organiser sees it"
    assert len(rows(client, Report)) == 1


def test_bad_input_is_refused_with_its_field_and_writes_nothing(people):
    client, alice, bob = people
    event = new_event(client, alice)
    target = f"/events/{event['uuid']}"
    cases = [
        ({"target": "/about"}, "target"),
        ({"target": "https://elsewhere.example/notes/1"}, "target"),
        ({"target": "javascript:alert(1)"}, "target"),
        ({"target": target, "rule": "9999"}, "rule"),
        ({"target": target, "rule": "rule"}, "rule"),
        ({"target": target, "rule": "spam", "identity": "alice"}, "identity"),
        ({"target": target, "rule": "spam", "identity": "nobody"}, "identity"),
    ]
    for body, field in cases:
        r = client.post("/api/v1/reports", headers=bob, json={"rule": "spam", **body})
        assert r.status_code == 422, (body, r.text)
        assert field in field_errors(r), (body, r.text)
    assert field_errors(report(client, bob, target="https://elsewhere.example/x"))["target"] == \
        "this address is not known here"
    assert report(client, bob, target=target, comment="x" * 1001).status_code == 400
    assert rows(client, Report) == []


def test_reports_are_limited_per_account_and_only_filed_ones_count(people):
    client, alice, bob = people
    event = new_event(client, alice)
    target = f"/events/{event['uuid']}"
    assert report(client, bob, target="/about").status_code == 422
    for _ in range(3):
        assert report(client, bob, target=target).status_code == 201
    r = report(client, bob, target=target)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert len(rows(client, Report)) == 3
    assert report(client, alice, target=target).status_code == 201, "another account has its own allowance"


def test_visitors_may_not_report_where_anonymous_reports_are_off(people):
    client, alice, _ = people
    event = new_event(client, alice)
    assert report(client, None, target=f"/events/{event['uuid']}").status_code == 401
    assert client.get("/api/v1/reports/challenge").status_code == 404
    assert rows(client, Report) == []


def test_an_anonymous_report_costs_a_proof_of_work_usable_once(data_dir):
    with moderated(data_dir, anonymous_reports=True, anonymous_report_work_bits=BITS,
                   anonymous_reports_per_hour=2) as client:
        alice = sign_up(client, ALICE, "alice")
        target = f"/events/{new_event(client, alice)['uuid']}"
        given = client.get("/api/v1/reports/challenge").json()
        assert given["bits"] == BITS
        nonce = solve(given["challenge"], BITS)
        wrong = next(str(n) for n in itertools.count(int(nonce) + 1) if not leading_zero_bits(
            hashlib.sha256(f"{given['challenge']}:{n}".encode()).digest()) >= BITS)
        assert "nonce" in field_errors(report(client, None, target=target))
        assert "nonce" in field_errors(report(client, None, target=target, challenge=given["challenge"], nonce=wrong))
        forged = given["challenge"].rsplit(".", 1)[0] + ".AAAA"
        assert "nonce" in field_errors(report(client, None, target=target, challenge=forged, nonce=solve(forged, BITS)))
        assert report(client, None, target=target, challenge=given["challenge"], nonce=nonce).status_code == 201
        again = report(client, None, target=target, challenge=given["challenge"], nonce=nonce)
        assert again.status_code == 422 and "already used" in field_errors(again)["nonce"]
        [filed] = rows(client, Report)
        assert filed.reporter_identity_id is None and filed.origin_domain == ""

        def paid() -> dict[str, str]:
            fresh = client.get("/api/v1/reports/challenge").json()["challenge"]
            return {"challenge": fresh, "nonce": solve(fresh, BITS)}

        assert report(client, None, target=target, **paid()).status_code == 201
        limited = report(client, None, target=target, **paid())
        assert limited.status_code == 429 and "Retry-After" in limited.headers
        assert len(rows(client, Report)) == 2


class KnowsARemoteActor:
    """A plugin that knows another instance's actor (as federation's stored copies would)."""

    def __init__(self, url: str, username: str) -> None:
        self.url, self.username = url, username

    @hookimpl
    async def moderation_resolve_target(self, ctx: Ctx, url: str) -> Identity | None:
        if url != self.url:
            return None
        query = select(Identity).where(Identity.username == self.username, Identity.domain != "")
        return await ctx.session.scalar(query)


def test_a_remote_actor_is_reported_through_the_plugin_that_knows_it(people):
    client, _, bob = people
    url = "https://elsewhere.example/users/mallory"

    async def store(ctx: Ctx) -> None:
        ctx.session.add(Identity(username="mallory", domain="elsewhere.example", display_name="Mallory"))

    in_transaction(client, store)
    client.app.state.runtime.pm.register(KnowsARemoteActor(url, "mallory"))
    r = report(client, bob, target=url, comment="Spam in my replies")
    assert r.status_code == 201, r.text
    [filed] = rows(client, Report)
    assert (filed.target_kind, filed.reported_domain, filed.target_url) == ("identity", "elsewhere.example", url)
    assert filed.snapshot["author"] == "mallory@elsewhere.example"


# --- the pages ---------------------------------------------------------------------------


def test_report_links_on_the_event_page_under_comments_and_on_profiles(people):
    client, alice, bob = people
    event = new_event(client, alice)
    comment = client.post(f"/api/v1/events/{event['uuid']}/comments", headers=bob, json={"text": "Hi"}).json()
    page = client.get(f"/events/{event['uuid']}").text
    assert f'href="/report?target=%2Fevents%2F{event["uuid"]}"' in page and "Report this event" in page
    assert f'href="/report?target=%2Fcomments%2F{comment["uuid"]}"' in page
    assert 'href="/report?target=%2F%40alice"' in client.get("/@alice").text


def test_without_the_plugin_there_is_no_report_link(data_dir):
    with instance(data_dir) as client:
        alice = sign_up(client, ALICE, "alice")
        event = new_event(client, alice)
        assert "/report?" not in client.get(f"/events/{event['uuid']}").text
        assert client.get(f"/report?target=/events/{event['uuid']}").status_code == 404


def test_a_member_reports_through_the_form_and_sees_the_thanks(people):
    client, alice, _ = people
    event = new_event(client, alice, title="Fake concert")
    rule = add_rule(client, "No scams", "Fake tickets, fake sales", position=1)
    add_rule(client, "Be kind", position=0)
    browser = second_browser(client)
    log_in(browser, BOB)
    form_url = f"/report?target=/events/{event['uuid']}"
    form = browser.get(form_url)
    assert form.status_code == 200 and "Fake concert" in form.text
    assert form.text.index("Be kind") < form.text.index("No scams") < form.text.index("Fake tickets, fake sales")
    assert 'name="challenge"' not in form.text and "report-proof.js" not in form.text, "members need no script"
    refused = submit(browser, form_url, "/report", {"target": f"/events/{event['uuid']}", "comment": "x"})
    assert refused.status_code == 422 and field_error(refused.text, "report", "rule")
    sent = submit(browser, form_url, "/report", {"target": f"/events/{event['uuid']}", "rule": str(rule),
                                                  "comment": "Tickets to nothing", "identity": "bob"})
    assert sent.status_code == 200 and str(sent.url).endswith("/report/sent") and "Thank you" in sent.text
    [filed] = rows(client, Report)
    assert (filed.rule_id, filed.comment, filed.snapshot["title"]) == (rule, "Tickets to nothing", "Fake concert")


def test_a_visitor_is_asked_to_log_in_where_anonymous_reports_are_off(people):
    client, alice, _ = people
    event = new_event(client, alice)
    answer = client.get(f"/report?target=/events/{event['uuid']}", follow_redirects=False)
    assert answer.status_code in (302, 303) and answer.headers["location"].startswith("/login")


def test_a_visitors_form_carries_the_challenge_and_its_script(data_dir):
    with moderated(data_dir, anonymous_reports=True, anonymous_report_work_bits=BITS) as client:
        alice = sign_up(client, ALICE, "alice")
        target = f"/events/{new_event(client, alice)['uuid']}"
        page = client.get(f"/report?target={target}").text
        assert '<script src="/static/report-proof.js" defer></script>' in page and f'data-bits="{BITS}"' in page
        challenge = html.unescape(re.search(r'name="challenge" value="([^"]+)"', page).group(1))
        sent = client.post("/report", data={"target": target, "rule": "spam", "challenge": challenge,
                                            "nonce": solve(challenge, BITS), "_csrf_token": csrf_token(page)})
        assert sent.status_code == 200 and "Thank you" in sent.text
        assert rows(client, Report)[0].reporter_identity_id is None
