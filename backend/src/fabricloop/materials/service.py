"""Listings: create, read with visibility rules and caching, partial update, soft delete."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core import vocabulary
from fabricloop.core.cache import Cache, Prefetched
from fabricloop.core.pagination import Page
from fabricloop.core.queue import enqueue_after_commit
from fabricloop.core.replica import ReadReplica
from fabricloop.core.vocabulary import ADMIN_ROLE
from fabricloop.impact.service import impact_out, per_kg_impact
from fabricloop.materials import (
    caching,
    certified,
    listing_cache,
    passport_log,
    repository,
    rows,
    search,
)
from fabricloop.materials.errors import (
    ImageNotFound,
    InvalidMaterial,
    InvalidSearch,
    ListingHidden,
    ListingNotAllowed,
    MaterialNotFound,
    NotMaterialOwner,
)
from fabricloop.materials.listing_cache import MATERIAL_TTL_SECONDS, material_key
from fabricloop.materials.models import Material
from fabricloop.materials.repository import search as search_repository
from fabricloop.materials.schemas import (
    MaterialCreate,
    MaterialDetail,
    MaterialSummary,
    MaterialTypes,
    MaterialUpdate,
    created_quantity,
    listing_problems,
    tiers_of,
)
from fabricloop.materials.search_query import EXACT_COUNT, SearchParams, SearchQuery
from fabricloop.materials.terms import tiers_from_json, tiers_json
from fabricloop.materials.views import UrlOf, detail_view

PUBLIC_STATUSES = ("active", "sold_out")
HIDDEN = "hidden"
LISTING_ROLE = "manufacturer"

Viewer = Callable[[], Awaitable[User | None]]


def _raise_problems(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise InvalidMaterial(details=[{"field": f, "message": m} for f, m in problems])


async def _attach_images(
    session: AsyncSession, owner: User, material_id: uuid.UUID, image_ids: list[uuid.UUID]
) -> None:
    images = await repository.images_by_id(session, image_ids)
    if len(images) != len(image_ids) or any(i.owner_id != owner.id for i in images):
        raise ImageNotFound()
    taken = [i for i in images if i.material_id not in (None, material_id)]
    if taken:
        position = image_ids.index(taken[0].id)
        raise InvalidMaterial(
            details=[{"field": f"images.{position}", "message": "Already used by another listing."}]
        )
    await repository.set_images(session, material_id, image_ids)


async def create_material(
    session: AsyncSession, cache: Cache, seller: User, data: MaterialCreate
) -> Material:
    if seller.role != LISTING_ROLE:
        raise ListingNotAllowed()
    quantity, problems = created_quantity(data)
    tiers = tiers_of(data.price_tiers)
    problems += listing_problems(
        unit=data.unit,
        quantity=quantity,
        kg_per_unit=data.kg_per_unit,
        min_order_quantity=data.min_order_quantity,
        order_increment=data.order_increment,
        price=data.price,
        price_tiers=tiers,
        lot_quantities=[lot.quantity for lot in data.lots],
        sample_available=data.sample_available,
        sample_price=data.sample_price,
    )
    _raise_problems(problems)
    certifications = rows.certifications_json(data.certifications)
    await certified.check(session, seller.id, certifications)
    material = await repository.add_material(
        session,
        Material(
            seller_id=seller.id,
            title=data.title,
            description=data.description,
            material_type=data.material_type,
            source_type=data.source_type,
            quantity=quantity,
            unit=data.unit,
            kg_per_unit=data.kg_per_unit,
            price=data.price,
            currency=data.currency,
            min_order_quantity=data.min_order_quantity,
            order_increment=data.order_increment,
            price_tiers=tiers_json(tiers),
            sample_available=data.sample_available,
            sample_price=data.sample_price,
            sample_description=data.sample_description,
            composition=rows.composition_json(data.composition),
            color=data.color,
            origin_country=data.origin_country,
            gtin=data.gtin,
            manufacture_date=data.manufacture_date,
            certifications=certifications,
            supply_chain=rows.supply_chain_json(data.supply_chain),
            status="active",
        ),
    )
    if data.lots:
        await repository.replace_lots(session, material.id, rows.lot_rows(data.lots))
    if data.images:
        await _attach_images(session, seller, material.id, data.images)
    if data.sustainability_metrics is not None:
        await repository.add_metric(
            session, rows.metric_row(material.id, seller.id, data.sustainability_metrics)
        )
    await passport_log.create_passport(session, material)
    await _published(session, material.id)
    caching.invalidate_after_commit(session, cache, [material.id])
    return material


# The saved-search alerts' job (saved_searches.service.match_new_listings, see worker.py).
MATCH_SAVED_SEARCHES = "match_saved_searches"


async def _published(session: AsyncSession, material_id: uuid.UUID) -> None:
    """A listing became visible in search as new: queue it for the saved-search alerts and
    have the worker look once this transaction has committed."""
    await repository.add_publication(session, material_id)
    enqueue_after_commit(session, MATCH_SAVED_SEARCHES)


async def take_publications(session: AsyncSession, limit: int) -> list[uuid.UUID]:
    """The oldest newly published listings, removed from the queue in this transaction."""
    return await repository.take_publications(session, limit)


async def matching_listings(
    session: AsyncSession, query: SearchQuery, material_ids: list[uuid.UUID], not_seller: uuid.UUID
) -> list[tuple[uuid.UUID, str]]:
    """(id, title) of the listings the search `query` would return now (on any page), other
    than `not_seller`'s. InvalidSearch when it converts prices to a currency without a rate."""
    query = await search.with_rates(session, query)
    return await search_repository.matching_ids(session, query, material_ids, not_seller)


