"""The API reference at ``/schema``: the OpenAPI document as a themed page, without scripts.

Litestar's viewers (Redoc, Swagger UI, Scalar) load their script from a CDN and start it
with an inline script, both of which the Content-Security-Policy forbids
(core.web.security_headers), so they showed a blank page. This page is rendered on the
server from the same document that ``/schema/openapi.json`` serves, in the instance's
theme and the reader's language, and works in any browser, scripts or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

METHODS = ("get", "post", "put", "patch", "delete")
CONSTRAINTS = ("format", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems")


@dataclass(frozen=True)
class Field:
    """A parameter or a property: where it goes and what it accepts, in one line."""

    name: str
    place: str
    required: bool
    accepts: str
    description: str = ""


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    body: str
    answers: list[tuple[str, str]]
    authenticated: bool


@dataclass(frozen=True)
class Shape:
    """A named schema of the components, with its properties."""

    name: str
    description: str
    properties: list[Field] = field(default_factory=list)


def describe(schema: dict[str, Any]) -> str:
    """What a JSON schema accepts, as short text: the type or schema name, and its rules."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for combiner in ("oneOf", "anyOf"):
        if combiner in schema:
            return " | ".join(describe(option) for option in schema[combiner])
    if "enum" in schema:
        return " | ".join(repr(value) for value in schema["enum"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        kind = f"array of {describe(schema.get('items', {}))}"
    rules = [f"{name} {schema[name]}" for name in CONSTRAINTS if name in schema]
    return f"{kind} ({', '.join(rules)})" if rules else kind


def operations(document: dict[str, Any]) -> list[Operation]:
    """Every operation of the document, in path order."""
    found = []
    for path, item in sorted(document.get("paths", {}).items()):
        for method in METHODS:
            if method not in item:
                continue
            spec = item[method]
            parameters = [Field(p["name"], p.get("in", ""), bool(p.get("required")), describe(p.get("schema", {})),
                                p.get("description", "")) for p in spec.get("parameters", [])]
            content = spec.get("requestBody", {}).get("content", {})
            body = ", ".join(f"{media}: {describe(entry.get('schema', {}))}" for media, entry in content.items())
            answers = [(code, answer.get("description", "")) for code, answer in sorted(spec.get("responses", {}).items())]
            found.append(Operation(method.upper(), path, spec.get("summary", ""), spec.get("description", ""),
                                   parameters, body, answers, bool(spec.get("security"))))
    return found


def shapes(document: dict[str, Any]) -> list[Shape]:
    """The document's named schemas, in name order."""
    found = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        properties = [Field(key, "", key in required, describe(value), value.get("description", ""))
                      for key, value in schema.get("properties", {}).items()]
        found.append(Shape(name, schema.get("description", ""), properties))
    return found


class ApiReference(OpenAPIRenderPlugin):
    """Litestar's render plugin for ``/schema``: the theme's ``api_reference.html``."""

    def __init__(self) -> None:
        super().__init__(path="/")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        engine = request.app.template_engine
        assert engine is not None, "create_app always configures the theme's template engine"
        template = engine.get_template("api_reference.html")
        page = template.render(request=request, me=None, info=openapi_schema.get("info", {}),
                               operations=operations(openapi_schema), shapes=shapes(openapi_schema))
        return page.encode()
