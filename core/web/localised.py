"""Litestar's template engine for pages in the reader's language.

Handlers return ``Template(name, context)`` as usual and never name a language: when
the page is rendered, the engine asks core.web.language which language this reader
gets and renders with that language's environment (core.web.templating makes one per
language). The choice is also put in the context as ``locale``, which the date and
number filters and ``<html lang>`` use, so a page cannot mix two languages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment, pass_context
from jinja2 import TemplateNotFound as JinjaTemplateNotFound
from litestar.exceptions import TemplateNotFoundException
from litestar.template.base import csrf_token, url_for, url_for_static_asset

from core.web.language import reader_language


class LocalisedTemplate:
    """A template whose language is chosen when it renders, from the request in its context."""

    def __init__(self, environments: Mapping[str, Environment], name: str) -> None:
        self.environments = environments
        self.name = name

    def render(self, **context: Any) -> str:
        language = reader_language(context["request"])
        return self.environments[language].get_template(self.name).render({**context, "locale": language})


class LocalisedTemplates:
    """The engine (Litestar's ``TemplateEngineProtocol``) over one Jinja environment per language."""

    def __init__(self, environments: Mapping[str, Environment]) -> None:
        self.environments = environments
        # what Litestar's own Jinja engine offers templates, so a theme may use them here too
        callables: dict[str, Callable[..., Any]] = {"url_for_static_asset": url_for_static_asset,
                                                    "csrf_token": csrf_token, "url_for": url_for}
        for key, template_callable in callables.items():
            self.register_template_callable(key, template_callable)

    def get_template(self, template_name: str) -> LocalisedTemplate:
        """The template, checked now so a missing one fails as Litestar expects (all languages share it)."""
        try:
            next(iter(self.environments.values())).get_template(template_name)
        except JinjaTemplateNotFound as exc:
            raise TemplateNotFoundException(template_name=template_name) from exc
        return LocalisedTemplate(self.environments, template_name)

    def render_string(self, template_string: str, context: Mapping[str, Any]) -> str:
        language = reader_language(context["request"])
        return self.environments[language].from_string(template_string).render({**context, "locale": language})

    def register_template_callable(self, key: str, template_callable: Callable[..., Any]) -> None:
        for environment in self.environments.values():
            environment.globals[key] = pass_context(template_callable)
