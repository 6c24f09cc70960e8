"""Counting instructions under callgrind (bench.instructions): only the window the process
marks is counted, its count follows the work done in it, and the same work counts the same
whatever else the host is doing. Real Valgrind, a real Python process."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bench import instructions

pytestmark = pytest.mark.skipif(
    not instructions.available(), reason="Valgrind's callgrind is not installed"
)

# Python's work before the window (start-up and `before` loops) and in it (`inside` loops).
SCRIPT = textwrap.dedent(
    """
    import sys
    from bench import instructions

    def work(steps):
        total = 0
        for step in range(steps):
            total += step * step
        return total

    before, inside = int(sys.argv[1]), int(sys.argv[2])
    work(before)
    instructions.start()
    work(inside)
    instructions.stop()
    work(before)
    """
)


def _window(tmp_path: Path, name: str, before: int, inside: int) -> int:
    out_dir = tmp_path / name
    command, environment = instructions.callgrind(
        [sys.executable, "-c", SCRIPT, str(before), str(inside)],
        {**os.environ, "PYTHONPATH": str(Path(instructions.__file__).parents[1])},
        out_dir,
    )
    assert environment[instructions.ENV] == str(out_dir)
    subprocess.run(  # noqa: S603 - valgrind, our own interpreter and script
        command, env=environment, check=True, capture_output=True, timeout=300
    )
    return instructions.window_total(out_dir)


def test_the_window_alone_is_counted_and_follows_the_work(tmp_path: Path) -> None:
    small = _window(tmp_path, "small", before=0, inside=100_000)
    twice = _window(tmp_path, "twice", before=0, inside=200_000)
    # Four times as much work outside the window changes nothing inside it (the window's
    # edges, where the control commands start and end, add some 1.5 M instructions of their
    # own: 2 % of this small window, nothing beside a benchmark's billions).
    busy_around = _window(tmp_path, "busy_around", before=400_000, inside=100_000)
    # An empty window: its edges only. Python's start-up (tens of millions of instructions,
    # more than half of `small`) is not in it. Relative figures throughout: under coverage (as
    # `make test` runs) the child is traced too, and every step costs some 2.5 times more.
    empty = _window(tmp_path, "empty", before=400_000, inside=0)
    assert 1.9 < twice / small < 2.1
    assert abs(busy_around - small) / small < 0.05
    assert empty < small / 10


def test_no_window_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "callgrind.1").write_text(
        "# callgrind format\nversion: 1\ndesc: Trigger: Program termination\n"
        "events: Ir\nsummary: 1234\n\nfn=(1) main\n0 1234\n"
    )
    with pytest.raises(LookupError):
        instructions.window_total(tmp_path)
    (tmp_path / "callgrind.1.1").write_text(
        "# callgrind format\nversion: 1\ndesc: Trigger: dump bench-window\n"
        "events: Ir\nsummary: 5678\n\nfn=(1) main\n0 5678\n"
    )
    assert instructions.window_total(tmp_path) == 5678
