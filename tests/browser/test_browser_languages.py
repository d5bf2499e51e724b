"""Languages in Chromium: a French browser reads French pages, and the footer's switcher
works without JavaScript on every page, the cached anonymous event pages included (their
form carries no per-visitor token; Chromium's Origin and Sec-Fetch-Site headers are what
lets it through). A member's switch is saved as their preference. The event page's script
writes a French reader's own time in French."""

from __future__ import annotations

import re

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from browser_actions import fill_in, status
from browser_windows import Windows
from helpers import next_in
from live_site import PASSWORD, Site

pytestmark = pytest.mark.asyncio(loop_scope="session")
SUNDAY = next_in(6, weekday=6)  # 18:00 on a Sunday in June: the page writes the weekday and the month out


@pytest_asyncio.fixture(loop_scope="session")
async def french_browser(windows: Windows) -> Page:
    """A browser whose person reads French (Accept-Language: fr-FR) and runs no scripts; a window
    of the harness, so a page that fails to load one of its files fails the test."""
    return await windows.open(locale="fr-FR", java_script_enabled=False)


async def switch_language(page: Page, label: str, button: str) -> None:
    footer = page.get_by_role("contentinfo")
    await footer.get_by_role("combobox").select_option(label=label)
    await footer.get_by_role("button", name=button).click()


async def test_a_french_visitor_reads_french_and_switches_from_the_footer(french_browser: Page, site: Site) -> None:
    organiser = await site.member("org@example.org", "org")
    event = await site.event(organiser, title="Chorale", begins_at=SUNDAY.isoformat())
    page = french_browser
    await page.goto(f"/events/{event['uuid']}")
    await expect(page.locator("html")).to_have_attribute("lang", "fr")
    await expect(page.locator("dl.facts")).to_contain_text(f"dimanche {SUNDAY.day} juin {SUNDAY.year}, 18:00")
    await page.reload()  # this copy comes from the anonymous page cache
    await expect(page.get_by_role("contentinfo").get_by_label("Langue")).to_have_value("fr")

    await switch_language(page, "English", "Changer de langue")
    await expect(page).to_have_url(re.compile(rf"/events/{event['uuid']}$"))
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("dl.facts")).to_contain_text(f"Sunday, June {SUNDAY.day}, {SUNDAY.year}")
    await page.get_by_role("link", name="Log in", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


async def test_a_members_switch_is_saved_as_their_language(french_browser: Page, site: Site) -> None:
    await site.member("dee@example.org", "dee")
    page = french_browser
    await page.goto("/login")
    await fill_in(page, {"Adresse e-mail": "dee@example.org", "Mot de passe": PASSWORD})
    await page.get_by_role("button", name="Se connecter").click()
    # an account made in English: its pages are English, whatever the browser asks for
    await expect(status(page)).to_have_text("You are logged in.")
    await switch_language(page, "Français", "Change language")
    await expect(page.get_by_role("link", name="Paramètres")).to_be_visible()
    await page.get_by_role("link", name="Paramètres").click()
    await expect(page.get_by_role("region", name="Langue et fuseau horaire").get_by_label("Langue")).to_have_value("fr")


async def test_a_french_reader_abroad_gets_their_own_time_in_french(windows: Windows, site: Site) -> None:
    organiser = await site.member("org@example.org", "org")
    event = await site.event(organiser, title="Chorale", begins_at=SUNDAY.isoformat(), timezone="Europe/Paris")
    page = await windows.open(locale="fr-FR", timezone_id="America/New_York")  # scripts run: event.js speaks French
    await page.goto(f"/events/{event['uuid']}")
    await expect(page.locator(".viewer-time")).to_have_text(
        re.compile(rf"^Votre heure \(America/New_York\)\s:\sdimanche {SUNDAY.day} juin {SUNDAY.year} à 12:00$"))
