"""Each benchmark's latest figures go to bench/results/<name>.md, rewritten on every run;
docs/performance.md (written by hand) summarises them."""

from pathlib import Path
from typing import Any

from bench.env import CALIBRATION_STEPS, ROOT

RESULTS = ROOT / "bench" / "results"


def _starts(context: dict[str, Any]) -> str:
    starts = context.get("server_start_seconds")
    after = context.get("load_average_after")
    text = f", load average after: {', '.join(str(x) for x in after)}" if after else ""
    if starts:
        text += f", of which starting its servers {', '.join(str(x) for x in starts)} s"
    rss = context.get("app_rss_mb")
    if rss:
        text += "; RSS per app process after it (MB): " + "; ".join(
            f"{name}: {', '.join(str(x) for x in values)}" for name, values in rss.items()
        )
    return text


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
        f"{speed}took {context['seconds']} s{_starts(context)}._"
    )


def update_section(name: str, context: dict[str, Any], body: str, results: Path = RESULTS) -> None:
    header = (
        f"# Benchmark run: {name}\n\nWritten by `make bench` (`python -m bench {name}`): the "
        "latest run's figures, raw, with its\nmachine and load. What they mean: "
        "docs/performance.md.\n"
    )
    results.mkdir(parents=True, exist_ok=True)
    (results / f"{name}.md").write_text(f"{header}\n{_machine_line(context)}\n\n{body}\n")
