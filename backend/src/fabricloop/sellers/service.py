"""Storefronts (a seller's public page) and the seller's own catalogue, composed from the
accounts and the listings."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth import service as auth
from fabricloop.auth.models import User
from fabricloop.companies import service as companies
from fabricloop.core.pagination import Page
from fabricloop.materials import service as materials
from fabricloop.materials.views import UrlOf
from fabricloop.reports import service as reports
from fabricloop.sellers.errors import SellerNotFound
from fabricloop.sellers.schemas import Catalogue, CatalogueItem, SellerImpact, Storefront


async def storefront(
    session: AsyncSession, seller_id: uuid.UUID, page: Page, url_of: UrlOf
) -> Storefront:
    """404 for an unknown, deactivated, deleted or suspended account, and for one that is not
    a manufacturer."""
    seller = await auth.active_user(session, seller_id)
    if seller is None or seller.role != "manufacturer" or seller.suspended_at is not None:
        raise SellerNotFound()
    listings, total = await materials.public_listings(session, seller.id, page, url_of)
    company = await companies.company_of(session, seller.id)
    impact = await reports.seller_impact(session, seller.id)
    return Storefront(
        user_id=seller.id,
        company_name=seller.company_name,
        verified=seller.verified_at is not None,
        country=company.country if company is not None else None,
        member_since=seller.created_at,
        listing_count=total,
        impact=SellerImpact(
            completed_orders=impact.purchases,
            total_quantity_kg=impact.quantity_kg,
            total_carbon_saved=impact.carbon_saved,
            total_water_saved=impact.water_saved,
        ),
        materials=listings,
        total=total,
        page=page.page,
        limit=page.limit,
    )


async def catalogue(
    session: AsyncSession, seller: User, status: str | None, page: Page, url_of: UrlOf
) -> Catalogue:
    rows, total = await materials.seller_catalogue(session, seller, status, page)
    return Catalogue(
        materials=[
            CatalogueItem(
                material_id=m.id,
                title=m.title,
                status=m.status,
                material_type=m.material_type,
                quantity=m.quantity,
                unit=m.unit,
                price=m.price,
                currency=m.currency,
                thumbnail_url=url_of(key) if key else None,
                created_at=m.created_at,
                updated_at=m.updated_at,
            )
            for m, key in rows
        ],
        total=total,
        page=page.page,
        limit=page.limit,
    )
