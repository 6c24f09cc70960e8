"""The buyer's sustainability report: Scope 3 of purchased material and, beside it, the
emissions and water avoided versus virgin material (never netted)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.auth.models import User
from fabricloop.core.vocabulary import plain
from fabricloop.impact.factors import FabricStage, Factor
from fabricloop.impact.methodology import methodology
from fabricloop.impact.rounding import (
    optional_co2e,
    optional_water,
    round_co2e,
    round_kg,
    round_share,
    round_water,
)
from fabricloop.impact.service import PerKgImpact, PurchaseImpact, per_kg_impact, purchase_impact
from fabricloop.reports import repository
from fabricloop.reports.dates import months, parse_range, utc_bounds
from fabricloop.reports.repository import Purchase, Side
from fabricloop.reports.schemas import (
    Coverage,
    MaterialTypeFigures,
    MethodShare,
    MonthFigures,
    ReportLine,
    ReportMethodology,
    SustainabilityReport,
)

ZERO = Decimal(0)
PERIOD = (
    "{whose} whose transaction is paid, shipped or completed, "
    "counted by the UTC date of the successful payment, from start_date 00:00 UTC to the end "
    "of end_date (inclusive). Mass is the quantity in kg recorded at purchase; the material's "
    "type, source and composition and the seller's latest metrics apply (a later seller "
    "figure is a better measurement of the same batch, so it replaces the earlier one)."
)
WHOSE: dict[Side, str] = {
    "purchases": "Purchases made by the caller as buyer",
    "sales": "Sales made by the caller as seller (the impact their buyers receive)",
}


METHOD_NAMES = {
    "supplier_specific": "Supplier-specific method (the seller's declared footprint)",
    "average_data": "Average-data method (default factors of the reference data)",
    "none": "No factor: not counted in Scope 3",
}


def _or_zero(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value


@dataclass
class Totals:
    count: int = 0
    kg: Decimal = ZERO
    scope3: Decimal = ZERO
    carbon_saved: Decimal = ZERO
    water_saved: Decimal = ZERO
    kg_without_factors: Decimal = ZERO
    kg_without_footprint: Decimal = ZERO

    def add(self, figures: PurchaseImpact) -> None:
        self.count += 1
        self.kg += figures.quantity_kg
        self.scope3 += _or_zero(figures.scope3_emissions)
        self.carbon_saved += _or_zero(figures.carbon_saved)
        self.water_saved += _or_zero(figures.water_saved)
        self.kg_without_factors += figures.quantity_kg_without_factors
        self.kg_without_footprint += figures.quantity_kg_without_footprint

    def figures(self) -> dict[str, object]:
        return {
            "materials_purchased": self.count,
            "quantity_kg": round_kg(self.kg),
            "carbon_saved": round_co2e(self.carbon_saved),
            "water_saved": round_water(self.water_saved),
            "scope3_emissions": round_co2e(self.scope3),
        }


@dataclass(frozen=True)
class PurchaseLine:
    purchase: Purchase
    per_kg: PerKgImpact
    figures: PurchaseImpact


@dataclass
class ReportData:
    """The report with what the exports add: the caller and the purchase lines."""

    report: SustainabilityReport
    company_name: str
    lines: list[PurchaseLine] = field(default_factory=list)
    title: str = "Sustainability report"

    @property
    def sales(self) -> bool:
        return self.report.side == "sales"


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return round_share(part / whole) if whole else round_share(ZERO)


def _method_shares(lines: Sequence[PurchaseLine], total: Totals) -> list[MethodShare]:
    kg = dict.fromkeys(METHOD_NAMES, ZERO)
    emissions = dict.fromkeys(METHOD_NAMES, ZERO)
    for line in lines:
        method = line.figures.scope3_method
        kg[method] += line.figures.quantity_kg
        emissions[method] += _or_zero(line.figures.scope3_emissions)
    return [
        MethodShare(
            method=method,
            name=name,
            quantity_kg=round_kg(kg[method]),
            share_of_quantity=_share(kg[method], total.kg),
            scope3_emissions=None if method == "none" else round_co2e(emissions[method]),
            share_of_emissions=None
            if method == "none"
            else _share(emissions[method], total.scope3),
        )
        for method, name in METHOD_NAMES.items()
    ]


def _line_out(line: PurchaseLine) -> ReportLine:
    p, per_kg, f = line.purchase, line.per_kg, line.figures
    return ReportLine(
        transaction_id=p.transaction_id,
        paid_date=p.paid_at.astimezone(UTC).date(),
        material_id=p.material_id,
        material_title=p.title,
        material_type=p.material_type,
        material_type_name=plain(p.material_type),
        source_type=p.source_type,
        origin_country=p.origin_country,
        quantity_kg=round_kg(f.quantity_kg),
        scope3_method=f.scope3_method,
        footprint_per_kg=optional_co2e(per_kg.carbon_footprint_per_kg),
        scope3_emissions=optional_co2e(f.scope3_emissions),
        carbon_saved=optional_co2e(f.carbon_saved),
        water_saved=optional_water(f.water_saved),
        fabric_stage_region=per_kg.stage.region,
    )


def _coverage_statement(total: Totals, side: Side) -> str:
    verb = "sold" if side == "sales" else "bought"
    if not total.kg:
        return f"Nothing {verb} in this period."
    uncovered = round_kg(total.kg_without_footprint)
    if not uncovered:
        return f"Every kilogram {verb} ({round_kg(total.kg):f} kg) has an emission factor."
    percent = (total.kg_without_footprint / total.kg * 100).quantize(Decimal("0.1"))
    return (
        f"{uncovered:f} kg of the {round_kg(total.kg):f} kg {verb} ({percent:f}%) has no "
        "emission factor: it is left out of Scope 3 rather than counted as zero."
    )


def _per_kg(known: dict[uuid.UUID, PerKgImpact], purchase: Purchase) -> PerKgImpact:
    """One material's purchases share their per-kg figures (same row, same latest metrics)."""
    per_kg = known.get(purchase.material_id)
    if per_kg is None:
        per_kg = known[purchase.material_id] = per_kg_impact(
            purchase.material_type,
            purchase.source_type,
            purchase.composition or [],
            purchase.carbon_footprint,
            purchase.water_usage,
            purchase.origin_country,
        )
    return per_kg


