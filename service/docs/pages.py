"""The API's docs pages (Swagger UI, ReDoc, Scalar), served with their bundles from the service.

Litestar's default pages load their scripts, fonts and favicon from CDNs and render blank where
the internet is out of reach; these load nothing but what Outlay itself serves.
"""

from __future__ import annotations

from litestar import get
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import (
    OpenAPIRenderPlugin,
    RedocRenderPlugin,
    ScalarRenderPlugin,
    SwaggerRenderPlugin,
)
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from service import log
from service.docs import assets

logger = log.get(__name__)

SCHEMA_PATH = "/schema"
ASSETS_PATH = f"{SCHEMA_PATH}/assets"
PREFERRED = f"{SCHEMA_PATH}/swagger"  # the one with "try it out" that every developer knows

# An inline icon: no request leaves for a favicon either.
_FAVICON = "<link rel='icon' href='data:,'>"


def _url(folder: str, name: str) -> str:
    """A bundle's address; the pinned version in the query makes browsers drop a cached
    copy when the pin moves (the files are cached for a day)."""
    version = next(p.version for p in assets.pins() if p.dir == folder)
    return f"{ASSETS_PATH}/{folder}/{name}?v={version}"


def render_plugins() -> list[OpenAPIRenderPlugin]:
    return [
        SwaggerRenderPlugin(
            path=["/", "/swagger"],
            js_url=_url("swagger-ui", "swagger-ui-bundle.js"),
            css_url=_url("swagger-ui", "swagger-ui.css"),
            standalone_preset_js_url=_url("swagger-ui", "swagger-ui-standalone-preset.js"),
            favicon=_FAVICON,
        ),
        RedocRenderPlugin(
            js_url=_url("redoc", "redoc.standalone.js"), google_fonts=False, favicon=_FAVICON
        ),
        ScalarRenderPlugin(
            js_url=_url("scalar", "standalone.js"),
            css_url=f"{ASSETS_PATH}/outlay-scalar.css",
            favicon=_FAVICON,
            # Scalar would load its fonts from its CDN: the system's fonts stand in. Its AI
            # agent and hosted developer tools need the internet too, so they are off.
            options={
                "withDefaultFonts": False,
                "hideClientButton": True,
                "agent": {"disabled": True},
                "showDeveloperTools": "never",
            },
        ),
    ]


@get("/docs", include_in_schema=False, sync_to_thread=False)
def docs_redirect() -> Redirect:
    return Redirect(PREFERRED, status_code=302)


def routes() -> list[ControllerRouterHandler]:
    """The bundles' static route and the `/docs` redirect, for create_app."""
    absent = assets.missing()
    if absent:
        logger.warning(
            "docs assets missing; the docs pages will be blank until `make install`",
            missing=absent,
        )
    return [
        create_static_files_router(
            path=ASSETS_PATH,
            directories=[assets.STATIC, assets.HERE / "theme"],
            include_in_schema=False,
            cache_control=CacheControlHeader(max_age=86_400),
            name="docs-assets",
        ),
        docs_redirect,
    ]
