"""Each benchmark owns one section of docs/performance.md, between markers, rewritten on
every run; the hand-written text around the sections is kept."""

import re
from typing import Any

from bench.env import CALIBRATION_STEPS, ROOT

PERFORMANCE = ROOT / "docs" / "performance.md"
HEADER = "# Performance\n\nFigures written by `make bench` (`python -m bench`).\n"


def _machine_line(context: dict[str, Any]) -> str:
    m = context["machine"]
    load = ", ".join(str(x) for x in context.get("load_average_before", []))
    check = context.get("cpu_check")
    speed = ""
    if check:
        # The host's other tenants can slow these two cores several times over (the same loop
        # has taken 300 ms and 960 ms minutes apart): compare runs only at similar speeds.
        speed = (
            f"CPU check (a {CALIBRATION_STEPS:,}-step Python loop; CPU pressure) before the "
            f"run: {check['before']['loop_ms']} ms, {check['before']['cpu_pressure_avg10']}%; "
            f"after: {check['after']['loop_ms']} ms, {check['after']['cpu_pressure_avg10']}%; "
        )
    return (
        f"_Run {context['date']} on {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, "
        f"{context['materials']:,} active listings; load average before the run: {load}; "
        f"{speed}took {context['seconds']} s._"
    )


def update_section(name: str, context: dict[str, Any], body: str) -> None:
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    section = f"{start}\n{_machine_line(context)}\n\n{body}\n{end}"
    text = PERFORMANCE.read_text() if PERFORMANCE.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + f"\n\n## Benchmark: {name}\n\n{section}\n"
    PERFORMANCE.write_text(text)
