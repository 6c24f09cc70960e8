"""One JSON object per request in the log file, with the request's context."""

import logging
from datetime import datetime
from pathlib import Path

import structlog
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.logging import configure_logging
from tests.factories import auth_headers, make_user
from tests.logs import entries

FIELDS = {
    "timestamp",
    "level",
    "request_id",
    "user_id",
    "method",
    "endpoint",
    "status_code",
    "duration_ms",
}


class TestAccessLog:
    async def test_one_json_line_per_request(
        self, client: AsyncClient, session: AsyncSession, log_file: Path
    ) -> None:
        user = await make_user(session)
        response = await client.get(
            "/api/auth/me", headers={**auth_headers(user), "X-Request-ID": "log-check-1"}
        )
        assert response.status_code == 200
        [entry] = [e for e in entries(log_file, "log-check-1") if e["event"] == "request"]
        assert set(entry) >= FIELDS
        assert entry["level"] == "info"
        assert entry["user_id"] == str(user.id)
        assert entry["method"] == "GET"
        assert entry["endpoint"] == "/api/auth/me"
        assert entry["status_code"] == 200
        assert isinstance(entry["duration_ms"], float)
        assert datetime.fromisoformat(str(entry["timestamp"])).utcoffset() is not None

    async def test_client_errors_are_warn_without_user(
        self, client: AsyncClient, log_file: Path
    ) -> None:
        await client.get("/api/materials-nope/123", headers={"X-Request-ID": "log-check-2"})
        [entry] = entries(log_file, "log-check-2")
        assert entry["level"] == "warn"
        assert entry["status_code"] == 404
        assert entry["user_id"] is None
        assert entry["endpoint"] == "/{path:path}"

    async def test_level_filters(self, client: AsyncClient, tmp_path: Path) -> None:
        quiet = tmp_path / "quiet.log"
        root = logging.getLogger()
        saved_structlog = structlog.get_config()
        saved_handlers, saved_level = list(root.handlers), root.level
        configure_logging("error", quiet)
        try:
            await client.get("/health", headers={"X-Request-ID": "log-check-3"})
            await client.get("/api/nothing", headers={"X-Request-ID": "log-check-4"})
            assert entries(quiet, "log-check-3") == []
            assert entries(quiet, "log-check-4") == []
        finally:
            for handler in list(root.handlers):
                handler.close()
                root.removeHandler(handler)
            for handler in saved_handlers:
                root.addHandler(handler)
            root.setLevel(saved_level)
            structlog.configure(**saved_structlog)
