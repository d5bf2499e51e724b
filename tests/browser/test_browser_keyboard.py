"""The event page with the keyboard alone: every Tab lands on something one can use,
on screen, with a focus ring one can see (at least 3:1 against what surrounds it, as
WCAG asks of non-text contrast); the skip link jumps past the header."""

from __future__ import annotations

import pytest
from playwright.async_api import Page

from browser_actions import log_in
from live_site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")

INTERACTIVE = {"a", "button", "input", "select", "textarea", "summary"}
RING_CONTRAST = 3.0
FOCUSED = """() => {
  const rgb = (colour) => colour.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((c) => c / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (element) => {
    for (let up = element.parentElement; up; up = up.parentElement) {
      const colour = rgb(getComputedStyle(up).backgroundColor);
      if (colour.length < 4 || colour[3] > 0) return colour;
    }
    return [255, 255, 255];
  };
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const [ring, around] = [luminance(rgb(style.outlineColor)), luminance(behind(element))];
  return {
    tag: element.tagName.toLowerCase(),
    name: (element.getAttribute("aria-label") || element.labels?.[0]?.innerText || element.innerText
           || element.getAttribute("name") || "").trim().slice(0, 40),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    ring_contrast: Math.round(100 * (Math.max(ring, around) + 0.05) / (Math.min(ring, around) + 0.05)) / 100,
    // a pixel of slack: scrolling into view stops at whole pixels, a box ends at fractions (900.34 of 900)
    on_screen: box.width > 0 && box.height > 0 && box.left >= -1 && box.top >= -1
               && box.right <= innerWidth + 1 && box.bottom <= innerHeight + 1,
    in_main: element.closest("main") !== null,
  };
}"""


async def tab_stops(page: Page, most: int = 80) -> list[dict]:
    """Where focus goes on each Tab from the top of the page, until it leaves the page."""
    stops: list[dict] = []
    for _ in range(most):
        await page.keyboard.press("Tab")
        stop = await page.evaluate(FOCUSED)
        if stop["tag"] == "body" or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return stops


async def test_every_tab_stop_of_the_event_page_is_usable_and_shows_its_focus(page: Page, site: Site) -> None:
    rae = await site.member("rae@example.org", "rae", "Rae")
    sam = await site.member("sam@example.org", "sam", "Sam")
    await site.api(sam, "POST", "/identities", {"username": "sam_bakes", "display_name": "Sam bakes"})
    event = await site.event(rae, title="Bread baking", join_mode="restricted")
    await site.api(rae, "POST", f"/events/{event['uuid']}/comments", {"text": "Bring an apron."})
    await log_in(page, "sam@example.org")
    await page.goto(f"/events/{event['uuid']}")

    stops = await tab_stops(page)
    names = [stop["name"] for stop in stops]
    assert names[0] == "Skip to content", names
    for required in ("Act as", "Join as", "Message to the organiser (optional)", "Ask to join", "Reply", "Your comment"):
        assert required in names, f"{required!r} cannot be reached with Tab: {names}"
    problems = [stop for stop in stops if stop["tag"] not in INTERACTIVE or not stop["ring"]
                or stop["ring_contrast"] < RING_CONTRAST or not stop["on_screen"]]
    assert not problems, f"tab stops that are not controls, show no clear focus ring or are off screen: {problems}"


async def test_the_skip_link_takes_the_keyboard_to_the_page_content(page: Page, site: Site) -> None:
    tia = await site.member("tia@example.org", "tia", "Tia")
    event = await site.event(tia, title="Street choir")
    await log_in(page, "tia@example.org")
    await page.goto(f"/events/{event['uuid']}")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    focused = await page.evaluate(FOCUSED)
    assert focused["in_main"], f"after the skip link, Tab went to {focused}"
