"""Shared by the anonymous participation tests: an instance mailing through a real SMTP server, an
organiser and an event that takes people without an account, and reading the mails they get."""


from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from litestar.testing import TestClient

from email_fixtures import mailing_instance
from helpers import new_event, sign_up, wait_for
from plugins.email.anonymous.links import CANCEL_PATH, CONFIRM_PATH
from smtp_fixtures import Recorder, parts, smtp_server

ORGANISER = "org@example.org"


@contextmanager
def instance(data_dir, **email: Any) -> Iterator[tuple[TestClient, Recorder]]:  # noqa: ANN001
    email = {"anonymous_participation": True, **email}
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port, **email) as client:
        yield client, server


def organiser(client: TestClient) -> dict[str, str]:
    return sign_up(client, ORGANISER, "org")


def open_event(client: TestClient, headers: dict[str, str], **fields: Any) -> str:
    return new_event(client, headers, extra={"anonymous_participation": True}, **fields)["uuid"]


def join(client: TestClient, uuid: str, email: str, **body: Any):  # noqa: ANN201
    return client.post(f"/api/v1/events/{uuid}/anonymous-participations", json={"email": email, **body})


def mails_to(server: Recorder, address: str, count: int = 1) -> list[EmailMessage]:
    """The mails that arrived for ``address``, once there are ``count`` of them."""
    def arrived() -> list[EmailMessage]:
        found = [m for m in server.messages if m["To"] == address]
        return found if len(found) >= count else []

    return wait_for(arrived)


def text_of(mail: EmailMessage) -> str:
    return parts(mail)["text/plain"]


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def links_of(mail: EmailMessage) -> dict[str, str]:
    """The confirm and cancel links a mail carries, as paths."""
    text = text_of(mail)
    found = {}
    for word in text.split():
        if CONFIRM_PATH in word:
            found["confirm"] = path_of(word)
        elif CANCEL_PATH in word:
            found["cancel"] = path_of(word)
    return found


def count(client: TestClient, uuid: str) -> int:
    return client.get(f"/api/v1/events/{uuid}").json()["participant_count"]


def confirm(client: TestClient, path: str):  # noqa: ANN201
    """Open the link (a page with a button), then press the button."""
    shown = client.get(path)
    assert shown.status_code == 200 and "<form" in shown.text, shown.text
    return client.post(path)


def joined_and_confirmed(client: TestClient, server: Recorder, uuid: str, email: str, **body: Any) -> EmailMessage:
    """Join, confirm from the mail; returns the mail that says the outcome (with its cancel link)."""
    assert join(client, uuid, email, **body).status_code == 202
    r = confirm(client, links_of(mails_to(server, email)[0])["confirm"])
    assert r.status_code == 200, r.text
    return mails_to(server, email, 2)[1]
