from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from fabricloop.auth.deps import CurrentUser
from fabricloop.core.db import DbSession
from fabricloop.core.errors import Unauthorized, responses
from fabricloop.impact.methodology import methodology
from fabricloop.impact.schemas import MethodologyOut
from fabricloop.reports import service
from fabricloop.reports.csv_export import report_csv
from fabricloop.reports.errors import InvalidDateRange, InvalidExportFormat, InvalidSide
from fabricloop.reports.pdf_export import report_pdf
from fabricloop.reports.repository import Side
from fabricloop.reports.schemas import SustainabilityReport

router = APIRouter(prefix="/api/reports", tags=["reports"])

StartDate = Annotated[
    str | None,
    Query(description="YYYY-MM-DD, inclusive (UTC). Default: 12 months before end_date."),
]
EndDate = Annotated[
    str | None,
    Query(description="YYYY-MM-DD, inclusive (UTC). Default: today (UTC)."),
]
RANGE_NOTE = (
    " Malformed dates, start_date after end_date or a range over 5 years: 400 `invalid_date_range`."
)
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}
SideParam = Annotated[
    str | None,
    Query(
        max_length=16,
        description="`purchases` (default): what the caller bought. `sales`: what the caller "
        "sold, so a manufacturer sees the impact of the material they put back into use. "
        "Anything else: 400 `invalid_query`.",
    ),
]


def _side(value: str | None) -> Side:
    if value is None or value == "purchases":
        return "purchases"
    if value == "sales":
        return "sales"
    raise InvalidSide(details=[{"field": "side", "message": "Must be purchases or sales."}])


@router.get(
    "/sustainability",
    response_model=SustainabilityReport,
    responses=responses(InvalidDateRange, InvalidSide, Unauthorized),
    description="The caller's purchases (as buyer; or, with `side=sales`, their sales as "
    "seller) paid in the range: Scope 3 category 1 "
    "emissions and, beside them, emissions and water avoided versus virgin material (never "
    "netted), by month and by material type, with the methodology and factors used." + RANGE_NOTE,
)
async def get_sustainability_report(
    session: DbSession,
    user: CurrentUser,
    start_date: StartDate = None,
    end_date: EndDate = None,
    side: SideParam = None,
) -> SustainabilityReport:
    """Sustainability report"""
    data = await service.build_report(session, user, start_date, end_date, _side(side))
    return data.report


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {
            "content": {"text/csv": {}, "application/pdf": {}},
            "description": "The report as an attachment named "
            "fabricloop-sustainability-START_END.csv or .pdf.",
        },
        **responses(InvalidDateRange, InvalidExportFormat, InvalidSide, Unauthorized),
    },
    description="The report as a file: CSV (RFC 4180, UTF-8 with a byte-order mark, "
    "formula-like cells prefixed with an apostrophe; adds one line per purchase) or PDF. "
    "Other formats: 400 `invalid_query`." + RANGE_NOTE,
)
async def export_report(
    session: DbSession,
    user: CurrentUser,
    format: Annotated[str | None, Query(max_length=16, description="csv or pdf")] = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    side: SideParam = None,
) -> Response:
    """Export the report"""
    if format not in MEDIA_TYPES:
        raise InvalidExportFormat(details=[{"field": "format", "message": "Must be csv or pdf."}])
    kind: Literal["csv", "pdf"] = "csv" if format == "csv" else "pdf"
    data = await service.build_report(session, user, start_date, end_date, _side(side))
    # fpdf2 is CPU-bound: keep it off the event loop.
    body = report_csv(data) if kind == "csv" else await run_in_threadpool(report_pdf, data)
    r = data.report
    name = "fabricloop-sales-impact" if data.sales else "fabricloop-sustainability"
    filename = f"{name}-{r.start_date.isoformat()}_{r.end_date.isoformat()}.{kind}"
    return Response(
        body,
        media_type=MEDIA_TYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get(
    "/methodology",
    response_model=MethodologyOut,
    description="Public: how the impact figures are made (the method, the GHG Protocol "
    "Scope 3 methods, the regional fabric stages and every factor with its sources). Each "
    "report carries the part of it that its figures used.",
)
async def get_methodology() -> MethodologyOut:
    """How the impact figures are made"""
    return methodology()
