"""material_search: one row per live listing, kept by a trigger on materials (migration 0006)."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.vocabulary import MATERIAL_TYPES
from fabricloop.materials.models import (
    MATERIAL_SEARCH_FILL_SQL,
    MATERIAL_SEARCH_PARTITION_PREFIX,
    Material,
)
from tests.factories import auth_headers, make_material
from tests.materials.conftest import MATERIALS
from tests.materials.helpers import EXPECTED_ROWS, SEARCH_ROWS


async def rows(session: AsyncSession, sql: str = SEARCH_ROWS) -> list[dict[str, Any]]:
    return [dict(row) for row in (await session.execute(text(sql))).mappings().all()]


async def assert_in_step(session: AsyncSession) -> list[dict[str, Any]]:
    """material_search holds exactly the live listings, each in its type's partition."""
    actual = await rows(session)
    assert actual == await rows(session, EXPECTED_ROWS)
    return actual


async def change(session: AsyncSession, material: Material, **values: Any) -> None:
    for name, value in values.items():
        setattr(material, name, value)
    await session.flush()


async def lexemes(session: AsyncSession, material_id: uuid.UUID) -> set[str]:
    found = await session.execute(
        text("SELECT (unnest(document)).lexeme FROM material_search WHERE material_id = :id"),
        {"id": material_id},
    )
    return set(found.scalars())


