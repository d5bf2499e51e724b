"""A notification as a mail: text and HTML parts from templates, in the recipient's language.

The templates are ``email/notification.txt`` and ``email/notification.html`` in this
plugin's template folder; a theme overrides them by shipping files of the same names.
They see the notification, the instance (name, description) and its branding (logo,
colour), and ``public_url``. The HTML part is autoescaped: nothing a notification
carries can add markup. News (a notification with an ``unsubscribe_url``) carries the
RFC 8058 headers and the same link in its footer; account mails carry neither, since
no one can stop receiving a password reset they asked for.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from jinja2 import Environment

from core.notifications import Notification
from core.settings import Settings
from plugins.email.config import EmailConfig, sender

TEXT_TEMPLATE = "email/notification.txt"
HTML_TEMPLATE = "email/notification.html"


def instance_domain(settings: Settings) -> str:
    """The host of the public URL: Message-IDs and the SMTP greeting name it."""
    return urlsplit(settings.public_url).hostname or "localhost"


def compose(environment: Environment, settings: Settings, config: EmailConfig, notification: Notification,
            to_address: str) -> EmailMessage:
    """The mail for ``notification`` (``to_address`` already checked to be one plain address)."""
    context = {"notification": notification, "public_url": settings.public_url, "locale": notification.locale}
    message = EmailMessage()
    message["Subject"] = notification.subject.replace("\r", " ").replace("\n", " ")
    message["From"] = _from(settings.instance.name, sender(config, instance_domain(settings)))
    message["To"] = to_address
    if config.reply_to:
        message["Reply-To"] = config.reply_to
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=instance_domain(settings))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a notification
    if notification.unsubscribe_url:
        # RFC 2369 and RFC 8058: the mail client offers "unsubscribe", and posts to the link in one click
        message["List-Unsubscribe"] = f"<{notification.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(environment.get_template(TEXT_TEMPLATE).render(context))
    message.add_alternative(environment.get_template(HTML_TEMPLATE).render(context), subtype="html")
    message["Content-Language"] = notification.locale  # after the parts: they take the Content-* headers set before
    return message


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as SMTP carries it: CRLF line ends (smtplib sends bytes as they are)."""
    return message.as_bytes(policy=SMTP)


def _from(name: str, address: str) -> str:
    """``"Instance name" <address>``, the name quoted and encoded as the header needs."""
    local, _, domain = address.rpartition("@")
    return str(Address(name, local, domain))
