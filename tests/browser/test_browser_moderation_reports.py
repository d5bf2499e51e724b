"""Reporting and the moderation queue in Chromium: a visitor's report paid with the proof of work the
page's script solves, a member's report of a comment, and a moderator working the queue (hiding the
reported event from the report's page, then the log and the review pages); axe on each page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from axe_audit import audit
from browser_actions import log_in, status
from browser_windows import Windows
from core.accounts.service import create_account
from core.context import Ctx
from core.identities.service import create_identity
from core.scripting import run_in_transaction
from core.settings import DEFAULT_PLUGINS
from live_site import PASSWORD, Site, live_site
from plugins.moderation.models import InstanceRule

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
def site(data_dir: Path) -> Iterator[Site]:
    """An instance that accepts anonymous reports (a light proof of work, so the test is quick)."""
    plugins = {"enabled": list(DEFAULT_PLUGINS),
               "moderation": {"anonymous_reports": True, "anonymous_report_work_bits": 12}}
    with live_site(data_dir, plugins=plugins) as running:
        yield running


async def rules_and_moderator(site: Site) -> None:
    async def make(ctx: Ctx) -> None:
        ctx.session.add_all([InstanceRule(text="Be kind", hint="No insults, no harassment", position=0),
                             InstanceRule(text="No scams", hint="Fake sales, fake tickets", position=1)])
        account = await create_account(ctx, "mod@example.org", PASSWORD, role="moderator", confirmed=True)
        await create_identity(ctx, account, "mod")

    await run_in_transaction(site.settings, make)


async def test_reports_by_a_visitor_and_a_member_then_worked_in_the_queue(windows: Windows, site: Site) -> None:
    findings: dict[str, list[str]] = {}
    await rules_and_moderator(site)
    ada = await site.member("ada@example.org", "ada", "Ada")
    event = await site.event(ada, title="Crypto riches seminar")
    await site.api(ada, "POST", f"/events/{event['uuid']}/comments", {"text": "Send me 1 BTC, get 2 back"})

    visitor = await windows.open()
    await visitor.goto(f"/events/{event['uuid']}")
    await visitor.get_by_role("link", name="Report this event").click()
    await expect(visitor.get_by_role("heading", name="Report to the moderators")).to_be_visible()
    await expect(visitor.locator(".reported")).to_contain_text("Crypto riches seminar")
    await audit(visitor, findings, "report form (visitor)")
    await visitor.get_by_label("No scams").check()
    await visitor.get_by_label("Comment (optional)").fill("A pyramid scheme")
    await visitor.get_by_role("button", name="Send the report").click()
    await expect(visitor.get_by_role("heading", name="Thank you")).to_be_visible()
    await audit(visitor, findings, "report sent")

    member: Page = await windows.open()
    await site.member("bea@example.org", "bea", "Bea")
    await log_in(member, "bea@example.org")
    await member.goto(f"/events/{event['uuid']}")
    comment = member.locator(".thread > li").filter(has_text="Send me 1 BTC")
    await comment.get_by_role("link", name="Report this comment").click()
    await expect(member.locator(".reported")).to_contain_text("Send me 1 BTC, get 2 back")
    await audit(member, findings, "report form (member)")
    await member.get_by_label("Spam").check()
    await member.get_by_role("button", name="Send the report").click()
    await expect(member.get_by_role("heading", name="Thank you")).to_be_visible()

    moderator = await windows.open()
    await log_in(moderator, "mod@example.org")
    await moderator.get_by_role("link", name="Reports").click()
    await expect(moderator.locator("#report-counts")).to_contain_text("Open (2)")
    await audit(moderator, findings, "queue")
    await moderator.get_by_label("Rule").select_option(label="No scams")
    await moderator.get_by_role("button", name="Filter").click()
    listed = moderator.locator("#report-list > li")
    await expect(listed).to_have_count(1)
    await listed.get_by_role("link").click()
    await expect(moderator.locator("#report-snapshot")).to_contain_text("Crypto riches seminar")
    await expect(moderator.locator("#report-facts")).to_contain_text("an anonymous visitor")
    await audit(moderator, findings, "report page")
    await moderator.get_by_label("Add a note").fill("Same organiser as last month")
    await moderator.get_by_role("button", name="Add the note").click()
    await expect(status(moderator)).to_have_text("Your note was added.")
    await moderator.get_by_role("button", name="Assign to me").click()
    await expect(status(moderator)).to_have_text("The report is assigned to you.")
    report_page = moderator.url
    event_form = moderator.locator(".report-actions form").first
    await event_form.get_by_label("Reason").fill("A scam")
    await event_form.get_by_role("button", name="Hide").click()
    await expect(moderator.locator("#report-actions-log")).to_contain_text("A scam")
    await visitor.goto(f"/events/{event['uuid']}")
    await expect(visitor.get_by_role("heading", name="Crypto riches seminar")).to_have_count(0)
    await moderator.goto("/admin/log")
    await expect(moderator.get_by_role("heading", name="Moderation log")).to_be_visible()
    await audit(moderator, findings, "moderation log")
    await moderator.goto("/admin/review")
    await expect(moderator.get_by_role("heading", name="Waiting for review")).to_be_visible()
    await audit(moderator, findings, "waiting for review")
    await moderator.goto(report_page)
    await moderator.get_by_role("button", name="Resolve (something was done)").click()
    await expect(status(moderator)).to_have_text("The report is resolved; the reporter is told.")
    await expect(moderator.locator("#report-status")).to_have_text("Resolved")
    await audit(moderator, findings, "report page, resolved")
    assert not findings, findings
