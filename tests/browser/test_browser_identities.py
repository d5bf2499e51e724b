"""Identities in Chromium: a second public profile with a bio and an avatar, and switching
between profiles from the header of any page, which always says who you act as."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from browser_actions import acting_as, fill_in, log_in, status
from live_site import Site
from webhelpers import png_bytes

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_second_identity_with_a_bio_and_an_avatar(page: Page, site: Site) -> None:
    await site.member("fay@example.org", "fay", "Fay")
    await log_in(page, "fay@example.org")
    await page.get_by_role("link", name="Identities").click()
    await fill_in(page, {"Username": "fay_climbs", "Display name (optional)": "Fay on the rocks",
                         "Bio (optional)": "Bouldering on Sundays."})
    await page.get_by_role("button", name="Create the identity").click()
    await expect(status(page)).to_have_text("The identity was created.")
    await expect(acting_as(page)).to_have_text("You act as Fay (@fay)")  # creating one does not switch

    await page.get_by_role("listitem").filter(has_text="@fay_climbs").get_by_role("link", name="Edit").click()
    await page.get_by_label("New avatar").set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": png_bytes(128)})
    await page.get_by_role("button", name="Save").click()
    await expect(status(page)).to_have_text("The identity was saved.")

    await page.goto("/@fay_climbs")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Fay on the rocks")
    await expect(page.get_by_text("Bouldering on Sundays.")).to_be_visible()
    avatar = page.locator(".profile header img.avatar")
    await expect(avatar).to_be_visible()
    assert await avatar.evaluate("img => img.complete && img.naturalWidth") > 0, "the avatar picture did not load"


async def test_switching_identity_from_the_header_stays_on_the_page(page: Page, site: Site) -> None:
    gus = await site.member("gus@example.org", "gus", "Gus")
    await site.api(gus, "POST", "/identities", {"username": "gus_sings", "display_name": "Gus the tenor"})
    event = await site.event(gus, title="Choir rehearsal")
    await log_in(page, "gus@example.org")
    await page.goto(f"/events/{event['uuid']}")
    await expect(acting_as(page)).to_have_text("You act as Gus (@gus)")
    await expect(page.get_by_label("Comment as")).to_have_value("gus")

    await page.get_by_label("Act as").select_option(label="Gus the tenor (@gus_sings)")
    await page.get_by_role("button", name="Switch").click()
    await expect(status(page)).to_have_text("You now act as the identity you chose.")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Choir rehearsal")
    await expect(acting_as(page)).to_have_text("You act as Gus the tenor (@gus_sings)")
    await expect(page.get_by_label("Comment as")).to_have_value("gus_sings")

    await page.get_by_role("link", name="My events").click()
    await expect(acting_as(page)).to_have_text("You act as Gus the tenor (@gus_sings)")
