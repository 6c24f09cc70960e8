"""Instructions instead of seconds: a process run under Valgrind's callgrind counts the
instructions it executes in a window it marks, a figure that does not move with the host's
speed or with what else runs beside it (the CPU time of the same code on these shared hosts
moved 60 % between runs a minute apart). Slow (the window runs some 50 times slower), so only
for a few hundred requests, and only the process's own work: the database's is not counted.

The parent starts the command under `callgrind(...)`; the process, once warmed up, calls
`start()` before its window and `stop()` after it (each a `callgrind_control` call against
its own pid); the parent then reads the window's count with `window_total`."""

import os
import shutil
import subprocess
from pathlib import Path

ENV = "BENCH_CALLGRIND_OUT"  # set in the measured process: where callgrind writes its dumps
WINDOW = "bench-window"


def available() -> bool:
    return shutil.which("valgrind") is not None and shutil.which("callgrind_control") is not None


def callgrind(
    command: list[str], environment: dict[str, str], out_dir: Path
) -> tuple[list[str], dict[str, str]]:
    """`command` under callgrind, counting nothing until the process calls `start()`
    (uninstrumented until then, so its start-up and warm-up run some 5 times slower, not
    50), and `environment` with what tells it so."""
    out_dir.mkdir(parents=True, exist_ok=True)
    wrapped = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        "--collect-systime=no",
        f"--callgrind-out-file={out_dir / 'callgrind.%p'}",
        *command,
    ]
    return wrapped, {**environment, ENV: str(out_dir)}


def measuring() -> bool:
    """Whether this process runs under `callgrind` (and counts its window)."""
    return ENV in os.environ


def _control(*arguments: str) -> None:
    subprocess.run(
        ["callgrind_control", *arguments, str(os.getpid())], check=True, capture_output=True
    )


def start() -> None:
    """Count from here (the counters are zeroed)."""
    _control("--zero")
    _control("--instr=on")


def stop() -> None:
    """Write the window's count to a dump of its own, and count no more."""
    _control(f"--dump={WINDOW}")
    _control("--instr=off")


def window_total(out_dir: Path) -> int:
    """The instructions counted between `start()` and `stop()` (every thread of the process)."""
    for dump in sorted(out_dir.glob("callgrind.*")):
        with dump.open(errors="replace") as lines:
            window = False
            for line in lines:
                if line.startswith("desc: Trigger:"):
                    window = line.split(":", 2)[2].split() == ["dump", WINDOW]
                elif line.startswith("summary:") and window:
                    return int(line.split()[1])
                elif line.startswith(("summary:", "fn=")):
                    break
    raise LookupError(f"no dump of the window {WINDOW!r} in {out_dir}")
