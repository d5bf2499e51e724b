"""The instance's terms in Chromium: signing up needs ticking them, a refusal keeps what was typed; the
pages that publish them and the administrators' page pass axe."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Page, expect

from axe_audit import audit
from browser_actions import fill_in, log_in, status
from core.accounts.service import create_account, open_credential
from core.context import Ctx
from core.identities.service import create_identity
from core.scripting import run_in_transaction
from live_site import PASSWORD, Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def administrator(site: Site) -> dict[str, str]:
    """An administrator made by an operator; API headers to write the documents with."""

    async def create(ctx: Ctx) -> str:
        account = await create_account(ctx, "ada@example.org", PASSWORD, role="administrator", confirmed=True)
        await create_identity(ctx, account, "ada")
        return await open_credential(ctx, account, "api")

    return {"Authorization": f"Bearer {await run_in_transaction(site.settings, create)}"}


async def test_sign_up_asks_to_accept_the_terms_and_the_pages_pass_axe(page: Page, site: Site) -> None:
    headers = await administrator(site)
    async with httpx.AsyncClient(base_url=site.url, headers=headers) as client:
        for kind, text in (("terms", "Be **kind**."), ("code_of_conduct", "No harassment.")):
            r = await client.put(f"/api/v1/admin/policies/{kind}", json={"text": text})
            assert r.status_code == 200, r.text
        assert (await client.post("/api/v1/admin/rules", json={"text": "No spam"})).status_code == 201
    findings: dict[str, list[str]] = {}

    await page.goto("/signup")
    await fill_in(page, {"Email address": "bo@example.org", "Password": "correct horse", "Username": "bo"})
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.get_by_role("alert")).to_contain_text("accept the terms and the code of conduct to sign up")
    await expect(page.get_by_label("Email address")).to_have_value("bo@example.org")
    await expect(page.get_by_label("Username")).to_have_value("bo")
    await audit(page, findings, "refused sign-up")
    await page.get_by_role("link", name="Terms of service").click()
    await expect(page.locator("#document-text strong")).to_have_text("kind")
    await audit(page, findings)
    await page.go_back()

    await page.get_by_label("Password", exact=True).fill("correct horse")
    await page.get_by_label("I accept them").check()
    await page.get_by_role("button", name="Sign up").click()
    await expect(status(page)).to_contain_text("we sent you an email")

    await page.goto("/about")
    await expect(page.locator("#instance-rules")).to_contain_text("No spam")
    await audit(page, findings)
    await log_in(page, "ada@example.org")
    await page.goto("/admin/policies")
    await audit(page, findings)
    assert findings == {}
