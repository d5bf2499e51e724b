"""What a mail looks like: the instance's name, escaped HTML, and templates a theme overrides."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from core.notifications import Notification
from core.runtime import Runtime
from core.settings import settings_from_dict
from core.web import templating
from helpers import SECRET
from plugins.email.mailer import Mailer
from plugins.email.messages import wire_bytes
from smtp_fixtures import parts

NOTE = Notification(kind="test", to_email="ann@example.org", subject="Hi <b>there</b>",
                    text="<script>alert(1)</script> Read on:", link="https://events.example.org/x?a=1&b=2")


def mailer(tmp_path, **settings: object) -> Mailer:  # noqa: ANN001
    raw = {"secret_key": SECRET, "data_dir": str(tmp_path), "public_url": "https://events.example.org",
           "plugins": {"enabled": ["email"], "email": {"from_address": "events@example.org"}}, **settings}
    return Mailer(Runtime.start(settings_from_dict(raw)))


def received(mail_out: Mailer, notification: Notification = NOTE):  # noqa: ANN201
    """The mail as the server would parse it from the bytes sent."""
    return message_from_bytes(wire_bytes(mail_out.compose(notification, notification.to_email)), policy=policy.default)


def test_the_mail_carries_the_instance_name_and_escapes_what_the_notification_says(tmp_path):
    mail = received(mailer(tmp_path, instance={"name": "Riverside «Events»", "primary_color": "#0f0"}))
    assert mail["From"].addresses[0].display_name == "Riverside «Events»"
    assert mail["Subject"] == "Hi <b>there</b>", "a subject is text, never markup"
    html = parts(mail)["text/html"]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://events.example.org/x?a=1&amp;b=2"' in html
    assert "Riverside «Events»" in html and "#00ff00" in html
    assert "<script>alert(1)</script> Read on:" in parts(mail)["text/plain"]


def test_paragraphs_and_lines_of_the_text_stay_apart_in_html_and_escaped(tmp_path):
    note = Notification(kind="test", to_email="ann@example.org", subject="Moved",
                        text="The event moved.\n\nWhen: Sunday\nWhere: <Old Brewery>")
    html = parts(received(mailer(tmp_path), note))["text/html"]
    assert ">The event moved.</p>" in html
    assert ">When: Sunday<br>Where: &lt;Old Brewery&gt;</p>" in html


def test_a_line_break_in_a_subject_cannot_add_a_header(tmp_path):
    note = Notification(kind="test", to_email="ann@example.org", subject="Hi\r\nBcc: all@example.org", text="x")
    mail = received(mailer(tmp_path), note)
    assert mail["Bcc"] is None and mail["Subject"] == "Hi  Bcc: all@example.org"


def test_a_theme_overrides_the_templates(tmp_path, monkeypatch):
    themes = tmp_path / "themes"
    (themes / "brand" / "templates" / "email").mkdir(parents=True)
    (themes / "default").symlink_to(templating.THEMES_DIR / "default")
    (themes / "brand" / "templates" / "email" / "notification.txt").write_text("Brand says: {{ notification.text }}\n")
    monkeypatch.setattr(templating, "THEMES_DIR", themes)
    mail = received(mailer(tmp_path, theme="brand"))
    assert parts(mail)["text/plain"].startswith("Brand says: <script>")
    assert "Open the link" in parts(mail)["text/html"], "what the theme leaves alone comes from the plugin"


@pytest.mark.parametrize(("locale", "closing"), [("en", "this message was sent automatically"),
                                                 ("fr", "ce message a été envoyé automatiquement")])
def test_the_mail_is_written_in_the_notification_language(tmp_path, locale, closing):
    note = Notification(kind="test", to_email="ann@example.org", subject="s", text="t", link="https://x.org/", locale=locale)
    mail = received(mailer(tmp_path), note)
    assert closing in parts(mail)["text/plain"] and mail["Content-Language"] == locale
