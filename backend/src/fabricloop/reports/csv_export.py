"""The report as CSV: RFC 4180 (CRLF line ends, fields quoted when they hold a comma, quote or
line break, quotes doubled, every record padded to the same number of fields), UTF-8 with a
byte-order mark so Excel reads the text correctly, and every cell that a spreadsheet could
take for a formula (= + - @ tab CR at its start) prefixed with an apostrophe."""

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from fabricloop.impact.rounding import (
    optional_co2e,
    optional_water,
    round_co2e,
    round_kg,
)
from fabricloop.reports.service import ReportData

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
NOTE = "Avoided emissions are reported beside Scope 3 and never subtracted from it."

Cell = str | int | Decimal | None


def neutralise(value: Cell) -> str:
    text = "" if value is None else f"{value:f}" if isinstance(value, Decimal) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


TITLES = {
    "purchases": "FabricLoop sustainability report",
    "sales": "FabricLoop impact of sales report",
}


def _rows(data: ReportData) -> list[Sequence[Cell]]:
    r = data.report
    rows: list[Sequence[Cell]] = [
        (TITLES[r.side],),
        ("company", data.company_name),
        ("side", r.side),
        ("start_date", r.start_date.isoformat()),
        ("end_date", r.end_date.isoformat()),
        (),
        ("summary", "value", "unit"),
        ("materials_purchased", r.materials_purchased, "transactions"),
        ("total_quantity_kg", r.total_quantity_kg, "kg"),
        ("scope3_emissions", r.scope3_emissions, "kg CO2e"),
        ("total_carbon_saved", r.total_carbon_saved, "kg CO2e"),
        ("total_water_saved", r.total_water_saved, "L"),
        ("quantity_kg_without_factors", r.coverage.quantity_kg_without_factors, "kg"),
        ("quantity_kg_without_footprint", r.coverage.quantity_kg_without_footprint, "kg"),
        ("note", NOTE),
        (),
    ]
    columns = (
        "materials_purchased",
        "quantity_kg",
        "scope3_emissions",
        "carbon_saved",
        "water_saved",
    )
    rows.append(("month", *columns))
    rows.extend((m.month, *(getattr(m, c) for c in columns)) for m in r.by_month)
    rows.append(())
    rows.append(("material_type", *columns))
    rows.extend((t.material_type, *(getattr(t, c) for c in columns)) for t in r.by_material_type)
    rows.append(())
    rows.append(
        (
            "transaction_id",
            "paid_date",
            "material_title",
            "material_type",
            "source_type",
            "quantity_kg",
            "footprint_kg_co2e_per_kg",
            "scope3_method",
            "scope3_emissions",
            "carbon_saved",
            "water_saved",
        )
    )
    for line in data.lines:
        p, per_kg, f = line.purchase, line.per_kg, line.figures
        footprint = per_kg.carbon_footprint_per_kg
        source = f.scope3_method
        rows.append(
            (
                str(p.transaction_id),
                p.paid_at.date().isoformat(),
                p.title,
                p.material_type,
                p.source_type,
                round_kg(p.quantity_kg),
                None if footprint is None else round_co2e(footprint),
                source,
                optional_co2e(f.scope3_emissions),
                optional_co2e(f.carbon_saved),
                optional_water(f.water_saved),
            )
        )
    rows.append(())
    m = r.methodology
    rows.extend(("method", text) for text in m.method)
    rows.extend(("standard", text) for text in m.standards)
    rows.append(("rounding", m.rounding))
    rows.append(("period", m.period))
    stage = m.fabric_stage
    rows.append(("fabric_stage", stage.co2e_per_kg, stage.water_l_per_kg, stage.sources))
    rows.append(())
    rows.append(
        (
            "factor_material_type",
            "fibre",
            "virgin_co2e_per_kg",
            "recycled_co2e_per_kg",
            "virgin_water_l_per_kg",
            "recycled_water_l_per_kg",
            "quality",
            "sources",
        )
    )
    rows.extend(
        (
            f.material_type,
            f.fibre,
            f.virgin_co2e_per_kg,
            f.recycled_co2e_per_kg,
            f.virgin_water_l_per_kg,
            f.recycled_water_l_per_kg,
            f.quality,
            f.sources,
        )
        for f in m.factors
    )
    return rows


def write_csv(rows: Iterable[Sequence[Cell]]) -> bytes:
    materialised = [[neutralise(c) for c in row] for row in rows]
    width = max((len(row) for row in materialised), default=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(row + [""] * (width - len(row)) for row in materialised)
    return (BOM + buffer.getvalue()).encode("utf-8")


def report_csv(data: ReportData) -> bytes:
    return write_csv(_rows(data))
