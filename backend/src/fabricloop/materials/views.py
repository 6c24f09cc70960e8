"""Response models built from rows (schemas never see ORM objects)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from fabricloop.images.models import Image
from fabricloop.impact.schemas import ImpactOut
from fabricloop.materials import certified
from fabricloop.materials.models import MaterialLot, SustainabilityMetric
from fabricloop.materials.repository import MaterialRow
from fabricloop.materials.schemas import (
    ChemicalOut,
    CompositionOut,
    Impact,
    LotOut,
    MaterialDetail,
    MaterialImage,
    MetricsOut,
    Party,
    PriceTierOut,
    SupplyChainStepOut,
)
from fabricloop.materials.terms import tiers_from_json

UrlOf = Callable[[str], str]  # a storage key -> its public URL (Storage.url)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _metrics(metric: SustainabilityMetric | None) -> MetricsOut | None:
    if metric is None:
        return None
    return MetricsOut(
        carbon_footprint=metric.carbon_footprint,
        water_usage=metric.water_usage,
        chemical_composition=[
            ChemicalOut(
                name=c.get("name", ""),
                cas_number=c.get("cas_number"),
                concentration_ppm=_decimal(c.get("concentration_ppm")),
            )
            for c in metric.chemical_composition
        ],
        recorded_at=metric.recorded_at,
    )


def detail_view(
    row: MaterialRow,
    images: list[Image],
    metric: SustainabilityMetric | None,
    impact: ImpactOut,
    url_of: UrlOf,
    lots: list[MaterialLot],
    verified: certified.Verified,
) -> MaterialDetail:
    m = row.material
    return MaterialDetail(
        material_id=m.id,
        title=m.title,
        description=m.description,
        material_type=m.material_type,
        source_type=m.source_type,
        quantity=m.quantity,
        unit=m.unit,
        kg_per_unit=m.kg_per_unit,
        price=m.price,
        currency=m.currency,
        min_order_quantity=m.min_order_quantity,
        order_increment=m.order_increment,
        price_tiers=[
            PriceTierOut(min_quantity=t.min_quantity, price=t.price)
            for t in tiers_from_json(m.price_tiers)
        ],
        lots=[
            LotOut(
                lot_code=lot.lot_code,
                quantity=lot.quantity,
                color=lot.color,
                grade=lot.grade,
                width_cm=lot.width_cm,
                weight_gsm=lot.weight_gsm,
            )
            for lot in lots
        ],
        sample_available=m.sample_available,
        sample_price=m.sample_price,
        sample_description=m.sample_description,
        composition=[
            CompositionOut(fibre=c["fibre"], percent=Decimal(str(c["percent"])))
            for c in m.composition
        ],
        color=m.color,
        origin_country=m.origin_country,
        gtin=m.gtin,
        manufacture_date=m.manufacture_date,
        certifications=[certified.out(c, verified) for c in m.certifications],
        images=[
            MaterialImage(
                image_id=i.id,
                url=url_of(i.storage_key),
                thumbnail_url=url_of(i.thumbnail_key),
                display_url=url_of(i.display_key or i.storage_key),
                width=i.width,
                height=i.height,
            )
            for i in images
        ],
        sustainability_metrics=_metrics(metric),
        supply_chain=[
            SupplyChainStepOut(
                stage=s["stage"], company=s["company"], country=s["country"], date=s.get("date")
            )
            for s in m.supply_chain
        ],
        status=m.status,
        hidden_reason=m.hidden_reason,
        seller=Party(
            user_id=m.seller_id, company_name=row.company_name, verified=row.seller_verified
        ),
        impact=Impact(
            carbon_saved_per_kg=impact.carbon_saved_per_kg,
            water_saved_per_kg=impact.water_saved_per_kg,
            baseline=impact.baseline,
        ),
        passport_id=row.passport_id,
        created_at=m.created_at,
        updated_at=m.updated_at,
    )
