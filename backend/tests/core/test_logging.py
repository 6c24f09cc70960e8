"""One JSON object per request in the log file, with the request's context."""

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
import structlog
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from fabricloop.core.context import request_id_var, user_id_var
from fabricloop.core.logging import LEVELS, UtcTimestamp, flush_logs, write_record
from fabricloop.core.logwriter import LINGER_SECONDS, LineWriter
from tests.factories import auth_headers, make_user
from tests.logs import entries, logging_to

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
        with logging_to(tmp_path / "quiet.log", "error") as quiet:
            await client.get("/health", headers={"X-Request-ID": "log-check-3"})
            await client.get("/api/nothing", headers={"X-Request-ID": "log-check-4"})
            assert entries(quiet, "log-check-3") == []
            assert entries(quiet, "log-check-4") == []


class TestLogFile:
    def test_reopened_after_logrotate_moves_it(self, tmp_path: Path) -> None:
        path = tmp_path / "app.log"
        with logging_to(path):
            log = structlog.get_logger("test")
            log.info("before rotation", request_id="rotate-1")
            flush_logs()
            path.rename(tmp_path / "app.log.1")
            log.info("after rotation", request_id="rotate-2")
            assert entries(path, "rotate-2")[0]["event"] == "after rotation"
            assert entries(path, "rotate-1") == []
            assert entries(tmp_path / "app.log.1", "rotate-1")[0]["event"] == "before rotation"

    def test_a_file_that_cannot_be_written_stops_neither_stdout_nor_the_writer(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        folder = tmp_path / "logs"
        path = folder / "app.log"
        with logging_to(path):
            log = structlog.get_logger("test")
            flush_logs()
            path.unlink()
            folder.rmdir()  # the next write can neither find nor reopen the file
            log.info("lost for the file", request_id="unwritable-1")
            flush_logs()
            folder.mkdir()
            log.info("written again", request_id="unwritable-2")
            assert entries(path, "unwritable-2")[0]["event"] == "written again"
        printed = capsys.readouterr().out
        assert '"request_id":"unwritable-1"' in printed
        assert '"request_id":"unwritable-2"' in printed

    def test_processes_sharing_the_file_and_stdout_lose_no_line(self, tmp_path: Path) -> None:
        path = tmp_path / "shared.log"
        code = (
            "import structlog, sys; from pathlib import Path; "
            "from fabricloop.core.logging import configure_logging; "
            "configure_logging('info', Path(sys.argv[1])); "
            "log = structlog.get_logger('w'); "
            "[log.info('line', n=n, worker=sys.argv[2], pad='x' * 300) for n in range(2000)]"
        )
        read_end, write_end = os.pipe()  # stdout shared by every worker, as under journald
        with os.fdopen(read_end, "rb") as pipe:
            workers = [
                subprocess.Popen(  # noqa: S603 - this interpreter running a fixed script
                    [sys.executable, "-c", code, str(path), str(w)], stdout=write_end
                )
                for w in range(3)
            ]
            os.close(write_end)
            piped = pipe.read().decode().splitlines()
        assert [w.wait(timeout=60) for w in workers] == [0, 0, 0]
        expected = {(str(w), n) for w in range(3) for n in range(2000)}
        for lines in (path.read_text().splitlines(), piped):
            entries_ = [json.loads(line) for line in lines]  # a torn line would not parse
            assert len(entries_) == 6000
            assert {(e["worker"], e["n"]) for e in entries_} == expected

    def test_lines_a_moment_apart_go_out_in_one_write(self, tmp_path: Path) -> None:
        """The writer waits a moment after a line for the next ones: under load some fifty
        writes a second, not one per request, and the thread seldom takes the GIL."""
        writer = LineWriter(tmp_path / "batched.log")
        counted = _CountedOutput()
        writer.outputs.append(counted)  # type: ignore[arg-type]
        try:
            for n in range(10):
                writer.put(f"line {n}")
                time.sleep(LINGER_SECONDS / 20)
            writer.flush()
        finally:
            writer.stop()
        assert "".join(counted.writes).splitlines() == [f"line {n}" for n in range(10)]
        assert len(counted.writes) <= 3
        assert (tmp_path / "batched.log").read_text().splitlines() == [
            f"line {n}" for n in range(10)
        ]


class _CountedOutput:
    """An output of the writer's that keeps each write it is given."""

    def __init__(self) -> None:
        self.writes: list[str] = []

    def write(self, text: str) -> None:
        self.writes.append(text)

    def close(self) -> None:
        pass


class TestTimestamp:
    @pytest.mark.parametrize(
        "now",
        [1_800_000_000.5, 1_800_000_000.000001, 1_800_000_000.999999, 1_800_000_001.0, 0.25],
    )
    def test_as_structlogs_iso_utc_stamp(self, now: float) -> None:
        stamp = UtcTimestamp(clock=lambda: now)(None, "info", {})["timestamp"]
        expected = datetime.fromtimestamp(now, UTC)
        assert stamp.endswith("Z")
        assert len(stamp) == len("2027-01-15T08:00:00.500000Z")  # microseconds always written
        assert datetime.fromisoformat(stamp) == expected

    def test_the_second_moves_on(self) -> None:
        times = iter([1_800_000_000.75, 1_800_000_001.25, 1_800_000_061.5])
        stamper = UtcTimestamp(clock=lambda: next(times))
        stamps = [stamper(None, "info", {})["timestamp"] for _ in range(3)]
        assert stamps == [
            "2027-01-15T08:00:00.750000Z",
            "2027-01-15T08:00:01.250000Z",
            "2027-01-15T08:01:01.500000Z",
        ]


class TestWriteRecord:
    """The access line skips structlog's bound logger, not its processors: the same line."""

    FIELDS: ClassVar[dict[str, object]] = {
        "method": "GET",
        "endpoint": "/api/materials/{material_id}",
        "path": "/api/materials/é\"\x00'; DROP TABLE users;--",
        "status_code": 404,
        "duration_ms": 1.25,
        "user_id": None,
    }

    @pytest.mark.parametrize("method", ["info", "warning", "error"])
    def test_the_line_structlog_writes(self, tmp_path: Path, method: str) -> None:
        log = tmp_path / "app.log"
        with logging_to(log):
            request = request_id_var.set("write-record-1")
            user = user_id_var.set("user-1")
            structlog.contextvars.bind_contextvars(tenant="t-1")
            try:
                structlog.get_logger("fabricloop.access").log(
                    LEVELS[method], "request", **self.FIELDS
                )
                write_record("fabricloop.access", method, "request", dict(self.FIELDS))
            finally:
                structlog.contextvars.clear_contextvars()
                request_id_var.reset(request)
                user_id_var.reset(user)
            flush_logs()
        by_structlog, direct = [json.loads(line) for line in log.read_text().splitlines()]
        assert by_structlog.pop("timestamp") <= direct.pop("timestamp")
        assert list(direct.items()) == list(by_structlog.items())  # the same keys, in order
        assert direct["level"] == ("warn" if method == "warning" else method)
        assert (direct["tenant"], direct["request_id"]) == ("t-1", "write-record-1")
        assert direct["user_id"] is None  # the field given, not the context's

    def test_below_the_level_nothing(self, tmp_path: Path) -> None:
        log = tmp_path / "app.log"
        with logging_to(log, level="warning"):
            write_record("fabricloop.access", "info", "request", dict(self.FIELDS))
            write_record("fabricloop.access", "warning", "request", dict(self.FIELDS))
            flush_logs()
        [line] = log.read_text().splitlines()
        assert json.loads(line)["level"] == "warn"
