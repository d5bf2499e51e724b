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

from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import formataddr, formatdate, make_msgid
from urllib.parse import urlsplit

from jinja2 import Environment

from core.notifications import Notification
from core.settings import Settings
from plugins.email.config import EmailConfig, sender

TEXT_TEMPLATE = "email/notification.txt"
HTML_TEMPLATE = "email/notification.html"
UTF8 = Charset("utf-8")
UTF8.body_encoding = QP  # readable in the source of a mail, as the modern API writes text
# headers are written as ``compose`` gives them: ASCII ones on one line (a link cannot be folded anyway),
# the others encoded and folded already (``_header``)
WIRE = compat32.clone(linesep="\r\n", max_line_length=None)


def instance_domain(settings: Settings) -> str:
    """The host of the public URL: Message-IDs and the SMTP greeting name it."""
    return urlsplit(settings.public_url).hostname or "localhost"


def compose(environment: Environment, settings: Settings, config: EmailConfig, notification: Notification,
            to_address: str) -> Message:
    """The mail for ``notification`` (``to_address`` already checked to be one plain address).

    Built with the ``compat32`` classes: the modern ``EmailMessage`` parses every header it is
    given and folds it again when written, about three quarters of the cost of a mail (some 2 ms
    of a worker's CPU each). A header value is never parsed here, so every one is checked to be
    a single line (``_header``) instead.
    """
    context = {"notification": notification, "public_url": settings.public_url, "locale": notification.locale}
    message = MIMEMultipart("alternative")
    message.attach(_text(environment.get_template(TEXT_TEMPLATE).render(context), "plain"))
    message.attach(_text(environment.get_template(HTML_TEMPLATE).render(context), "html"))
    headers = {
        "Subject": notification.subject.replace("\r", " ").replace("\n", " "),
        "From": _from(settings.instance.name, sender(config, instance_domain(settings))),
        "To": to_address,
        "Reply-To": config.reply_to,
        "Date": formatdate(localtime=False, usegmt=True),
        "Message-ID": make_msgid(domain=instance_domain(settings)),
        "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies to a notification
        # RFC 2369 and RFC 8058: the mail client offers "unsubscribe", and posts to the link in one click
        "List-Unsubscribe": f"<{notification.unsubscribe_url}>" if notification.unsubscribe_url else "",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" if notification.unsubscribe_url else "",
        "Content-Language": notification.locale,
    }
    for name, value in headers.items():
        if value:
            message[name] = _header(name, value)
    return message


def wire_bytes(message: Message) -> bytes:
    """The message as SMTP carries it: CRLF line ends (smtplib sends bytes as they are)."""
    return message.as_bytes(policy=WIRE)


def _text(body: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(body, UTF8)
    return part


def _from(name: str, address: str) -> str:
    """``"Instance name" <address>``: the name quoted as the header needs, or encoded if it is not ASCII."""
    return formataddr((name, address)) if name.isascii() else f"{_header('From', name)} <{address}>"


def _header(name: str, value: str) -> str:
    """``value`` as a header: refused if it holds a line break (it could add a header), encoded
    (RFC 2047, in words of at most 75 characters on folded lines) if it is not ASCII."""
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name}: a header value cannot hold a line break: {value!r}")
    return value if value.isascii() else Header(value, UTF8, header_name=name).encode(linesep="\r\n")
