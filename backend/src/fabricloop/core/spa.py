"""Serves the built single-page app: real files as they are, every other path as
index.html so that deep links survive a reload, with that page's own title, description and
Open Graph tags in its head when a `page_head` provider knows them (a shared link previews the
listing, not the app), and the page's first paint in place of the app shell's page outline when
the web app has one for it (first-paint/<page>.html, the page as React renders it before any
data: what a phone shows before the scripts have run)."""

import html
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Match

from fabricloop.core.errors import error_response

NOT_SPA = ("api/", "media/", "health", "metrics")
FALLBACK = "/{path:path}"
OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
# What the built index.html's own head says, replaced by a page's head.
_DEFAULT_HEAD = re.compile(
    r'<title>[^<]*</title>|<meta name="description"[^>]*>', flags=re.IGNORECASE
)


# The app shell's page outline in index.html, replaced by a page's first paint.
_PAGE_OUTLINE = re.compile(r"<!-- The page:.*?<!-- /The page -->", flags=re.DOTALL)
# Pages with a first paint: first-paint/<name>.html for the path /<name> ("index" for /).
_FIRST_PAINT_PATH = re.compile(r"^/(?!index$)([a-z][a-z-]*)?$")


@dataclass(frozen=True)
class PageHead:
    title: str
    description: str
    url: str
    image: str | None = None
    type: str = "website"
    noindex: bool = False
    # What the page paints first: its largest image, fetched with the HTML rather than once
    # the scripts have asked for it, and its code (the web app's module, as Vite's manifest
    # names it, e.g. src/pages/PassportPage.tsx), fetched beside the main bundle.
    preload_image: str | None = None
    # The image's candidates and slot when it has a srcset: the browser preloads the one its
    # <img> will pick (the same srcset and sizes), not `preload_image` too.
    preload_srcset: str | None = None
    preload_sizes: str | None = None
    module: str | None = None
    # The page's first paint made from its data (in place of first-paint/<page>.html), and the
    # script element carrying that data for the web app's query cache.
    body: str | None = None
    seed: str | None = None

    def render(self) -> str:
        def attr(value: str) -> str:
            return html.escape(value, quote=True)

        tags = [
            f"<title>{html.escape(self.title)}</title>",
            f'<meta name="description" content="{attr(self.description)}" />',
            f'<link rel="canonical" href="{attr(self.url)}" />',
            '<meta property="og:site_name" content="FabricLoop" />',
            f'<meta property="og:type" content="{attr(self.type)}" />',
            f'<meta property="og:title" content="{attr(self.title)}" />',
            f'<meta property="og:description" content="{attr(self.description)}" />',
            f'<meta property="og:url" content="{attr(self.url)}" />',
        ]
        if self.image:
            tags.append(f'<meta property="og:image" content="{attr(self.image)}" />')
        card = "summary_large_image" if self.image else "summary"
        tags.append(f'<meta name="twitter:card" content="{card}" />')
        if self.noindex:
            tags.append('<meta name="robots" content="noindex" />')
        if self.preload_image:
            sources = ""
            if self.preload_srcset and self.preload_sizes:
                sources = (
                    f' imagesrcset="{attr(self.preload_srcset)}" '
                    f'imagesizes="{attr(self.preload_sizes)}"'
                )
            tags.append(
                f'<link rel="preload" as="image" href="{attr(self.preload_image)}" '
                f'fetchpriority="high"{sources} />'
            )
        return "\n    ".join(tags)


PageHeadProvider = Callable[[Request, str], Awaitable[PageHead | None]]


@lru_cache(maxsize=64)
def _file_text(path: Path, version: tuple[int, int]) -> str:  # noqa: ARG001 (the cache key)
    """A build file's text, read once per version (modification time and size)."""
    return path.read_text()


