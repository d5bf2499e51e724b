"""Exploring upcoming events from the home page in Chromium: each filter (text, dates,
category, tag, online or in person) narrows the list as a person sets it in the form, and
"Show all events" brings everything back; an event's tag leads to the list of its tag."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from browser_actions import fill_in
from helpers import future_dt
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")

ALL = ["Book club", "Chess night", "River clean-up"]
BOOK_CLUB, CHESS_NIGHT, CLEAN_UP = future_dt(30), future_dt(39, 20), future_dt(80, 9)


async def three_events(site: Site) -> None:
    """A book club in Paris, an online chess night, a clean-up in Lyon: each filter picks some."""
    org = await site.member("org@example.org", "org", "Org")
    await site.event(org, title="Book club", begins_at=BOOK_CLUB.isoformat(), category="BOOK_CLUBS", tags=["books"])
    await site.event(org, title="Chess night", begins_at=CHESS_NIGHT.isoformat(), category="GAMES", tags=["chess"],
                     address=None, online_url="https://chess.example.org/room")
    await site.event(org, title="River clean-up", begins_at=CLEAN_UP.isoformat(), category="OUTDOORS_ADVENTURE",
                     tags=["nature"], address={"name": "Quai", "locality": "Lyon", "country": "France"})


async def search(page: Page, fields: dict[str, str] | None = None, **choices: str) -> None:
    """Start from the whole list, set the filters as a person would, and search."""
    await page.goto("/")
    await fill_in(page, fields or {})
    for label, option in choices.items():
        await page.get_by_label(label.replace("_", " "), exact=True).select_option(label=option)
    await page.get_by_role("button", name="Search", exact=True).click()


async def expect_listed(page: Page, titles: list[str]) -> None:
    await expect(page.locator("main ul.events > li strong")).to_have_text(titles)
    if titles:
        await expect(page.get_by_text(f"{len(titles)} upcoming event")).to_be_visible()


async def test_each_filter_narrows_the_list(page: Page, site: Site) -> None:
    await three_events(site)
    await page.goto("/")
    await expect_listed(page, ALL)

    await search(page, {"Search by title or town": "lyon"})
    await expect_listed(page, ["River clean-up"])
    await search(page, {"Search by title or town": "CHESS"})
    await expect_listed(page, ["Chess night"])

    await search(page, {"From": str(BOOK_CLUB.date() + timedelta(days=1)), "Until": str(CLEAN_UP.date())})
    await expect_listed(page, ["Chess night", "River clean-up"])  # the last day counts whole
    await search(page, {"Until": str(BOOK_CLUB.date())})
    await expect_listed(page, ["Book club"])

    await search(page, Category="Games")
    await expect_listed(page, ["Chess night"])
    await search(page, {"Tag": "books"})
    await expect_listed(page, ["Book club"])

    await search(page, Online_or_in_person="Online")
    await expect_listed(page, ["Chess night"])
    await search(page, Online_or_in_person="In person")
    await expect_listed(page, ["Book club", "River clean-up"])


async def test_filters_combine_stay_in_the_form_and_can_be_cleared(page: Page, site: Site) -> None:
    await three_events(site)
    await search(page, {"Search by title or town": "paris", "Tag": "chess"})
    await expect_listed(page, [])
    await expect(page.get_by_text("No upcoming events match.")).to_be_visible()
    await expect(page.get_by_label("Tag", exact=True)).to_have_value("chess")

    await page.get_by_role("link", name="Show all events").click()
    await expect_listed(page, ALL)
    await expect(page.get_by_label("Tag", exact=True)).to_have_value("")

    await page.get_by_role("link", name="River clean-up").click()
    await page.get_by_role("link", name="#nature").click()  # an event's tag lists the events that have it
    await expect_listed(page, ["River clean-up"])
    await expect(page.get_by_label("Tag", exact=True)).to_have_value("nature")
