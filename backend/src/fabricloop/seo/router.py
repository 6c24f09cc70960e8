"""robots.txt and the sitemap, at the site's root; the page heads go into the web app's HTML
through core.spa (wired in app.py)."""

from fastapi import APIRouter, Request, Response

from fabricloop.core.db import DbSession
from fabricloop.core.deps import AppSettings
from fabricloop.core.spa import PageHead
from fabricloop.seo import service

router = APIRouter(tags=["site"])


@router.get("/robots.txt", response_class=Response, include_in_schema=False)
async def robots_txt(settings: AppSettings) -> Response:
    """What crawlers may read: the public pages, not the API or the signed-in ones."""
    return Response(
        service.robots_txt(settings.public_base_url.rstrip("/")),
        media_type="text/plain",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/sitemap.xml", response_class=Response, include_in_schema=False)
async def sitemap_xml(session: DbSession, settings: AppSettings) -> Response:
    """The public pages and every listing on sale with its passport."""
    body = await service.sitemap_xml(session, settings.public_base_url.rstrip("/"))
    return Response(
        body, media_type="application/xml", headers={"Cache-Control": "public, max-age=600"}
    )


async def page_head(request: Request, path: str) -> PageHead | None:
    """The head of a web app page (core.spa calls this for every HTML page it serves)."""
    settings = request.app.state.settings
    return await service.page_head(
        request.app.state.sessionmaker,
        settings.public_base_url.rstrip("/"),
        request.app.state.storage.url,
        path,
        getattr(request.app.state, "cache", None),
        service.SearchContext(
            params=request.query_params.multi_items(),
            replica=getattr(request.app.state, "replica", None),
            count_limit=settings.search_count_limit,
        ),
    )
