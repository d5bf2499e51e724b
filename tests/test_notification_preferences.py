"""Each identity's notification choices: in the API and on the settings page, for the account's owner alone."""

from __future__ import annotations

import html
import re

from core.notifications.topics import CORE_TOPICS
from helpers import field_errors, sign_up
from plugins.moderation.reporter_news import REPORTS_TOPIC
from plugins.moderation.telling import TOPIC as DECISIONS_TOPIC
from webhelpers import member, submit

URL = "/api/v1/me/notifications"


def chosen(client, headers, username: str) -> dict[str, str]:  # noqa: ANN001
    found = client.get(URL, headers=headers).json()["identities"]
    return next(i["preferences"] for i in found if i["identity"] == username)


def test_every_topic_is_listed_with_its_choices_and_each_identity_starts_with_the_defaults(client):
    ann = sign_up(client, "ann@example.org", "ann")
    client.post("/api/v1/identities", headers=ann, json={"username": "ann_sports"})
    r = client.get(URL, headers=ann)
    assert r.status_code == 200, r.text
    body = r.json()
    # the core's topics, then those of the default plugins (moderation's)
    topics = [*CORE_TOPICS, REPORTS_TOPIC, DECISIONS_TOPIC]
    assert [t["name"] for t in body["topics"]] == [t.name for t in topics]
    reminders = next(t for t in body["topics"] if t["name"] == "reminders")
    assert reminders["default"] == "1440" and reminders["label"] == "A reminder before an event I go to"
    assert {"value": "60", "label": "One hour before"} in reminders["choices"]
    defaults = {t.name: t.default for t in topics}
    assert [(i["identity"], i["preferences"]) for i in body["identities"]] == [("ann", defaults), ("ann_sports", defaults)]


def test_labels_are_in_the_accounts_language(client):
    ann = sign_up(client, "ann@example.org", "ann")
    assert client.patch("/api/v1/account", headers=ann, json={"locale": "fr"}).status_code == 200
    topics = client.get(URL, headers=ann).json()["topics"]
    announcements = next(t for t in topics if t["name"] == "announcements")
    assert announcements["label"].startswith("Les annonces"), announcements
    assert {"value": "off", "label": "Désactivé"} in announcements["choices"]


def test_one_identitys_choice_changes_and_the_others_keep_theirs(client):
    ann = sign_up(client, "ann@example.org", "ann")
    client.post("/api/v1/identities", headers=ann, json={"username": "ann_sports"})
    r = client.patch(URL, headers=ann, json={"identity": "ann_sports", "preferences": {"announcements": "off",
                                                                                        "reminders": "60"}})
    assert r.status_code == 200, r.text
    assert r.json()["identity"] == "ann_sports"
    assert (r.json()["preferences"]["announcements"], r.json()["preferences"]["reminders"]) == ("off", "60")
    assert chosen(client, ann, "ann_sports")["announcements"] == "off"
    assert chosen(client, ann, "ann")["announcements"] == "on"
    r = client.patch(URL, headers=ann, json={"identity": "ann_sports", "preferences": {"announcements": "on"}})
    assert chosen(client, ann, "ann_sports") == {**chosen(client, ann, "ann"), "reminders": "60"}


def test_an_unknown_topic_or_value_is_refused_by_name_and_nothing_is_written(client):
    ann = sign_up(client, "ann@example.org", "ann")
    before = chosen(client, ann, "ann")
    r = client.patch(URL, headers=ann, json={"identity": "ann", "preferences": {"announcements": "off",
                                                                                 "horoscope": "on"}})
    assert r.status_code == 422, r.text
    assert "horoscope" in field_errors(r)["topics"]
    r = client.patch(URL, headers=ann, json={"identity": "ann", "preferences": {"announcements": "off",
                                                                                 "reminders": "5"}})
    assert r.status_code == 422, r.text
    assert "1440" in field_errors(r)["topics.reminders"]
    assert chosen(client, ann, "ann") == before, "the valid value sent with a wrong one was not written"


def test_another_accounts_identity_is_refused(client):
    sign_up(client, "ann@example.org", "ann")
    bob = sign_up(client, "bob@example.org", "bob")
    r = client.patch(URL, headers=bob, json={"identity": "ann", "preferences": {"announcements": "off"}})
    assert r.status_code == 422 and field_errors(r) == {"identity": "this is not one of your identities"}
    assert [i["identity"] for i in client.get(URL, headers=bob).json()["identities"]] == ["bob"]


def test_without_a_token_the_preferences_are_not_shown(client):
    assert client.get(URL).status_code == 401
    assert client.patch(URL, json={"identity": "ann", "preferences": {}}).status_code == 401


def selected(page: str, field: str) -> str:
    """The value a select of the notifications form shows as chosen."""
    select = re.search(rf'<select id="notifications-{re.escape(field)}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {field}"
    option = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return html.unescape(option.group(1)) if option else ""


def test_the_settings_form_saves_each_identitys_choices_and_shows_them(client):
    member(client, "ann@example.org", "ann")
    submit(client, "/identities", "/identities", {"username": "ann_sports"})
    page = client.get("/settings").text
    assert 'id="notifications"' in page
    assert selected(page, "ann.reminders") == "1440" and selected(page, "ann_sports.announcements") == "on"
    assert '<label for="notifications-ann_sports.announcements">Announcements from the organisers' in page
    values = {f"{who}.{topic.name}": topic.default for who in ("ann", "ann_sports") for topic in CORE_TOPICS}
    r = submit(client, "/settings", "/settings/notifications",
               {**values, "ann_sports.announcements": "off", "ann.reminders": "10080"}, follow=False)
    assert r.status_code == 303 and r.headers["location"] == "/settings?done=notifications-saved#notifications"
    page = client.get(r.headers["location"]).text
    assert "Your notification settings were saved." in page
    assert selected(page, "ann_sports.announcements") == "off" and selected(page, "ann.announcements") == "on"
    assert selected(page, "ann.reminders") == "10080"


def test_the_settings_form_refuses_a_wrong_value_next_to_its_field_and_writes_nothing(client):
    member(client, "ann@example.org", "ann")
    r = submit(client, "/settings", "/settings/notifications", {"ann.announcements": "off", "ann.reminders": "3"})
    assert r.status_code == 422
    assert 'id="notifications-ann.reminders-error"' in r.text
    r = submit(client, "/settings", "/settings/notifications", {"bob.announcements": "off"})
    assert r.status_code == 422 and "this is not one of your identities" in r.text
    page = client.get("/settings").text
    assert selected(page, "ann.announcements") == "on"


def test_the_settings_form_needs_its_csrf_token(client):
    member(client, "ann@example.org", "ann")
    r = client.post("/settings/notifications", data={"ann.announcements": "off"})
    assert r.status_code == 403
    assert selected(client.get("/settings").text, "ann.announcements") == "on"


def test_the_settings_form_speaks_the_accounts_language(client):
    member(client, "ann@example.org", "ann")
    assert submit(client, "/settings", "/settings/preferences", {"locale": "fr", "timezone": "Europe/Paris"}).status_code == 200
    page = client.get("/settings").text
    assert "<legend>En tant que @ann</legend>" in page
    assert ">Les annonces des organisateurs des événements auxquels je participe</label>" in page
    assert '<option value="10080">Une semaine avant</option>' in page
