"""Listings: create, read with visibility rules and caching, partial update, soft delete."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.cache import Cache, Prefetched
from fabricloop.impact.service import impact_out, per_kg_impact
from fabricloop.materials import caching, listing_cache, repository, rows
from fabricloop.materials.errors import (
    ImageNotFound,
    InvalidMaterial,
    ListingNotAllowed,
    MaterialNotFound,
    NotMaterialOwner,
)
from fabricloop.materials.listing_cache import MATERIAL_TTL_SECONDS, material_key
from fabricloop.materials.models import Material
from fabricloop.materials.schemas import (
    MaterialCreate,
    MaterialDetail,
    MaterialUpdate,
    listing_problems,
)
from fabricloop.materials.views import UrlOf, detail_view
from fabricloop.passports import service as passports

PUBLIC_STATUSES = ("active", "sold_out")
LISTING_ROLE = "manufacturer"
# Material fields the passport publishes: a change to one is recorded on the passport.
PASSPORT_FIELDS = (
    "origin_country",
    "manufacture_date",
    "composition",
    "certifications",
    "supply_chain",
)

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
    _raise_problems(
        listing_problems(
            unit=data.unit,
            quantity=data.quantity,
            kg_per_unit=data.kg_per_unit,
            min_order_quantity=data.min_order_quantity,
        )
    )
    material = await repository.add_material(
        session,
        Material(
            seller_id=seller.id,
            title=data.title,
            description=data.description,
            material_type=data.material_type,
            source_type=data.source_type,
            quantity=data.quantity,
            unit=data.unit,
            kg_per_unit=data.kg_per_unit,
            price=data.price,
            currency=data.currency,
            min_order_quantity=data.min_order_quantity,
            composition=rows.composition_json(data.composition),
            color=data.color,
            origin_country=data.origin_country,
            manufacture_date=data.manufacture_date,
            certifications=rows.certifications_json(data.certifications),
            supply_chain=rows.supply_chain_json(data.supply_chain),
            status="active",
        ),
    )
    if data.images:
        await _attach_images(session, seller, material.id, data.images)
    if data.sustainability_metrics is not None:
        await repository.add_metric(
            session, rows.metric_row(material.id, seller.id, data.sustainability_metrics)
        )
    await passports.create_passport(session, material.id)
    caching.invalidate_after_commit(session, cache, [material.id])
    return material


async def _visible(session: AsyncSession, material: Material, viewer: User | None) -> bool:
    if material.deleted_at is not None:
        return False
    if material.status in PUBLIC_STATUSES:
        return True
    if viewer is None:
        return False
    if viewer.id == material.seller_id:
        return True
    # API.md: a draft or archived listing stays visible to the parties of its transactions.
    return await repository.is_transaction_party(session, material.id, viewer.id)


async def cached_detail(
    cache: Cache, material_id: uuid.UUID, early: Prefetched | None
) -> bytes | None:
    """The public detail as JSON from the cache, or None on a miss. Usually the rate limiter
    has already read it (`early`, see `caching.detail_key_of`), which saves a Redis round
    trip."""
    if early is not None:
        return early.value
    return await cache.get_raw(material_key(material_id))


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
    if not public and not await _visible(session, material, await viewer()):
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
        )
    )
    detail: MaterialDetail = detail_view(row, images, metric, impact, url_of)
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
    if data.status is not None:
        if data.status == "active" and quantity <= 0:
            raise InvalidMaterial(
                details=[{"field": "status", "message": "An active listing needs quantity > 0."}]
            )
        return data.status
    if material.status == "sold_out" and "quantity" in data.model_fields_set:
        return "active"  # restocked
    return material.status


async def update_material(
    session: AsyncSession, cache: Cache, user: User, material_id: uuid.UUID, data: MaterialUpdate
) -> Material:
    material = await _owned(session, user, material_id)
    sent = data.model_fields_set
    values: dict[str, Any] = {}
    for field in (
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
        "color",
        "origin_country",
        "manufacture_date",
    ):
        if field in sent:
            values[field] = getattr(data, field)
    values.update(rows.structured_values(data))

    unit = values.get("unit", material.unit)
    quantity = values.get("quantity", material.quantity)
    min_order = values.get("min_order_quantity", material.min_order_quantity)
    problems = listing_problems(
        unit=unit,
        quantity=quantity,
        kg_per_unit=values.get("kg_per_unit", material.kg_per_unit),
        min_order_quantity=min_order,
    )
    # Sales can take stock below the minimum order: a rule is checked only when the request
    # touches one of its fields, so an unrelated edit isn't refused for it.
    touched = {
        "kg_per_unit": {"unit", "kg_per_unit"},
        "quantity": {"unit", "quantity"},
        "min_order_quantity": {"unit", "quantity", "min_order_quantity"},
    }
    _raise_problems([(f, m) for f, m in problems if touched[f] & sent])
    values["status"] = _new_status(material, data, quantity)

    passport_changes = _changes(material, {f: values[f] for f in PASSPORT_FIELDS if f in values})
    for field, value in values.items():
        setattr(material, field, value)
    if data.images is not None:
        await _attach_images(session, user, material.id, data.images)
    if data.sustainability_metrics is not None:
        await passports.append_metrics(session, material.id, user.id, data.sustainability_metrics)
    # The row changes even when only images or metrics do, so updated_at always moves.
    material.updated_at = datetime.now(UTC)
    material = await repository.flush_material(session, material)
    if passport_changes:
        await passports.record_change(
            session, material.id, user.id, "material_updated", passport_changes
        )
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
