"""Decisions of plugins that are not ours: every one is asked, any deny wins, the reasons reach
the person in their language from the plugin's own catalogue."""

from __future__ import annotations

from typing import Any

from core.decisions import Decision
from core.plugins import hookimpl
from helpers import future, sign_up
from testkit import french_member, instance, moderator
from webhelpers import submit

LATE = "events here must start before 22:00"
BANNED = "this text contains a word this instance does not accept"


class Answers:
    """A wrapper that keeps every plugin's answers to ``convene_can_save_event``."""

    def __init__(self) -> None:
        self.seen: list[Decision] = []

    @hookimpl(wrapper=True)
    def convene_can_save_event(self) -> Any:
        answers = yield
        return self._kept(answers)

    async def _kept(self, answers: Any) -> list[Decision]:
        found = await answers
        self.seen.extend(found)
        return found


def test_one_plugins_allow_does_not_silence_anothers_deny(data_dir):
    """testkit_moderation allows its moderators' events; testkit_policy still refuses a late one."""
    with instance(data_dir, "testkit_policy", "testkit_moderation") as client:
        mona = moderator(client, "mona@example.org", "mona")
        answers = Answers()
        client.app.state.pm.register(answers)
        late = client.post("/api/v1/events", headers=mona, json={
            "title": "Night walk", "begins_at": future(hour=23), "timezone": "Europe/Paris"})
        assert late.status_code == 403, late.text
        assert late.json()["detail"] == LATE
        assert Decision.allow() in answers.seen and Decision.deny(LATE) in answers.seen

        answers.seen.clear()
        early = client.post("/api/v1/events", headers=mona, json={
            "title": "Evening walk", "begins_at": future(hour=21), "timezone": "Europe/Paris"})
        assert early.status_code == 201 and answers.seen == [Decision.allow()]


def test_the_hour_is_read_in_the_events_own_timezone(data_dir):
    """21:00 in New York is 03:00 the next day in Paris: the event's own timezone decides."""
    with instance(data_dir, "testkit_policy") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        r = client.post("/api/v1/events", headers=alice, json={
            "title": "Jazz", "begins_at": future(hour=21), "timezone": "America/New_York"})
        assert r.status_code == 201, r.text
        r = client.post("/api/v1/events", headers=alice, json={
            "title": "Jazz", "begins_at": future(hour=22), "timezone": "America/New_York"})
        assert r.status_code == 403 and r.json()["detail"] == LATE


def test_two_refusals_give_both_reasons(data_dir):
    with instance(data_dir, "testkit_policy", "testkit_more_words") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        r = client.post("/api/v1/events", headers=alice, json={
            "title": "Durian feast", "begins_at": future(hour=23), "timezone": "Europe/Paris"})
        assert r.status_code == 403
        assert r.json()["detail"] == f"Events here must start before 22:00. {BANNED[0].upper()}{BANNED[1:]}."


def test_a_french_reader_gets_the_reasons_from_the_plugins_catalogue(data_dir):
    with instance(data_dir, "testkit_policy", "testkit_more_words") as client:
        french_member(client, "amelie@example.org", "amelie")
        page = submit(client, "/events/new", "/events/new", {
            "title": "Fête du durian", "begins_at": future(hour=23)[:16], "timezone": "Europe/Paris",
            "visibility": "public", "join_mode": "free", "category": "MEETING", "status": "confirmed",
            "action": "publish"})
        assert page.status_code == 403
        assert "Ici, les événements doivent commencer avant 22 h." in page.text
        assert "Ce texte contient un mot que cette instance n’accepte pas." in page.text
        assert LATE not in page.text


def test_a_sign_up_with_an_address_in_use_meets_the_same_content_policy(data_dir):
    """A banned word in the display name is refused alike whether or not the address has an account:
    otherwise the refusal would tell which addresses have one."""
    with instance(data_dir, "testkit_policy", "testkit_more_words") as client:
        sign_up(client, "alice@example.org", "alice")
        answers = [client.post("/api/v1/accounts", json={"email": email, "password": "long enough",
                                                         "username": "fan", "display_name": "Durian fan"})
                   for email in ("alice@example.org", "free@example.org")]
        assert [a.status_code for a in answers] == [403, 403]
        assert answers[0].json() == answers[1].json() and "does not accept" in answers[0].json()["detail"]
