"""Where Chromium and axe-core are, how Chromium is started, and where pictures go.

The browser is Debian's ``chromium`` (never ``playwright install``: the tests use the
browser people on this system run). When it or axe-core is missing the browser tests
fail with the way to install them: a skipped browser test would let a broken page pass.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
INSTALL_HINT = "scripts/test.sh installs it (apt-get install chromium; npm install in .cache/axe)"


def chromium_path() -> str:
    """``CONVENE_CHROMIUM`` when set, else ``chromium`` on the PATH."""
    path = os.environ.get("CONVENE_CHROMIUM") or shutil.which("chromium") or ""
    if not path or not Path(path).is_file():
        pytest.fail(f"Chromium not found ({path or 'no chromium on the PATH'}): {INSTALL_HINT}", pytrace=False)
    return path


def axe_script() -> Path:
    """``CONVENE_AXE_CORE`` when set, else the copy scripts/test.sh installs under .cache/axe."""
    default = ROOT / ".cache/axe/node_modules/axe-core/axe.min.js"
    path = Path(os.environ.get("CONVENE_AXE_CORE") or default)
    if not path.is_file():
        pytest.fail(f"axe-core not found at {path}: {INSTALL_HINT}", pytrace=False)
    return path


def artifact_path(folder: str, name: str) -> Path:
    """A file under test-artifacts/ (git-ignored), its name made safe from a test id."""
    target = ARTIFACTS / folder / (re.sub(r"[^\w.-]+", "_", name).strip("_") + ".png")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target
