"""Comments held for review: kept out of sight of everyone but their author until a moderator,
granted by a plugin, releases them; then the lifecycle hook fires (created, or updated for a
comment that was shown before it was held)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.comments import service
from core.comments.models import Comment
from core.context import Ctx
from core.decisions import Decision
from core.errors import Forbidden
from core.plugins import hookimpl
from helpers import new_event, sign_up
from testkit import in_transaction, instance, moderator, viewer_of


class LinksWaitForReview:
    """A policy holding comments with a link, a grant for moderators, and a record of what plugins heard."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, str]] = []

    @hookimpl
    async def convene_check_content(self, kind, text):  # noqa: ANN001, ANN201
        return Decision.hold("comments with a link are read first") if kind == "comment" and "http" in text else None

    @hookimpl
    async def convene_can_moderate(self, ctx, action):  # noqa: ANN001, ANN201
        return Decision.allow() if ctx.viewer.role == "moderator" and action.startswith("comment.") else None

    @hookimpl
    async def convene_held(self, kind, target, reasons):  # noqa: ANN001, ANN201
        self.heard.append(("held", f"{kind}: {target.text} ({'; '.join(map(str, reasons))})"))

    @hookimpl
    async def convene_comment_created(self, comment):  # noqa: ANN001, ANN201
        self.heard.append(("created", comment.text))

    @hookimpl
    async def convene_comment_updated(self, comment):  # noqa: ANN001, ANN201
        self.heard.append(("updated", comment.text))


@pytest.fixture
def review(data_dir):
    with instance(data_dir) as client:
        policy = LinksWaitForReview()
        client.app.state.pm.register(policy)
        alice = sign_up(client, "alice@example.org", "alice")
        bob = sign_up(client, "bob@example.org", "bob")
        event = new_event(client, alice, title="Garden party")
        yield client, policy, alice, bob, f"/api/v1/events/{event['uuid']}/comments"


def texts(client, url: str, headers: dict[str, str] | None = None) -> list[str]:
    return [comment["text"] for comment in client.get(url, headers=headers or {}).json()]


def as_(client, email: str, action):  # noqa: ANN001, ANN201
    """Run ``action(ctx, comment)`` on the newest comment as the person of ``email``."""

    async def work(ctx: Ctx) -> None:
        comment = await ctx.session.scalar(select(Comment).order_by(Comment.id.desc()).limit(1))
        await action(ctx, comment)

    return in_transaction(client, work, viewer_of(client, email))


def test_a_held_comment_is_shown_to_its_author_only_until_a_moderator_releases_it(review):
    client, policy, alice, bob, url = review
    assert client.post(url, headers=bob, json={"text": "<p>See https://example.org</p>"}).status_code == 201
    assert texts(client, url) == [] and texts(client, url, alice) == [], "not even the organiser sees it"
    [own] = texts(client, url, bob)
    assert "https://example.org" in own, "its author does"
    assert [kind for kind, _ in policy.heard] == ["held"], "nothing announced it as posted"
    assert "comments with a link are read first" in policy.heard[0][1]

    with pytest.raises(Forbidden):
        as_(client, "alice@example.org", service.release_comment)
    moderator(client, "mona@example.org", "mona")
    as_(client, "mona@example.org", service.release_comment)
    assert len(texts(client, url)) == 1, "everyone sees it now"
    assert [kind for kind, _ in policy.heard] == ["held", "created"]


def test_a_moderator_holds_a_shown_comment_and_its_release_is_an_update(review):
    client, policy, _, bob, url = review
    assert client.post(url, headers=bob, json={"text": "Lovely garden"}).status_code == 201
    moderator(client, "mona@example.org", "mona")
    as_(client, "mona@example.org", lambda ctx, comment: service.hold_comment(ctx, comment, "reported"))
    assert texts(client, url) == [] and texts(client, url, bob) == ["Lovely garden"]
    as_(client, "mona@example.org", service.release_comment)
    assert texts(client, url) == ["Lovely garden"]
    assert [kind for kind, _ in policy.heard] == ["created", "held", "updated"]
