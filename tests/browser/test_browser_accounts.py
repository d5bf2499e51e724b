"""Signing up, confirming, logging in and out, and resetting a forgotten password, in Chromium."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from browser_actions import acting_as, fill_in, log_in, log_out, status
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_sign_up_confirm_log_in_reset_the_password_and_log_out(page: Page, site: Site) -> None:
    await page.goto("/")
    await page.get_by_role("link", name="Sign up").click()
    await fill_in(page, {"Email address": "ada@example.org", "Password": "correct horse", "Username": "ada",
                         "Display name (optional)": "Ada L."})
    await page.get_by_role("button", name="Sign up").click()
    await expect(status(page)).to_contain_text("we sent you an email")

    await page.goto("/login")
    await fill_in(page, {"Email address": "ada@example.org", "Password": "correct horse"})
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_contain_text("please confirm your email address first")

    await page.goto(await site.emailed_link("ada@example.org", "confirm_email"))
    await expect(status(page)).to_have_text("Your email address is confirmed. You can log in now.")
    await log_in(page, "ada@example.org")
    await expect(acting_as(page)).to_have_text("You act as Ada L. (@ada)")
    await log_out(page)
    await expect(acting_as(page)).to_have_count(0)

    await page.get_by_role("link", name="Log in").click()
    await page.get_by_role("link", name="Forgot your password?").click()
    await page.get_by_label("Email address").fill("ada@example.org")
    await page.get_by_role("button", name="Send me a link").click()
    await expect(status(page)).to_contain_text("we sent it a link to choose a new password")
    await page.goto(await site.emailed_link("ada@example.org", "reset_password"))
    await page.get_by_label("New password").fill("a brand new secret")
    await page.get_by_role("button", name="Save the new password").click()
    await expect(status(page)).to_have_text("Your password was changed. Log in with the new one.")
    await log_in(page, "ada@example.org", "a brand new secret")
    await expect(acting_as(page)).to_have_text("You act as Ada L. (@ada)")


async def test_a_wrong_password_is_said_next_to_the_form_and_the_email_is_kept(page: Page, site: Site) -> None:
    await site.member("bo@example.org", "bo")
    await page.goto("/login")
    await fill_in(page, {"Email address": "bo@example.org", "Password": "not the one"})
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_contain_text("wrong email or password")
    await expect(page.get_by_label("Email address")).to_have_value("bo@example.org")
    await expect(page.get_by_label("Password")).to_have_value("")
