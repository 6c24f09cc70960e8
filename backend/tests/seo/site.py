"""What the page tests share: the app serving a built web app from a folder, its sessions on
the test's transaction (rolled back at the end)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.images.models import Image
from tests.core.apps import running

BASE = "https://fabricloop.example"


@dataclass
class Site:
    http: AsyncClient
    session: AsyncSession


@asynccontextmanager
async def serving(
    settings: Settings, connection: AsyncConnection, dist: Path
) -> AsyncIterator[Site]:
    """The app with `dist` as its built web app and BASE as its public address."""
    async with running(settings, web_dist_dir=dist, public_base_url=BASE) as (app, http):
        maker = async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        app.state.sessionmaker = maker
        async with maker() as session:
            yield Site(http, session)


def cover_photo(owner_id: object, material_id: object, **values: object) -> Image:
    """A listing's first photo (a row only: no file is read); `values` replace the defaults."""
    return Image(
        **{
            "owner_id": owner_id,
            "material_id": material_id,
            "position": 0,
            "storage_key": "a/cover.webp",
            "thumbnail_key": "a/cover-thumb.webp",
            "width": 800,
            "height": 600,
            "content_type": "image/webp",
            "size_bytes": 1000,
            **values,
        }
    )
