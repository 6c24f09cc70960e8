import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fabricloop.materials.search_query import SearchParams

MAX_NAME = 100


class SavedQuery(SearchParams):
    """The parameters of `GET /api/materials`, checked as that search checks them; unknown
    ones are refused. `page` and `limit` are not kept."""

    model_config = ConfigDict(extra="forbid")


class SavedSearchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME)
    query: SavedQuery
    alert: bool = Field(
        True, description="Notify me (kind `saved_search_match`) of new listings it matches."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value or "\x00" in value:
            raise ValueError("Give a name of 1-100 characters, without NUL.")
        return value


class SavedSearchOut(BaseModel):
    saved_search_id: uuid.UUID
    name: str
    query: dict[str, Any] = Field(
        description="The search parameters as checked: defaults left out, values normalised "
        "(e.g. currencies upper-case)."
    )
    alert: bool
    created_at: datetime


class SavedSearchList(BaseModel):
    saved_searches: list[SavedSearchOut]
    total: int
    page: int
    limit: int
