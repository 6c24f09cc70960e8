"""Invoices and credit notes as PDF (fpdf2, set like the sustainability report)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fabricloop.reports.pdf_export import ReportPdf


@dataclass(frozen=True)
class Sheet:
    title: str  # "Invoice INV-000042"
    issued_at: datetime
    seller: str
    buyer: str
    buyer_address: dict[str, Any]
    lines: list[tuple[str, str, str, str]]  # description, quantity, unit price, amount
    total: Decimal
    currency: str
    notes: list[str]


class DocumentPdf(ReportPdf):
    def footer(self) -> None:
        self.set_y(-12)
        self.use_font(8)
        self.cell(0, 5, self.safe(f"FabricLoop - page {self.page_no()}"))


def _address(address: dict[str, Any]) -> str:
    parts = [
        address.get("recipient_name"),
        address.get("line1"),
        address.get("line2"),
        " ".join(p for p in (address.get("postal_code"), address.get("city")) if p),
        address.get("region"),
        address.get("country"),
    ]
    return "\n".join(str(p) for p in parts if p)


def render(sheet: Sheet) -> bytes:
    pdf = DocumentPdf(sheet.title)
    # Dated when issued, not when rendered: rendering a document again gives the same bytes.
    pdf.set_creation_date(sheet.issued_at)
    pdf.add_page()
    pdf.use_font(16, bold=True)
    pdf.cell(0, 10, pdf.safe(sheet.title), new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(f"Issued {sheet.issued_at:%Y-%m-%d}")
    pdf.heading("Seller")
    pdf.paragraph(sheet.seller)
    pdf.heading("Buyer")
    pdf.paragraph(sheet.buyer)
    if sheet.buyer_address:
        pdf.heading("Delivery address")
        pdf.paragraph(_address(sheet.buyer_address))
    pdf.heading("Lines")
    pdf.grid(["Description", "Quantity", "Unit price", "Amount"], sheet.lines, [90, 30, 30, 30])
    pdf.use_font(11, bold=True)
    pdf.cell(
        0, 8, pdf.safe(f"Total {sheet.total:,.2f} {sheet.currency}"), new_x="LMARGIN", new_y="NEXT"
    )
    for note in sheet.notes:
        pdf.paragraph(note)
    return bytes(pdf.output())
