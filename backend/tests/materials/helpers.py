"""Shared by the materials tests (and the migration tests): search, the search table's rows."""

from typing import Any

from httpx import AsyncClient

from fabricloop.materials.models import (
    LIVE,
    MATERIAL_SEARCH_PARTITION_PREFIX,
)
from tests.materials.conftest import MATERIALS

SEARCH_ROWS = """
    SELECT material_id, material_type, seller_id, price, quantity, created_at,
           document::text AS document, source_type, currency, origin_country, schemes,
           tableoid::regclass::text AS partition
    FROM material_search ORDER BY material_id"""


EXPECTED_ROWS = f"""
    SELECT id AS material_id, material_type, seller_id, price, quantity, created_at,
           material_search_document(search_vector, material_type, source_type, currency,
                                    origin_country, certifications)::text AS document,
           source_type, currency, origin_country,
           ARRAY(SELECT DISTINCT c ->> 'scheme' FROM jsonb_array_elements(certifications) c
                 WHERE c ->> 'scheme' IS NOT NULL ORDER BY 1) AS schemes,
           '{MATERIAL_SEARCH_PARTITION_PREFIX}' || material_type AS partition
    FROM materials WHERE {LIVE} ORDER BY id"""


async def search(client: AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get(MATERIALS, params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data
