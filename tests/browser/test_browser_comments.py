"""Comments in Chromium: a comment, a reply under it from another person, and the
reply form that stays folded away until asked for."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from browser_actions import log_in, status
from browser_windows import Windows
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_comment_and_a_reply_threaded_under_it(page: Page, windows: Windows, site: Site) -> None:
    pia = await site.member("pia@example.org", "pia", "Pia")
    await site.member("quinn@example.org", "quinn", "Quinn")
    event = await site.event(pia, title="Bike repair evening")

    await log_in(page, "quinn@example.org")
    await page.goto(f"/events/{event['uuid']}")
    await page.get_by_label("Your comment").fill("Can I bring a child's bike?")
    await page.get_by_role("button", name="Post the comment").click()
    await expect(status(page)).to_have_text("Your comment was posted.")

    organiser = await windows.open()
    await log_in(organiser, "pia@example.org")
    await organiser.goto(f"/events/{event['uuid']}")
    question = organiser.locator(".thread > li").filter(has_text="Can I bring a child's bike?")
    await expect(question).to_contain_text("Quinn (@quinn)")
    await expect(question.get_by_label("Your reply")).to_be_hidden()
    await question.locator("summary", has_text="Reply").click()
    await question.get_by_label("Your reply").fill("Of course, small tools too.")
    await question.get_by_role("button", name="Reply", exact=True).click()
    await expect(status(organiser)).to_have_text("Your comment was posted.")

    await page.reload()
    question = page.locator(".thread > li").filter(has_text="Can I bring a child's bike?")
    answer = question.locator(".thread > li")
    await expect(answer).to_contain_text("Pia (@pia)")
    await expect(answer).to_contain_text("Of course, small tools too.")
