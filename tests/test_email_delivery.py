"""The email plugin sends each notification as a mail, through the durable outbox.

Against a real SMTP server (aiosmtpd) on loopback: what arrives (multipart, in the
recipient's language, with a confirmation link that works), what a 4xx, a 5xx or a
server that is down does to delivery, and that a worker reuses its connection.
"""

from __future__ import annotations

from email.utils import parseaddr

import pytest

from core.notifications import Notification, notify
from email_fixtures import FROM, link_in, mailing_instance, notifications, refusals, retry_now
from helpers import token_of, wait_for
from smtp_fixtures import (
    HANG_UP,
    PASSWORD,
    USER,
    close_connections,
    free_port,
    parts,
    self_signed_certificate,
    silent_server,
    smtp_server,
)
from webhelpers import submit


def sign_up_by_api(client, email: str = "ann@example.org", username: str = "ann") -> None:  # noqa: ANN001
    r = client.post("/api/v1/accounts", json={"email": email, "password": "correct horse", "username": username})
    assert r.status_code == 201, r.text


def send(client, to_email: str, subject: str = "Hello", unsubscribe_url: str = "") -> None:  # noqa: ANN001
    """A notification written as a job of the worker writes it (so its row is handed to the worker at once)."""
    notification = Notification(kind="test", to_email=to_email, subject=subject, text="Some news.", link="",
                                unsubscribe_url=unsubscribe_url)
    tasks = client.app.state.tasks
    tasks.run_coroutine(tasks.in_transaction(lambda ctx: notify(ctx.session, notification)))


