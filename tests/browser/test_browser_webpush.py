"""Web Push in Chromium: the settings page registers the service worker at the site's root.

Headless Chromium has no push service to subscribe to, so this stops where the browser
would ask one: the worker is registered for the whole site, the section says this
device does not receive notifications yet and offers to turn them on, and nothing is
reported as an error (a policy violation, a failed load, an exception).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from browser_actions import log_in
from core.settings import DEFAULT_PLUGINS
from live_site import Site, live_site

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
def site(data_dir: Path) -> Iterator[Site]:
    with live_site(data_dir, plugins={"enabled": [*DEFAULT_PLUGINS, "webpush"]}) as running:
        yield running


async def test_the_settings_page_registers_the_service_worker_for_the_whole_site(page: Page, site: Site) -> None:
    await site.member("pia@example.org", "pia")
    await log_in(page, "pia@example.org")
    await page.goto("/settings")
    section = page.get_by_role("region", name="Notifications on this device")
    await expect(section.get_by_role("status")).to_have_text("This device does not receive your notifications.")
    await expect(section.get_by_role("button", name="Turn on notifications on this device")).to_be_visible()
    await expect(section.get_by_role("button", name="Turn off")).to_be_hidden()
    scope = await page.evaluate("navigator.serviceWorker.ready.then(function (r) { return r.scope; })")
    assert scope == site.url + "/"
