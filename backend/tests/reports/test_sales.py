"""A seller's report of the impact of what they sold (`side=sales`): the same figures, counted
over the orders they sold instead of those they bought."""

import io
from decimal import Decimal
from typing import Any

import pypdf
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from tests.factories import auth_headers, make_user
from tests.reports.purchases import make_scenario

REPORT = "/api/reports/sustainability"
EXPORT = "/api/reports/export"
RANGE = {"start_date": "2026-01-01", "end_date": "2026-03-31"}


async def report(client: AsyncClient, user: User, **params: str) -> dict[str, Any]:
    response = await client.get(REPORT, params={**RANGE, **params}, headers=auth_headers(user))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> set[str]:
    return {line["transaction_id"] for line in body["lines"]}


class TestSalesReport:
    async def test_counts_what_the_seller_sold(
        self, client: AsyncClient, session: AsyncSession
    ) -> None:
        s = await make_scenario(session)
        bought = await report(client, s.buyer)
        other_bought = await report(client, s.other_buyer)
        buyer_sold = await report(client, s.buyer, side="sales")
        sold = await report(client, s.seller, side="sales")
        assert (bought["side"], sold["side"]) == ("purchases", "sales")
        # The buyer sold one order (their own listing, to the other buyer); the seller sold
        # the rest of what either buyer bought in the range.
        assert buyer_sold["materials_purchased"] == 1
        assert ids(sold) == ids(bought) | (ids(other_bought) - ids(buyer_sold))
        assert sold["materials_purchased"] == 6
        expected = sum(
            Decimal(str(line["scope3_emissions"] or 0))
            for line in bought["lines"] + other_bought["lines"]
            if line["transaction_id"] in ids(sold)
        )
        assert Decimal(str(sold["scope3_emissions"])) == expected
        assert "Sales made by the caller as seller" in sold["methodology"]["period"]
        # What the seller sold is not what they bought.
        assert (await report(client, s.seller))["materials_purchased"] == 0

    @pytest.mark.parametrize("side", ["", "sale", "SALES", "buyer", "x" * 17, "sales\x00"])
    async def test_bad_side(self, client: AsyncClient, session: AsyncSession, side: str) -> None:
        user = await make_user(session)
        for url in (REPORT, EXPORT):
            response = await client.get(
                url, params={"format": "csv", "side": side}, headers=auth_headers(user)
            )
            assert response.status_code == 400, (url, side)
            assert response.json()["error"]["code"] == "invalid_query"

    async def test_exports(self, client: AsyncClient, session: AsyncSession) -> None:
        s = await make_scenario(session)
        params = {**RANGE, "side": "sales"}
        csv = await client.get(
            EXPORT, params={"format": "csv", **params}, headers=auth_headers(s.seller)
        )
        assert csv.status_code == 200
        assert csv.headers["content-disposition"] == (
            'attachment; filename="fabricloop-sales-impact-2026-01-01_2026-03-31.csv"'
        )
        rows = [line.split(",")[:2] for line in csv.content.decode("utf-8-sig").splitlines()]
        assert rows[:3] == [
            ["FabricLoop impact of sales report", ""],
            ["company", "Seller Mill"],
            ["side", "sales"],
        ]
        pdf = await client.get(
            EXPORT, params={"format": "pdf", **params}, headers=auth_headers(s.seller)
        )
        assert pdf.status_code == 200
        reader = pypdf.PdfReader(io.BytesIO(pdf.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert "FabricLoop impact of sales report" in text
        assert "Materials sold (orders)" in text
        assert "Sales" in text
        assert reader.metadata is not None
        assert reader.metadata.title == "FabricLoop impact of sales report"
