"""The search table's rows, and what the listings say they should be."""

from fabricloop.materials.models import (
    LIVE,
    MATERIAL_SEARCH_PARTITION_PREFIX,
)

SEARCH_ROWS = """
    SELECT material_id, material_type, seller_id, price, quantity, created_at,
           document::text AS document, tableoid::regclass::text AS partition
    FROM material_search ORDER BY material_id"""


EXPECTED_ROWS = f"""
    SELECT id AS material_id, material_type, seller_id, price, quantity, created_at,
           material_search_document(search_vector, material_type, source_type, currency,
                                    origin_country, certifications)::text AS document,
           '{MATERIAL_SEARCH_PARTITION_PREFIX}' || material_type AS partition
    FROM materials WHERE {LIVE} ORDER BY id"""
