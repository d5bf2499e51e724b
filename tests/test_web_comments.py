"""Threaded comments on the event page: post, reply, edit, delete, closed comments."""

from __future__ import annotations

import re

from test_web_events import create, event_path
from webhelpers import field_error, member, second_browser, submit


def comment_ids(page: str) -> list[str]:
    return re.findall(r'<li id="c-([0-9a-f-]{36})">', page)


def test_comment_reply_edit_and_delete(client):
    member(client, "alice@example.org", "alice")
    path = event_path(create(client, action="publish"))
    bob = second_browser(client)
    member(bob, "bob@example.org", "bob")

    response = submit(bob, path, f"{path}/comments", {"identity": "bob", "text": "Which edition do we read?"})
    assert "Your comment was posted." in response.text
    assert "Which edition do we read?" in response.text
    [question] = comment_ids(response.text)

    response = submit(client, path, f"{path}/comments",
                      {"identity": "alice", "text": "The 1965 one.", "in_reply_to": question})
    assert "Your comment was posted." in response.text
    thread = response.text.split(f'<li id="c-{question}">')[1]
    assert "The 1965 one." in thread.split("</ol>")[0]  # the reply sits inside the question's thread

    edit_path = f"{path}/comments/{question}/edit"
    assert client.get(edit_path).status_code == 403  # only the author edits
    response = submit(bob, edit_path, edit_path, {"text": "Which edition do we read, please?"})
    assert "Your comment was saved." in response.text
    assert "Which edition do we read, please?" in response.text

    response = submit(bob, path, f"{path}/comments/{question}/delete")
    assert "The comment was deleted." in response.text
    assert "This comment was deleted." in response.text
    assert "The 1965 one." in response.text  # replies stay


def test_organiser_deletes_any_comment(client):
    member(client, "alice@example.org", "alice")
    path = event_path(create(client, action="publish"))
    bob = second_browser(client)
    member(bob, "bob@example.org", "bob")
    [rude] = comment_ids(submit(bob, path, f"{path}/comments", {"identity": "bob", "text": "Rude words"}).text)
    response = submit(client, path, f"{path}/comments/{rude}/delete")
    assert "This comment was deleted." in response.text and "Rude words" not in response.text


def test_an_empty_comment_is_refused_in_its_form(client):
    member(client, "alice@example.org", "alice")
    path = event_path(create(client, action="publish"))
    response = submit(client, path, f"{path}/comments", {"identity": "alice", "text": "<script></script>"})
    assert response.status_code == 422
    assert field_error(response.text, "comment", "text") == "this field is required"
    assert "No comments yet." in response.text


def test_comments_are_closed_when_disabled(client):
    member(client, "alice@example.org", "alice")
    path = event_path(create(client, action="publish", comments_enabled=None))
    page = client.get(path)
    assert "Comments are closed." in page.text
    assert 'action="' + path + '/comments"' not in page.text
    response = submit(client, path, f"{path}/comments", {"identity": "alice", "text": "Hello?"})
    assert "comments are closed on this event" in response.text