def test_sign_up_mail_arrives_multipart_with_a_confirmation_link_that_works(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        sign_up_by_api(client)
        wait_for(lambda: server.messages)
        mail = server.messages[0]
        assert server.envelopes[0] == (FROM, ["ann@example.org"])
        assert mail.get_content_type() == "multipart/alternative"
        assert mail["To"] == "ann@example.org"
        assert parseaddr(mail["From"]) == ("Convene", FROM)
        assert mail["Message-ID"].endswith("@testserver.local>")
        assert mail["Date"] and mail["Subject"] == "Confirm your account on Convene"
        body = parts(mail)
        link = link_in(body["text/plain"])
        assert link in body["text/html"] and 'lang="en"' in body["text/html"]
        r = client.post("/api/v1/accounts/confirm", json={"token": token_of(link)})
        assert r.status_code == 200, r.text
        wait_for(lambda: [row.state for row in notifications(client)] == ["done"])


def test_french_sign_up_gets_french_mail(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        client.headers["Accept-Language"] = "fr-FR,fr;q=0.9"
        r = submit(client, "/signup", "/signup", {"email": "zoe@example.org", "password": "correct horse", "username": "zoe"})
        assert r.status_code == 200, r.text
        wait_for(lambda: server.messages)
        mail = server.messages[0]
        assert mail["Content-Language"] == "fr"
        assert mail["Subject"].startswith("Confirmez"), mail["Subject"]
        body = parts(mail)
        assert "Ouvrir le lien" in body["text/html"] and 'lang="fr"' in body["text/html"]
        assert "ce message a été envoyé automatiquement" in body["text/plain"]
        link = link_in(body["text/plain"])
        assert client.get("/" + link.split("/", 3)[3]).status_code == 200


def test_starttls_and_login(data_dir, tmp_path):
    certificate = self_signed_certificate(tmp_path)
    with smtp_server(tls=certificate) as (controller, server), mailing_instance(
            data_dir, controller.port, smtp_security="starttls", smtp_username=USER, smtp_password=PASSWORD,
            smtp_ca_file=str(certificate[0]), reply_to="help@testserver.local") as client:
        send(client, "bob@example.org")
        wait_for(lambda: server.messages)
        assert server.messages[0]["Reply-To"] == "help@testserver.local"


def test_temporary_refusal_is_retried_and_delivered(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        server.data_answers.append("451 4.3.0 try again later")
        send(client, "bob@example.org")
        row = wait_for(lambda: [r for r in notifications(client) if r.attempts == 1 and r.state == "pending"])[0]
        assert "451" in row.last_error and not server.messages
        retry_now(client)
        wait_for(lambda: [r.state for r in notifications(client)] == ["done"])
        assert len(server.messages) == 1 and notifications(client)[0].attempts == 2
        assert refusals(client) == []


def test_connection_closed_mid_message_is_retried(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        server.data_answers.append(HANG_UP)
        send(client, "bob@example.org")
        row = wait_for(lambda: [r for r in notifications(client) if r.attempts == 1 and r.state == "pending"])[0]
        assert "SMTPServerDisconnected" in row.last_error and not server.messages
        retry_now(client)
        wait_for(lambda: [r.state for r in notifications(client)] == ["done"])
        assert len(server.messages) == 1 and refusals(client) == []


def test_a_server_that_does_not_answer_is_a_transient_failure(data_dir):
    with silent_server() as port, mailing_instance(data_dir, port, timeout_seconds=0.2) as client:
        send(client, "bob@example.org")
        row = wait_for(lambda: [r for r in notifications(client) if r.attempts == 1 and r.state == "pending"])[0]
        assert "timed out" in row.last_error, row.last_error
        assert refusals(client) == []


def test_permanent_refusal_is_recorded_and_not_retried(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        server.rcpt_answers.append("550 5.1.1 no such user")
        send(client, "nobody@example.org")
        wait_for(lambda: [r.state for r in notifications(client)] == ["done"])
        assert notifications(client)[0].attempts == 1, "a done row is never run again"
        [refusal] = refusals(client)
        assert (refusal.to_email, refusal.stage, refusal.code, refusal.kind) == ("nobody@example.org", "RCPT TO", 550, "test")
        assert "no such user" in refusal.reply and server.messages == []


STOP_LINK = "http://testserver.local/notifications/unsubscribe/abc"


def test_news_offers_one_click_unsubscribe_and_account_mail_does_not(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        send(client, "bob@example.org", subject="News", unsubscribe_url=STOP_LINK)
        send(client, "bob@example.org", subject="Reset")
        wait_for(lambda: len(server.messages) == 2)
        news, account_mail = sorted(server.messages, key=lambda mail: mail["Subject"])
        assert news["List-Unsubscribe"] == f"<{STOP_LINK}>"
        assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        body = parts(news)
        assert STOP_LINK in body["text/plain"] and f'href="{STOP_LINK}"' in body["text/html"]
        assert account_mail["List-Unsubscribe"] is None and STOP_LINK not in parts(account_mail)["text/plain"]


def test_an_address_that_bounced_gets_no_news_but_still_gets_account_mail(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        server.rcpt_answers.append("550 5.1.1 no such user")
        send(client, "gone@example.org", subject="First news", unsubscribe_url=STOP_LINK)
        wait_for(lambda: [r.state for r in notifications(client)] == ["done"])
        send(client, "gone@example.org", subject="Second news", unsubscribe_url=STOP_LINK)
        wait_for(lambda: [r.state for r in notifications(client)] == ["done", "done"])
        assert server.messages == [] and len(refusals(client)) == 1, "the second news was not even offered"
        send(client, "gone@example.org", subject="Password reset")
        wait_for(lambda: len(server.messages) == 1)
        assert server.messages[0]["Subject"] == "Password reset"
        wait_for(lambda: refusals(client) == [])  # accepted again: the bounce no longer counts
        send(client, "gone@example.org", subject="Third news", unsubscribe_url=STOP_LINK)
        wait_for(lambda: len(server.messages) == 2)


def test_permanent_refusal_of_the_message_is_recorded(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        server.data_answers.append("554 5.7.1 message rejected")
        send(client, "bob@example.org")
        wait_for(lambda: refusals(client))
        assert [(r.stage, r.code) for r in refusals(client)] == [("DATA", 554)]
        wait_for(lambda: [r.state for r in notifications(client)] == ["done"])


def test_address_with_header_injection_is_refused_without_sending(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        send(client, "bob@example.org\r\nBcc: everyone@example.org")
        send(client, "bob@example.org, eve@example.org")
        wait_for(lambda: len(refusals(client)) == 2)
        assert {r.stage for r in refusals(client)} == {"address"}
        wait_for(lambda: [r.state for r in notifications(client)] == ["done", "done"])
        assert server.peers == [], "no connection sent anything"


def test_mail_waits_while_the_server_is_down_and_goes_when_it_is_back(data_dir):
    port = free_port()
    with mailing_instance(data_dir, port) as client:
        send(client, "bob@example.org")
        row = wait_for(lambda: [r for r in notifications(client) if r.attempts == 1 and r.state == "pending"])[0]
        assert "Connection refused" in row.last_error or "ConnectionRefused" in row.last_error, row.last_error
        with smtp_server(port) as (_, server):
            retry_now(client)
            wait_for(lambda: server.messages)
            wait_for(lambda: [r.state for r in notifications(client)] == ["done"])


@pytest.mark.parametrize("goodbye", [b"", b"421 4.4.2 Error: timeout exceeded\r\n"])
def test_a_worker_reuses_its_connection_and_reconnects_when_the_server_hung_up(data_dir, goodbye):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        for number in range(1, 6):
            send(client, f"guest{number}@example.org")
            # done once the job returned, so its connection is back in the pool for the next one
            wait_for(lambda number=number: [r.state for r in notifications(client)] == ["done"] * number)
        assert len(server.peers) == 1, "five messages, one connection"
        close_connections(controller, server, goodbye)
        send(client, "guest6@example.org")
        wait_for(lambda: len(server.messages) == 6)
        assert len(server.peers) == 2
        wait_for(lambda: all(r.state == "done" for r in notifications(client)))
        assert {r.attempts for r in notifications(client)} == {1}, "the hang-up cost no retry"


def test_stopping_the_instance_says_goodbye_to_its_smtp_connections(data_dir):
    with smtp_server() as (controller, server):
        with mailing_instance(data_dir, controller.port) as client:
            send(client, "guest@example.org")
            wait_for(lambda: [r.state for r in notifications(client)] == ["done"])
            [connection] = server.sessions
            assert not connection.transport.is_closing(), "kept open for the next message"
        wait_for(lambda: connection.transport is None or connection.transport.is_closing())