async def _visible(session: AsyncSession, material: Material, viewer: User | None) -> bool:
    if material.deleted_at is not None:
        return False
    if material.status in PUBLIC_STATUSES:
        return True
    if viewer is None:
        return False
    if viewer.id == material.seller_id or viewer.role == ADMIN_ROLE:
        return True
    # A draft or archived listing stays visible to the parties of its transactions (the
    # OpenAPI operation get_material says so).
    return await repository.is_transaction_party(session, material.id, viewer.id)


async def titles_visible_to(
    session: AsyncSession, material_ids: set[uuid.UUID], viewer: User
) -> dict[uuid.UUID, str]:
    """The titles of those listings `viewer` may see, by the rule of `_visible` (a listing
    deleted, hidden or made a draft since is left out)."""
    if not material_ids:
        return {}
    return await repository.titles_visible_to(
        session, list(material_ids), viewer.id, PUBLIC_STATUSES, viewer.role == ADMIN_ROLE
    )


async def visible_listing(
    session: AsyncSession, material_id: uuid.UUID, viewer: User | None
) -> Material:
    """The listing if `viewer` may see it (as its detail page decides), else MaterialNotFound."""
    row = await repository.get_material_row(session, material_id)
    if row is None or not await _visible(session, row.material, viewer):
        raise MaterialNotFound()
    return row.material


async def cached_detail(
    cache: Cache, material_id: uuid.UUID, early: Prefetched | None
) -> bytes | None:
    """The public detail as JSON from the cache, or None on a miss. Usually the rate limiter
    has already read it (`early`, see `router.detail_key_of`), which saves a Redis round
    trip."""
    if early is not None:
        return early.value
    return await cache.get_entry(material_key(material_id))


async def material_detail(
    session: AsyncSession, cache: Cache, url_of: UrlOf, material_id: uuid.UUID, viewer: Viewer
) -> bytes:
    """The detail as JSON. Public listings are cached for everyone; a draft or archived one is
    built for its owner (or a buyer) each time and never cached, so no one else sees it."""
    generations = await listing_cache.generations(cache)
    row = await repository.get_material_row(session, material_id)
    if row is None:
        raise MaterialNotFound()
    material = row.material
    public = material.deleted_at is None and material.status in PUBLIC_STATUSES
    reader = None if public else await viewer()
    if not public and not await _visible(session, material, reader):
        raise MaterialNotFound()
    images = await repository.material_images(session, material_id)
    metric = await repository.latest_metric(session, material_id)
    impact = impact_out(
        per_kg_impact(
            material.material_type,
            material.source_type,
            material.composition,
            metric.carbon_footprint if metric else None,
            metric.water_usage if metric else None,
            material.origin_country,
        )
    )
    lots = await repository.material_lots(session, material_id)
    verified = await certified.verified(session, material.seller_id, material.certifications)
    detail: MaterialDetail = detail_view(row, images, metric, impact, url_of, lots, verified)
    if reader is None or (reader.id != material.seller_id and reader.role != ADMIN_ROLE):
        detail.hidden_reason = None  # the seller's and the operator's business only
    body = detail.model_dump_json().encode()
    if public:
        await listing_cache.store_if_unchanged(
            cache, generations, material_key(material_id), body, MATERIAL_TTL_SECONDS
        )
    return body


