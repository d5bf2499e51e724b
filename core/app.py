"""``create_app(settings)``: the Litestar application for one instance."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Litestar, Request, Response, get
from litestar.config.csrf import CSRFConfig
from litestar.config.response_cache import ResponseCacheConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from core import __version__
from core.api.openapi import ApiDocumentation, ErrorOut, FieldError, StrictStructSchemas
from core.auth import Caller, provide_api_caller, provide_web_caller
from core.context import Ctx
from core.db.engine import make_engine, make_sessionmaker
from core.errors import DomainError, InvalidInput, field_of_message
from core.i18n import N_, Message
from core.image_workers import image_workers
from core.notifications.delivery import deliver_notification, deliver_notifications
from core.notifications.news import FANOUT_KIND, fan_out
from core.plugins import call_async, call_sync
from core.routes import api_handlers, web_handlers
from core.runtime import Runtime
from core.settings import Settings
from core.tasks import TaskRunner
from core.upkeep import CORE_TASKS
from core.web.api_reference import ApiReference
from core.web.localised import LocalisedTemplates
from core.web.media_files import picture, picture_head
from core.web.nul_guard import refuse_nul
from core.web.page_cache import PageCache, forget_changed_pages, page_store
from core.web.requests import BoundedRequest
from core.web.security_headers import security_headers
from core.web.templating import make_environments, theme_dirs

log = logging.getLogger("convene")
MAX_BODY = 12 * 1024 * 1024


async def provide_ctx(state: State, request: Request) -> AsyncGenerator[Ctx, None]:
    """One transaction per request: committed when the handler succeeds, rolled back otherwise.

    Outbox rows written in the transaction are handed to the broker only after commit.
    The viewer is anonymous until the request's caller is known (core.auth sets it).
    """
    async with state.sessionmaker() as session:
        ctx = Ctx(session, state.runtime, request=request)
        try:
            yield ctx
        except BaseException:
            # detach first: a rollback would expire what the error page still shows (who is logged in)
            session.expunge_all()
            await session.rollback()
            raise
        await session.commit()
        state.tasks.kick(session.info.pop("outbox_new", []))
        await forget_changed_pages(state.page_store, session.info)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.startswith("/schema")


def _error_response(request: Request, status: int, message: str, errors: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        fields = [FieldError(k, v) for k, v in (errors or {}).items()]
        return Response(ErrorOut(status, message, fields), status_code=status)
    if status == 401:
        # after logging in, come back to the page (a POST's own URL cannot be shown again)
        back = request.url.path if request.method == "GET" else urlsplit(request.headers.get("referer", "")).path
        return Redirect(f"/login?next={quote(back or '/', safe='/')}")
    caller = request.state.get("caller") or Caller()
    return Template("error.html", status_code=status, context={
        "status": status, "message": message, "errors": errors or {}, "me": caller})


def handle_domain_error(request: Request, exc: DomainError) -> Response:
    errors = exc.errors if isinstance(exc, InvalidInput) else None
    response = _error_response(request, exc.status_code, exc.message, errors)
    response.headers.update(exc.headers)
    return response


def handle_validation(request: Request, exc: ValidationException) -> Response:
    """Litestar's body/parameter validation, reshaped like our own field errors."""
    errors = {}
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("source") or "body")
            field, message = field_of_message(str(item.get("message", "invalid")), key)
            errors[field] = message
    return _error_response(request, 400, N_("invalid input"), errors or {"body": str(exc.detail)})


def handle_http(request: Request, exc: HTTPException) -> Response:
    """Litestar's own refusals, with the headers they carry (a 405's ``Allow``)."""
    response = _error_response(request, exc.status_code, exc.detail)
    response.headers.update(exc.headers or {})
    return response


def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error_response(request, 500, N_("something went wrong on our side; it has been logged"))


def create_app(settings: Settings, run_worker: bool | None = None) -> Litestar:
    """Build the instance. ``run_worker`` defaults to True in embedded mode (no broker_url)."""
    runtime = Runtime.start(settings)
    pm = runtime.pm
    engine = make_engine(settings)
    handlers: dict[str, Any] = {"notification": deliver_notification, "notifications": deliver_notifications,
                                 FANOUT_KIND: fan_out}
    for plugin_handlers in call_sync(pm, "convene_outbox_handlers"):
        handlers.update(plugin_handlers)
    sessionmaker = make_sessionmaker(engine)

    pages = page_store(settings)
    periodic = [*CORE_TASKS, *(task for tasks in call_sync(pm, "convene_periodic_tasks") for task in tasks)]
    tasks = TaskRunner(runtime, handlers, periodic=periodic,
                       after_commit=lambda info: forget_changed_pages(pages, info))
    run_worker = settings.embedded_broker if run_worker is None else run_worker
    call_sync(pm, "convene_startup", runtime=runtime)

    def start() -> None:
        if run_worker:
            tasks.start_worker()
            tasks.start_sweeper()

    async def stop() -> None:
        tasks.stop()
        await call_async(pm, "convene_shutdown", runtime=runtime)
        image_workers(runtime).shutdown()
        await engine.dispose()

    plugin_routes = [h for hs in call_sync(pm, "convene_route_handlers") for h in hs]
    environments = make_environments(settings, [d for ds in call_sync(pm, "convene_template_dirs") for d in ds],
                                     [d for ds in call_sync(pm, "convene_locale_dirs") for d in ds])
    menu_links = [link for links in call_sync(pm, "convene_menu_links") for link in links]
    page_cache = PageCache([media_type for types in call_sync(pm, "convene_uncached_media_types") for media_type in types])
    for env in environments.values():
        env.globals["menu_links"] = menu_links
    settings.media_dir.mkdir(parents=True, exist_ok=True)

    @get("/healthz", include_in_schema=False, sync_to_thread=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    static_dirs: list[str | Path] = [*theme_dirs(settings, "static")]
    return Litestar(
        route_handlers=[
            *api_handlers(), *web_handlers(), *plugin_routes, healthz,
            create_static_files_router("/static", directories=[*static_dirs], include_in_schema=False),
            picture, picture_head,
        ],
        dependencies={"ctx": Provide(provide_ctx), "web": Provide(provide_web_caller), "api": Provide(provide_api_caller)},
        state=State({"settings": settings, "pm": pm, "runtime": runtime, "sessionmaker": sessionmaker, "tasks": tasks,
                     "page_store": pages, "engine": engine}),
        stores={"response_cache": pages},
        response_cache_config=ResponseCacheConfig(key_builder=page_cache.cache_key,
                                                  cache_response_filter=page_cache.may_store),
        template_config=TemplateConfig(engine=LocalisedTemplates(environments)),
        type_encoders={Message: str},  # a translatable message is sent as its English text
        csrf_config=CSRFConfig(secret=settings.secret_key, exclude=["/api/", "/schema"], cookie_samesite="lax",
                               cookie_secure=settings.public_url.startswith("https://")),
        openapi_config=OpenAPIConfig(title=f"Convene API ({settings.instance.name})", version=__version__, path="/schema",
                                     render_plugins=[ApiReference()]),
        exception_handlers={
            DomainError: handle_domain_error,
            ValidationException: handle_validation,
            NotFoundException: handle_http,
            HTTPException: handle_http,
            Exception: handle_unexpected,
        },
        before_send=[security_headers(settings.public_url)],
        on_startup=[start],
        on_shutdown=[stop],
        middleware=[refuse_nul],
        request_class=BoundedRequest,
        request_max_body_size=MAX_BODY,
        plugins=[ApiDocumentation(), StrictStructSchemas()],
        debug=False,
    )
