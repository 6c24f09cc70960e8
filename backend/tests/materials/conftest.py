"""Helpers shared by the materials tests."""

import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.images.models import Image
from tests.factories import make_user

MATERIALS = "/api/materials"


def listing(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Recycled polyester twill, navy",
        "description": "Mill surplus twill from a cancelled order, 210 gsm.",
        "material_type": "recycled_polyester",
        "source_type": "surplus",
        "quantity": 250.5,
        "unit": "kg",
        "price": 4.25,
        "currency": "EUR",
    }
    body.update(overrides)
    return body


def error_fields(body: dict[str, Any]) -> set[str]:
    return {d["field"] for d in body["error"].get("details", [])}


async def make_image(session: AsyncSession, owner: User, **overrides: Any) -> Image:
    name = uuid.uuid4().hex
    values: dict[str, Any] = {
        "owner_id": owner.id,
        "storage_key": f"images/{name[:2]}/{name}.jpg",
        "thumbnail_key": f"images/{name[:2]}/{name}-thumb.webp",
        "display_key": f"images/{name[:2]}/{name}-display.webp",
        "content_type": "image/jpeg",
        "width": 800,
        "height": 600,
        "size_bytes": 12345,
    }
    values.update(overrides)
    image = Image(**values)
    session.add(image)
    await session.flush()
    await session.refresh(image)
    return image


@pytest.fixture
async def other_seller(session: AsyncSession) -> User:
    return await make_user(session, company_name="Lyon Weavers", role="manufacturer")


@pytest.fixture
async def brand(session: AsyncSession) -> User:
    return await make_user(session, company_name="Green Brand", role="brand")
