"""The report as PDF (fpdf2): the summary, a monthly chart, the lines, the monthly table, the
material types and the methodology with its factors. Text is set in DejaVu Sans when the system
has it (Unicode company names and titles), else in the core Helvetica with the text reduced to
Latin-1; characters the font lacks are shown as '?' rather than dropped."""

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from fabricloop.core.vocabulary import plain
from fabricloop.reports.csv_export import TITLES
from fabricloop.reports.service import ReportData

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)
FAMILY = "DejaVu"
NOTE = "Avoided emissions are reported beside Scope 3 and never subtracted from it."


def _font_files() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def number(value: Decimal | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:,f}"


class ReportPdf(FPDF):
    def __init__(self, title: str = "FabricLoop sustainability report") -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.set_title(title)
        self.set_lang("en")
        self.set_creator("FabricLoop")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=15)
        files = _font_files()
        self.unicode_font = files is not None
        if files is not None:
            self.add_font(FAMILY, "", str(files[0]))
            self.add_font(FAMILY, "B", str(files[1]))
            self.font_name = FAMILY
        else:
            self.font_name = "Helvetica"

    def safe(self, text: str) -> str:
        if not self.unicode_font:
            return text.encode("latin-1", "replace").decode("latin-1")
        cmap = getattr(self.current_font, "cmap", None) or {}
        return "".join(c if ord(c) in cmap or c in "\n\r" else "?" for c in text)

    def footer(self) -> None:
        self.set_y(-12)
        self.use_font(8)
        self.cell(0, 5, self.safe(f"{self.report_title} - page {self.page_no()}"))

    def use_font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.font_name, "B" if bold else "", size)

    def heading(self, text: str) -> None:
        self.ln(3)
        self.use_font(12, bold=True)
        self.cell(0, 8, self.safe(text), new_x="LMARGIN", new_y="NEXT")
        self.use_font(9)

    def paragraph(self, text: str, size: float = 9) -> None:
        self.use_font(size)
        self.multi_cell(0, 4.5, self.safe(text), new_x="LMARGIN", new_y="NEXT")

    def fit(self, text: str, width: float) -> str:
        """`text` cut with an ellipsis to fit `width` mm (table cells never wrap)."""
        text = self.safe(text)
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "...") > width:
            text = text[:-1]
        return text + "..."

    def grid(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
    ) -> None:
        # Plain cells, not fpdf2's table(): its per-cell line breaking costs seconds per page.
        height = 5.5

        def line(values: Sequence[str], bold: bool) -> None:
            self.use_font(8, bold=bold)
            for index, (value, width) in enumerate(zip(values, widths, strict=True)):
                align = "L" if index == 0 else "R"
                self.cell(
                    width, height, self.fit(value, width - 2), border=1, align=align, fill=bold
                )
            self.ln(height)

        self.set_fill_color(235, 235, 230)
        line(header, bold=True)
        for row in rows:
            if self.will_page_break(height):
                self.add_page()
                line(header, bold=True)
            line(row, bold=False)
        self.ln(1)


CHART_HEIGHT = 45.0
SCOPE3_COLOUR = (120, 113, 108)  # stone
SAVED_COLOUR = (21, 128, 61)  # green


def monthly_chart(pdf: ReportPdf, months: Sequence[tuple[str, Decimal, Decimal]]) -> None:
    """Bars of Scope 3 and avoided emissions (kg CO2e) per month, side by side on one scale,
    with the scale, the months and a legend written out (the figures are in the tables too)."""
    if pdf.will_page_break(CHART_HEIGHT + 20):
        pdf.add_page()
    top = max((max(a, b) for _, a, b in months), default=Decimal(0)) or Decimal(1)
    left, width = pdf.l_margin + 18, pdf.epw - 18
    y0 = pdf.get_y() + 4
    base = y0 + CHART_HEIGHT
    pdf.use_font(7)
    pdf.set_draw_color(190, 190, 185)
    for step in range(5):
        value = top * step / 4
        y = base - CHART_HEIGHT * step / 4
        pdf.line(left, y, left + width, y)
        pdf.set_xy(pdf.l_margin, y - 2)
        pdf.cell(16, 4, f"{value:,.0f}", align="R")
    slot = width / max(len(months), 1)
    bar = min(slot * 0.35, 8)
    for index, (month, scope3, saved) in enumerate(months):
        x = left + slot * index + (slot - 2 * bar) / 2
        for offset, value, colour in ((0, scope3, SCOPE3_COLOUR), (bar, saved, SAVED_COLOUR)):
            height = float(value / top) * CHART_HEIGHT
            if height > 0:
                pdf.set_fill_color(*colour)
                pdf.rect(x + offset, base - height, bar, height, style="F")
        pdf.set_xy(left + slot * index, base + 1)
        pdf.cell(slot, 4, month[2:], align="C")
    pdf.set_xy(left, base + 6)
    for label, colour in (("Scope 3", SCOPE3_COLOUR), ("Avoided vs virgin", SAVED_COLOUR)):
        pdf.set_fill_color(*colour)
        pdf.rect(pdf.get_x(), pdf.get_y() + 1, 3, 3, style="F")
        pdf.set_x(pdf.get_x() + 4)
        pdf.cell(pdf.get_string_width(label) + 6, 5, label)
    pdf.set_y(base + 12)
    pdf.set_fill_color(235, 235, 230)


