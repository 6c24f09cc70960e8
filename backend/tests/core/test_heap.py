"""The server's heap after start-up: frozen, so full collections skip it."""

import gc

import pytest

from fabricloop.core.heap import YOUNG_THRESHOLD


@pytest.mark.usefixtures("app")
def test_startup_heap_frozen() -> None:
    # `app` has been through its lifespan's start-up.
    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
