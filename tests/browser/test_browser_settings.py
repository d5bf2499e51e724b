"""The settings page in Chromium: language and timezone, password, email address, the
data download and deleting the account. Each form is a region named by its heading."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import Page, expect

from browser_actions import fill_in, log_in, log_out, status
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_language_timezone_password_and_email(page: Page, site: Site) -> None:
    await site.member("dee@example.org", "dee")
    await log_in(page, "dee@example.org")
    await page.get_by_role("link", name="Settings").click()

    preferences = page.get_by_role("region", name="Language and timezone")
    await preferences.get_by_label("Timezone").fill("America/Montreal")
    await preferences.get_by_role("button", name="Save preferences").click()
    await expect(status(page)).to_have_text("Your preferences were saved.")
    await page.get_by_role("link", name="New event").click()
    await expect(page.get_by_label("Timezone")).to_have_value("America/Montreal")

    await page.get_by_role("link", name="Settings").click()
    password = page.get_by_role("region", name="Change your password")
    await fill_in(password, {"Current password": "correct horse", "New password": "new secret!"})
    await password.get_by_role("button", name="Change password").click()
    await expect(status(page)).to_contain_text("Your password was changed.")

    email = page.get_by_role("region", name="Change your email address")
    await fill_in(email, {"New email address": "dee@new.example", "Current password": "new secret!"})
    await email.get_by_role("button", name="Send the confirmation link").click()
    await expect(status(page)).to_contain_text("We sent a link to the new address")
    await expect(page.get_by_text("Your account: dee@example.org")).to_be_visible()
    await page.goto(await site.emailed_link("dee@new.example", "change_email"))
    await expect(status(page)).to_have_text("Your email address was changed.")

    await log_out(page)
    await log_in(page, "dee@new.example", "new secret!")

    # last: the pages speak French from here on
    await page.goto("/settings")
    await preferences.get_by_label("Language", exact=True).select_option(label="Français")
    await preferences.get_by_role("button", name="Save preferences").click()
    await expect(status(page)).to_be_visible()
    await expect(page.locator("#preferences-locale")).to_have_value("fr")


async def test_download_my_data_and_delete_the_account(page: Page, site: Site) -> None:
    await site.member("eve@example.org", "eve")
    await log_in(page, "eve@example.org")
    await page.goto("/settings")
    async with page.expect_download() as download:
        await page.get_by_role("link", name="Download my data (JSON)").click()
    exported = json.loads((await (await download.value).path()).read_text())
    assert "eve@example.org" in json.dumps(exported)

    deletion = page.get_by_role("region", name="Delete your account")
    await deletion.get_by_label("Your password, to confirm").fill("not mine")
    await deletion.get_by_role("button", name="Delete my account").click()
    await expect(deletion.get_by_role("alert")).to_contain_text("this is not your current password")
    await deletion.get_by_label("Your password, to confirm").fill("correct horse")
    await deletion.get_by_role("button", name="Delete my account").click()
    await expect(status(page)).to_have_text("Your account and everything it held were deleted.")
    await expect(page.get_by_role("link", name="Log in")).to_be_visible()

    await page.goto("/login")
    await fill_in(page, {"Email address": "eve@example.org", "Password": "correct horse"})
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_contain_text("wrong email or password")
