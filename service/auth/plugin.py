"""Partner access put into the app: the key routes, rate headers, CORS, and the OpenAPI account.

Routes declare what they need with `guards=[require_scope(...)]`; as each route is registered
this plugin writes that scope into its OpenAPI operation (security requirement and
description) with the 401/403/429 problems, and documents `Idempotency-Key` where it works.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.config.app import AppConfig
from litestar.config.cors import CORSConfig
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import (
    Components,
    Example,
    Operation,
    Parameter,
    Schema,
    SecurityRequirement,
    SecurityScheme,
    Tag,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins import InitPluginProtocol, ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.typing import FieldDefinition

from service.auth import idempotency
from service.auth.access import AccessConfig, ScopeGuard, rate_headers_middleware
from service.auth.api import KeyController
from service.config import Settings
from service.errors import problem_responses

BEARER = "bearerAuth"
HEADER = "apiKeyHeader"

SECURITY_SCHEMES = {
    BEARER: SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="olk_…",
        description="`Authorization: Bearer olk_…`: an Outlay API key.",
    ),
    HEADER: SecurityScheme(
        type="apiKey",
        name="X-API-Key",
        security_scheme_in="header",
        description="`X-API-Key: olk_…`: the same key in a header of its own.",
    ),
}

# The browser may send and read these; credentials (cookies) are never allowed.
CORS_HEADERS = ["Authorization", "X-API-Key", "Content-Type", "Idempotency-Key", "X-Request-ID"]
CORS_EXPOSED = [
    "RateLimit",
    "RateLimit-Policy",
    "Retry-After",
    "X-Request-ID",
    "Location",
    "WWW-Authenticate",
    idempotency.REPLAYED,
]


@dataclasses.dataclass
class IdempotentOperation(Operation):
    """An operation that also takes the optional `Idempotency-Key` header."""

    def __post_init__(self) -> None:
        self.parameters = [
            *(self.parameters or []),
            Parameter(
                name=idempotency.HEADER,
                param_in="header",
                required=False,
                description=(
                    "Any unique string (a UUID does): the same key with the same body within "
                    "24 hours replays the first response instead of acting twice; with "
                    "another body it is a 422; while the first is running, a 409."
                ),
                schema=Schema(
                    type=OpenAPIType.STRING, min_length=1, max_length=255, pattern=r"^[!-~]+$"
                ),
                examples={
                    "uuid": Example(summary="A UUID", value="5f0c7e1e-8d8e-4c47-9a51-0f5f3c2f1b9a")
                },
            ),
        ]


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """`additionalProperties: false` for bodies that refuse unknown fields, as the API does.

    Without it the document promises that extra fields are accepted, and clients (and
    schemathesis) rightly take a 400 for one as a broken promise.
    """

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return super().is_plugin_supported_field(field_definition) and bool(
            getattr(field_definition.type_, "__struct_config__", None)
            and field_definition.type_.__struct_config__.forbid_unknown_fields
        )

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        return schema


class AuthPlugin(InitPluginProtocol, ReceiveRoutePlugin):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.access = AccessConfig.from_settings(settings)
        self._documented: set[int] = set()

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.state["access"] = self.access
        app_config.route_handlers.append(KeyController)
        app_config.middleware.append(rate_headers_middleware)
        # Ahead of Litestar's own struct plugin, which is already in the list (after us).
        builtin = next(
            (i for i, p in enumerate(app_config.plugins) if type(p) is StructSchemaPlugin),
            len(app_config.plugins),
        )
        app_config.plugins.insert(builtin, StrictStructSchemaPlugin())
        if self.settings.cors_origins:
            app_config.cors_config = CORSConfig(
                allow_origins=list(self.settings.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=CORS_HEADERS,
                expose_headers=CORS_EXPOSED,
                allow_credentials=False,
                max_age=600,
            )
        if app_config.openapi_config is not None:
            openapi = app_config.openapi_config
            components = openapi.components
            listed = list(components) if isinstance(components, list) else [components]
            openapi.components = [*listed, Components(security_schemes=dict(SECURITY_SCHEMES))]
            openapi.tags = [
                *(openapi.tags or []),
                Tag(name="keys", description="API keys, for `admin` keys."),
            ]
        return app_config

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        _fix_allow_header(route)
        for handler in route.route_handlers:
            self._document(handler)

    def _document(self, handler: HTTPRouteHandler) -> None:
        guard = next((g for g in handler.resolve_guards() if isinstance(g, ScopeGuard)), None)
        if guard is None or id(handler) in self._documented:
            return
        self._documented.add(id(handler))
        scope = guard.scope
        open_read = scope == "read" and self.access.public_read
        requirement: list[SecurityRequirement] = [{BEARER: [scope]}, {HEADER: [scope]}]
        if open_read:
            requirement.append({})
        handler.security = requirement
        who = (
            "Open to anonymous callers (OUTLAY_PUBLIC_READ); a key, if sent, must be valid."
            if open_read
            else f"Requires an API key with the `{scope}` scope."
        )
        handler.description = f"{handler.description or ''}\n\n{who}".strip()
        # 400 too: else Litestar documents its own (non-problem) validation error body.
        handler.responses = {
            **problem_responses(400, 401, 403, 429, 500),
            **(handler.responses or {}),
        }
        if handler.before_request is not None and _is_claim(handler.before_request):
            handler.operation_class = IdempotentOperation
            handler.responses = {**problem_responses(409, 422), **handler.responses}


def _fix_allow_header(route: HTTPRoute) -> None:
    """Make OPTIONS list every method of a path served by several handlers.

    Litestar 2.x merges the handlers of one path into a new route but keeps the OPTIONS
    handler of the first, whose `Allow` then names only the first handler's methods (e.g.
    `OPTIONS, POST` where GET is served too). Point it at the merged route.
    """
    entry = route.route_handler_map.get("OPTIONS")
    closure = getattr(getattr(entry[0], "fn", None), "__closure__", None) if entry else None
    for cell in closure or ():
        if isinstance(cell.cell_contents, HTTPRoute) and cell.cell_contents is not route:
            cell.cell_contents = route


def _is_claim(hook: Any) -> bool:
    # Litestar wraps hooks; the original is kept as `.ref.value` or `.func`.
    seen = {id(hook)}
    while True:
        if hook is idempotency.claim:
            return True
        inner = getattr(getattr(hook, "ref", None), "value", None) or getattr(hook, "func", None)
        if inner is None or id(inner) in seen:
            return False
        seen.add(id(inner))
        hook = inner
