"""Browser tests: headless Chromium (Playwright's async API) against a live instance.

One Chromium runs for the whole session, on the session's event loop; every test gets a
live instance on its own database and fresh browser contexts. The async API, not the
sync one: the sync API marks its private event loop as running in the main thread for
as long as it lives, which breaks every ``asyncio.run`` (the PostgreSQL truncation
between tests among them) and every other async test of the suite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright

from browser_launch import CHROMIUM_ARGS, chromium_path
from browser_windows import Windows
from live_site import Site, live_site

HERE = Path(__file__).parent
CALL_FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests must run on the session's loop, the one the shared Chromium connection
    lives on; said at collection, since on another loop every browser call fails obscurely."""
    for item in items:
        marker = item.get_closest_marker("asyncio")
        if item.path.is_relative_to(HERE) and (not marker or marker.kwargs.get("loop_scope") != "session"):
            raise pytest.UsageError(f"{item.nodeid}: a browser test module needs "
                                    "pytestmark = pytest.mark.asyncio(loop_scope=\"session\")")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """Remember whether the test itself failed: its windows are photographed before closing."""
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
def site(data_dir: Path) -> Iterator[Site]:
    with live_site(data_dir) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="session")
async def windows(browser: Browser, site: Site, request: pytest.FixtureRequest) -> AsyncIterator[Windows]:
    opened = Windows(browser, site.url)
    yield opened
    failed = request.node.stash.get(CALL_FAILED, False)
    errors = await opened.close(screenshots_of=request.node.nodeid if failed else None)
    assert not errors, "the browser reported errors:\n" + "\n".join(errors)


@pytest_asyncio.fixture(loop_scope="session")
async def page(windows: Windows) -> Page:
    """The first window: one person's browser."""
    return await windows.open()
