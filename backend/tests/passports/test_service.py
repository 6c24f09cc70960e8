from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.materials import passport_log
from fabricloop.materials.models import DigitalProductPassport, Material, PassportChange
from tests.factories import make_material, make_user
from tests.statements import statements_sent


async def _bare_material(session: AsyncSession) -> Material:
    seller = await make_user(session)
    material = Material(
        seller_id=seller.id,
        title="Wool melton",
        material_type="wool",
        source_type="surplus",
        quantity=5,
        unit="kg",
        price=12,
        currency="EUR",
        composition=[{"fibre": "wool", "percent": 100}],
        origin_country="IT",
        manufacture_date=date(2025, 3, 1),
        certifications=[],
        supply_chain=[{"stage": "weaving", "company": "Lanificio", "country": "IT"}],
    )
    session.add(material)
    await session.flush()
    return material


class TestCreatePassport:
    async def test_creates_once_with_initial_values(self, session: AsyncSession) -> None:
        material = await _bare_material(session)
        passport = await passport_log.create_passport(session, material)
        again = await passport_log.create_passport(session, material)
        assert again.id == passport.id
        changes = (
            (
                await session.execute(
                    select(PassportChange).where(PassportChange.passport_id == passport.id)
                )
            )
            .scalars()
            .all()
        )
        assert len(changes) == 1
        assert changes[0].kind == "created"
        assert changes[0].changed_by == material.seller_id
        assert changes[0].changes["origin"] == {"old": None, "new": "IT"}
        assert changes[0].changes["manufacture_date"]["new"] == "2025-03-01"

    async def test_a_new_passport_and_its_change_are_one_statement(
        self, session: AsyncSession
    ) -> None:
        material = await _bare_material(session)
        async with statements_sent(session) as sent:
            passport = await passport_log.create_passport(session, material)
        assert [statement.split()[0] for statement in sent] == ["WITH"]
        stored = await session.scalar(
            select(DigitalProductPassport.created_at).where(
                DigitalProductPassport.id == passport.id
            )
        )
        assert (passport.material_id, passport.created_at) == (material.id, stored)


class TestRecordChange:
    async def test_records_and_bumps_updated_at(self, session: AsyncSession) -> None:
        seller = await make_user(session)
        material = await make_material(session, seller)
        passport = (
            await session.execute(
                select(DigitalProductPassport).where(
                    DigitalProductPassport.material_id == material.id
                )
            )
        ).scalar_one()
        before = passport.updated_at
        change = await passport_log.record_change(
            session, material.id, seller.id, "material_updated", {"title": {"old": "a", "new": "b"}}
        )
        assert change.kind == "material_updated"
        assert change.changes == {"title": {"old": "a", "new": "b"}}
        await session.refresh(passport)
        assert passport.updated_at > before

    async def test_creates_a_missing_passport(self, session: AsyncSession) -> None:
        material = await _bare_material(session)
        change = await passport_log.record_change(session, material.id, None, "x" * 40, {})
        assert change.kind == "x" * 32
        passport = (
            await session.execute(
                select(DigitalProductPassport).where(
                    DigitalProductPassport.material_id == material.id
                )
            )
        ).scalar_one()
        assert change.passport_id == passport.id
