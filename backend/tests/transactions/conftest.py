"""Fixtures shared by the transaction tests."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from tests.factories import make_user


@pytest.fixture
async def seller(session: AsyncSession) -> User:
    return await make_user(session, company_name="Porto Mills", role="manufacturer")


@pytest.fixture
async def buyer(session: AsyncSession) -> User:
    return await make_user(session, company_name="Loop Brand", role="brand")
