"""The single-page app fallback over a temporary build."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from httpx import AsyncClient

from fabricloop.config import Settings
from tests.core.apps import running

INDEX = b"<!doctype html><div id=root></div><!-- fabricloop index -->"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_bytes(INDEX)
    (root / "assets" / "app-1234.js").write_text("console.log('app')")
    (root / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside the build")
    return root


@pytest.fixture
async def spa(settings: Settings, migrated: str, dist: Path) -> AsyncIterator[AsyncClient]:  # noqa: ARG001
    async with running(settings, web_dist_dir=dist) as (_, http):
        yield http


class TestSpa:
    @pytest.mark.parametrize("path", ["/", "/materials/3f0c", "/dashboard?tab=orders", "/a/b/c"])
    async def test_deep_links_get_index(self, spa: AsyncClient, path: str) -> None:
        response = await spa.get(path)
        assert response.status_code == 200
        assert response.content == INDEX
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-cache"
        assert "default-src 'self'" in response.headers["content-security-policy"]

    async def test_assets_served_immutable(self, spa: AsyncClient) -> None:
        response = await spa.get("/assets/app-1234.js")
        assert response.status_code == 200
        assert response.text == "console.log('app')"
        assert "immutable" in response.headers["cache-control"]
        favicon = await spa.get("/favicon.svg")
        assert favicon.text == "<svg/>"
        assert "immutable" not in favicon.headers.get("cache-control", "")

    @pytest.mark.parametrize("path", ["/api/unknown", "/api/", "/media/none.png", "/metricsx"])
    async def test_reserved_prefixes_are_json_404(self, spa: AsyncClient, path: str) -> None:
        response = await spa.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    @pytest.mark.parametrize(
        "raw_path",
        [
            "/../secret.txt",
            "/assets/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/assets/%2e%2e/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
        ],
    )
    async def test_traversal_outside_dist_refused(self, spa: AsyncClient, raw_path: str) -> None:
        request = spa.build_request("GET", "http://testserver")
        # Send the path as written: httpx would otherwise normalise the dot segments away.
        request.url = request.url.copy_with(raw_path=raw_path.encode())
        response = await spa.send(request)
        assert b"outside the build" not in response.content
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert response.content == INDEX

    async def test_without_a_build_explains(self, settings: Settings, tmp_path: Path) -> None:
        async with running(settings, web_dist_dir=tmp_path / "missing") as (_, http):
            response = await http.get("/materials")
        assert response.status_code == 503
        assert "make run" in response.text


SHELL = (
    "<!doctype html><div id=root><header>FabricLoop</header><div>"
    "<!-- The page: outline --><p role=status>Loading</p><!-- /The page -->"
    "</div></div>"
)


class TestFirstPaint:
    """A page's first paint replaces the app shell's page outline when the build has one."""

    @pytest.fixture
    async def shell(
        self,
        settings: Settings,
        migrated: str,  # noqa: ARG002
        dist: Path,
    ) -> AsyncIterator[AsyncClient]:
        (dist / "index.html").write_text(SHELL)
        (dist / "first-paint").mkdir()
        (dist / "first-paint" / "index.html").write_text("<h1>Surplus fabric</h1>\n")
        (dist / "first-paint" / "methodology.html").write_text("<h1>How</h1>")
        async with running(settings, web_dist_dir=dist) as (_, http):
            yield http

    async def test_a_page_with_a_first_paint_gets_it(self, shell: AsyncClient) -> None:
        response = await shell.get("/")
        assert response.status_code == 200
        assert response.text == (
            "<!doctype html><div id=root><header>FabricLoop</header><div>"
            "<h1>Surplus fabric</h1></div></div>"
        )
        assert response.headers["cache-control"] == "no-cache"
        methodology = await shell.get("/methodology?from=footer")
        assert "<h1>How</h1>" in methodology.text
        assert "Loading" not in methodology.text

    @pytest.mark.parametrize(
        "path", ["/materials", "/materials/3f0c", "/first-paint/index", "/index", "/Methodology"]
    )
    async def test_other_pages_keep_the_outline(self, shell: AsyncClient, path: str) -> None:
        response = await shell.get(path)
        assert response.status_code == 200
        assert response.text == SHELL


def test_a_build_file_is_read_once_until_it_changes(tmp_path: Path) -> None:
    from fabricloop.core.spa import build_text

    page = tmp_path / "index.html"
    page.write_text("<p>build A</p>")
    first = page.stat()
    assert build_text(page) == "<p>build A</p>"
    # Same size and modification time: the same build, so the text is not read again.
    page.write_text("<p>build B</p>")
    os.utime(page, ns=(first.st_atime_ns, first.st_mtime_ns))
    assert build_text(page) == "<p>build A</p>"
    # A new build (another size or time) is read.
    page.write_text("<p>the next build</p>")
    assert build_text(page) == "<p>the next build</p>"
    page.unlink()
    with pytest.raises(FileNotFoundError):
        build_text(page)
