"""The offers' listing: sold by the metre, with a minimum and an increment."""

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from tests.factories import make_material


@pytest.fixture
async def material(session: AsyncSession, seller: User) -> Material:
    return await make_material(
        session,
        seller,
        unit="m",
        kg_per_unit=Decimal("0.3"),
        quantity=Decimal("200"),
        price=Decimal("4.25"),
        min_order_quantity=Decimal("10"),
        order_increment=Decimal("5"),
    )
