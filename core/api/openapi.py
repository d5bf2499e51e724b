"""What the JSON API answers, written into its OpenAPI document in one place.

Most refusals follow from what an operation takes, so they are derived here rather
than listed by hand on each of the API's operations (a plugin's included):

- a body, a path or a query parameter: 400 (unreadable or outside the documented limits);
- a body: 413 (larger than the instance accepts) and 422 (refused by the service's rules);
- a path parameter: 404 (nothing there, or nothing the caller may see);
- the API caller (``api: Caller``): 401 (a token that is unknown or revoked), and the bearer
  scheme, optional unless the ``signed_in`` guard makes it required (then 401 without one).

What only the service knows (403 refusals, 409 conflicts with the current state, 429 rate
limits) an operation declares with ``responses=refusals(...)``. Every error answer has the
body ``ErrorOut``, which core.app also uses to write them, so the schema cannot drift from it.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.config.app import AppConfig
from litestar.constants import RESERVED_KWARGS
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Components, Schema, SecurityScheme
from litestar.plugins import InitPlugin, ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.typing import FieldDefinition

from core.auth import signed_in

API_PREFIX = "/api/"
BEARER = "bearer"
CALLER = "api"  # the name under which an API handler receives its caller (core.app's dependencies)


class FieldError(msgspec.Struct):
    field: str
    message: str


class ErrorOut(msgspec.Struct, omit_defaults=True):
    """Every error answer of the API: the status again, a sentence, and each refused field."""

    status_code: int
    detail: str
    errors: list[FieldError] = []


REASONS = {
    400: "The request cannot be read: malformed JSON, a wrong type, or a value outside the documented limits.",
    401: "No valid bearer token: missing where one is required, unknown, or revoked.",
    403: "The caller may not do this (not theirs, not allowed by the instance or a plugin's policy).",
    404: "Nothing is there, or nothing the caller may see.",
    409: "The request is valid but the current state refuses it (already done, full, cancelled...).",
    413: "The body is larger than the instance accepts.",
    422: "A value is refused by the instance's rules; `errors` names each field.",
    429: "Too many attempts; the Retry-After header says in how many seconds to try again.",
}


def refusals(*statuses: int) -> dict[int, ResponseSpec]:
    """The error answers ``statuses``, documented with the API's error body."""
    return {status: ResponseSpec(ErrorOut, description=REASONS[status], generate_examples=False) for status in statuses}


def derived_statuses(handler: HTTPRouteHandler, path_parameters: set[str]) -> set[int]:
    """The error statuses an operation can answer because of what it takes (see the module docstring)."""
    taken = set(handler.parsed_fn_signature.parameters)
    has_body = "data" in taken
    query = taken - set(handler.resolve_dependencies()) - RESERVED_KWARGS - path_parameters
    statuses: set[int] = set()
    if has_body or query or path_parameters:
        statuses.add(400)
    if has_body:
        statuses |= {413, 422}
    if path_parameters:
        statuses.add(404)
    if CALLER in taken:
        statuses.add(401)
    return statuses


def requires_account(handler: HTTPRouteHandler) -> bool:
    """Whether the ``signed_in`` guard is on the handler or a layer above it (Litestar wraps resolved guards)."""
    return any(signed_in in (layer.guards or []) for layer in handler.ownership_layers)


class StrictStructSchemas(StructSchemaPlugin):
    """A struct that refuses unknown fields (``forbid_unknown_fields``) says so: ``additionalProperties: false``.

    Litestar's own struct plugin (which this extends, from its private package: check it on a
    Litestar upgrade) leaves that out, so the document allowed fields the API refuses with 400.
    """

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        if field_definition.type_.__struct_config__.forbid_unknown_fields:
            schema.additional_properties = False
        return schema


class ApiDocumentation(InitPlugin, ReceiveRoutePlugin):
    """Adds each API operation's error answers and security to the handlers as the app registers them."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        components = app_config.openapi_config.components if app_config.openapi_config else None
        if isinstance(components, Components):
            components.security_schemes = {**(components.security_schemes or {}), BEARER: SecurityScheme(
                type="http", scheme="bearer",
                description="A token from POST /api/v1/auth/token, sent as `Authorization: Bearer <token>`.")}
        return app_config

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(API_PREFIX):
            return
        path_parameters = set(route.path_parameters)
        for handler in route.route_handlers:
            declared: dict[int, Any] = dict(handler.responses or {})
            handler.responses = {**refusals(*sorted(derived_statuses(handler, path_parameters))), **declared}
            if requires_account(handler):
                handler.security = [{BEARER: []}]
            elif CALLER in handler.parsed_fn_signature.parameters:
                handler.security = [{BEARER: []}, {}]
