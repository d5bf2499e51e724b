"""axe-core on every main page, as a visitor, an organiser and a participant see them,
and on forms showing their errors: no serious or critical problem may remain."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.async_api import Page

from axe_audit import audit, audit_each
from browser_actions import fill_in, log_in
from helpers import future_dt
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


@dataclass(frozen=True)
class Scene:
    event: str
    draft: str
    comment: str


async def busy_event(site: Site) -> Scene:
    """An event with everything its page can show: a request waiting, a comment thread,
    tags, a place and a link; an organiser with two identities and a draft."""
    olive = await site.member("olive@example.org", "olive", "Olive")
    await site.api(olive, "POST", "/identities", {"username": "olive_sings", "display_name": "Olive sings",
                                                  "bio": "<p>Alto in the street choir.</p>"})
    pat = await site.member("pat@example.org", "pat", "Pat")
    event = await site.event(olive, title="Community choir", join_mode="restricted", max_participants=20,
                             tags=["music"], online_url="https://video.example.org/choir")
    uuid = event["uuid"]
    await site.api(pat, "POST", f"/events/{uuid}/participations", {"message": "I sing tenor."})
    question = await site.api(pat, "POST", f"/events/{uuid}/comments", {"text": "Is there sheet music?"})
    await site.api(olive, "POST", f"/events/{uuid}/comments", {"text": "Yes.", "in_reply_to": question["uuid"]})
    draft = await site.event(olive, title="Summer concert", publish=False)
    return Scene(f"/events/{uuid}", f"/events/{draft['uuid']}", f"/events/{uuid}/comments/{question['uuid']}")


async def test_pages_a_visitor_sees(page: Page, site: Site) -> None:
    scene = await busy_event(site)
    findings: dict[str, list[str]] = {}
    await audit_each(page, ["/", "/?tag=music&attendance=online", "/?from=not-a-date", scene.event, "/login", "/signup",
                            "/password/forgot", "/password/reset/unknown",
                            "/about", "/@olive_sings", scene.draft, "/no/such/page", "/schema",
                            f"{scene.event}/share/mastodon?instance=mastodon.social"], findings)
    assert not findings, findings


async def test_pages_an_organiser_sees(page: Page, site: Site) -> None:
    scene = await busy_event(site)
    await log_in(page, "olive@example.org")
    findings: dict[str, list[str]] = {}
    await audit_each(page, [
        "/", scene.event, scene.draft, "/events/new", f"{scene.event}/edit", f"{scene.event}/cancel",
        f"{scene.event}/delete", "/settings", "/identities", "/identities/olive_sings/edit", "/my/events",
        "/my/events?tab=drafts", "/@olive", "/search", "/feed"], findings)
    assert not findings, findings


async def test_pages_a_participant_sees_and_forms_showing_errors(page: Page, site: Site) -> None:
    scene = await busy_event(site)
    await log_in(page, "pat@example.org")
    findings: dict[str, list[str]] = {}
    await audit_each(page, [scene.event, f"{scene.comment}/edit", "/my/events?tab=pending",
                            f"{scene.event}/edit"], findings)

    await page.goto("/events/new")
    starts = future_dt(hour=12).isoformat(timespec="minutes")
    await fill_in(page, {"Title": "Picnic", "Starts": starts, "Timezone": "Mars/Olympus"})
    await page.get_by_role("button", name="Publish").click()
    await audit(page, findings, "event form with an error")
    await page.goto("/settings")
    deletion = page.get_by_role("region", name="Delete your account")
    await fill_in(deletion, {"Your password, to confirm": "wrong"})
    await deletion.get_by_role("button", name="Delete my account").click()
    await audit(page, findings, "settings with an error")
    await page.goto("/identities")
    await fill_in(page, {"Username": "pat"})
    await page.get_by_role("button", name="Create the identity").click()
    await audit(page, findings, "identities with an error")
    assert not findings, findings
