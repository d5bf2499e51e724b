"""Taking part in Chromium: joining as the identity one chooses, leaving, and the
organiser's approvals and refusals on an event where each participant is approved."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from browser_actions import log_in, status
from browser_windows import Windows
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_join_as_the_chosen_identity_then_leave(page: Page, site: Site) -> None:
    jo = await site.member("jo@example.org", "jo", "Jo")
    event = await site.event(jo, title="Park run")
    kim = await site.member("kim@example.org", "kim", "Kim")
    await site.api(kim, "POST", "/identities", {"username": "kim_runs", "display_name": "Kim runs"})
    await log_in(page, "kim@example.org")
    await page.goto(f"/events/{event['uuid']}")
    taking_part = page.get_by_role("region", name="Taking part")
    await expect(page.get_by_text("0 going")).to_be_visible()  # the organiser is not counted

    await taking_part.get_by_label("Join as").select_option(label="Kim runs (@kim_runs)")
    await taking_part.get_by_role("button", name="Join").click()
    await expect(status(page)).to_have_text("You are going to this event.")
    await expect(taking_part).to_contain_text("As Kim runs (@kim_runs): going")
    await expect(page.get_by_text("1 going")).to_be_visible()
    await expect(taking_part.get_by_label("Join as")).to_have_value("kim")  # the other one may still join

    await taking_part.get_by_role("button", name="Leave").click()
    await expect(status(page)).to_have_text("You left this event.")
    await expect(taking_part).not_to_contain_text("As Kim runs")
    await expect(page.get_by_text("0 going")).to_be_visible()


async def test_the_organiser_approves_one_request_and_declines_another(
        page: Page, windows: Windows, site: Site) -> None:
    mo = await site.member("mo@example.org", "mo", "Mo")
    event = await site.event(mo, title="Pottery workshop", join_mode="restricted", max_participants=5)
    await site.member("ned@example.org", "ned", "Ned")
    oz = await site.member("oz@example.org", "oz", "Oz")
    await site.api(oz, "POST", f"/events/{event['uuid']}/participations", {"message": "Is there parking?"})

    await log_in(page, "ned@example.org")
    await page.goto(f"/events/{event['uuid']}")
    await expect(page.get_by_text("The organiser approves each participant.")).to_be_visible()
    await page.get_by_label("Message to the organiser (optional)").fill("I bring my own clay.")
    await page.get_by_role("button", name="Ask to join").click()
    await expect(status(page)).to_have_text("Your request was sent to the organiser.")
    await expect(page.get_by_text("As Ned (@ned): waiting for approval")).to_be_visible()

    organiser = await windows.open()
    await log_in(organiser, "mo@example.org")
    await organiser.goto(f"/events/{event['uuid']}")
    requests = organiser.get_by_role("region", name="You organise this event").get_by_role("listitem")
    ned_request = requests.filter(has_text="Ned (@ned)")
    await expect(ned_request).to_contain_text("I bring my own clay.")
    await ned_request.get_by_role("button", name="Approve").click()
    await expect(status(organiser)).to_have_text("The participation was approved.")
    await requests.filter(has_text="Oz (@oz)").get_by_role("button", name="Decline").click()
    await expect(status(organiser)).to_have_text("The participation was declined.")
    await expect(organiser.get_by_text("No requests waiting.")).to_be_visible()
    await expect(requests.filter(has_text="Oz (@oz)")).to_contain_text("declined")
    await expect(organiser.get_by_text("1 going · 4 of 5 places left")).to_be_visible()

    await page.reload()
    await expect(page.get_by_text("As Ned (@ned): going")).to_be_visible()
