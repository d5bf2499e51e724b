"""An event's category in words, for CATEGORIES: the default theme's English label.

The words live in one place (themes/default/templates/partials/labels.html, which the
catalogues translate); a calendar is read by many people in many languages and a feed is
one file for all of them, so it carries the English label, read once from that template
with translation switched off.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader

from core.web.templating import THEMES_DIR


@cache
def _labels() -> dict[str, str]:
    environment = Environment(loader=FileSystemLoader(str(THEMES_DIR / "default" / "templates")), autoescape=True)
    environment.globals["_"] = lambda message, **values: message % values if values else message
    return dict(environment.get_template("partials/labels.html").module.category_labels)  # type: ignore[attr-defined]


def category_label(category: str) -> str:
    """The category's English words ("FOOD_DRINK": "Food and drink"), or the code if it has none."""
    return str(_labels().get(category, category))
