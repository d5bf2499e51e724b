"""Reaching another server's event or person from the search page, in Chromium, against a
second live Convene instance on loopback (both may reach private addresses, as tests on
loopback need)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from browser_actions import log_in
from core.db.migrate import upgrade
from helpers import future, loopback_plugins, make_settings
from live_site import Site, live_site

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
def site(data_dir: Path) -> Iterator[Site]:
    """This instance (the browser's), allowed to fetch from loopback."""
    with live_site(data_dir, plugins=loopback_plugins()) as running:
        yield running


@pytest.fixture
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Another instance with its own SQLite database: the remote server."""
    folder = tmp_path_factory.mktemp("elsewhere")
    database_url = f"sqlite+aiosqlite:///{folder / 'convene.sqlite3'}"
    upgrade(make_settings(folder, database_url=database_url))
    with live_site(folder, plugins=loopback_plugins(), database_url=database_url) as running:
        yield running


async def search_for(page: Page, query: str) -> None:
    await page.get_by_role("link", name="Search", exact=True).click()
    await page.get_by_label("Address or handle").fill(query)
    await page.get_by_role("main").get_by_role("button", name="Search").click()


async def test_a_pasted_remote_event_address_opens_its_page_here(page: Page, site: Site, elsewhere: Site) -> None:
    rita = await elsewhere.member("rita@example.org", "rita", "Rita")
    remote = await elsewhere.event(rita, title="Harbour festival", begins_at=future(hour=15))
    await site.member("sam@example.org", "sam", "Sam")
    await log_in(page, "sam@example.org")

    await search_for(page, f"{elsewhere.url}/events/{remote['uuid']}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Harbour festival")
    assert page.url.startswith(f"{site.url}/events/"), "the event opens on this instance, where one can join it"
    assert remote["uuid"] not in page.url
    await expect(page.locator("dl.facts")).to_contain_text("Rita")
    await expect(page.get_by_role("button", name="Join")).to_be_visible()


async def test_a_remote_handle_shows_the_person_to_follow(page: Page, site: Site, elsewhere: Site) -> None:
    await elsewhere.member("rita@example.org", "rita", "Rita")
    await site.member("sam@example.org", "sam", "Sam")
    await log_in(page, "sam@example.org")
    host = elsewhere.url.removeprefix("http://")

    await search_for(page, f"@rita@{host}")
    await expect(page.get_by_role("heading", level=2)).to_have_text("Rita")
    await expect(page.get_by_text(f"@rita@{host}")).to_be_visible()
    await expect(page.get_by_role("button", name="Follow as Sam (@sam)")).to_be_visible()