def build_text(path: Path) -> str:
    """The text of a file of the built web app without reading it on every page request; a new
    build (another modification time or size) is read again. OSError when it is missing."""
    stat = path.stat()
    return _file_text(path, (stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=8)
def _manifest(text: str) -> dict[str, object]:
    parsed = json.loads(text)
    return parsed if isinstance(parsed, dict) else {}


def with_head(index_html: str, head: PageHead) -> str:
    """index.html with its default title and description replaced by the page's head."""
    rendered = head.render()
    replaced = [False]

    def first_only(_: re.Match[str]) -> str:
        if replaced[0]:
            return ""
        replaced[0] = True
        return rendered

    return _DEFAULT_HEAD.sub(first_only, index_html)


def module_preloads(root: Path, module: str, index_html: str) -> str:
    """modulepreload links for a module of the web app and the chunks it imports (from the
    build's manifest), but those index.html already loads."""
    try:
        manifest = _manifest(build_text(root / ".vite" / "manifest.json"))
    except (OSError, ValueError):
        return ""
    files: list[str] = []

    def visit(key: str) -> None:
        entry = manifest.get(key)
        if not isinstance(entry, dict) or entry.get("file") in files:
            return
        files.append(entry["file"])
        for imported in entry.get("imports", []):
            visit(imported)

    visit(module)
    return "".join(
        f'  <link rel="modulepreload" crossorigin href="/{html.escape(file)}" />\n  '
        for file in files
        if f"/{file}" not in index_html
    )


def first_paint(root: Path, path: str) -> str | None:
    """The first paint of the page at `path`, when the web app has one."""
    match = _FIRST_PAINT_PATH.match(path)
    if match is None:
        return None
    file = root / "first-paint" / f"{match.group(1) or 'index'}.html"
    try:
        return build_text(file)
    except OSError:
        return None


def with_first_paint(index_html: str, body: str) -> str:
    """index.html with the app shell's page outline replaced by a page's first paint."""
    return _PAGE_OUTLINE.sub(lambda _: body.strip(), index_html, count=1)


def _allowed_methods(request: Request) -> set[str]:
    """The methods some route other than the fallbacks serves at this path (HEAD with GET).
    A path the schema lists as it is, without parameters (`/api/materials/types`), answers
    only its own methods: `/api/materials/{material_id}` would refuse `types` as an id."""
    documented = request.app.openapi().get("paths", {}).get(request.url.path)
    if documented is not None:
        allowed = {method.upper() for method in documented} & {"GET", *OTHER_METHODS}
    else:
        routes = [r for r in request.app.router.routes if getattr(r, "path", None) != FALLBACK]
        allowed = {
            method
            for method in ["GET", *OTHER_METHODS]
            if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
        }
    return allowed | {"HEAD"} if "GET" in allowed else allowed


def _no_route(request: Request) -> Response:
    """404, or 405 with Allow when the path exists for other methods."""
    allowed = _allowed_methods(request)
    if allowed:
        return error_response(
            405,
            "method_not_allowed",
            "Method Not Allowed",
            headers={"Allow": ", ".join(sorted(allowed))},
        )
    return error_response(404, "not_found", "The resource does not exist.")


def install_spa(app: FastAPI, dist: Path, page_head: PageHeadProvider | None = None) -> None:
    root = dist.resolve()

    @app.api_route(FALLBACK, methods=OTHER_METHODS, include_in_schema=False)
    async def unknown_route(request: Request) -> Response:
        # Without this, a POST to an unknown path would be a 405 (the GET fallback below
        # matches every path); a known path with another method stays a 405.
        return _no_route(request)

    @app.get(FALLBACK, include_in_schema=False)
    async def single_page_app(path: str, request: Request) -> Response:
        if path.startswith(NOT_SPA) or "\x00" in path:  # no file has a NUL in its name
            return _no_route(request)
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(
                "<h1>FabricLoop</h1><p>The web app is not built: run <code>make run</code>.</p>",
                status_code=503,
            )
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            immutable = path.startswith("assets/")
            headers = {"Cache-Control": "public, max-age=31536000, immutable"} if immutable else {}
            return FileResponse(candidate, headers=headers)
        head = await page_head(request, "/" + path) if page_head is not None else None
        body = head.body if head is not None and head.body else first_paint(root, "/" + path)
        if head is None and body is None:
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        page = build_text(index)
        if head is not None:
            page = with_head(page, head)
            if head.module:
                preloads = module_preloads(root, head.module, page)
                page = page.replace("</head>", f"{preloads}</head>", 1) if preloads else page
        if body is not None:
            page = with_first_paint(page, body)
        if head is not None and head.seed:
            page = page.replace("</body>", f"{head.seed}\n  </body>", 1)
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})
