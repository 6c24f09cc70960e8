from pydantic import BaseModel, Field


class EventTicket(BaseModel):
    ticket: str = Field(description="Pass as `?ticket=` to GET /api/events; valid once.")
    expires_in: int = Field(description="Seconds the ticket stays valid.")
