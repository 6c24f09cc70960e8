"""`make audit`: Lighthouse on the pages a buyer sees first, desktop and mobile.

Starts `fabricloop serve` with the demo marketplace on a fresh database, the way the browser
journeys and `make screenshots` do (e2e/conftest.py `serving`), then runs Lighthouse (its
pinned version through npx, Debian's Chromium, the default simulated throttling) on the
landing, search, material and public passport pages in its desktop and mobile presets, each
page RUNS times; the median of each figure counts. The shared 2-core machine makes the
performance score move between runs, so the load average is recorded beside every run.

Writes the per-run figures to bench/results/lighthouse.json and .md (the full reports stay in
var/lighthouse/) and the summary table into docs/ux-audit.md between its markers. Exits 1
when a median category score is below 95 or a median CLS is 0.05 or more."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.env import machine
from e2e.conftest import CHROMIUM, ROOT, Api, serving

LIGHTHOUSE = "lighthouse@12.8.2"  # the last major that runs on Node 20 (13 needs Node 22)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PRESETS = ["desktop", "mobile"]
MIN_SCORE = 95
MAX_CLS = 0.05
RUNS = 3
ATTEMPTS = 3
RAW = ROOT / "var" / "lighthouse"
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "ux-audit.md"
START, END = "<!-- make audit: start -->", "<!-- make audit: end -->"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-quic"


def pages(api: Api) -> dict[str, str]:
    """The four pages, with a demo listing that has photos for the material and passport."""
    listed = api.get(None, "/api/materials", params={"limit": 20}).json()["materials"]
    material = next(m["material_id"] for m in listed if m["thumbnail_url"])
    return {
        "landing": "/",
        "search": "/materials",
        "material": f"/materials/{material}",
        "passport": f"/passport/{material}",
    }


def lighthouse(url: str, preset: str, out: Path) -> dict[str, Any]:
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        # The mobile preset is Lighthouse's default (no --preset).
        *(["--preset=desktop"] if preset == "desktop" else []),
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    # On a loaded machine Lighthouse now and then loses the trace (NO_NAVSTART): try again.
    for attempt in range(1, ATTEMPTS + 1):
        out.unlink(missing_ok=True)
        done = subprocess.run(command, env=env, timeout=300, cwd=ROOT / "frontend")
        if done.returncode == 0:
            report: dict[str, Any] = json.loads(out.read_text())
            if not report.get("runtimeError"):
                return report
        print(f"  Lighthouse failed on {url} (attempt {attempt})", file=sys.stderr, flush=True)
    raise RuntimeError(f"Lighthouse failed {ATTEMPTS} times on {url}")


def figures(report: dict[str, Any]) -> dict[str, Any]:
    audits = report["audits"]
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failing = {
        c: sorted(
            f"{ref['id']} ({audits[ref['id']]['score']:.2f})"
            for ref in report["categories"][c]["auditRefs"]
            if ref["weight"] > 0
            and audits[ref["id"]]["score"] is not None
            and audits[ref["id"]]["score"] < 1
        )
        for c in CATEGORIES
    }
    shifts = [
        f"{item['node'].get('selector', '?')} ({item.get('score', 0):.3f})"
        for item in (audits.get("layout-shifts", {}).get("details") or {}).get("items", [])
        if isinstance(item.get("node"), dict)
    ]
    lcp_items = (audits.get("largest-contentful-paint-element", {}).get("details") or {}).get(
        "items", []
    )
    lcp_element = next(
        (
            row["node"].get("selector", "?")
            for item in lcp_items
            for row in item.get("items", [])
            if isinstance(row.get("node"), dict)
        ),
        None,
    )
    return {
        **scores,
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        # Lighthouse's own measure of the CPU at the time (higher is faster): with the load
        # average, how far a run's performance score is the machine's rather than the page's.
        "benchmark_index": round(report["environment"]["benchmarkIndex"]),
        "failing": failing,
        "layout_shifts": shifts,
        "lcp_element": lcp_element,
    }


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [*CATEGORIES, "cls", "lcp_ms", "fcp_ms", "tbt_ms", "benchmark_index"]
    median: dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in keys}
    median["load"] = statistics.median(r["load_average"][0] for r in runs)
    # The failing audits and shifts of the run whose performance score is the median.
    middle = sorted(runs, key=lambda r: r["performance"])[len(runs) // 2]
    median.update(failing=middle["failing"], layout_shifts=middle["layout_shifts"])
    median["lcp_element"] = middle["lcp_element"]
    return median


def problems(result: dict[str, dict[str, Any]]) -> list[str]:
    found = []
    for key, row in result.items():
        median = row["median"]
        found += [
            f"{key}: {c} {median[c]:g} < {MIN_SCORE}" for c in CATEGORIES if median[c] < MIN_SCORE
        ]
        if median["cls"] >= MAX_CLS:
            found.append(f"{key}: CLS {median['cls']:g} >= {MAX_CLS}")
    return found


def summary_table(result: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| page | preset | performance | accessibility | best practices | SEO | CLS | LCP "
        "| load (1 min) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, row in result.items():
        page, preset = key.split(" ")
        m = row["median"]
        lines.append(
            f"| {page} | {preset} | {m['performance']:g} | {m['accessibility']:g} | "
            f"{m['best-practices']:g} | {m['seo']:g} | {m['cls']:.3f} | {m['lcp_ms'] / 1000:.1f} s "
            f"| {m['load']:.1f} |"
        )
    return "\n".join(lines)


def raw_report(context: dict[str, Any], result: dict[str, dict[str, Any]]) -> str:
    out = [
        "# Lighthouse run (make audit)\n",
        "Written by `make audit` (`python -m bench.lighthouse`): every run's figures, raw, with "
        "the load average\n(1, 5, 15 min) before it and Lighthouse's CPU benchmark index during "
        "it (CPU; higher is faster).\nThe summary: docs/ux-audit.md.\n",
        f"_Run {context['date']} with {context['lighthouse']} on {context['machine']['nproc']} "
        f"CPUs ({context['machine']['cpu']}), {context['chromium']}; took "
        f"{context['seconds']} s._\n",
        "| page | preset | run | perf | a11y | BP | SEO | CLS | LCP ms | FCP ms | TBT ms | CPU "
        "| load |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for key, row in result.items():
        page, preset = key.split(" ")
        for n, r in enumerate(row["runs"], 1):
            load = ", ".join(f"{x:.2f}" for x in r["load_average"])
            out.append(
                f"| {page} | {preset} | {n} | {r['performance']} | {r['accessibility']} | "
                f"{r['best-practices']} | {r['seo']} | {r['cls']} | {r['lcp_ms']} | "
                f"{r['fcp_ms']} | {r['tbt_ms']} | {r['benchmark_index']} | {load} |"
            )
    out.append("\n## What kept a score below 100 (the median run)\n")
    for key, row in result.items():
        m = row["median"]
        failing = "; ".join(f"{c}: {', '.join(ids)}" for c, ids in m["failing"].items() if ids)
        out.append(f"- **{key}**: {failing or 'nothing'}")
        out.append(f"  - LCP element: `{m['lcp_element']}`")
        if m["layout_shifts"]:
            out.append(f"  - layout shifts: {', '.join(m['layout_shifts'])}")
    return "\n".join(out) + "\n"


def write_doc(table: str, context: dict[str, Any]) -> None:
    loads = context["load_averages"]
    block = (
        f"{START}\n_Latest `make audit`: {context['date']}, {context['lighthouse']}, median of "
        f"{context['runs']} runs per row; the 1-minute load average ranged "
        f"{min(loads):.2f}-{max(loads):.2f} on {context['machine']['nproc']} CPUs "
        f"(per run: bench/results/lighthouse.md)._\n\n{table}\n{END}"
    )
    text = DOC.read_text() if DOC.exists() else f"# UX audit\n\n{START}\n{END}\n"
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    DOC.write_text(before + block + after)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per page and preset")
    parser.add_argument("--only", nargs="*", default=[], help="pages to audit (default: all)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    chromium = subprocess.run(
        [CHROMIUM, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    RAW.mkdir(parents=True, exist_ok=True)
    result: dict[str, dict[str, Any]] = {}
    loads: list[float] = []
    print("Starting the server with the demo marketplace (a fresh database)...", flush=True)
    with serving("audit", seed=True, timeout=600) as base_url:
        for page, path in pages(Api(base_url)).items():
            if args.only and page not in args.only:
                continue
            for preset in PRESETS:
                runs = []
                for n in range(1, args.runs + 1):
                    load = os.getloadavg()
                    loads.append(load[0])
                    report = lighthouse(base_url + path, preset, RAW / f"{page}-{preset}-{n}.json")
                    runs.append({**figures(report), "load_average": [round(x, 2) for x in load]})
                    r = runs[-1]
                    print(
                        f"  {page:<8} {preset:<7} run {n}: "
                        + " ".join(f"{c[:4]} {r[c]}" for c in CATEGORIES)
                        + f" CLS {r['cls']} LCP {r['lcp_ms']} ms (load {load[0]:.2f})",
                        flush=True,
                    )
                result[f"{page} {preset}"] = {"runs": runs, "median": median_of(runs)}
    context = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lighthouse": LIGHTHOUSE,
        "chromium": chromium,
        "machine": machine(),
        "runs": args.runs,
        "load_averages": loads,
        "seconds": round(time.monotonic() - started),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"context": context, "result": result}
    (RESULTS / "lighthouse.json").write_text(json.dumps(payload, indent=2) + "\n")
    (RESULTS / "lighthouse.md").write_text(raw_report(context, result))
    table = summary_table(result)
    if not args.only:
        write_doc(table, context)
    print(table)
    found = problems(result)
    for line in found:
        print(f"below target: {line}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
