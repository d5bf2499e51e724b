"""Joining, approving and leaving from the event page."""

from __future__ import annotations

from test_web_events import create, event_path
from webhelpers import member, second_browser, submit


def organised_by_alice(client, **fields):  # noqa: ANN001, ANN003, ANN201
    member(client, "alice@example.org", "alice")
    return event_path(create(client, action="publish", **fields))


def test_join_a_restricted_event_as_a_chosen_identity_and_get_approved(client):
    path = organised_by_alice(client, join_mode="restricted", max_participants="2")
    bob = second_browser(client)
    member(bob, "bob@example.org", "bob")
    submit(bob, "/identities", "/identities", {"username": "bobby", "display_name": "Bobby Tables"})

    page = bob.get(path)
    assert "The organiser approves each participant." in page.text
    join_form = page.text.split(f'action="{path}/join"')[1].split("</form>")[0]
    assert '<option value="bob" selected>' in join_form  # the identity bob acts as comes preselected
    response = submit(bob, path, f"{path}/join", {"identity": "bobby", "message": "I loved the last one!"})
    assert "Your request was sent to the organiser." in response.text
    assert "As Bobby Tables (@bobby): waiting for approval" in response.text

    organiser_view = client.get(path).text
    pending = organiser_view.split("Requests waiting for your approval")[1].split("<h3>")[0]
    assert "Bobby Tables" in pending and "I loved the last one!" in pending
    approve = organiser_view.split('action="')[1:]
    approve_path = next(a.split('"')[0] for a in approve if a.split('"')[0].endswith("/approve"))
    response = submit(client, path, approve_path)
    assert "The participation was approved." in response.text
    assert "No requests waiting." in response.text
    assert "1 going" in response.text and "1 of 2 places left" in response.text

    assert "As Bobby Tables (@bobby): going" in bob.get(path).text


def test_organiser_declines_a_request(client):
    path = organised_by_alice(client, join_mode="restricted")
    carol = second_browser(client)
    member(carol, "carol@example.org", "carol")
    submit(carol, path, f"{path}/join", {"identity": "carol", "message": "Can I bring my dog?"})
    pending = client.get(path).text.split("Requests waiting for your approval")[1].split("<h3>")[0]
    decline_path = pending.split('action="')[2].split('"')[0]
    assert decline_path.endswith("/reject")
    response = submit(client, path, decline_path)
    assert "The participation was declined." in response.text
    assert "@carol</a></strong> · declined" in response.text
    assert "As @carol: declined" in carol.get(path).text


def test_a_full_event_refuses_with_a_message_on_the_event_page(client):
    path = organised_by_alice(client, max_participants="1")
    bob = second_browser(client)
    member(bob, "bob@example.org", "bob")
    assert "You are going to this event." in submit(bob, path, f"{path}/join", {"identity": "bob"}).text

    carol = second_browser(client)
    member(carol, "carol@example.org", "carol")
    page = carol.get(path)
    assert "This event is full." in page.text
    response = submit(carol, path, f"{path}/join", {"identity": "carol", "message": "please?"})
    assert response.status_code == 409
    assert "this event is full" in response.text
    assert "1 going" in response.text and "0 of 1 places left" in response.text


def test_leave_gives_the_place_back(client):
    path = organised_by_alice(client, max_participants="3")
    bob = second_browser(client)
    member(bob, "bob@example.org", "bob")
    assert "As @bob: going" in submit(bob, path, f"{path}/join", {"identity": "bob"}).text
    response = submit(bob, path, f"{path}/leave", {"identity": "bob"})
    assert "You left this event." in response.text
    assert "0 going" in response.text and "3 of 3 places left" in response.text
    assert "As @bob" not in response.text


def test_anonymous_visitors_are_asked_to_log_in_to_join(client):
    path = organised_by_alice(client)
    submit(client, "/", "/logout")
    page = client.get(path)
    assert "Log in to join" in page.text
    assert client.post(f"{path}/join", data={}, follow_redirects=False).status_code == 403  # no CSRF token