async def _owned(session: AsyncSession, user: User, material_id: uuid.UUID) -> Material:
    """The material locked for a change by its owner: 404 if the caller can't see it, 403 if
    they can but it isn't theirs."""
    material = await repository.lock_material(session, material_id)
    if material is None or not await _visible(session, material, user):
        raise MaterialNotFound()
    if material.seller_id != user.id:
        raise NotMaterialOwner()
    return material


def _changes(material: Material, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        field: {"old": getattr(material, field), "new": value}
        for field, value in values.items()
        if getattr(material, field) != value
    }


def _new_status(material: Material, data: MaterialUpdate, quantity: Decimal) -> str:
    if material.status == HIDDEN:
        if data.status is not None:
            raise ListingHidden()
        return HIDDEN  # restocking shows once the operator's hold ends (moderation.restore)
    if data.status is not None:
        if data.status == "active" and quantity <= 0:
            raise InvalidMaterial(
                details=[{"field": "status", "message": "An active listing needs quantity > 0."}]
            )
        return data.status
    if (
        material.status == "sold_out"
        and quantity > 0
        and {"quantity", "lots"} & data.model_fields_set
    ):
        return "active"  # restocked
    return material.status


# Which sent fields make a rule's problems count on an update (keyed by the problem's field,
# before any index): sales can take stock below the minimum order, so an unrelated edit isn't
# refused for a rule it did not touch.
TOUCHED_BY = {
    "kg_per_unit": {"unit", "kg_per_unit"},
    "quantity": {"unit", "quantity", "lots"},
    "min_order_quantity": {"unit", "quantity", "min_order_quantity", "lots"},
    "order_increment": {"unit", "order_increment"},
    "lots": {"unit", "lots"},
    "price_tiers": {"unit", "price", "price_tiers", "min_order_quantity", "order_increment"},
    "sample_price": {"sample_available", "sample_price"},
}
UPDATABLE_COLUMNS = (
    "title",
    "description",
    "material_type",
    "source_type",
    "quantity",
    "unit",
    "kg_per_unit",
    "price",
    "currency",
    "min_order_quantity",
    "order_increment",
    "sample_available",
    "sample_price",
    "sample_description",
    "color",
    "origin_country",
    "gtin",
    "manufacture_date",
)


async def _lot_quantities(
    session: AsyncSession, material: Material, data: MaterialUpdate, values: dict[str, Any]
) -> list[Decimal]:
    """The lots' quantities after the update; sets the listing's quantity to their sum when
    the lots change. A listing sold by lot takes its quantity from the lots only."""
    sent = data.model_fields_set
    if data.lots is None:
        current = await repository.lot_quantities(session, material.id)
        if current and "quantity" in sent:
            _raise_problems([("quantity", "This listing is sold by lot: change the lots.")])
        return current
    if data.lots and "quantity" in sent:
        _raise_problems([("quantity", "Follows the lots: leave it out when sending lots.")])
    if data.lots:
        values["quantity"] = sum((lot.quantity for lot in data.lots), Decimal(0))
    return [lot.quantity for lot in data.lots]


