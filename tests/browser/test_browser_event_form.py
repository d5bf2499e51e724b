"""The event form in Chromium, beyond its life cycle (test_browser_events.py): the timezone
comes preselected from the browser for a member who never chose one and stays changeable;
a chosen banner is shown before sending, and uploads without scripts too; tags, category,
capacity and join mode reach the event page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from browser_actions import fill_in, log_in, status
from browser_windows import Windows
from helpers import future_dt, next_in
from live_site import Site
from webhelpers import png_bytes

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_YORK = "America/New_York"
BANNER = {"name": "poster.png", "mimeType": "image/png", "buffer": png_bytes(320)}


def starts(days: int, hour: int) -> str:
    """A start ``days`` ahead, as the "Starts" field (datetime-local) takes it."""
    return future_dt(days, hour).isoformat(timespec="minutes")


async def test_the_browsers_timezone_is_preselected_and_can_be_changed(windows: Windows, site: Site) -> None:
    await site.member("abe@example.org", "abe", "Abe")
    page = await windows.open(timezone_id=NEW_YORK)
    await log_in(page, "abe@example.org")
    await page.goto("/events/new")
    await expect(page.get_by_label("Timezone")).to_have_value(NEW_YORK)

    june = next_in(6).date()  # summer time in New York (UTC-4) and Paris (UTC+2)
    await fill_in(page, {"Title": "Jazz brunch", "Starts": f"{june}T11:00"})
    await page.get_by_role("button", name="Publish").click()
    await expect(status(page)).to_have_text("The event is published.")
    await expect(page.locator("dl.facts")).to_contain_text(f"({NEW_YORK})")
    await expect(page.locator("dl.facts time").first).to_have_attribute("datetime", f"{june}T15:00:00+00:00")

    await page.goto("/events/new")
    next_day = june + timedelta(days=1)
    await fill_in(page, {"Title": "Picnic in Lyon", "Starts": f"{next_day}T12:00", "Timezone": "Europe/Paris"})
    await page.get_by_role("button", name="Publish").click()
    await expect(status(page)).to_have_text("The event is published.")
    await expect(page.locator("dl.facts")).to_contain_text("(Europe/Paris)")
    await expect(page.locator("dl.facts time").first).to_have_attribute("datetime", f"{next_day}T10:00:00+00:00")


async def test_a_chosen_timezone_wins_over_the_browsers_and_without_scripts_the_servers_default_stays(
        windows: Windows, site: Site) -> None:
    ben = await site.member("ben@example.org", "ben", "Ben")
    await site.member("cy@example.org", "cy", "Cy")
    await site.api(ben, "PATCH", "/account", {"timezone": "Europe/Berlin"})
    ben_page = await windows.open(timezone_id=NEW_YORK)
    await log_in(ben_page, "ben@example.org")
    await ben_page.goto("/events/new")
    await expect(ben_page.get_by_label("Timezone")).to_have_value("Europe/Berlin")

    without_scripts = await windows.open(timezone_id=NEW_YORK, java_script_enabled=False)
    await log_in(without_scripts, "cy@example.org")
    await without_scripts.goto("/events/new")
    await expect(without_scripts.get_by_label("Timezone")).to_have_value("UTC")


async def test_a_chosen_banner_is_previewed_then_shown_on_the_event(page: Page, site: Site) -> None:
    await site.member("dot@example.org", "dot", "Dot")
    await log_in(page, "dot@example.org")
    await page.goto("/events/new")
    preview = page.get_by_role("img", name="Preview of the chosen banner")
    await expect(preview).to_be_hidden()
    await page.get_by_label("Banner picture (optional)").set_input_files(BANNER)
    await expect(preview).to_be_visible()
    assert await preview.evaluate("img => img.complete && img.naturalWidth") == 320, "the preview shows the picture"

    await fill_in(page, {"Title": "Print fair", "Starts": starts(30, 10), "Timezone": "Europe/Paris"})
    await page.get_by_role("button", name="Publish").click()
    await expect(status(page)).to_have_text("The event is published.")
    await expect(page.locator("img.banner")).to_be_visible()


async def test_without_scripts_the_banner_still_uploads(windows: Windows, site: Site) -> None:
    await site.member("eve@example.org", "eve", "Eve")
    page = await windows.open(java_script_enabled=False)
    await log_in(page, "eve@example.org")
    await page.goto("/events/new")
    await page.get_by_label("Banner picture (optional)").set_input_files(BANNER)
    await fill_in(page, {"Title": "Zine swap", "Starts": starts(31, 10), "Timezone": "Europe/Paris"})
    await page.get_by_role("button", name="Publish").click()
    await expect(status(page)).to_have_text("The event is published.")
    banner = page.locator("img.banner")
    await expect(banner).to_be_visible()
    assert await banner.evaluate("img => img.naturalWidth") == 320


async def test_tags_category_capacity_and_join_mode_reach_the_event(windows: Windows, site: Site) -> None:
    await site.member("flo@example.org", "flo", "Flo")
    await site.member("gil@example.org", "gil", "Gil")
    page = await windows.open()
    await log_in(page, "flo@example.org")
    await page.goto("/events/new")
    await fill_in(page, {"Title": "Choir rehearsal", "Starts": starts(32, 19), "Timezone": "Europe/Paris",
                         "Number of places (optional)": "12", "Tags (optional)": "singing, Choir"})
    await page.get_by_label("Category").select_option(label="Music")
    await page.get_by_label("Joining").select_option(label="I approve each participant")
    await page.get_by_role("button", name="Publish").click()
    await expect(status(page)).to_have_text("The event is published.")
    facts = page.locator("dl.facts")
    await expect(facts).to_contain_text("Music")
    await expect(facts).to_contain_text("12 of 12 places left")
    await expect(facts.get_by_role("link", name="#choir")).to_have_attribute("href", "/?tag=choir")
    await expect(facts.get_by_role("link", name="#singing")).to_be_visible()

    member = await windows.open()
    await log_in(member, "gil@example.org")
    await member.goto(page.url.split("?")[0])
    await expect(member.get_by_text("The organiser approves each participant.")).to_be_visible()
    await expect(member.get_by_role("button", name="Ask to join")).to_be_visible()
