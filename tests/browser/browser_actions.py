"""What a person does often in the browser, done the way they do it: through labels,
buttons and links they can see, never by posting forms behind the page's back."""

from __future__ import annotations

from playwright.async_api import Locator, Page, expect

from live_site import PASSWORD


def status(page: Page) -> Locator:
    """The confirmation shown at the top of the page after an action (scripts may add
    live regions of their own further down, e.g. "Link copied")."""
    return page.locator("main > [role=status]")


def acting_as(page: Page) -> Locator:
    """The header's line saying which identity the next action is done as."""
    return page.locator("#acting-as")


async def fill_in(place: Page | Locator, fields: dict[str, str]) -> None:
    """Type into each field found by its whole label, in order, as a person filling a form."""
    for label, value in fields.items():
        await place.get_by_label(label, exact=True).fill(value)


async def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    await page.goto("/login")
    await fill_in(page, {"Email address": email, "Password": password})
    await page.get_by_role("button", name="Log in").click()
    await expect(status(page)).to_have_text("You are logged in.")


async def log_out(page: Page) -> None:
    await page.get_by_role("button", name="Log out").click()
    await expect(status(page)).to_have_text("You are logged out.")