async def update_material(
    session: AsyncSession, cache: Cache, user: User, material_id: uuid.UUID, data: MaterialUpdate
) -> Material:
    material = await _owned(session, user, material_id)
    sent = data.model_fields_set
    values: dict[str, Any] = {f: getattr(data, f) for f in UPDATABLE_COLUMNS if f in sent}
    values.update(rows.structured_values(data))
    if "certifications" in values:
        await certified.check(session, user.id, values["certifications"])
    if data.price_tiers is not None:
        values["price_tiers"] = tiers_json(tiers_of(data.price_tiers))
    lot_quantities = await _lot_quantities(session, material, data, values)

    def current(field: str) -> Any:
        return values.get(field, getattr(material, field))

    quantity = current("quantity")
    problems = listing_problems(
        unit=current("unit"),
        quantity=quantity,
        kg_per_unit=current("kg_per_unit"),
        min_order_quantity=current("min_order_quantity"),
        order_increment=current("order_increment"),
        price=current("price"),
        price_tiers=list(tiers_from_json(current("price_tiers"))),
        lot_quantities=lot_quantities,
        sample_available=current("sample_available"),
        sample_price=current("sample_price"),
    )
    _raise_problems([(f, m) for f, m in problems if TOUCHED_BY[f.split(".")[0]] & sent])
    values["status"] = _new_status(material, data, quantity)
    published = material.status in ("draft", "archived") and values["status"] == "active"

    passport_changes = _changes(
        material, {f: values[f] for f in passport_log.PASSPORT_FIELDS if f in values}
    )
    for field, value in values.items():
        setattr(material, field, value)
    if data.lots is not None:
        await repository.replace_lots(session, material.id, rows.lot_rows(data.lots))
    if data.images is not None:
        await _attach_images(session, user, material.id, data.images)
    if data.sustainability_metrics is not None:
        await passport_log.append_metrics(
            session, material.id, user.id, data.sustainability_metrics
        )
    # The row changes even when only images or metrics do, so updated_at always moves.
    material.updated_at = datetime.now(UTC)
    material = await repository.save_material(session, material)
    if passport_changes:
        await passport_log.record_change(
            session, material.id, user.id, "material_updated", passport_changes
        )
    if published:
        await _published(session, material.id)
    caching.invalidate_after_commit(session, cache, [material.id])
    return material


async def delete_material(
    session: AsyncSession, cache: Cache, user: User, material_id: uuid.UUID
) -> Material:
    """A soft delete: the row stays (its passport and transactions outlive the listing)."""
    material = await _owned(session, user, material_id)
    material.deleted_at = datetime.now(UTC)
    material.status = "archived"
    material = await repository.flush_material(session, material)
    caching.invalidate_after_commit(session, cache, [material.id])
    return material


async def seller_catalogue(
    session: AsyncSession, seller: User, status: str | None, page: Page
) -> tuple[list[tuple[Material, str | None]], int]:
    """The seller's own listings of every status but deleted (or of `status`), newest first,
    with their first thumbnail's storage key."""
    return await repository.seller_catalogue(session, seller.id, status, page.offset, page.limit)


async def public_listings(
    session: AsyncSession, seller_id: uuid.UUID, page: Page, url_of: UrlOf
) -> tuple[list[MaterialSummary], int]:
    """A page of a seller's active listings as search shows them (newest first), and their
    total, exact (no facets: a storefront shows none; one seller's listings, counted through
    the seller's index, have no bound)."""
    query = SearchParams(seller_id=seller_id, sort="newest", page=page.page, limit=page.limit)
    summaries, total = await search.search_page(session, query.query(EXACT_COUNT), url_of)
    return summaries, total.count


async def search_listings_json(
    session: AsyncSession,
    replica: ReadReplica | None,
    cache: Cache,
    url_of: UrlOf,
    values: dict[str, object],
    count_limit: int,
) -> bytes:
    """What `GET /api/materials` answers the search `values` (its query parameters, each given
    once) with, from the search's cache like the API; InvalidSearch where the API says 400."""
    try:
        params = SearchParams.model_validate(values)
    except ValidationError as error:
        details = [
            {"field": ".".join(str(part) for part in problem["loc"]), "message": problem["msg"]}
            for problem in error.errors()
        ]
        raise InvalidSearch(details=details) from error
    return await search.search_json(session, replica, cache, url_of, params.query(count_limit))


def material_types() -> MaterialTypes:
    """The closed vocabularies of listings (`GET /api/materials/types`)."""
    return MaterialTypes(
        material_types=list(vocabulary.MATERIAL_TYPES),
        source_types=list(vocabulary.SOURCE_TYPES),
        units=list(vocabulary.UNITS),
        currencies=list(vocabulary.CURRENCIES),
        certification_schemes=list(vocabulary.CERTIFICATION_SCHEMES),
        supply_chain_stages=list(vocabulary.SUPPLY_CHAIN_STAGES),
    )
