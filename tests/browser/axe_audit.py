"""axe-core (npm) run inside the page as the browser rendered it: contrast, labels, names,
landmarks. Serious and critical findings are the ones that lock people out; they fail.

axe is evaluated through the DevTools protocol rather than added as a <script> tag: the
page's Content-Security-Policy refuses inline scripts, and the refusal would fail the test.
"""

from __future__ import annotations

from playwright.async_api import Page

from browser_launch import axe_script

BLOCKING = ("serious", "critical")


async def blocking_violations(page: Page) -> list[str]:
    """One line per serious or critical problem of the page: rule, impact, help, where."""
    await page.evaluate(axe_script().read_text())
    result = await page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']} at {', '.join(str(node['target']) for node in rule['nodes'])}"
        for rule in result["violations"] if rule["impact"] in BLOCKING
    ]


async def audit(page: Page, findings: dict[str, list[str]], label: str = "") -> None:
    """Note the blocking problems of the page shown now under ``label`` (default: its path),
    so a test audits many pages and reports all their problems at once."""
    problems = await blocking_violations(page)
    if problems:
        findings[label or page.url.split("/", 3)[3]] = problems


async def audit_each(page: Page, paths: list[str], findings: dict[str, list[str]]) -> None:
    for path in paths:
        await page.goto(path)
        await audit(page, findings)
