"""Serves the built single-page app: real files as they are, every other path as
index.html so that deep links survive a reload."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from fabricloop.core.errors import error_response

NOT_SPA = ("api/", "media/", "health", "metrics")


def install_spa(app: FastAPI, dist: Path) -> None:
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    async def single_page_app(path: str, request: Request) -> Response:
        if path.startswith(NOT_SPA):
            return error_response(404, "not_found", "The resource does not exist.")
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
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
