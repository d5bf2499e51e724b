"""Browser windows for one test: each a fresh context (its own cookies, so another
person), watched for what a visitor would see break.

A page that throws a JavaScript error or fails to load one of its files fails the test.
Chromium also logs a page's own 4xx status as an error; that is the page answering (a
form's errors, a friendly 404), so only a 5xx of the page itself counts. Anything the
page's Content-Security-Policy refuses (an inline script, a style attribute, a script
from another site, a form sent elsewhere) fails it too: the page's
``securitypolicyviolation`` events are reported to the test, whether or not Chromium
also logs them.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from playwright.async_api import Browser, ConsoleMessage, Error, Page

from browser_launch import artifact_path

DESKTOP = {"width": 1280, "height": 900}
CLIENT_ERROR_STATUS = re.compile(r"status of 4\d\d ")
# runs in every page before its own scripts (through DevTools, so the policy does not refuse it)
REPORT_POLICY_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => window.reportPolicyViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} in ${event.sourceFile || event.documentURI}`
    + `:${event.lineNumber} ${event.sample}`));
"""


class ConsoleErrors:
    """Uncaught exceptions, console errors (failed loads among them) and policy violations of one page."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.violations: list[str] = []
        self.violation_reported = asyncio.Event()

    def on_console(self, message: ConsoleMessage) -> None:
        source = message.location.get("url", "")
        page_answer = message.page is not None and source == message.page.url
        if message.type == "error" and not (page_answer and CLIENT_ERROR_STATUS.search(message.text)):
            self.seen.append(f"{message.text} ({source})")

    def on_page_error(self, error: Error) -> None:
        self.seen.append(f"uncaught {error.name}: {error.message}")

    def on_policy_violation(self, description: str) -> None:
        self.violations.append(description)
        self.seen.append(f"Content-Security-Policy violation: {description}")
        self.violation_reported.set()


class Windows:
    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.pages: dict[Page, ConsoleErrors] = {}

    async def open(self, viewport: dict[str, int] = DESKTOP, **browser_options: Any) -> Page:
        """A new person's browser; ``browser_options`` are Playwright's context options for who
        they are and what their browser allows (``locale``, ``timezone_id``, ``java_script_enabled``,
        ``permissions``...)."""
        context = await self.browser.new_context(base_url=self.base_url, viewport=viewport, **browser_options)
        errors = ConsoleErrors()
        await context.expose_function("reportPolicyViolation", errors.on_policy_violation)
        await context.add_init_script(REPORT_POLICY_VIOLATIONS)
        page = await context.new_page()
        page.on("console", errors.on_console)
        page.on("pageerror", errors.on_page_error)
        self.pages[page] = errors
        return page

    async def close(self, screenshots_of: str | None) -> list[str]:
        """Close every window; with a test id, keep a picture of each first (the test failed)."""
        errors = []
        for number, (page, console) in enumerate(self.pages.items(), start=1):
            if screenshots_of and not page.is_closed():
                await page.screenshot(path=artifact_path("failures", f"{screenshots_of}-{number}"), full_page=True)
            errors += [f"window {number} ({page.url}): {text}" for text in console.seen]
            await page.context.close()
        return errors
