"""What the email plugin keeps per instance: its config, its SMTP pool, its template environments.

Made on first use in a process (``mailer(ctx.runtime)``) and kept in the instance's
runtime, never in a module global: two instances in one process (as in the tests) share
no connection. The worker renders mail outside any request, so the plugin builds its own
Jinja environments (theme, plugins' templates and catalogues, as pages have them).
"""

from __future__ import annotations

import asyncio
from email.message import EmailMessage

from babel.support import Translations

from core.i18n import translations
from core.notifications import Notification
from core.plugins import call_sync
from core.runtime import Runtime
from core.web.templating import make_environments
from plugins.email.config import EmailConfig, sender
from plugins.email.messages import compose, instance_domain, wire_bytes
from plugins.email.smtp import SmtpPool

PLUGIN_NAME = "email"


class Mailer:
    def __init__(self, runtime: Runtime) -> None:
        self.settings = runtime.settings
        self.config: EmailConfig = runtime.config(PLUGIN_NAME)
        self.from_address = sender(self.config, instance_domain(self.settings))
        self.pool = SmtpPool(self.config, instance_domain(self.settings))
        template_dirs = [d for ds in call_sync(runtime.pm, "convene_template_dirs") for d in ds]
        self.locale_dirs = tuple(d for ds in call_sync(runtime.pm, "convene_locale_dirs") for d in ds)
        self.environments = make_environments(self.settings, template_dirs, list(self.locale_dirs))

    def catalogue(self, locale: str) -> Translations:
        """Every catalogue (core's, the plugins') in ``locale``, for text written outside a template."""
        return translations(locale, self.locale_dirs)

    def compose(self, notification: Notification, to_address: str) -> EmailMessage:
        environment = self.environments.get(notification.locale) or self.environments[self.settings.instance.language]
        return compose(environment, self.settings, self.config, notification, to_address)

    async def send(self, message: EmailMessage, to_address: str) -> None:
        """Send on a pooled connection, in a thread (smtplib blocks)."""
        await asyncio.to_thread(self.pool.send, self.from_address, to_address, wire_bytes(message))


def mailer(runtime: Runtime) -> Mailer:
    return runtime.state(PLUGIN_NAME, Mailer)


async def close_mailer(runtime: Runtime) -> None:
    """Say goodbye to the pooled SMTP connections, if this process opened any (in a thread: QUIT waits)."""
    made = runtime.made_state(PLUGIN_NAME)
    if made is not None:
        await asyncio.to_thread(made.pool.close)
