"""Each benchmark owns one section of docs/performance.md, between markers, rewritten on
every run; the hand-written text around the sections is kept."""

import re
from typing import Any

from bench.env import ROOT

PERFORMANCE = ROOT / "docs" / "performance.md"
HEADER = "# Performance\n\nFigures written by `make bench` (`python -m bench`).\n"


def _machine_line(context: dict[str, Any]) -> str:
    m = context["machine"]
    load = ", ".join(str(x) for x in context.get("load_average_before", []))
    return (
        f"_Run {context['date']} on {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, "
        f"{context['materials']:,} active listings; load average before the run: {load}; "
        f"took {context['seconds']} s._"
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
