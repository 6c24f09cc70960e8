"""A buyer's purchases whose report figures are computed by hand in the tests."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.materials.models import SustainabilityMetric
from tests.factories import make_material, make_transaction, make_user


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Scenario:
    buyer: User
    other_buyer: User
    seller: User


async def make_scenario(session: AsyncSession, **buyer_fields: object) -> Scenario:
    seller = await make_user(session, company_name="Seller Mill")
    buyer = await make_user(session, role="brand", **buyer_fields)
    other = await make_user(session, role="brand", company_name="Other Brand")

    cotton = await make_material(
        session, seller, material_type="cotton", source_type="deadstock", composition=[]
    )
    # 10 kg deadstock cotton: 10 x 6.3 scope 3 and saved; 10 x 2170 L.
    await make_transaction(
        session, cotton, buyer, quantity=Decimal(10), status="paid", paid_at=at("2026-01-15T10:00")
    )
    rpet = await make_material(
        session, seller, material_type="recycled_polyester", source_type="recycled", composition=[]
    )
    # 20 kg: footprint 1.5 + 4.5 = 6 -> 120; saved 20 x (7.1 - 6) = 22; water 0.
    await make_transaction(
        session, rpet, buyer, quantity=Decimal(20), status="shipped", paid_at=at("2026-02-10T08:00")
    )
    blend = await make_material(
        session,
        seller,
        title="Blend sold by the metre",
        material_type="blend",
        source_type="post_consumer",
        unit="m",
        kg_per_unit=Decimal("0.25"),
        composition=[{"fibre": "cotton", "percent": 60}, {"fibre": "polyester", "percent": 40}],
    )
    # 40 m x 0.25 = 10 kg: footprint .6 x 4.9 + .4 x 6.0 = 5.34 -> 53.4;
    # saved .6 x 1.4 + .4 x 1.1 = 1.28 -> 12.8; water .6 x 1485 + .4 x 0 = 891 -> 8910.
    await make_transaction(
        session,
        blend,
        buyer,
        quantity=Decimal(40),
        status="completed",
        paid_at=at("2026-02-28T23:59:59"),
    )
    silk = await make_material(
        session, seller, material_type="silk", source_type="deadstock", composition=[]
    )
    # 5 kg with no factor: nothing claimed, 5 kg uncovered.
    await make_transaction(
        session, silk, buyer, quantity=Decimal(5), status="paid", paid_at=at("2026-03-31T23:59:59")
    )
    declared = await make_material(
        session,
        seller,
        material_type="cotton",
        source_type="deadstock",
        composition=[],
        carbon_footprint=Decimal("2.345"),
        water_usage=None,
    )
    session.add(  # an older figure: the latest one applies
        SustainabilityMetric(
            material_id=declared.id,
            carbon_footprint=Decimal("9.9"),
            water_usage=Decimal("1"),
            chemical_composition=[],
            recorded_at=datetime.now(UTC) - timedelta(days=400),
        )
    )
    # 3.333 kg: scope 3 3.333 x 2.345 = 7.815885; saved 3.333 x 6.3 = 20.9979;
    # water 3.333 x 2170 = 7232.61.
    await make_transaction(
        session,
        declared,
        buyer,
        quantity=Decimal("3.333"),
        status="paid",
        paid_at=at("2026-03-01T00:00:00"),
    )

    # Excluded: outside the range, unpaid, cancelled, someone else's, or sold by the buyer.
    await make_transaction(session, cotton, buyer, status="paid", paid_at=at("2025-12-31T23:59:59"))
    await make_transaction(session, cotton, buyer, status="paid", paid_at=at("2026-04-01T00:00"))
    await make_transaction(session, cotton, buyer, status="pending")
    await make_transaction(
        session, cotton, buyer, status="cancelled", paid_at=at("2026-02-01T00:00")
    )
    await make_transaction(session, cotton, other, status="paid", paid_at=at("2026-02-01T00:00"))
    own = await make_material(session, buyer, material_type="cotton", composition=[])
    await make_transaction(session, own, other, status="paid", paid_at=at("2026-02-01T00:00"))
    await session.flush()
    return Scenario(buyer=buyer, other_buyer=other, seller=seller)
