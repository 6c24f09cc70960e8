"""The app's log file in a test: one JSON object per line (the `log_file` fixture)."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from fabricloop.core.logging import configure_logging, flush_logs, stop_logging


@contextmanager
def logging_to(path: Path, level: str = "info") -> Iterator[Path]:
    """Configure logging at `level` into `path`; restore the previous set-up after."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_structlog = structlog.get_config()
    configure_logging(level, path)
    try:
        yield path
    finally:
        stop_logging()
        for handler in list(root.handlers):
            handler.close()
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        structlog.configure(**saved_structlog)


def all_entries(path: Path) -> list[dict[str, object]]:
    """Every record written to the log file so far."""
    flush_logs()
    return [json.loads(line) for line in path.read_text().splitlines()]


def entries(path: Path, request_id: str) -> list[dict[str, object]]:
    return [entry for entry in all_entries(path) if entry.get("request_id") == request_id]
