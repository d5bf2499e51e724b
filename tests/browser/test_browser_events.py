"""An event's life in Chromium: the form with native date and time inputs, a draft only
its organiser sees, publishing, editing, cancelling with a message, deleting after a
confirmation page, after which its old link says it was deleted."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from axe_audit import blocking_violations
from browser_actions import fill_in, log_in, status
from browser_windows import Windows
from helpers import future_dt, next_in
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_draft_publish_edit_cancel_and_delete(page: Page, windows: Windows, site: Site) -> None:
    await site.member("hal@example.org", "hal", "Hal")
    await log_in(page, "hal@example.org")
    visitor = await windows.open()

    await page.get_by_role("link", name="New event").click()
    await expect(page.get_by_label("Starts")).to_have_attribute("type", "datetime-local")
    thursday = next_in(6, weekday=3).date()  # in June, when Paris is UTC+2
    await fill_in(page, {"Title": "Repair café", "Description": "Bring a broken lamp.", "Starts": f"{thursday}T19:30",
                         "Ends (optional)": f"{thursday}T22:00", "Timezone": "Europe/Paris", "Town": "Lyon"})
    await page.get_by_role("button", name="Save draft").click()
    await expect(status(page)).to_contain_text("The draft was saved.")
    await expect(page.get_by_text("This is a draft: only you can see it")).to_be_visible()
    starts = page.locator(".facts time").first
    await expect(starts).to_contain_text(f"Thursday, June {thursday.day}, {thursday.year}")
    await expect(starts).to_have_attribute("datetime", f"{thursday}T17:30:00+00:00")  # 19:30 in Paris is 17:30 UTC
    event_path = page.url.split("?")[0].removeprefix(site.url)
    assert (await visitor.goto(event_path)).status == 404, "a draft is seen by someone else"

    await page.get_by_role("button", name="Publish").click()
    await expect(status(page)).to_have_text("The event is published.")
    await visitor.goto("/")
    await expect(visitor.get_by_role("link", name="Repair café")).to_be_visible()

    await page.get_by_role("link", name="Edit", exact=True).click()
    await expect(page.get_by_label("Starts")).to_have_value(f"{thursday}T19:30")
    await page.get_by_label("Title").fill("Repair café and soup")
    await page.get_by_role("button", name="Save").click()
    await expect(status(page)).to_have_text("The event was saved.")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Repair café and soup")

    await page.get_by_role("link", name="Cancel the event").click()
    await page.get_by_label("Message to participants (optional)").fill("The hall is flooded, sorry.")
    await page.get_by_role("button", name="Cancel the event").click()
    await expect(status(page)).to_contain_text("The event is cancelled.")
    await visitor.goto(event_path)
    await expect(visitor.get_by_role("note")).to_contain_text("This event is cancelled.")
    await expect(visitor.get_by_role("note")).to_contain_text("The hall is flooded, sorry.")

    await page.get_by_role("link", name="Delete", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Delete “Repair café and soup”?")
    await page.get_by_role("button", name="Delete the event").click()
    await expect(status(page)).to_have_text("The event was deleted.")
    assert (await visitor.goto(event_path)).status == 410
    await expect(visitor.get_by_role("heading", level=1)).to_have_text("This event was deleted")
    assert not await blocking_violations(visitor)
    await visitor.get_by_role("link", name="Back to the home page").click()
    await expect(visitor.get_by_role("heading", level=1)).to_have_text("Upcoming events")


async def test_form_errors_are_shown_next_to_their_field_and_values_kept(page: Page, site: Site) -> None:
    await site.member("ida@example.org", "ida")
    await log_in(page, "ida@example.org")
    await page.goto("/events/new")
    day = future_dt().date()
    await fill_in(page, {"Title": "Picnic", "Starts": f"{day}T12:00", "Ends (optional)": f"{day}T10:00",
                         "Timezone": "Europe/Paris"})
    await page.get_by_role("button", name="Publish").click()

    ends = page.get_by_label("Ends (optional)")
    await expect(ends).to_have_attribute("aria-invalid", "true")
    error_id = await ends.get_attribute("aria-describedby")
    await expect(page.locator(f"#{error_id}")).to_have_text(re.compile("after"))
    await expect(page.get_by_role("alert").get_by_role("link")).to_have_attribute("href", "#event-ends_at")
    await expect(page.get_by_label("Title")).to_have_value("Picnic")