class TestSearchTable:
    async def test_a_live_listing_has_its_words_and_categories(
        self, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(
            session,
            seller,
            title="Navy denim",
            origin_country="PT",
            source_type="surplus",
            currency="USD",
            certifications=[
                {"scheme": "GOTS", "certificate_id": "G-1"},
                {"scheme": "Cradle to Cradle", "certificate_id": "C-1"},
            ],
        )
        (row,) = await assert_in_step(session)
        assert row["partition"] == "material_search_organic_cotton"
        words = await lexemes(session, material.id)
        assert {"navi", "denim", "type_organic_cotton", "source_surplus", "currency_USD"} <= words
        assert {"country_PT", "cert_GOTS", "cert_Cradle to Cradle"} <= words
        assert (row["source_type"], row["currency"], row["origin_country"]) == (
            "surplus",
            "USD",
            "PT",
        )
        assert row["schemes"] == ["Cradle to Cradle", "GOTS"]

    async def test_schemes_are_each_scheme_once(self, session: AsyncSession, seller: User) -> None:
        await make_material(
            session,
            seller,
            certifications=[
                {"scheme": "OCS", "certificate_id": "O-1"},
                {"scheme": "GOTS", "certificate_id": "G-1"},
                {"scheme": "OCS", "certificate_id": "O-2"},
                {"certificate_id": "no scheme"},
            ],
        )
        await make_material(session, seller, certifications=[])
        schemes = [row["schemes"] for row in await assert_in_step(session)]
        assert sorted(schemes) == [[], ["GOTS", "OCS"]]

    async def test_only_live_listings(self, session: AsyncSession, seller: User) -> None:
        await make_material(session, seller, title="Live")
        for status in ("draft", "sold_out", "archived"):
            await make_material(session, seller, status=status)
        await make_material(session, seller, status="archived", deleted_at=datetime.now(UTC))
        assert len(await assert_in_step(session)) == 1

    async def test_follows_every_change(self, session: AsyncSession, seller: User) -> None:
        material = await make_material(session, seller, status="draft")
        assert await assert_in_step(session) == []
        await change(session, material, status="active")
        assert len(await assert_in_step(session)) == 1
        await change(session, material, title="Hemp twill", description="Undyed")
        assert "hemp" in await lexemes(session, material.id)
        await change(session, material, price=Decimal("3.10"), quantity=Decimal("7"))
        await change(session, material, material_type="hemp")
        (row,) = await assert_in_step(session)
        assert row["partition"] == "material_search_hemp"
        assert (row["price"], row["quantity"]) == (Decimal("3.10"), Decimal("7.000"))
        await change(session, material, certifications=[{"scheme": "OCS", "certificate_id": "1"}])
        assert "cert_OCS" in await lexemes(session, material.id)
        await change(session, material, origin_country=None)
        assert "country_" in await lexemes(session, material.id)
        await change(session, material, source_type="surplus", currency="GBP")
        (row,) = await assert_in_step(session)
        assert (row["source_type"], row["currency"], row["schemes"]) == ("surplus", "GBP", ["OCS"])
        await change(session, material, quantity=Decimal("0"), status="sold_out")
        assert await assert_in_step(session) == []
        await change(session, material, quantity=Decimal("5"), status="active")
        assert len(await assert_in_step(session)) == 1
        await change(session, material, deleted_at=datetime.now(UTC), status="archived")
        assert await assert_in_step(session) == []

    async def test_a_change_search_ignores_writes_nothing(
        self, session: AsyncSession, seller: User
    ) -> None:
        material = await make_material(session, seller)
        version = "SELECT xmin::text FROM material_search WHERE material_id = :id"
        before = (await session.execute(text(version), {"id": material.id})).scalar_one()
        await change(session, material, color="navy", kg_per_unit=Decimal("0.2"))
        after = (await session.execute(text(version), {"id": material.id})).scalar_one()
        assert after == before
        await assert_in_step(session)

    async def test_a_change_of_stock_alone_updates_the_quantity_alone(
        self, session: AsyncSession, seller: User
    ) -> None:
        """An order or a restock (migration 0030): the row keeps its document, as built, and
        takes the new quantity; a change of stock with anything else rebuilds the row."""
        material = await make_material(session, seller, title="Navy denim", quantity=Decimal(9))
        other = await make_material(session, seller, title="Ecru twill", quantity=Decimal(4))
        # A document the trigger would never build: kept only if the row is not rebuilt.
        await session.execute(
            text("UPDATE material_search SET document = 'kept'::tsvector WHERE material_id = :id"),
            {"id": material.id},
        )
        await change(session, material, quantity=Decimal("8.5"))
        assert await lexemes(session, material.id) == {"kept"}
        found = await session.execute(
            text("SELECT quantity FROM material_search WHERE material_id = :id"),
            {"id": material.id},
        )
        assert found.scalar_one() == Decimal("8.500")
        await change(session, material, quantity=Decimal(7), title="Indigo denim")
        assert "indigo" in await lexemes(session, material.id)
        # A live listing whose row is missing gets it back with its first change of stock.
        await session.execute(
            text("DELETE FROM material_search WHERE material_id = :id"), {"id": other.id}
        )
        await change(session, other, quantity=Decimal(3))
        (row, _) = sorted(await assert_in_step(session), key=lambda r: r["quantity"])
        assert (row["material_id"], row["quantity"]) == (other.id, Decimal("3.000"))

    async def test_a_deleted_row_goes(self, session: AsyncSession, seller: User) -> None:
        material = await make_material(session, seller)
        await session.execute(
            text("DELETE FROM digital_product_passports WHERE material_id = :id"),
            {"id": material.id},
        )
        await session.execute(text("DELETE FROM materials WHERE id = :id"), {"id": material.id})
        assert await assert_in_step(session) == []

    async def test_the_fill_statement_writes_what_the_trigger_does(
        self, session: AsyncSession, seller: User
    ) -> None:
        await make_material(session, seller, certifications=[{"scheme": "RWS"}])
        await make_material(session, seller, material_type="wool", origin_country="IT")
        await make_material(session, seller, status="draft")
        by_trigger = await assert_in_step(session)
        await session.execute(text("DELETE FROM material_search"))
        await session.execute(text(MATERIAL_SEARCH_FILL_SQL))
        assert await rows(session) == by_trigger
        await session.execute(text(MATERIAL_SEARCH_FILL_SQL))  # a second fill adds nothing
        assert await rows(session) == by_trigger

    async def test_every_material_type_has_a_partition(self, session: AsyncSession) -> None:
        # Fails when the vocabulary gains a type without a migration adding its partition (its
        # listings would all land in the default partition, and typed searches lose locality).
        partitions = (
            await session.execute(
                text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'material_search'::regclass"
                )
            )
        ).scalars()
        expected = {MATERIAL_SEARCH_PARTITION_PREFIX + t for t in MATERIAL_TYPES}
        assert set(partitions) == expected | {"material_search_default"}


class TestSearchTableThroughTheApi:
    async def test_create_update_delete_are_searchable_at_once(
        self, client: AsyncClient, session: AsyncSession, seller: User
    ) -> None:
        headers = auth_headers(seller)
        material = await make_material(session, seller, title="Brushed fleece")
        found = (await client.get(MATERIALS, params={"q": "fleece"})).json()
        assert [m["material_id"] for m in found["materials"]] == [str(material.id)]
        response = await client.put(
            f"{MATERIALS}/{material.id}", json={"title": "Loden wool"}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert (await client.get(MATERIALS, params={"q": "fleece"})).json()["total"] == 0
        assert (await client.get(MATERIALS, params={"q": "loden"})).json()["total"] == 1
        response = await client.delete(f"{MATERIALS}/{material.id}", headers=headers)
        assert response.status_code == 200, response.text
        assert (await client.get(MATERIALS, params={"q": "loden"})).json()["total"] == 0
        await assert_in_step(session)
