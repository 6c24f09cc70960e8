from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from tests.factories import make_material, make_user


@pytest.fixture
async def buyer(session: AsyncSession) -> User:
    return await make_user(session, company_name="Munich Brand", role="brand")


@pytest.fixture
async def denim(session: AsyncSession, seller: User) -> Material:
    """Denim by the metre: 0.45 kg per metre at 4.20 EUR per metre, 1000 m in stock."""
    return await make_material(
        session,
        seller,
        title="Selvedge denim",
        quantity=Decimal("1000"),
        unit="m",
        kg_per_unit=Decimal("0.45"),
        price=Decimal("4.20"),
    )