@dataclass(frozen=True)
class ImpactTotals:
    purchases: int
    quantity_kg: Decimal
    carbon_saved: Decimal
    water_saved: Decimal


def _impact_totals(purchases: Sequence[Purchase]) -> ImpactTotals:
    """Emissions and water avoided versus virgin material, summed as the reports sum them."""
    total = Totals()
    known: dict[uuid.UUID, PerKgImpact] = {}
    for purchase in purchases:
        total.add(purchase_impact(purchase.quantity_kg, _per_kg(known, purchase)))
    return ImpactTotals(
        purchases=total.count,
        quantity_kg=round_kg(total.kg),
        carbon_saved=round_co2e(total.carbon_saved),
        water_saved=round_water(total.water_saved),
    )


async def platform_impact(session: AsyncSession, start: date, end: date) -> ImpactTotals:
    """Every buyer's paid purchases in the range (inclusive UTC dates), as the reports count
    them: emissions and water avoided versus virgin material."""
    lower, upper = utc_bounds(start, end)
    return _impact_totals(await repository.purchases(session, None, "purchases", lower, upper))


async def seller_impact(session: AsyncSession, seller_id: uuid.UUID) -> ImpactTotals:
    """What the seller's materials saved their buyers: every completed order (samples left
    out), all time, with the same figures as the sustainability reports."""
    return _impact_totals(await repository.completed_orders(session, seller_id))


def compute_report(
    start: date, end: date, purchases: Sequence[Purchase], side: Side = "purchases"
) -> ReportData:
    total = Totals()
    by_month = {key: Totals() for key in months(start, end)}
    by_type: dict[str, Totals] = {}
    factors: dict[str, Factor] = {}
    stages: dict[str, FabricStage] = {}
    per_material: dict[uuid.UUID, PerKgImpact] = {}
    lines = []
    for purchase in purchases:
        per_kg = _per_kg(per_material, purchase)
        figures = purchase_impact(purchase.quantity_kg, per_kg)
        lines.append(PurchaseLine(purchase, per_kg, figures))
        total.add(figures)
        by_month[purchase.paid_at.astimezone(UTC).strftime("%Y-%m")].add(figures)
        by_type.setdefault(purchase.material_type, Totals()).add(figures)
        factors.update((f.material_type, f) for f in per_kg.factors)
        stages[per_kg.stage.region] = per_kg.stage
    ranked = sorted(by_type.items(), key=lambda item: (-item[1].kg, item[0]))
    report = SustainabilityReport(
        side=side,
        start_date=start,
        end_date=end,
        materials_purchased=total.count,
        total_quantity_kg=round_kg(total.kg),
        total_carbon_saved=round_co2e(total.carbon_saved),
        total_water_saved=round_water(total.water_saved),
        scope3_emissions=round_co2e(total.scope3),
        scope3_methods=_method_shares(lines, total),
        by_month=[MonthFigures(month=key, **t.figures()) for key, t in by_month.items()],
        by_material_type=[
            MaterialTypeFigures(material_type=name, **t.figures()) for name, t in ranked
        ],
        coverage=Coverage(
            quantity_kg_without_factors=round_kg(total.kg_without_factors),
            share_without_factors=_share(total.kg_without_factors, total.kg),
            quantity_kg_without_footprint=round_kg(total.kg_without_footprint),
            share_without_footprint=_share(total.kg_without_footprint, total.kg),
            statement=_coverage_statement(total, side),
        ),
        lines=[_line_out(line) for line in lines],
        methodology=ReportMethodology(
            **methodology(factors.values(), stages.values() or None).model_dump(),
            period=PERIOD.format(whose=WHOSE[side]),
        ),
    )
    return ReportData(report=report, company_name="", lines=lines)


async def build_report(
    session: AsyncSession,
    user: User,
    start_date: str | None,
    end_date: str | None,
    side: Side = "purchases",
) -> ReportData:
    start, end = parse_range(start_date, end_date, datetime.now(UTC).date())
    lower, upper = utc_bounds(start, end)
    purchases = await repository.purchases(session, user.id, side, lower, upper)
    data = compute_report(start, end, purchases, side)
    data.company_name = user.company_name
    return data
