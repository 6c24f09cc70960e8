"""`page` and `limit` query parameters, shared by every list endpoint."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Page:
    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


async def _pagination(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")] = 1,
    limit: Annotated[
        int, Query(ge=1, description=f"Page size; values above {MAX_LIMIT} are clamped.")
    ] = DEFAULT_LIMIT,
) -> Page:
    return Page(page=page, limit=min(limit, MAX_LIMIT))


Pagination = Annotated[Page, Depends(_pagination)]
