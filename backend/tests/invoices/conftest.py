"""The parties of the invoice tests, named as the documents must show them."""

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import Material
from tests.factories import make_material, make_user


@pytest.fixture
async def seller(session: AsyncSession) -> User:
    return await make_user(session, company_name="Tecelagem Ribeiro Lda")


@pytest.fixture
async def buyer(session: AsyncSession) -> User:
    return await make_user(session, role="brand", company_name="Maison Éclat")


@pytest.fixture
async def material(session: AsyncSession, seller: User) -> Material:
    return await make_material(session, seller, quantity=Decimal("100"))