def report_pdf(data: ReportData) -> bytes:
    r = data.report
    title = TITLES[r.side]
    pdf = ReportPdf(title)
    pdf.add_page()
    pdf.use_font(16, bold=True)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(
        f"{data.company_name}\n{r.start_date.isoformat()} to {r.end_date.isoformat()}", 10
    )
    if data.sales:
        pdf.paragraph(
            "The material you sold, and what it saves your buyers: the Scope 3 figure is the "
            "emissions your buyers report for it (their category 1), the avoided emissions and "
            "water are what reuse saved against new virgin material."
        )
    what = "sold" if data.sales else "purchased"

    pdf.heading("Summary")
    summary = [
        (f"Materials {what} (orders)", number(r.materials_purchased)),
        ("Quantity (kg)", number(r.total_quantity_kg)),
        ("Scope 3 emissions, category 1 (kg CO2e)", number(r.scope3_emissions)),
        ("Avoided emissions vs virgin (kg CO2e)", number(r.total_carbon_saved)),
        ("Water saved vs virgin (L)", number(r.total_water_saved)),
        (f"kg {what} without factors", number(r.coverage.quantity_kg_without_factors)),
        (f"kg {what} without a footprint", number(r.coverage.quantity_kg_without_footprint)),
    ]
    pdf.grid(("Figure", "Value"), summary, (120, 60))
    pdf.paragraph(NOTE)
    pdf.paragraph(r.coverage.statement)

    pdf.heading("By month: Scope 3 and avoided emissions (kg CO2e)")
    monthly_chart(pdf, [(m.month, m.scope3_emissions, m.carbon_saved) for m in r.by_month])

    pdf.heading("How the Scope 3 figure was made (GHG Protocol category 1 methods)")
    pdf.grid(
        ("Method", "kg", "Share of kg", "kg CO2e", "Share of CO2e"),
        [
            (
                share.name,
                number(share.quantity_kg),
                f"{share.share_of_quantity * 100:.1f}%",
                "not counted" if share.scope3_emissions is None else number(share.scope3_emissions),
                ""
                if share.share_of_emissions is None
                else f"{share.share_of_emissions * 100:.1f}%",
            )
            for share in r.scope3_methods
        ],
        (80, 22, 25, 28, 25),
    )

    if r.lines:
        pdf.heading("Sales" if data.sales else "Purchases")
        pdf.grid(
            ("Paid", "Material", "kg", "Method", "kg CO2e", "Saved CO2e", "Saved L"),
            [
                (
                    line.paid_date.isoformat(),
                    f"{line.material_title} ({line.material_type_name})",
                    number(line.quantity_kg),
                    line.scope3_method.replace("_", " "),
                    "no factor" if line.scope3_emissions is None else number(line.scope3_emissions),
                    number(line.carbon_saved),
                    number(line.water_saved),
                )
                for line in r.lines
            ],
            (20, 52, 16, 26, 22, 22, 22),
        )

    columns = (
        "Sales" if data.sales else "Purchases",
        "kg",
        "Scope 3 kg CO2e",
        "Saved kg CO2e",
        "Water saved L",
    )

    def figures(f: object) -> tuple[str, ...]:
        return tuple(
            number(getattr(f, name))
            for name in (
                "materials_purchased",
                "quantity_kg",
                "scope3_emissions",
                "carbon_saved",
                "water_saved",
            )
        )

    pdf.heading("By month (UTC date of payment)")
    pdf.grid(
        ("Month", *columns), [(m.month, *figures(m)) for m in r.by_month], (25, 25, 30, 35, 35, 30)
    )
    if r.by_material_type:
        pdf.heading("By material type")
        pdf.grid(
            ("Material type", *columns),
            [(plain(t.material_type), *figures(t)) for t in r.by_material_type],
            (40, 20, 25, 35, 35, 25),
        )

    m = r.methodology
    pdf.heading("Methodology")
    for text in (*m.method, m.period, m.rounding):
        pdf.paragraph("- " + text)
    pdf.heading("Standards")
    for text in m.standards:
        pdf.paragraph("- " + text)
    pdf.heading("Factors used")
    for stage in m.fabric_stages:
        pdf.paragraph(
            f"Fabric stage, {stage.region}: {number(stage.co2e_per_kg)} kg CO2e/kg and "
            f"{number(stage.water_l_per_kg)} L/kg ({stage.sources})"
        )
    if m.factors:
        pdf.grid(
            ("Material type", "Virgin CO2e", "Recycled CO2e", "Virgin L", "Recycled L", "Quality"),
            [
                (
                    plain(f.material_type),
                    number(f.virgin_co2e_per_kg),
                    number(f.recycled_co2e_per_kg),
                    number(f.virgin_water_l_per_kg),
                    number(f.recycled_water_l_per_kg),
                    f.quality,
                )
                for f in m.factors
            ],
            (40, 28, 28, 28, 28, 28),
        )
        for f in m.factors:
            pdf.paragraph(f"{plain(f.material_type)}: {f.sources}", 8)
    else:
        pdf.paragraph(f"Nothing {what} in the range: no factor was used.")
    return bytes(pdf.output())
