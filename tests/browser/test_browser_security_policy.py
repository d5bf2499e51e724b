"""The Content-Security-Policy in Chromium: what it refuses is refused, every browser test
fails on a refusal (so a template that brings back an inline script fails the page
walks), and the instance's brand colours still reach the page without an inline style."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Page, expect

from browser_windows import Windows
from live_site import Site, live_site

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def reported(windows: Windows, page: Page, count: int) -> list[str]:
    """The violations reported for ``page`` once there are ``count`` (each comes back from the page on its own)."""
    watch = windows.pages[page]
    async with asyncio.timeout(10):
        while len(watch.violations) < count:
            watch.violation_reported.clear()
            await watch.violation_reported.wait()
    return watch.violations


async def test_an_inline_script_or_style_is_refused_and_fails_the_test(page: Page, windows: Windows) -> None:
    await page.goto("/")
    await page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true;";
        document.body.append(script);
        document.querySelector("main").setAttribute("style", "display: none");
    }""")
    violations = await reported(windows, page, 2)
    assert await page.evaluate("window.injected") is None, "the inline script ran"
    await expect(page.locator("main")).to_be_visible()
    assert any(line.startswith("script-src-elem refused inline") for line in violations), violations
    assert any(line.startswith("style-src-attr refused inline") for line in violations), violations
    windows.pages[page].seen.clear()  # what this test provoked on purpose; anything else still fails it


async def test_the_brand_colour_reaches_the_header_through_its_stylesheet(page: Page, site: Site) -> None:
    with live_site(site.settings.data_dir, instance={"name": "Riverside", "primary_color": "#0b6e4f"}) as branded:
        await page.goto(f"{branded.url}/")
        await expect(page.locator("header.site")).to_have_css("background-color", "rgb(11, 110, 79)")
        await expect(page.locator("header.site .brand")).to_have_css("color", "rgb(255, 255, 255)")
