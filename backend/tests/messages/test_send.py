"""What sending a message costs the database: its checks ride in the INSERT."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.messages import service as messages
from fabricloop.messages.errors import RecipientNotFound
from fabricloop.messages.schemas import SendMessageRequest
from tests.factories import make_material, make_user
from tests.statements import statements_sent


async def test_a_message_is_one_insert_and_its_notification(session: AsyncSession) -> None:
    seller = await make_user(session)
    buyer = await make_user(session, role="brand")
    material = await make_material(session, seller)
    await session.flush()
    request = SendMessageRequest(
        recipient_id=seller.id, material_id=material.id, content="Swatch of the jersey?"
    )
    async with statements_sent(session) as sent:
        await messages.send(session, buyer, request)
    # The message (its recipient and listing checked in it), then the seller's notification.
    assert [statement.split()[0] for statement in sent] == ["INSERT", "WITH"]


async def test_a_refused_message_asks_why_after_storing_nothing(session: AsyncSession) -> None:
    seller = await make_user(session, is_active=False)
    buyer = await make_user(session, role="brand")
    await session.flush()
    request = SendMessageRequest(recipient_id=seller.id, content="Still trading?")
    async with statements_sent(session) as sent:
        with pytest.raises(RecipientNotFound):
            await messages.send(session, buyer, request)
    assert [statement.split()[0] for statement in sent] == ["INSERT", "SELECT"]
