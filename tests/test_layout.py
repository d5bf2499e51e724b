"""The dependency rule of the layout: plugins import the core; the core never imports a plugin."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "core"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_nothing_under_core_imports_a_plugin():
    sources = list(CORE.rglob("*.py"))
    assert len(sources) > 50
    offenders = {str(path.relative_to(CORE.parent)): sorted(m for m in imported_modules(path)
                                                            if m == "plugins" or m.startswith("plugins."))
                 for path in sources}
    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_the_check_sees_an_import_of_a_plugin(tmp_path: Path):
    """The rule above would pass on an empty walk; here it is shown to catch both spellings."""
    sample = tmp_path / "sample.py"
    sample.write_text("import plugins.groups\nfrom plugins.federation_activitypub import fanout\n")
    assert imported_modules(sample) == {"plugins.groups", "plugins.federation_activitypub"}
