"""The app's instructions per request, counted under Valgrind's callgrind (bench.instructions):
each request kind of `python -m bench.inprocess` (an order, a paid purchase, a message, a new
listing, a listing's edit) made by 32 tasks calling the ASGI app in one process, 320 of them
counted after a warm-up. Unlike the CPU time, this figure does not move with the host's speed
or its neighbours, so it compares one round's code with another's across machines (on the
same Python: the interpreter's own version changes it). Only the app's process is counted,
not PostgreSQL's or Redis's work. Not in a quick run: each kind takes minutes under
callgrind."""

from typing import Any

from bench import instructions
from bench.env import QUICK, BenchEnv
from bench.inprocess import COUNTED_PURCHASES, REQUESTS, counted

NAME = "app_instructions"
DATABASE = ("xact_commit", "tup_returned", "blks_hit")


def run(env: BenchEnv) -> dict[str, Any]:
    del env  # bench.inprocess finds the same database and Redis itself
    if QUICK:
        return {"skipped": "not in a quick run (minutes per request kind under callgrind)"}
    if not instructions.available():
        return {"skipped": "Valgrind (callgrind_control included) is not installed"}
    rows = []
    for request in REQUESTS:
        figures = counted(["--purchases", str(COUNTED_PURCHASES), "--request", request], None)
        rows.append(
            {
                "request": request,
                "counted": figures["purchases"],
                "instructions": figures["app_instructions_per_purchase"],
                "statuses": figures["statuses"],
                "database": {k: figures["database_per_purchase"][k] for k in DATABASE},
            }
        )
    return {"rows": rows}


def report(result: dict[str, Any]) -> str:
    if "skipped" in result:
        return f"Skipped: {result['skipped']}."
    lines = [
        "The app's instructions per request (`python -m bench.inprocess --instructions`: 32 "
        "tasks calling the ASGI app in one process, under Valgrind's callgrind, counting "
        "only the measured window after a warm-up; every thread of the process). `pay` is a "
        "paid purchase: the order and its payment. Beside it, what PostgreSQL counted for the "
        "bench database per request (its work is not in the instructions).",
        "",
        "| request | counted | app instructions per request | statuses | commits, rows read, "
        "buffer hits |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for row in result["rows"]:
        statuses = ", ".join(f"{k}: {v}" for k, v in row["statuses"].items())
        database = ", ".join(str(row["database"][k]) for k in DATABASE)
        lines.append(
            f"| {row['request']} | {row['counted']} | {row['instructions']:,} | {statuses} | "
            f"{database} |"
        )
    return "\n".join(lines)
