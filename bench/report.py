"""What every benchmark records with its figures: the code's commit, and a JSON file per run."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent


def commit_of(checkout: Path = BENCH) -> str:
    """``git describe`` of the code measured (``-dirty`` when it has uncommitted changes)."""
    return subprocess.run(["git", "-C", str(checkout), "describe", "--always", "--dirty"], capture_output=True,
                          text=True, check=False).stdout.strip() or "unknown"


def save(name: str, record: dict[str, Any]) -> Path:
    """Write ``record`` to bench/results/<time>-<name>.json (git-ignored) and say where."""
    out = BENCH / "results" / f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(record, indent=2, default=str))
    print(f"\nfull results: {out}", file=sys.stderr)
    return out
