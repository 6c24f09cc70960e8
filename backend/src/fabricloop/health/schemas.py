from typing import Literal

from pydantic import BaseModel

CheckStatus = Literal["ok", "down"]


class Check(BaseModel):
    status: CheckStatus
    latency_ms: float
    detail: str | None = None


class HealthChecks(BaseModel):
    database: Check
    redis: Check
    payment_gateway: Check


class Health(BaseModel):
    status: Literal["ok", "degraded", "unavailable"]
    checks: HealthChecks
    version: str
