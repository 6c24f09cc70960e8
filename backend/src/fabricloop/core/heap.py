"""The garbage collector of a long-running server. Everything built at start-up (modules,
routes, models, pools) lives as long as the process, yet every full collection walks all of it:
tens of milliseconds on the event loop, which requests queued behind it see as their tail
latency. Freezing the start-up heap leaves collections with just the objects requests make."""

import gc

# Young collections run every YOUNG_THRESHOLD net allocations of tracked objects (700 by
# default): a request makes a few hundred, so raising it spares most requests a collection.
YOUNG_THRESHOLD = 10_000


def freeze_startup_heap() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
