"""The app's log file in a test: one JSON object per line (the `log_file` fixture)."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from fabricloop.core.logging import configure_logging


@contextmanager
def logging_to(path: Path) -> Iterator[Path]:
    """Configure logging at info level into `path`; restore the previous set-up after."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_structlog = structlog.get_config()
    configure_logging("info", path)
    try:
        yield path
    finally:
        for handler in list(root.handlers):
            handler.close()
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        structlog.configure(**saved_structlog)


def entries(path: Path, request_id: str) -> list[dict[str, object]]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    return [entry for entry in lines if entry.get("request_id") == request_id]
